"""Activation layers."""
from __future__ import annotations

from . import functional as F
from .module import Module


class ReLU(Module):
    """``max(x, 0)`` elementwise. ``inplace=True`` writes the result into the input and returns it, as
    torch (a tensor that a backward still needs is caught by its version counter, as in torch)."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input, self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""
