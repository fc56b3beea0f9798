"""What the parity sweep shares: tolerances, the error measure, a result row, torch on demand."""
from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field

import numpy as np

TORCH_MISSING = ("minitorch-cnn parity needs PyTorch, which is not installed; install it: "
                 "pip install torch==2.13.0 (or the test extra: pip install 'minitorch-cnn[test]')")

TOLERANCES = {"float64": (1e-10, 1e-12), "float32": (1e-4, 1e-5)}
OPT_STEPS = 20
SCHED_STEPS = 25


def _torch():
    try:
        import torch
    except ImportError:
        raise RuntimeError(TORCH_MISSING) from None
    return torch


def rel_error(ours, theirs, dtype: str) -> float:
    """``max |a − b| / (|b| + atol/rtol)``: ≤ rtol exactly when ``np.allclose(a, b, rtol, atol)``."""
    rtol, atol = TOLERANCES[dtype]
    a = np.asarray(ours, dtype=np.float64)
    b = np.asarray(theirs, dtype=np.float64)
    if a.shape != b.shape:
        raise AssertionError(f"shape {a.shape} differs from torch's {b.shape}")
    if a.size == 0:
        return 0.0
    if not (np.isfinite(a) == np.isfinite(b)).all():
        return math.inf
    a, b = np.where(np.isfinite(a), a, 0.0), np.where(np.isfinite(b), b, 0.0)
    return float(np.max(np.abs(a - b) / (np.abs(b) + atol / rtol)))


@dataclass
class Row:
    kind: str
    name: str
    dtype: str
    cases: int = 0
    worst: float = 0.0
    where: str = ""
    error: str = ""
    configs: list = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.error and self.worst <= TOLERANCES[self.dtype][0]

    def add(self, err: float, where: str) -> None:
        if err > self.worst or (math.isnan(err)):
            self.worst, self.where = err, where


@contextlib.contextmanager
def _default_dtype(torch, dtype: str):
    """float64 comparisons run with torch's default dtype float64 (optimizer step counts, NAdam's mu)."""
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64 if dtype == "float64" else torch.float32)
    try:
        yield
    finally:
        torch.set_default_dtype(old)
