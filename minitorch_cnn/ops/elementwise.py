"""Elementwise Functions: exp, log, sqrt, abs, tanh, sigmoid, and the dtype cast and clone."""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function


class Exp(Function):
    """``y = eᵃ``;  ``da = dy * y``."""

    node_name = "ExpBackward0"

    def forward(self, a):
        self.out = np.exp(a)
        return self.out

    def backward(self, g):
        return (g * self.out,)


class Log(Function):
    """``y = ln a``;  ``da = dy / a``."""

    node_name = "LogBackward0"

    def forward(self, a):
        self.a = a
        return np.log(a)

    def backward(self, g):
        return (g / self.a,)


class Sqrt(Function):
    """``y = √a``;  ``da = dy / (2√a)``."""

    node_name = "SqrtBackward0"

    def forward(self, a):
        self.out = np.sqrt(a)
        return self.out

    def backward(self, g):
        return (g / (2 * self.out),)


class Abs(Function):
    """``y = |a|``;  ``da = dy * sign(a)`` (0 at a = 0 and at NaN, as torch)."""

    node_name = "AbsBackward0"

    def forward(self, a):
        self.a = a
        return np.abs(a)

    def backward(self, g):
        return (g * np.where(np.isnan(self.a), 0, np.sign(self.a)).astype(g.dtype, copy=False),)


class Tanh(Function):
    """``y = tanh a``;  ``da = dy * (1 - y²)``."""

    node_name = "TanhBackward0"

    def forward(self, a):
        self.out = np.tanh(a)
        return self.out

    def backward(self, g):
        return (g * (1 - self.out * self.out),)


class Sigmoid(Function):
    """``y = 1 / (1 + e⁻ᵃ)``;  ``da = dy * y * (1 - y)``."""

    node_name = "SigmoidBackward0"

    def forward(self, a):
        self.out = np.where(a >= 0, 1 / (1 + np.exp(-np.abs(a))), np.exp(-np.abs(a)) / (1 + np.exp(-np.abs(a))))
        self.out = self.out.astype(a.dtype, copy=False)
        return self.out

    def backward(self, g):
        return (g * self.out * (1 - self.out),)


class Cast(Function):
    """``y = a.astype(dtype)``;  ``da = dy.astype(a.dtype)``."""

    node_name = "ToCopyBackward0"

    def forward(self, a, dtype):
        self.in_dtype = a.dtype
        return a.astype(dtype)

    def backward(self, g):
        return g.astype(self.in_dtype), None


class Clone(Function):
    """``y = copy(a)``;  ``da = dy``."""

    node_name = "CloneBackward0"

    def forward(self, a):
        return a.copy()

    def backward(self, g):
        return (g,)
