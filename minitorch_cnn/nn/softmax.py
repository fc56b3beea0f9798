"""``nn.Softmax``, ``nn.LogSoftmax``: probabilities (or their logs) along one dimension."""
from __future__ import annotations

from . import functional as F
from .module import Module


class Softmax(Module):
    """``exp(x) / Σ_dim exp(x)``: scores → probabilities that sum to 1 along ``dim``.
    ``dim=None`` picks torch's legacy default (0 for 0-, 1- and 3-D input, else 1) with a warning."""

    def __init__(self, dim: int | None = None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """``log(softmax(x))`` along ``dim``, computed stably; pair it with ``nn.NLLLoss``."""

    def __init__(self, dim: int | None = None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.log_softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
