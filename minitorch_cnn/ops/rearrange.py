"""Functions that move values without changing them: flip and roll.

- ``flip``: ``y = a`` read backwards along ``dims``; flipping twice is the identity, so ``da = flip(dy)``.
- ``roll``: ``y_i = a_{(i − s) mod n}`` along each rolled dim (the elements that fall off the end come
  back at the front); ``da = roll(dy, −s)``, the same roll undone.
"""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function


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
