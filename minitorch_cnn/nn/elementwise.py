"""``nn.Sigmoid``, ``nn.Tanh`` (squashing activations) and ``nn.Identity`` (a placeholder layer)."""
from __future__ import annotations

from ..tensor import Tensor
from .module import Module


def _tensor(input, layer: str) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"{layer}: expected input to be a Tensor, got {type(input).__name__}")
    return input


class Sigmoid(Module):
    """``σ(x) = 1 / (1 + e⁻ˣ)`` elementwise; ``dσ/dx = σ(1 − σ)`` (``ops/elementwise.py``)."""

    def forward(self, input):
        return _tensor(input, "Sigmoid").sigmoid()


class Tanh(Module):
    """``tanh x`` elementwise; ``d tanh/dx = 1 − tanh²`` (``ops/elementwise.py``)."""

    def forward(self, input):
        return _tensor(input, "Tanh").tanh()


class Identity(Module):
    """Returns its input unchanged; any constructor arguments are ignored (as torch)."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input
