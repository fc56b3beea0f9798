"""Reduction Functions: sum, mean, max/min along a dim and over all elements, amax/amin, nansum; dim
normalisation."""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from .args import dims_arg, int_arg


def _norm_dims(dim, ndim: int, op: str, what: str = "dim") -> tuple:
    """``dim`` (None, an int or a sequence of ints) as sorted dims 0 … ndim−1, with torch's errors. A 0-d
    tensor accepts the dims 0 and −1 (and reduces over nothing): ``()``."""
    if dim is None:
        return tuple(range(ndim))
    dims = dims_arg(dim, op, what)
    if not dims:  # torch: an empty dim list reduces over every dimension (sum(dim=[]) is the full sum)
        return tuple(range(ndim))
    n = max(ndim, 1)
    out = []
    for d in dims:
        if not -n <= d < n:
            raise IndexError(f"{op}: dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})")
        if d % n in out:
            raise RuntimeError(f"{op}: dim {d % n} appears multiple times in the list of dims")
        out.append(d % n)
    return tuple(sorted(out)) if ndim else ()


def _reduce_dim(dim, ndim: int, op: str, what: str = "dim") -> int:
    """The one dim of an op along a single dim (an int: ``t.sort((0, 1))`` is torch's TypeError), checked
    as torch checks it (``t0.sort(2)`` is an IndexError), as 0 … ndim−1; a 0-d tensor takes 0 and −1 as one
    element along dim 0, and gives 0."""
    dims = _norm_dims(int_arg(dim, op, what), ndim, op, what)
    return dims[0] if ndim else 0


def _one_dim(dim, ndim: int, op: str) -> int:
    """One dim of a tensor of ``ndim`` dims, as 0 … ndim−1, with torch's errors; a 0-d tensor has none
    (where reductions treat it as one dim, ``t.size(0)``, ``t.stride(0)``, ``t.roll(1, 0)`` refuse)."""
    if not ndim:
        raise IndexError(f"Dimension specified as {int_arg(dim, op)} but tensor has no dimensions")
    return _reduce_dim(dim, ndim, op)


def _spread_evenly(a: np.ndarray, out: np.ndarray, g: np.ndarray) -> np.ndarray:
    """The gradient of a whole-tensor max, min or median ``out`` of ``a``: ``g / k`` at each of the k
    elements equal to ``out`` (the NaNs when ``out`` is NaN, as torch), 0 elsewhere."""
    mask = np.isnan(a) if np.isnan(out) else a == out
    return np.where(mask, g / mask.sum(), 0).astype(a.dtype)


def _expand_back(g: np.ndarray, shape: tuple, dims: tuple, keepdim: bool) -> np.ndarray:
    """Undo a reduction's shape change: re-insert reduced axes and broadcast to ``shape``."""
    if not keepdim:
        for d in dims:
            g = np.expand_dims(g, d)
    return np.broadcast_to(g, shape)


class Sum(Function):
    """``y = Σ_dims a``;  ``da = dy`` copied along the summed axes."""

    node_name = "SumBackward0"

    def forward(self, a, dims, keepdim):
        self.shape, self.dims, self.keepdim = a.shape, dims, keepdim
        return np.asarray(a.sum(axis=dims, keepdims=keepdim))

    def backward(self, g):
        # np.array copies the broadcast view (np.ascontiguousarray would turn a 0-d grad into shape (1,))
        return (np.array(_expand_back(g, self.shape, self.dims, self.keepdim)), None, None)


class Mean(Function):
    """``y = (1/n) Σ_dims a``;  ``da = dy / n`` copied along the averaged axes."""

    node_name = "MeanBackward0"

    def forward(self, a, dims, keepdim):
        self.shape, self.dims, self.keepdim = a.shape, dims, keepdim
        self.n = int(np.prod([a.shape[d] for d in dims])) if dims else 1
        return np.asarray(a.mean(axis=dims, keepdims=keepdim))

    def backward(self, g):
        g = _expand_back(g, self.shape, self.dims, self.keepdim) / self.n
        return (np.array(g), None, None)


class SumDim(Sum):
    """``t.sum(dim)``: the same Function; torch names the node SumBackward1 when ``dim`` is given."""

    node_name = "SumBackward1"


class MeanDim(Mean):
    """``t.mean(dim)``: the same Function; torch names the node MeanBackward1 when ``dim`` is given."""

    node_name = "MeanBackward1"


