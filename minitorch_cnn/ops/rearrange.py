"""Functions that move values without changing them: flip, roll, diag, masked_select and unbind's pieces.

- ``flip``: ``y = a`` read backwards along ``dims``; flipping twice is the identity, so ``da = flip(dy)``.
- ``roll``: ``y_i = a_{(i − s) mod n}`` along each rolled dim (the elements that fall off the end come
  back at the front); ``da = roll(dy, −s)``, the same roll undone.
- ``diag`` of a vector: ``Y`` is a square matrix, zero except ``Y[i, i + k] = a_i`` (the k-th
  diagonal; k < 0 below the main one); ``da_i = dY[i, i + k]``.
- ``diag`` of a matrix: ``y_i = A[i, i + k]``; ``dA`` is zero except ``dy`` on that diagonal.
- ``masked_select``: ``y`` = the elements of ``a`` (broadcast with ``mask``) where ``mask`` is True, in
  row-major order, as a 1-D tensor; ``da`` puts ``dy`` back where they came from (summed over the
  dims that broadcasting added or stretched).
- ``unbind``: one piece ``a[..., i, ...]`` per index along ``dim`` (views, as torch's).
"""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from .arithmetic import unbroadcast
from .shape import GetItem


class Flip(Function):
    """``y = a`` reversed along ``dims`` (a copy, as torch's);  ``da = dy`` reversed along the same dims."""

    node_name = "FlipBackward0"

    def forward(self, a, dims):
        self.dims = dims
        return np.flip(a, dims).copy()

    def backward(self, g):
        return np.flip(g, self.dims).copy(), None


class Roll(Function):
    """``y = a`` shifted cyclically by ``shifts[j]`` places along ``dims[j]`` (``dims`` None: along the
    flattened tensor, shape kept);  ``da = dy`` shifted back by ``−shifts``."""

    node_name = "RollBackward0"

    def forward(self, a, shifts, dims):
        self.shifts, self.dims = shifts, dims
        return np.roll(a, shifts, axis=dims)

    def backward(self, g):
        back = -self.shifts if isinstance(self.shifts, int) else tuple(-s for s in self.shifts)
        return np.roll(g, back, axis=self.dims), None, None


def diagonal_positions(n: int, m: int, k: int) -> tuple:
    """(rows, cols) of the k-th diagonal of an n×m matrix: ``(i, i + k)`` for k ≥ 0, ``(i − k, i)`` below."""
    length = max(0, min(n - max(-k, 0), m - max(k, 0)))
    steps = np.arange(length)
    return steps + max(-k, 0), steps + max(k, 0)


class DiagEmbed(Function):
    """``Y = diag(a, k)`` for a vector of length n: an (n+|k|)×(n+|k|) zero matrix with ``a`` on its
    k-th diagonal;  ``da = dY`` read along that diagonal. (Only sizes are kept for backward, as torch:
    a second backward through it works without ``retain_graph``.)"""

    node_name = "DiagEmbedBackward0"

    def forward(self, a, k):
        size = a.shape[0] + abs(k)
        self.size, self.k = size, k
        out = np.zeros((size, size), dtype=a.dtype)
        out[diagonal_positions(size, size, k)] = a
        return out

    def backward(self, g):
        return g[diagonal_positions(self.size, self.size, self.k)], None


class Diagonal(Function):
    """``y = diag(A, k)`` for a matrix: its k-th diagonal, copied (empty past the corner);
    ``dA`` = zeros with ``dy`` written on that diagonal."""

    node_name = "DiagonalBackward0_copy"  # torch's name: its diag copies the diagonal view

    def forward(self, a, k):
        self.shape, self.k = a.shape, k
        return a[diagonal_positions(a.shape[0], a.shape[1], k)]

    def backward(self, g):
        da = np.zeros(self.shape, dtype=g.dtype)
        da[diagonal_positions(self.shape[0], self.shape[1], self.k)] = g
        return da, None


class MaskedSelect(Function):
    """``y = broadcast(a)[broadcast(mask)]`` (1-D, row-major order);  ``da`` = ``dy`` scattered back to
    those places of a zero tensor of the broadcast shape, then summed down to ``a``'s shape."""

    node_name = "MaskedSelectBackward0"

    def forward(self, a, mask):
        shape = np.broadcast_shapes(a.shape, mask.shape)
        self.a_shape, self.mask = a.shape, np.broadcast_to(mask, shape)
        return np.broadcast_to(a, shape)[self.mask]

    def backward(self, g):
        full = np.zeros(self.mask.shape, dtype=g.dtype)
        full[self.mask] = g
        return unbroadcast(full, self.a_shape), None


class UnbindPart(GetItem):
    """One piece of ``unbind``: ``y = a[..., i, ...]`` (a view), with ``da`` as for any basic index;
    torch's node for the pieces is UnbindBackward0."""

    node_name = "UnbindBackward0"

    def forward(self, a, index):
        out = super().forward(a, index)
        self.node_name = UnbindPart.node_name  # (GetItem.forward names the node by the kind of index)
        return out
