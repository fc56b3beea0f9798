"""``minitorch-cnn parity``: the randomized sweep against torch (code in :mod:`minitorch_cnn.parity`)."""
from __future__ import annotations

import argparse

from .train import _seed  # the same seed range as train's --seed


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "parity", help="randomized parity sweep against torch",
        description="Compare every layer, loss, optimizer and scheduler with torch on random inputs and "
                    "print one row each: the worst relative error and PASS/FAIL against the parity "
                    "tolerances (float64: 1e-10; float32: 1e-4). Exit code 1 if anything fails.")
    p.add_argument("--seed", type=_seed, default=0, help="random seed, 0 to 2**32-1 (default 0)")
    p.add_argument("--trials", type=_positive_int, default=3, help="random cases per row (default 3)")
    p.add_argument("--dtype", choices=["float64", "float32", "both"], default="both",
                   help="which precision to check (default both)")
    p.add_argument("--only", default=None, metavar="SUBSTRING",
                   help="only the rows whose name contains SUBSTRING (case-insensitive)")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    from ..parity import run_sweep
    return run_sweep(seed=args.seed, trials=args.trials, dtype=args.dtype, only=args.only)
