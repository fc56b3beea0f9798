"""ReLU's relatives: ``F.leaky_relu``, ``F.elu``, ``F.gelu`` (exact and tanh approximation), ``F.silu``,
``F.hardtanh`` and ``F.relu6`` (a clamp), ``F.softplus`` (a smooth ReLU).

Each is elementwise, so each Function keeps its input ``x`` and its backward is ``dx = dy · f'(x)``
with ``f'`` written out in the docstring. Branches follow torch's kernels exactly, including
where the derivative at a kink is taken from (e.g. LeakyReLU's slope at x = 0 is the negative one)
and what a NaN input gives.
"""
from __future__ import annotations

import math

import numpy as np

from ...autograd.function import Function
from ...ops.pointwise import _erf  # (NumPy has no erf: math.erf element by element)
from ...tensor import Tensor
from ._checks import _check_float, _check_tensor, _maybe_inplace

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_TANH_C = 0.044715


class LeakyReLUFn(Function):
    """``y = x`` for x > 0, ``slope·x`` otherwise;  ``dx = dy`` for x > 0, ``slope·dy`` otherwise
    (at x = 0 the slope, as torch)."""

    node_name = "LeakyReluBackward0"

    def forward(self, x, slope):
        self.positive = x > 0
        self.slope = x.dtype.type(slope)
        return np.where(self.positive, x, x * self.slope)

    def backward(self, g):
        return (np.where(self.positive, g, g * self.slope), None)


class ELUFn(Function):
    """``y = x`` for x > 0, ``α·(eˣ − 1)`` otherwise (computed as ``α·expm1(x)``, exact near 0);
    ``dx = dy`` for x > 0, ``α·eˣ·dy`` for x ≤ 0 (torch tests ``x ≤ 0``, so a NaN input passes dy)."""

    node_name = "EluBackward0"

    def forward(self, x, alpha):
        self.x, self.alpha = x, x.dtype.type(alpha)
        # x ≥ 0 keeps x itself: ±0.0 come out with their sign, as torch's (α·expm1(0) would make them α·0)
        return np.where(x >= 0, x, self.alpha * np.expm1(np.minimum(x, 0)))

    def backward(self, g):
        x = self.x
        return (np.where(x <= 0, g * self.alpha * np.exp(np.minimum(x, 0)), g), None)


