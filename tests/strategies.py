"""Hypothesis strategies shared by the test files: bounded, NaN-free values and small shapes."""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

DTYPES = [np.float64, np.float32]


def floats(lo: float = -3.0, hi: float = 3.0):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=64)


def arrays(shape, dtype=np.float64, lo: float = -3.0, hi: float = 3.0):
    """An array of ``shape`` with values in [lo, hi] (cast to ``dtype``)."""
    return hnp.arrays(np.float64, shape, elements=floats(lo, hi)).map(lambda a: a.astype(dtype))


def seeded_array(shape, seed: int, dtype=np.float64, scale: float = 1.0) -> np.ndarray:
    """Deterministic normal values for a drawn seed: cheaper than drawing every element."""
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(dtype)


seeds = st.integers(0, 2**31 - 1)
small_dims = st.integers(1, 5)
