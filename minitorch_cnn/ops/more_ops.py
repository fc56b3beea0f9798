"""Ops that training scripts reach for after the basics: padding, products, log-sum-exp, index_select
and the triangular masks — each forward written with NumPy, each backward with its math.

- ``pad`` (constant): ``y`` is a of a larger shape filled with ``value``, a copied into the middle
  (a negative pad crops instead). ``da = dy`` at the places a went to (the rest of ``dy`` was padding).
- ``prod``: ``y = Π a_i``;  ``∂y/∂a_i = Π_{j≠i} a_j``. Computed as (product of everything left of i) ×
  (product of everything right of i) — exact even where some ``a_j`` are 0, where ``y / a_i`` is not.
- ``logsumexp``: ``y = log Σ exp(a_i)``, computed as ``m + log Σ exp(a_i − m)`` with ``m = max a``
  (no overflow);  ``da_i = dy · exp(a_i − y)`` (the softmax of a).
- ``index_select``: ``y = a[..., index, ...]`` along ``dim``;  ``da`` adds ``dy`` back at ``index``
  (twice where an index repeats).
- ``tril``/``triu``: ``y = a · mask`` with the lower/upper triangle of the last two dims;  ``da = dy · mask``.
- ``unique``: the distinct values, sorted. torch records it in the graph but defines no derivative
  (backward through it raises), and so does :class:`Unique`.
"""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function


def pad_slices(shape: tuple, pad: tuple) -> tuple:
    """(new shape, where a's kept part goes in y, which part of a is kept) for torch's ``pad`` tuple,
    which lists (before, after) amounts from the *last* dimension backwards."""
    new_shape, into, take = list(shape), [slice(None)] * len(shape), [slice(None)] * len(shape)
    for k in range(len(pad) // 2):
        d = len(shape) - 1 - k
        before, after = pad[2 * k], pad[2 * k + 1]
        new_shape[d] = shape[d] + before + after
        into[d] = slice(max(before, 0), max(before, 0) + shape[d] + min(before, 0) + min(after, 0))
        take[d] = slice(max(-before, 0), shape[d] - max(-after, 0))
    return tuple(new_shape), tuple(into), tuple(take)


class ConstantPad(Function):
    """``y = pad(a, pad, value)`` (constant mode);  ``da = dy`` at a's kept part, 0 where a was cropped."""

    node_name = "ConstantPadNdBackward0"

    def forward(self, a, pad, value):
        self.shape = a.shape
        shape, self.into, self.take = pad_slices(a.shape, pad)
        out = np.full(shape, value, dtype=a.dtype)
        out[self.into] = a[self.take]
        return out

    def backward(self, g):
        da = np.zeros(self.shape, dtype=g.dtype)
        da[self.take] = g[self.into]
        return da, None, None


def _exclusive_products(a: np.ndarray, axis: int) -> np.ndarray:
    """For every element, the product of all *other* elements along ``axis`` (left part × right part)."""
    if a.ndim == 0:  # a 0-d tensor along its dim 0: the element is alone, the product of the others is 1
        return np.ones_like(a)
    ones = np.ones_like(np.take(a, [0], axis=axis))
    left = np.cumprod(np.concatenate([ones, np.delete(a, -1, axis=axis)], axis=axis), axis=axis)
    flipped = np.flip(a, axis=axis)
    right = np.flip(np.cumprod(np.concatenate([ones, np.delete(flipped, -1, axis=axis)], axis=axis), axis=axis),
                    axis=axis)
    return left * right


class Prod(Function):
    """``y = Π a`` over everything;  ``da_i = dy · Π_{j≠i} a_j``."""

    node_name = "ProdBackward0"

    def forward(self, a):
        self.a = a
        return np.asarray(np.prod(a))

    def backward(self, g):
        flat = self.a.reshape(-1)
        return (g * _exclusive_products(flat, 0)).reshape(self.a.shape).astype(g.dtype, copy=False),


class ProdDim(Function):
    """``y = Π a`` along ``dim``;  ``da_i = dy · Π_{j≠i} a_j`` along that dim."""

    node_name = "ProdBackward1"

    def forward(self, a, dim, keepdim):
        self.a, self.dim = a, dim
        return np.prod(a, axis=dim, keepdims=keepdim)

    def backward(self, g):
        if g.ndim < self.a.ndim:
            g = np.expand_dims(g, self.dim)
        return (g * _exclusive_products(self.a, self.dim)).astype(g.dtype, copy=False), None, None


class LogSumExp(Function):
    """``y = log Σ exp(a)`` over ``dims``;  ``da = dy · exp(a − y)``."""

    node_name = "LogsumexpBackward0"

    def forward(self, a, dims, keepdim):
        m = np.max(a, axis=dims, keepdims=True) if a.size else np.zeros((1,) * a.ndim, a.dtype)
        m = np.where(np.isinf(m), 0, m)  # all -inf (or an inf): shifting by it would give nan
        with np.errstate(divide="ignore"):
            y = np.log(np.sum(np.exp(a - m), axis=dims, keepdims=True)) + m
        self.a, self.y, self.dims, self.keepdim = a, y, dims, keepdim
        return y if keepdim else np.squeeze(y, axis=dims)

    def backward(self, g):
        if not self.keepdim:
            g = np.expand_dims(g, self.dims)
        return g * np.exp(self.a - self.y), None, None


class IndexSelect(Function):
    """``y = take(a, index, dim)``;  ``da = 0`` with ``dy`` added back at ``index`` along ``dim``."""

    node_name = "IndexSelectBackward0"

    def forward(self, a, index, dim):
        self.shape, self.index, self.dim = a.shape, index, dim
        return np.take(a, index, axis=dim)

    def backward(self, g):
        da = np.zeros(self.shape, dtype=g.dtype)
        np.add.at(np.moveaxis(da, self.dim, 0), self.index, np.moveaxis(g, self.dim, 0))
        return da, None, None


class Tril(Function):
    """``y = a`` on and below the ``diagonal``-th diagonal, 0 above;  ``da = dy`` masked the same way."""

    node_name = "TrilBackward0"
    _keep = staticmethod(np.tril)

    def forward(self, a, diagonal):
        self.diagonal = diagonal
        return self._keep(a, diagonal)

    def backward(self, g):
        return self._keep(g, self.diagonal), None


class Triu(Tril):
    """``y = a`` on and above the ``diagonal``-th diagonal, 0 below;  ``da = dy`` masked the same way."""

    node_name = "TriuBackward0"
    _keep = staticmethod(np.triu)


class Unique(Function):
    """``y = sorted distinct values of a`` (along ``dim``, or of the flattened tensor). No derivative in torch:
    the node exists (Unique2Backward0 / UniqueDimBackward0), backward through it raises."""

    node_name = "Unique2Backward0"

    def name(self) -> str:
        return "Unique2Backward0" if self.dim is None else "UniqueDimBackward0"

    def forward(self, a, dim):
        self.dim = dim
        return np.unique(a, axis=dim, equal_nan=False)

    def backward(self, g):
        aten = "_unique2" if self.dim is None else "unique_dim"
        raise NotImplementedError(f"the derivative for '{aten}' is not implemented.")