class GELUFn(Function):
    """GELU: ``y = x·Φ(x)``, Φ the standard normal CDF.

    ``approximate='none'``:  ``Φ(x) = ½(1 + erf(x/√2))``,  ``dy/dx = Φ(x) + x·φ(x)``,
    ``φ(x) = e^(−x²/2)/√(2π)``.

    ``approximate='tanh'``:  ``y = ½x(1 + tanh u)``, ``u = √(2/π)(x + 0.044715x³)``,
    ``dy/dx = ½(1 + tanh u) + ½x(1 − tanh²u)·√(2/π)(1 + 3·0.044715x²)``.

    Computed in float64 and rounded to the input's dtype.
    """

    node_name = "GeluBackward0"

    def forward(self, x, approximate):
        self.x, self.approximate = x, approximate
        x64 = x.astype(np.float64)
        if approximate == "tanh":
            self.t = np.tanh(_SQRT_2_OVER_PI * (x64 + _GELU_TANH_C * x64 ** 3))
            return (0.5 * x64 * (1.0 + self.t)).astype(x.dtype)
        self.cdf = 0.5 * (1.0 + _erf(x64 * _INV_SQRT_2))
        return (x64 * self.cdf).astype(x.dtype)

    def backward(self, g):
        x64 = self.x.astype(np.float64)
        if self.approximate == "tanh":
            t = self.t
            d = 0.5 * (1.0 + t) + 0.5 * x64 * (1.0 - t * t) * _SQRT_2_OVER_PI * (1.0 + 3 * _GELU_TANH_C * x64 * x64)
        else:
            d = self.cdf + x64 * _INV_SQRT_2PI * np.exp(-0.5 * x64 * x64)
        return ((g * d).astype(g.dtype), None)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """``1/(1 + e^(−x))`` without overflow: for x < 0 it is computed as ``eˣ/(1 + eˣ)``."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class SiLUFn(Function):
    """SiLU (swish): ``y = x·σ(x)``;  ``dy/dx = σ(x)·(1 + x·(1 − σ(x)))``."""

    node_name = "SiluBackward0"

    def forward(self, x):
        self.x, self.s = x, _sigmoid(x)
        return x * self.s

    def backward(self, g):
        s = self.s
        return (g * (s * (1 + self.x * (1 - s))),)


class HardtanhFn(Function):
    """``y = min(max(x, lo), hi)``;  ``dx = dy`` where lo < x < hi, 0 where x ≤ lo or x ≥ hi (torch's
    test, so a NaN input passes dy and the bounds themselves pass none)."""

    node_name = "HardtanhBackward0"

    def forward(self, x, lo, hi):
        lo, hi = x.dtype.type(lo), x.dtype.type(hi)
        self.outside = (x <= lo) | (x >= hi)
        return np.minimum(np.maximum(x, lo), hi)  # (NaN stays NaN)

    def backward(self, g):
        return (np.where(self.outside, np.zeros((), g.dtype), g), None, None)


class SoftplusFn(Function):
    """``y = log(1 + e^(βx)) / β``, and ``y = x`` where ``βx > threshold`` (where the two agree to
    rounding);  ``dx = dy · σ(βx)`` (``σ`` the sigmoid, ``e^(βx)/(1 + e^(βx))``), ``dx = dy`` where linear."""

    node_name = "SoftplusBackward0"

    def forward(self, x, beta, threshold):
        self.x, self.beta = x, x.dtype.type(beta)
        bx = x * self.beta
        self.linear = bx > threshold
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            return np.where(self.linear, x, np.log1p(np.exp(bx)) / self.beta)

    def backward(self, g):
        with np.errstate(over="ignore", invalid="ignore"):
            z = np.exp(self.x * self.beta)
            return (np.where(self.linear, g, g * (z / (z + 1))), None, None)


def _number(value, name: str, layer: str) -> float:
    if not isinstance(value, (int, float, np.integer, np.floating)):  # bool counts (1 or 0), as torch's Number
        raise TypeError(f"{layer}: expected {name} to be a number, got {value!r}")
    return float(value)


def _input(input, layer: str) -> None:
    _check_tensor(input, layer)
    _check_float(input, layer)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``max(0, x) + negative_slope·min(0, x)``; ``inplace=True`` writes it into ``input``, as torch."""
    _input(input, "leaky_relu")
    slope = _number(negative_slope, "negative_slope", "leaky_relu")
    return _maybe_inplace(input, inplace, lambda x: LeakyReLUFn.apply(x, slope))


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``x`` for x > 0, ``alpha·(eˣ − 1)`` otherwise; ``inplace=True`` writes it into ``input``, as torch."""
    _input(input, "elu")
    a = _number(alpha, "alpha", "elu")
    return _maybe_inplace(input, inplace, lambda x: ELUFn.apply(x, a))


def gelu(input: Tensor, *, approximate: str = "none") -> Tensor:
    """``x·Φ(x)`` (``approximate='none'``) or its tanh approximation (``'tanh'``)."""
    _input(input, "gelu")
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh, got {approximate!r}")
    return GELUFn.apply(input, approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``x·σ(x)``; ``inplace=True`` writes it into ``input``, as torch."""
    _input(input, "silu")
    return _maybe_inplace(input, inplace, SiLUFn.apply)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """``x`` clamped to ``[min_val, max_val]`` (integer tensors too); ``inplace=True`` writes it into
    ``input``, as torch."""
    _check_tensor(input, "hardtanh")
    if input.dtype.kind == "b":
        raise RuntimeError("Bool inputs not supported for hardtanh")
    lo, hi = _number(min_val, "min_val", "hardtanh"), _number(max_val, "max_val", "hardtanh")
    if lo > hi:
        raise ValueError(f"min_val cannot be greater than max_val (got min_val={min_val}, max_val={max_val})")
    return _maybe_inplace(input, inplace, lambda x: HardtanhFn.apply(x, lo, hi))


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(x, 0), 6)``: ``hardtanh(x, 0, 6)`` (MobileNet's activation)."""
    return hardtanh(input, 0.0, 6.0, inplace)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + e^(βx)) / β``, a smooth ReLU; ``x`` itself where ``βx > threshold``."""
    _input(input, "softplus")
    return SoftplusFn.apply(input, _number(beta, "beta", "softplus"), _number(threshold, "threshold", "softplus"))
