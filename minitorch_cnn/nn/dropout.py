"""Dropout and Dropout2d: random zeroing in ``train()`` mode, the identity in ``eval()`` mode.

Training: each element (Dropout) or each whole channel of an (N, C, H, W) input (Dropout2d) is
zeroed with probability ``p`` and the survivors are scaled by 1/(1 − p), so that every output's
expected value equals its input. Evaluation: the input is returned unchanged. The masks come from
this engine's generator: the same seed gives other masks than torch's (see
``nn/functional/regularization.py``).
"""
from __future__ import annotations

from . import functional as F
from .module import Module


class _DropoutNd(Module):
    def __init__(self, p: float = 0.5, inplace: bool = False):
        super().__init__()
        if not isinstance(p, (int, float)):  # a bool is 0 or 1, as torch
            raise TypeError(f"{type(self).__name__}: expected p to be a number, got {p!r}")
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zero each element with probability ``p`` (training only), scaling the rest by 1/(1 − p)."""

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Zero whole channels of (N, C, H, W) with probability ``p`` (training only), scaling the rest."""

    def forward(self, input):
        return F.dropout2d(input, self.p, self.training, self.inplace)
