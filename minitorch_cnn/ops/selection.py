"""Functions that pick, accumulate or spread values: gather, cumsum, cumprod, masked_fill, variance, and
the zero-gradient roundings.

- ``gather``: ``y[i][j] = a[index[i][j]][j]`` (dim 0); its backward scatters ``dy`` back, adding where
  one element was picked twice.
- ``cumsum``: ``y_k = Σ_{i≤k} a_i``; every ``a_i`` feeds all ``y_k`` with ``k ≥ i``, so
  ``da_i = Σ_{k≥i} dy_k``: a cumulative sum of ``dy`` taken from the other end.
- ``cumprod``: ``y_k = Π_{i≤k} a_i``; ``da_i = Σ_{k≥i} dy_k · Π_{j≤k, j≠i} a_j``, in torch's order of
  evaluation around zeros (see :class:`CumProd`).
- ``var``: ``v = Σ (a − ā)² / (n − c)`` with the correction ``c`` (1: Bessel's, torch's default);
  ``da = dv · 2 (a − ā) / (n − c)`` (the mean's own dependence on ``a`` cancels out, since
  ``Σ (a − ā) = 0``).
"""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from ..errors import warn


def checked_index(idx: np.ndarray, size: int, d: int, who: str = "") -> np.ndarray:
    """``idx`` as int64 when every entry lies in ``[0, size)``; else torch's error naming the first bad
    index in memory order (``who``, e.g. ``"scatter(): "``, starts the message). For gather and scatter."""
    out_of_range = idx[(idx < 0) | (idx >= size)]
    if out_of_range.size:
        raise RuntimeError(f"{who}index {int(out_of_range[0])} is out of bounds for dimension {d} with size {size}")
    return idx.astype(np.int64, copy=False)


class Gather(Function):
    """``y = take_along_axis(a, index, dim)``;  ``da = 0`` with ``dy`` added at the gathered places."""
    node_name = "GatherBackward0"  # torch's grad_fn name

    def forward(self, a, index, dim):
        self.shape, self.index, self.dim = a.shape, index, dim
        return np.take_along_axis(a, index, axis=dim)

    def backward(self, g):
        da = np.zeros(self.shape, dtype=g.dtype)
        # np.add.at accumulates repeated indices (put_along_axis would keep only the last one)
        idx = list(np.indices(self.index.shape, sparse=True))
        idx[self.dim] = self.index
        np.add.at(da, tuple(idx), g)
        return da, None, None


class CumSum(Function):
    """``y = cumsum(a, dim)``;  ``da = flip(cumsum(flip(dy)))`` along ``dim``."""
    node_name = "CumsumBackward0"  # torch's grad_fn name

    def forward(self, a, dim):
        self.dim = dim
        return np.cumsum(a, axis=dim, dtype=a.dtype)  # (NumPy would widen an int32 sum to int64)

    def backward(self, g):
        return np.flip(np.cumsum(np.flip(g, self.dim), axis=self.dim), self.dim), None


