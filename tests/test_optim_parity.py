"""Every optimizer's parameter trajectory equals torch's (or reference/'s for Lion and LAMB).

One table (``tests/optim_strategies.py::OPTIM_CASES``) drives the tests.  Hypothesis draws the
hyperparameters, two parameter shapes, the gradient sequences (a seed) and the number of steps
(≥ 20); a second test starts every optimizer from all-zero parameters (a zero-initialised bias).
Each run has two param groups with different learning rates, and the second parameter's gradient
is ``None`` on drawn steps (it must then be skipped, state untouched).  After every step every
parameter must match: float64 within rel 1e-10, float32 within rel 1e-4 (absolute floor 1e-5).
Runs under both kernel backends.

``OPTIM_ERROR_REPORT=path.json`` writes the worst relative error seen per optimizer and dtype, and
the number of hypothesis examples run; ``python tests/test_optim_parity.py [profile]`` runs this
file that way and prints the table.
"""
from __future__ import annotations

import contextlib
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[1]
if __name__ == "__main__":  # run as a script: make the checkout importable
    sys.path.insert(0, str(REPO))
import minitorch_cnn as mt  # noqa: E402
from minitorch_cnn import nn
from optim_strategies import (CASE_IDS, OPTIM_CASES, gradient_sequence,
                              grad_scales, param_shapes, seeds, steps)

TOL = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=1e-4, atol=1e-5)}

# worst |ours − torch| / (atol + rtol·|torch|) ratio and worst relative error, per (optimizer, dtype)
WORST: dict = defaultdict(lambda: {"max_rel_err": 0.0, "max_abs_err": 0.0, "examples": 0, "steps": 0})


@contextlib.contextmanager
def torch_default_dtype(dtype):
    """torch keeps ``step`` and NAdam's ``mu_product`` in its default dtype: match the run's dtype."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64 if dtype == np.float64 else torch.float32)
    try:
        yield
    finally:
        torch.set_default_dtype(previous)


def assert_close(ours, theirs, dtype, what):
    """Compare one parameter; record the worst errors; fail with step, values and tolerance."""
    tol = TOL[dtype]
    diff = np.abs(ours.astype(np.float64) - theirs.astype(np.float64))
    rel = diff / np.maximum(np.abs(theirs.astype(np.float64)), np.finfo(np.float64).tiny)
    bad = diff > tol["atol"] + tol["rtol"] * np.abs(theirs)
    if bad.any():
        i = np.unravel_index(np.argmax(np.where(bad, diff, -1)), diff.shape)
        raise AssertionError(f"{what}: at index {i} ours={ours[i]!r} torch={theirs[i]!r} "
                             f"(|diff|={diff[i]:.3e}, tolerance rtol={tol['rtol']}, atol={tol['atol']})")
    # relative error where the value is not near zero (below the absolute floor the floor governs)
    meaningful = np.abs(theirs) > tol["atol"] / tol["rtol"]
    return float(rel[meaningful].max()) if meaningful.any() else 0.0, float(diff.max())


def run_both(case, kw, shapes, grads, none_steps, dtype, *, device="cpu", second_lr_factor=0.5,
             roundtrip_at=None, inits=None):
    """Step ours and the oracle side by side on the same gradients; compare after every step."""
    if inits is None:
        rng = np.random.default_rng(len(grads[0]))
        inits = [rng.standard_normal(shape).astype(dtype) for shape in shapes]
    ours = [nn.Parameter(mt.Tensor(a.copy())) for a in inits]
    theirs = [torch.nn.Parameter(torch.tensor(a.copy(), device=device)) for a in inits]
    lr2 = kw["lr"] * second_lr_factor
    our_opt = case.make_ours([{"params": [ours[0]]}, {"params": [ours[1]], "lr": lr2}], kw)
    their_opt = case.make_oracle([{"params": [theirs[0]]}, {"params": [theirs[1]], "lr": lr2}], kw)
    worst_rel = worst_abs = 0.0
    for t in range(len(grads[0])):
        for i, (p, q) in enumerate(zip(ours, theirs)):
            if i == 1 and t in none_steps:
                p.grad, q.grad = None, None
            else:
                p.grad = mt.Tensor(grads[i][t].copy())
                q.grad = torch.tensor(grads[i][t].copy(), device=device)
        our_opt.step()
        their_opt.step()
        if roundtrip_at == t:  # resume from a checkpoint into a fresh optimizer
            saved = our_opt.state_dict()
            our_opt = case.make_ours([{"params": [ours[0]]}, {"params": [ours[1]], "lr": lr2}], kw)
            our_opt.load_state_dict(saved)
        for i, (p, q) in enumerate(zip(ours, theirs)):
            rel, ab = assert_close(p.array, q.detach().cpu().numpy(), dtype,
                                   f"{case.name} {kw} param {i} {p.shape} step {t + 1}")
            worst_rel, worst_abs = max(worst_rel, rel), max(worst_abs, ab)
    return worst_rel, worst_abs


def record(case, dtype, worst_rel, worst_abs, n_steps):
    entry = WORST[f"{case.name}/{np.dtype(dtype).name}"]
    entry["max_rel_err"] = max(entry["max_rel_err"], worst_rel)
    entry["max_abs_err"] = max(entry["max_abs_err"], worst_abs)
    entry["examples"] += 1
    entry["steps"] += n_steps


@pytest.fixture(scope="module", autouse=True)
def _error_report():
    yield
    path = os.environ.get("OPTIM_ERROR_REPORT")
    if path:
        old = json.load(open(path)) if os.path.exists(path) else {}
        for key, entry in WORST.items():
            prev = old.get(key, {"max_rel_err": 0.0, "max_abs_err": 0.0, "examples": 0, "steps": 0})
            old[key] = {"max_rel_err": max(prev["max_rel_err"], entry["max_rel_err"]),
                        "max_abs_err": max(prev["max_abs_err"], entry["max_abs_err"]),
                        "examples": prev["examples"] + entry["examples"], "steps": prev["steps"] + entry["steps"]}
        with open(path, "w") as f:
            json.dump(old, f, indent=1, sort_keys=True)


@st.composite
def runs(draw, case):
    kw = draw(case.hyper)
    shapes = [draw(param_shapes), draw(param_shapes)]
    n_steps = draw(steps)
    seed, scale = draw(seeds), draw(grad_scales)
    none_steps = draw(st.sets(st.integers(0, n_steps - 1), max_size=n_steps // 3))
    second_lr_factor = draw(st.sampled_from([0.5, 2.0]))
    return kw, shapes, n_steps, seed, scale, none_steps, second_lr_factor


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("case", OPTIM_CASES, ids=CASE_IDS)
def test_trajectory_matches_torch(case, dtype, backend):
    @given(data=st.data())
    def check(data):
        kw, shapes, n_steps, seed, scale, none_steps, factor = data.draw(runs(case))
        grads = [gradient_sequence(shape, n_steps, seed + i, scale, dtype) for i, shape in enumerate(shapes)]
        with torch_default_dtype(dtype):
            worst_rel, worst_abs = run_both(case, kw, shapes, grads, none_steps, dtype, second_lr_factor=factor)
        record(case, dtype, worst_rel, worst_abs, n_steps)

    check()


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("case", OPTIM_CASES, ids=CASE_IDS)
def test_zero_initialised_parameters_move_like_torch(case, dtype, backend):
    """A zero-initialised bias (‖w‖ = 0) and a zero matrix: LAMB's trust ratio must fall back to 1 (a
    ratio of 0 would freeze them forever), and every optimizer must move them as torch does — on
    every run, whatever the drawn hyperparameters and gradients."""
    @settings(max_examples=3)
    @given(data=st.data())
    def check(data):
        kw = data.draw(case.hyper, label="hyperparameters")
        shapes, n_steps = [(5,), (3, 4)], 20
        seed = data.draw(seeds, label="gradient seed")
        grads = [gradient_sequence(shape, n_steps, seed + i, 1.0, dtype) for i, shape in enumerate(shapes)]
        grads[0][0] = np.ones(shapes[0], dtype)  # a first step that must move the bias
        inits = [np.zeros(shape, dtype) for shape in shapes]
        with torch_default_dtype(dtype):
            run_both(case, kw, shapes, grads, set(), dtype, inits=inits)

    check()


@settings(max_examples=5)
@pytest.mark.parametrize("case", OPTIM_CASES, ids=CASE_IDS)
@given(data=st.data())
def test_state_dict_roundtrip_mid_run_continues_trajectory(case, data):
    """Save after a drawn step, load into a fresh optimizer, and keep matching torch's uninterrupted run."""
    kw, shapes, n_steps, seed, scale, none_steps, factor = data.draw(runs(case))
    roundtrip_at = data.draw(st.integers(0, n_steps - 2))
    grads = [gradient_sequence(shape, n_steps, seed + i, scale, np.float64) for i, shape in enumerate(shapes)]
    with torch_default_dtype(np.float64):
        run_both(case, kw, shapes, grads, none_steps, np.float64, second_lr_factor=factor, roundtrip_at=roundtrip_at)


