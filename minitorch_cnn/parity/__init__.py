"""``minitorch-cnn parity``: a quick randomized sweep of the engine against torch.

Every layer, loss, optimizer and learning-rate scheduler is run on a few random cases, in float64
and float32, on this engine and on torch from the same inputs and weights, and compared:

* layers and losses: the forward output and the gradients of the input and of every parameter,
  for a random upstream gradient;
* optimizers: the parameter trajectory over 20 steps of the same random gradients, for random
  hyperparameters (weight decay, maximize, amsgrad, nesterov, centered, ...), on a matrix, a 3-D
  and a 1-D parameter;
* schedulers: the learning-rate sequence over 25 steps, for random arguments.

The error of a comparison is ``max |ours − torch| / (|torch| + atol/rtol)``, so it passes exactly when
``|ours − torch| ≤ rtol·|torch| + atol`` everywhere (``np.allclose``), with the parity tolerances (docs/architecture.md):
float64 rtol 1e-10 (atol 1e-12), float32 rtol 1e-4 (atol 1e-5). Scheduler learning rates are Python
floats and use the float64 tolerance.

This is the command-line cousin of the property tests in ``tests/``: fewer cases, one table. torch
is imported inside the functions only, so the engine itself never needs it.
"""
from __future__ import annotations

import sys
import time
from typing import Callable

import numpy as np

from .cases import (_layer_cases, _loss_cases, _optimizer_configs, _scheduler_configs, check_layer, check_loss,
                    check_optimizer, check_scheduler)
from .common import OPT_STEPS, SCHED_STEPS, TOLERANCES, TORCH_MISSING, Row, _torch, rel_error  # noqa: F401


# ---------------------------------------------------------------------------------------------
# the sweep


def sweep(seed: int = 0, trials: int = 3, dtype: str = "both", only: str | None = None,
          on_row: Callable[[Row], None] | None = None) -> list[Row]:
    """Run every check ``trials`` times; returns one :class:`Row` per (component, dtype)."""
    import warnings

    _torch()
    rng = np.random.default_rng(seed)
    dtypes = ["float64", "float32"] if dtype == "both" else [dtype]
    plan: list[tuple[str, str, Callable, Callable, list[str]]] = []
    for name, make in _layer_cases(rng).items():
        plan.append(("layer", name, make, check_layer, dtypes))
    for name, make in _loss_cases(rng).items():
        plan.append(("loss", name, make, check_loss, dtypes))
    for name, draw in _optimizer_configs(rng).items():
        plan.append(("optimizer", name, draw, check_optimizer, dtypes))
    for name, draw in _scheduler_configs(rng).items():
        plan.append(("scheduler", name, draw, check_scheduler, ["float64"]))
    rows = []
    for kind, name, make, check, row_dtypes in plan:
        if only and only.lower() not in name.lower() and only.lower() != kind:
            continue
        for dt in row_dtypes:
            row = Row(kind, name, dt)
            for _ in range(trials):
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        check(name, make, rng, dt, row)
                    row.cases += 1
                except Exception as e:  # noqa: BLE001 - a crash is a FAIL row with its message
                    row.error = f"{type(e).__name__}: {e}"
                    break
            rows.append(row)
            if on_row is not None:
                on_row(row)
    return rows


HEADER = f"{'kind':<10} {'name':<28} {'dtype':<8} {'cases':>5} {'worst rel err':>13} {'tol':>7}  result"


def format_row(row: Row) -> str:
    tol = TOLERANCES[row.dtype][0]
    worst = "-" if row.error else f"{row.worst:.2e}"
    line = (f"{row.kind:<10} {row.name:<28} {row.dtype:<8} {row.cases:>5} {worst:>13} {tol:>7.0e}  "
            f"{'PASS' if row.passed else 'FAIL'}")
    if row.error:
        line += f"  ({row.error.splitlines()[0][:160]})"
    elif not row.passed:
        line += f"  (worst: {row.where})"
    return line


def run_sweep(seed: int = 0, trials: int = 3, dtype: str = "both", only: str | None = None) -> int:
    """Print the table; return 0 when every row passes, 1 otherwise (the command's exit code)."""
    try:
        _torch()
    except RuntimeError as e:
        print(str(e), file=sys.stderr)
        return 2
    import torch
    print(f"parity sweep against torch {torch.__version__}: seed {seed}, {trials} random case(s) per row; "
          f"error = max|ours - torch| / (|torch| + atol/rtol), PASS when <= rtol")
    print(HEADER)
    print("-" * len(HEADER))
    start = time.perf_counter()
    rows = sweep(seed, trials, dtype, only, on_row=lambda r: print(format_row(r), flush=True))
    failed = [r for r in rows if not r.passed]
    print("-" * len(HEADER))
    print(f"{len(rows) - len(failed)} of {len(rows)} rows passed in {time.perf_counter() - start:.1f} s"
          + (f"; FAILED: {', '.join(f'{r.name} ({r.dtype})' for r in failed)}" if failed else ""))
    if not rows:  # a usage error (exit code 2), not a failed check
        print(f"minitorch-cnn parity: error: no rows matched --only {only!r}", file=sys.stderr)
        return 2
    return 1 if failed else 0
