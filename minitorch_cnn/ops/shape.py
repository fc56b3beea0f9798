"""Shape Functions: reshape, permute, expand, repeat, indexing, stack and cat (values move, none change)."""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from .arithmetic import unbroadcast


class Reshape(Function):
    """``y = a.reshape(shape)``;  ``da = dy.reshape(a.shape)``."""

    def forward(self, a, shape):
        self.shape = a.shape
        return a.reshape(shape)

    def backward(self, g):
        return g.reshape(self.shape), None


class Permute(Function):
    """``y = a.transpose(order)``;  ``da = dy.transpose(inverse(order))``."""

    def forward(self, a, order):
        self.inverse = tuple(np.argsort(order))
        return np.transpose(a, order)

    def backward(self, g):
        return np.transpose(g, self.inverse), None


class Expand(Function):
    """``y = broadcast_to(a, shape)``;  ``da = Σ dy`` over the broadcast axes."""

    def forward(self, a, shape):
        self.shape = a.shape
        return np.broadcast_to(a, shape)

    def backward(self, g):
        return unbroadcast(g, self.shape), None


class Repeat(Function):
    """``y = tile(a, reps)``;  ``da`` = sum of ``dy`` over the tiles."""

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


class GetItem(Function):
    """``y = a[index]``;  ``da`` is zero except at the selected places, where it is ``dy``
    (added up where an advanced index selects the same place twice)."""

    def forward(self, a, index):
        self.shape, self.dtype, self.index = a.shape, a.dtype, index
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

    def forward(self, *arrays, dim):
        self.dim = dim
        return np.stack(arrays, axis=dim)

    def backward(self, g):
        return tuple(np.take(g, i, axis=self.dim) for i in range(g.shape[self.dim]))


class Cat(Function):
    """``y = concatenate([a₀, a₁, …], dim)``;  ``daᵢ`` is the slice of ``dy`` that came from aᵢ."""

    def forward(self, *arrays, dim):
        self.dim = dim
        self.bounds = np.cumsum([a.shape[dim] for a in arrays])[:-1]
        return np.concatenate(arrays, axis=dim)

    def backward(self, g):
        return tuple(np.split(g, self.bounds, axis=self.dim))
