"""``minitorch-cnn bench``: the timings live in ``benchmarks/`` (they import torch; the engine never does)."""
from __future__ import annotations

import argparse
import sys


def add_parser(sub) -> argparse.ArgumentParser:
    """The ``bench`` subcommand: options are defined in ``benchmarks/bench.py::add_arguments``."""
    p = sub.add_parser("bench", help="time minitorch_cnn against torch",
                       description="Time our NumPy and Numba backends against torch (CPU, and CUDA when "
                                   "present) on the same shapes and thread count; print ratios, write JSON "
                                   "and a PNG bar chart (code in benchmarks/).")
    try:
        from minitorch_cnn.benchmarks.bench import add_arguments
    except ImportError:
        p.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    else:
        add_arguments(p)
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    try:
        from minitorch_cnn.benchmarks.bench import run as run_bench
    except ImportError:
        print("minitorch-cnn bench: the benchmarks are not available in this installation "
              "(reinstall the package: pip install .)", file=sys.stderr)
        return 2
    try:
        import torch  # noqa: F401 - the benchmark times torch too
    except ImportError:
        from ..training.config import TORCH_MISSING

        print(f"minitorch-cnn bench: error: {TORCH_MISSING}", file=sys.stderr)
        return 2
    return run_bench(args)