class MaxAlong(Function):
    """``y = max(a, dim)``;  ``da = dy`` at the index that won (the one ``argmax`` returns)."""

    node_name = "MaxBackward0"

    def name(self) -> str:
        return "MinBackward0" if self.take_min else "MaxBackward0"

    def forward(self, a, dim, keepdim, take_min=False):
        self.take_min = take_min
        return self._take(a, np.argmin(a, axis=dim) if take_min else np.argmax(a, axis=dim), dim, keepdim)

    def _take(self, a, idx, dim, keepdim):
        """``a`` at ``idx`` (one position per line along ``dim``), remembered for backward."""
        self.shape, self.dim, self.keepdim = a.shape, dim, keepdim
        self.idx = np.expand_dims(idx, dim)
        out = np.take_along_axis(a, self.idx, axis=dim)
        return out if keepdim else np.squeeze(out, axis=dim)

    def backward(self, g):
        if not self.keepdim:
            g = np.expand_dims(g, self.dim)
        da = np.zeros(self.shape, dtype=g.dtype)
        np.put_along_axis(da, self.idx, g, axis=self.dim)
        return da, None, None, None


class MaxAll(Function):
    """``y = max(a)`` over all elements; ``da = dy / k`` spread evenly over the k tied maxima (over the NaNs
    when y is NaN), as torch."""

    node_name = "MaxBackward1"

    def name(self) -> str:
        return "MinBackward1" if self.take_min else "MaxBackward1"

    def forward(self, a, take_min=False):
        self.a, self.take_min = a, take_min
        self.out = np.asarray(a.min() if take_min else a.max())
        return self.out

    def backward(self, g):
        return _spread_evenly(self.a, self.out, g), None


class Amax(Function):
    """``y = max(a)`` over ``dims`` (``amin``: min), NaN if any is NaN;  ``da = dy / k`` at each of the k
    elements equal to the result, 0 elsewhere (a tie shares the gradient, as torch; a NaN result matches
    nothing, so k = 0 and every share is 0/0 = NaN, as in torch)."""

    node_name = "AmaxBackward0"

    def forward(self, a, dims, keepdim, take_min=False):
        self.node_name = "AminBackward0" if take_min else "AmaxBackward0"
        self.a, self.dims, self.keepdim = a, dims, keepdim
        self.out = (np.min if take_min else np.max)(a, axis=dims, keepdims=True)
        return self.out if keepdim else np.squeeze(self.out, axis=dims)

    def backward(self, g):
        if not self.keepdim:
            g = np.expand_dims(g, self.dims)
        hit = self.a == self.out
        with np.errstate(invalid="ignore", divide="ignore"):
            share = g / np.sum(hit, axis=self.dims, keepdims=True)
        return (hit * share).astype(g.dtype, copy=False), None, None, None


class NanSum(Function):
    """``y = Σ_dims a`` counting NaN as 0;  ``da = dy · (a is not NaN)`` (a product, as torch: an infinite
    ``dy`` still gives NaN at a NaN input)."""

    node_name = "NansumBackward0"

    def forward(self, a, dims, keepdim):
        self.a, self.dims, self.keepdim = a, dims, keepdim
        return np.asarray(np.nansum(a, axis=dims, keepdims=keepdim), dtype=a.dtype)

    def backward(self, g):
        g = _expand_back(g, self.a.shape, self.dims, self.keepdim)
        with np.errstate(invalid="ignore"):
            return g * ~np.isnan(self.a), None, None


class MedianAll(Function):
    """``y`` = the lower median of all elements, the ⌊(n−1)/2⌋-th smallest (NaN if any element is NaN, or
    if there is none);  ``da = dy / k`` over the k elements equal to y (the NaNs when y is NaN), as torch
    spreads it over ties."""

    node_name = "MedianBackward0"

    def forward(self, a):
        flat = a.reshape(-1)
        if flat.size == 0 or (a.dtype.kind == "f" and np.isnan(flat).any()):
            out = np.asarray(np.nan, dtype=a.dtype)
        else:
            out = np.asarray(np.sort(flat)[(flat.size - 1) // 2])
        self.a, self.out = a, out
        return out

    def backward(self, g):
        return (_spread_evenly(self.a, self.out, g),)


class MedianAlong(MaxAlong):
    """``y = a[…, index, …]`` along ``dim`` (index: each line's median, chosen by the caller);
    ``da`` = dy put back at those positions, 0 elsewhere (MaxAlong's backward)."""

    node_name = "MedianBackward1"

    def name(self) -> str:
        return self.node_name

    def forward(self, a, index, dim, keepdim):
        return self._take(a, index, dim, keepdim)