class CumProd(Function):
    """``y_k = Π_{i≤k} a_i`` along ``dim``;  ``da_i = Σ_{k≥i} dy_k · Π_{j≤k, j≠i} a_j``, computed as torch
    does so that zeros (and infinities) give torch's numbers:

    - before the first zero of a line: ``da_i = (Σ_{k≥i} dy_k · y_k) / a_i`` (a reversed cumulative
      sum; there ``y_k / a_i`` is the product without ``a_i``);
    - at the first zero z: ``da_z = (Π_{j<z} a_j) · Σ_{z≤k<z₂} dy_k · Π_{z<j≤k} a_j``, z₂ the second
      zero (every later y_k contains that zero too);
    - after it: 0 (each such y_k also contains the first zero, which stays 0).
    A line of one element passes ``dy`` through unchanged.
    """
    node_name = "CumprodBackward0"  # torch's grad_fn name

    def forward(self, a, dim):
        self.a, self.dim = a, dim
        self.y = np.cumprod(a, axis=dim)
        return self.y

    def backward(self, g):
        a, y, d = self.a, self.y, self.dim
        if a.shape[d] <= 1:
            return g, None
        zeros_so_far = np.cumsum(a == 0, axis=d)
        before = zeros_so_far == 0
        first = (zeros_so_far == 1) & (a == 0)
        between = (zeros_so_far == 1) & ~first
        with np.errstate(all="ignore"):
            w = np.where(before, y * g, 0)
            da = np.where(before, np.flip(np.cumsum(np.flip(w, d), axis=d), d) / a, 0)
            # Π_{j<i} a_j: y shifted one place along d, 1 in front
            lead = np.concatenate([np.ones_like(np.take(y, [0], axis=d)), np.delete(y, -1, axis=d)], axis=d)
            run = np.cumprod(np.where(between, a, 1), axis=d)   # Π_{z<j≤k} a_j for z ≤ k < z₂
            tail = np.sum(run * np.where(zeros_so_far == 1, g, 0), axis=d, keepdims=True)
            da = np.where(first, lead * tail, da)
        return da.astype(g.dtype, copy=False), None


class MaskedFill(Function):
    """``y = value where mask else a``;  ``da = dy`` where the mask is False, else 0."""
    node_name = "MaskedFillBackward0"  # torch's grad_fn name

    def forward(self, a, mask, value):
        self.mask = mask
        return np.where(mask, np.asarray(value, dtype=a.dtype), a)

    def backward(self, g):
        return np.where(self.mask, np.zeros((), g.dtype), g), None, None


class Var(Function):
    """``v = Σ_dims (a − ā)² / (n − correction)``;  ``da = dv · 2 (a − ā) / (n − correction)``."""
    node_name = "VarBackward0"  # torch's grad_fn name
    op_name = "var"  # (its warning's words)

    def forward(self, a, dims, correction, keepdim):
        self.dims, self.keepdim = dims, keepdim
        n = int(np.prod([a.shape[d] for d in dims])) if dims else 1
        self.denom = max(n - correction, 0)
        if self.denom == 0:
            warn(f"{self.op_name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                 "reduction factor (input numel divided by output numel).")
        self.centred = a - a.mean(axis=dims, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.sum(self.centred * self.centred, axis=dims, keepdims=keepdim) / a.dtype.type(self.denom)
        return np.asarray(v, dtype=a.dtype)

    def backward(self, g):
        if not self.keepdim:
            g = np.expand_dims(g, self.dims)
        with np.errstate(divide="ignore", invalid="ignore"):
            da = g * 2 * self.centred / self.centred.dtype.type(self.denom)
        return da.astype(self.centred.dtype, copy=False), None, None, None


class Round(Function):
    """``y = round(a)`` (or floor / ceil / trunc: ``self.how``); a step function, so ``da = 0``."""
    node_name = "RoundBackward0"  # torch's grad_fn name (Floor/Ceil/TruncBackward0 for the others)

    def forward(self, a, how):
        self.node_name = {"round": "RoundBackward0", "floor": "FloorBackward0", "ceil": "CeilBackward0",
                          "trunc": "TruncBackward0"}[how]
        return {"round": np.round, "floor": np.floor, "ceil": np.ceil, "trunc": np.trunc}[how](a)

    def backward(self, g):
        return np.zeros_like(g), None


class Std(Var):
    """``s = √var``;  ``da = ds / (2 s) · dvar/da``, and 0 where ``s = 0`` (torch's choice there)."""
    node_name = "StdBackward0"  # torch's grad_fn name
    op_name = "std"

    def forward(self, a, dims, correction, keepdim):
        self.std = np.sqrt(super().forward(a, dims, correction, keepdim))
        return self.std

    def backward(self, g):
        with np.errstate(divide="ignore", invalid="ignore"):
            gv = np.where(self.std == 0, 0, g / (2 * self.std)).astype(g.dtype, copy=False)
        return super().backward(gv)
