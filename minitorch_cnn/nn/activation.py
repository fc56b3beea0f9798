"""Activation layers."""
from __future__ import annotations

from . import functional as F
from .module import Module


class ReLU(Module):
    """``max(x, 0)`` elementwise. ``inplace=True`` is accepted (and shown in the repr) for torch
    compatibility, but the result is always a new tensor: in-place ops would break the saved graph."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""
