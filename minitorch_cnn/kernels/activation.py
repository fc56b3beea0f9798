"""ReLU forward and backward, each a NumPy version and a Numba twin with the same signature.

::

    y  = 0 if a < 0 else a    (as torch: NaN stays NaN, −0.0 stays −0.0)
    da = 0 if y ≤ 0 else dy   (y ≤ 0 exactly where a ≤ 0, so backward needs only the output, not a
                              a mask; at a NaN input y is NaN, "NaN ≤ 0" is false: dy passes, as torch)

Written with ``a < 0`` and ``y ≤ 0`` rather than ``a > 0`` / ``y > 0``: every comparison with NaN is
false, so the two forms differ exactly at NaN (the ``> 0`` form turned NaN into 0 and hid diverging
weights: the loss stayed finite).

The twins run over the flattened arrays: one pass, no temporary mask. Like every layer kernel they are
compiled without ``parallel=True``: a parallel loop leaves Numba's OpenMP workers spinning while the
next matmul's BLAS threads need the cores (SimpleCNN training step on 2 cores, 2 Numba + 2 BLAS
threads: 123.6 ms with parallel layer kernels, 14.3 ms without; benchmarks/, "threads" rows).
"""
from __future__ import annotations

import numba
import numpy as np
from .jit import kernel


def relu_forward(a):
    """``y = 0 where a < 0, else a`` (same dtype and shape; NaN and −0.0 pass through)."""
    return np.where(a < 0, np.zeros((), dtype=a.dtype), a)


def relu_backward(y, g):
    """``da = 0 where y ≤ 0, else g``; ``y`` is the forward's output (NaN: ``g`` passes)."""
    return np.where(y <= 0, np.zeros((), dtype=g.dtype), g)


@kernel()
def _relu_forward_flat(a, out):
    for i in numba.prange(a.size):
        v = a[i]
        out[i] = 0 if v < 0 else v


@kernel()
def _relu_backward_flat(y, g, out):
    for i in numba.prange(y.size):
        out[i] = 0 if y[i] <= 0 else g[i]


def relu_forward_numba(a):
    """Numba twin of :func:`relu_forward`."""
    a = a if a.flags.c_contiguous else a.copy()  # (np.ascontiguousarray would turn 0-d into 1-d)
    out = np.empty(a.shape, dtype=a.dtype)
    _relu_forward_flat(a.reshape(-1), out.reshape(-1))
    return out


def relu_backward_numba(y, g):
    """Numba twin of :func:`relu_backward`."""
    g = g if g.flags.c_contiguous else g.copy()
    y = y if y.flags.c_contiguous else y.copy()
    out = np.empty(g.shape, dtype=g.dtype)
    _relu_backward_flat(y.reshape(-1), g.reshape(-1), out.reshape(-1))
    return out
