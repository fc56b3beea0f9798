"""Shape Functions: reshape, permute, expand, repeat, indexing, stack and cat (values move, none change)."""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from .arithmetic import unbroadcast


class Reshape(Function):
    """``y = a.reshape(shape)``;  ``da = dy.reshape(a.shape)``."""

    node_name = "ViewBackward0"

    def forward(self, a, shape):
        self.shape = a.shape
        return a.reshape(shape)

    def backward(self, g):
        return g.reshape(self.shape), None


class ReshapeAlias(Reshape):
    """``t.reshape(shape)`` of a non-contiguous ``t`` whose memory can show ``shape``: a view; torch's name."""

    node_name = "ReshapeAliasBackward0"


class UnsafeView(Reshape):
    """The reshape of a copy (``t.reshape(shape)`` where ``t``'s memory cannot show ``shape``; the copy is
    the CloneBackward0 before it): the result owns its memory, it is not a view, as torch's ``_unsafe_view``."""

    node_name = "UnsafeViewBackward0"

    def forward(self, a, shape):
        self.shape = a.shape
        return a.reshape(shape).copy()  # a's memory is the temporary clone's: the result must not be its view


class Unsqueeze(Reshape):
    """``t.unsqueeze(dim)``: a reshape; torch's node is UnsqueezeBackward0."""

    node_name = "UnsqueezeBackward0"


class Squeeze(Reshape):
    """``t.squeeze()``: a reshape; torch's node is SqueezeBackward0."""

    node_name = "SqueezeBackward0"


class SqueezeDim(Reshape):
    """``t.squeeze(dim)``: a reshape; torch's node is SqueezeBackward1."""

    node_name = "SqueezeBackward1"


class Permute(Function):
    """``y = a.transpose(order)``;  ``da = dy.transpose(inverse(order))``."""

    node_name = "PermuteBackward0"

    def forward(self, a, order):
        self.inverse = tuple(np.argsort(order))
        return np.transpose(a, order)

    def backward(self, g):
        return np.transpose(g, self.inverse), None


class Transpose(Permute):
    """``t.transpose(d0, d1)``: a permutation; torch's node is TransposeBackward0."""

    node_name = "TransposeBackward0"


class T(Permute):
    """``t.t()``: a permutation of at most 2 dims; torch's node is TBackward0."""

    node_name = "TBackward0"


class Expand(Function):
    """``y = broadcast_to(a, shape)``;  ``da = Σ dy`` over the broadcast axes."""

    node_name = "ExpandBackward0"

    def forward(self, a, shape):
        self.shape = a.shape
        lead = len(shape) - a.ndim
        if shape == (1,) * lead + a.shape:  # nothing repeats: a plain (writable) view with new leading 1s
            return a[(np.newaxis,) * lead]
        if 0 in shape:  # no elements: nothing shares a memory location, so in-place ops are allowed (as torch)
            return np.empty(shape, a.dtype)
        return np.broadcast_to(a, shape)  # read-only: its repeated elements share one memory location

    def backward(self, g):
        return unbroadcast(g, self.shape), None


class Repeat(Function):
    """``y = tile(a, reps)``;  ``da`` = sum of ``dy`` over the tiles."""

    node_name = "RepeatBackward0"

    def forward(self, a, reps):
        self.in_shape = (1,) * (len(reps) - a.ndim) + a.shape
        self.orig_shape = a.shape
        self.reps = reps
        return np.tile(a.reshape(self.in_shape), reps)

    def backward(self, g):
        split = []
        for r, n in zip(self.reps, self.in_shape):
            split += [r, n]
        g = g.reshape(split).sum(axis=tuple(range(0, 2 * len(self.reps), 2)))
        return g.reshape(self.orig_shape), None


def _is_advanced(index) -> bool:
    items = index if isinstance(index, tuple) else (index,)
    return any(isinstance(i, (list, np.ndarray)) for i in items)


def _index_node_name(index) -> str:
    """torch applies an index item by item; its top node is the last one that does something."""
    items = index if isinstance(index, tuple) else (index,)
    if _is_advanced(index) or any(isinstance(i, (bool, np.bool_)) for i in items):
        return "IndexBackward0"
    for item in reversed(items):
        if item is None:
            return "UnsqueezeBackward0"
        if isinstance(item, slice) and item != slice(None):
            return "SliceBackward0"
        if not isinstance(item, slice) and item is not Ellipsis:
            return "SelectBackward0"
    # only slices and Ellipsis, all taking everything: t[:] is a slice, t[...] and t[:, :] an alias
    return "SliceBackward0" if len(items) == 1 and isinstance(items[0], slice) else "AliasBackward0"


class GetItem(Function):
    """``y = a[index]``;  ``da`` is zero except at the selected places, where it is ``dy``
    (added up where an advanced index selects the same place twice)."""

    node_name = "SelectBackward0"

    def forward(self, a, index):
        if isinstance(index, list):  # an advanced index: kept as an array (saved, as torch's IndexBackward0)
            index = np.asarray(index)
        elif isinstance(index, tuple):
            index = tuple(np.asarray(i) if isinstance(i, list) else i for i in index)
        self.shape, self.dtype, self.index = a.shape, a.dtype, index
        self.node_name = _index_node_name(index)
        if not _is_advanced(index) and not any(i is Ellipsis for i in (index if isinstance(index, tuple) else (index,))):
            # basic indexing gives a view, as in torch; a trailing ``...`` keeps a 0-d result a view too
            index = (index if isinstance(index, tuple) else (index,)) + (Ellipsis,)
            self.index = index
        return np.asarray(a[index])

    def backward(self, g):
        da = np.zeros(self.shape, dtype=g.dtype)
        if _is_advanced(self.index):
            np.add.at(da, self.index, g)
        else:
            da[self.index] = g
        return da, None


class Stack(Function):
    """``y = stack([a₀, a₁, …], dim)``;  ``daᵢ = dy`` taken at position i along ``dim``."""

    node_name = "StackBackward0"

    def forward(self, *arrays, dim):
        self.dim = dim
        return np.stack(arrays, axis=dim)

    def backward(self, g):
        return tuple(np.take(g, i, axis=self.dim) for i in range(g.shape[self.dim]))


class Cat(Function):
    """``y = concatenate([a₀, a₁, …], dim)``;  ``daᵢ`` is the slice of ``dy`` that came from aᵢ."""

    node_name = "CatBackward0"

    def forward(self, *arrays, dim):
        self.dim = dim
        self.bounds = [int(b) for b in np.cumsum([a.shape[dim] for a in arrays])[:-1]]  # ints: Cat saves no tensor
        return np.concatenate(arrays, axis=dim)

    def backward(self, g):
        return tuple(np.split(g, self.bounds, axis=self.dim))