@pytest.mark.cuda
@pytest.mark.parametrize("case", OPTIM_CASES, ids=CASE_IDS)
def test_trajectory_matches_torch_on_cuda(case):
    """The same comparison with torch (and reference/) running on the GPU; skipped without one."""
    if not torch.cuda.is_available():
        pytest.skip("torch sees no CUDA device")

    @settings(max_examples=5)
    @given(data=st.data())
    def check(data):
        kw, shapes, n_steps, seed, scale, none_steps, factor = data.draw(runs(case))
        grads = [gradient_sequence(shape, n_steps, seed + i, scale, np.float64) for i, shape in enumerate(shapes)]
        with torch_default_dtype(np.float64):
            run_both(case, kw, shapes, grads, none_steps, np.float64, device="cuda", second_lr_factor=factor)

    check()


if __name__ == "__main__":  # python tests/test_optim_parity.py [ci|dev]: print the worst errors vs torch
    import subprocess
    import tempfile

    report = os.path.join(tempfile.mkdtemp(), "optim_errors.json")
    env = dict(os.environ, OPTIM_ERROR_REPORT=report, HYPOTHESIS_PROFILE=(sys.argv[1:] or ["ci"])[0])
    subprocess.run([sys.executable, "-m", "pytest", __file__, "-q", "-p", "no:cacheprovider",
                    "-k", "test_trajectory_matches_torch and not cuda"], env=env, check=True, cwd=REPO)
    table = json.load(open(report))
    print(f"{'optimizer/dtype':22s} {'max rel err':>12s} {'max abs err':>12s} {'examples':>9s} {'steps':>7s}")
    for key, e in sorted(table.items()):
        print(f"{key:22s} {e['max_rel_err']:12.2e} {e['max_abs_err']:12.2e} {e['examples']:9d} {e['steps']:7d}")
