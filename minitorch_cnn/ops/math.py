"""More elementwise Functions: trigonometry, logs and exponentials of other bases, sign, square,
reciprocal, clamp, maximum/minimum and where.

Each ``backward`` is the derivative written out, evaluated where torch evaluates it, so that the
edge cases agree too: ``sign`` has zero gradient everywhere; ``clamp`` passes the gradient only
where the input lies inside the bounds (never to a NaN); ``maximum`` splits the gradient of a tie
in half between its two inputs. NumPy's warnings for log(0), 0/0 and the like are silenced: torch
returns inf/NaN there without a word, and so do we.
"""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from .arithmetic import unbroadcast

LN2, LN10 = np.log(2.0), np.log(10.0)


class _Unary(Function):
    """A one-input elementwise op ``y = f(a)`` with ``da = dy * f'(a)``: subclasses give ``f`` and
    ``df`` (the derivative, from the input ``a`` and the output ``y``)."""
    node_name = "UnaryBackward0"  # abstract: every subclass names its own node as torch does

    @staticmethod
    def f(a):  # pragma: no cover - abstract
        raise NotImplementedError

    @staticmethod
    def df(a, y):  # pragma: no cover - abstract
        raise NotImplementedError

    def forward(self, a):
        with np.errstate(all="ignore"):
            self.a, self.out = a, np.asarray(self.f(a), dtype=a.dtype)
        return self.out

    def backward(self, g):
        with np.errstate(all="ignore"):
            return (g * self.df(self.a, self.out).astype(g.dtype, copy=False),)


class _UnaryOverDenominator(_Unary):
    """A one-input op whose derivative is a quotient, ``da = dy / den(a)``: divided in that order,
    as torch does, because ``dy * (1 / den)`` overflows to inf where ``1 / den`` is past the largest
    float (a subnormal ``a``) although the quotient itself is finite."""
    node_name = "UnaryBackward0"  # abstract: every subclass names its own node as torch does

    @staticmethod
    def den(a):  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, g):
        with np.errstate(all="ignore"):
            return (g / self.den(self.a).astype(g.dtype, copy=False),)


class Sin(_Unary):
    """``y = sin a``;  ``da = dy · cos a``."""
    node_name = "SinBackward0"  # torch's grad_fn name
    f, df = staticmethod(np.sin), staticmethod(lambda a, y: np.cos(a))


class Cos(_Unary):
    """``y = cos a``;  ``da = -dy · sin a``."""
    node_name = "CosBackward0"  # torch's grad_fn name
    f, df = staticmethod(np.cos), staticmethod(lambda a, y: -np.sin(a))


class Tan(_Unary):
    """``y = tan a``;  ``da = dy · (1 + y²)`` (= dy / cos² a)."""
    node_name = "TanBackward0"  # torch's grad_fn name
    f, df = staticmethod(np.tan), staticmethod(lambda a, y: 1 + y * y)


class Log1p(_UnaryOverDenominator):
    """``y = ln(1 + a)``, accurate for tiny ``a``;  ``da = dy / (1 + a)``."""
    node_name = "Log1PBackward0"  # torch's grad_fn name
    f, den = staticmethod(np.log1p), staticmethod(lambda a: 1 + a)


class Expm1(_Unary):
    """``y = eᵃ - 1``, accurate for tiny ``a``;  ``da = dy · (y + 1)``."""
    node_name = "Expm1Backward0"  # torch's grad_fn name
    f, df = staticmethod(np.expm1), staticmethod(lambda a, y: y + 1)


class Exp2(_Unary):
    """``y = 2ᵃ``;  ``da = dy · y · ln 2``."""
    node_name = "Exp2Backward0"  # torch's grad_fn name
    f, df = staticmethod(np.exp2), staticmethod(lambda a, y: y * LN2)


class Log2(_UnaryOverDenominator):
    """``y = log₂ a``;  ``da = dy / (a · ln 2)``."""
    node_name = "Log2Backward0"  # torch's grad_fn name
    f, den = staticmethod(np.log2), staticmethod(lambda a: a * LN2)


class Log10(_UnaryOverDenominator):
    """``y = log₁₀ a``;  ``da = dy / (a · ln 10)``."""
    node_name = "Log10Backward0"  # torch's grad_fn name
    f, den = staticmethod(np.log10), staticmethod(lambda a: a * LN10)


class Square(_Unary):
    """``y = a²``;  ``da = dy · 2a``."""
    node_name = "PowBackward0"  # torch's grad_fn name
    f, df = staticmethod(np.square), staticmethod(lambda a, y: 2 * a)


class Reciprocal(_Unary):
    """``y = 1 / a``;  ``da = -dy · y²``."""
    node_name = "ReciprocalBackward0"  # torch's grad_fn name
    f, df = staticmethod(np.reciprocal), staticmethod(lambda a, y: -y * y)


class Rsqrt(_Unary):
    """``y = 1 / √a``;  ``da = -dy · y³ / 2``."""
    node_name = "RsqrtBackward0"  # torch's grad_fn name
    f, df = staticmethod(lambda a: 1 / np.sqrt(a)), staticmethod(lambda a, y: -0.5 * y * y * y)


class Sign(_Unary):
    """``y = sign a`` (-1, 0 or 1; 0 for NaN, as torch);  ``da = 0``: a step function's derivative is
    zero wherever it is defined, and torch uses 0 at the jump too."""
    node_name = "SignBackward0"  # torch's grad_fn name
    f = staticmethod(lambda a: np.where(np.isnan(a), 0, np.sign(a)) + 0)  # + 0 turns -0 into 0
    df = staticmethod(lambda a, y: np.zeros_like(a))


# --- bounds -------------------------------------------------------------------------------------
def _unmoved(y, a):
    """``a`` wherever clamping left the value as it was: torch keeps -0.0 against a bound of 0.0
    (NumPy's maximum(-0.0, 0.0) gives 0.0); a NaN bound still gives NaN (NaN ≠ a)."""
    with np.errstate(invalid="ignore"):
        return np.where(y == a, a, y)


class Clamp(Function):
    """``y = min(max(a, lo), hi)`` with number bounds (either may be None);
    ``da = dy`` where ``lo ≤ a ≤ hi``, else 0 (so a NaN input gets no gradient, as in torch)."""
    node_name = "ClampBackward1"  # torch's grad_fn name

    def forward(self, a, lo, hi):
        self.inside = np.ones(a.shape, dtype=bool)
        y = a
        if lo is not None:
            self.inside &= a >= lo
            y = np.maximum(y, np.asarray(lo, dtype=a.dtype))
        if hi is not None:
            self.inside &= a <= hi
            y = np.minimum(y, np.asarray(hi, dtype=a.dtype))
        return np.array(_unmoved(y, a), dtype=a.dtype)

    def backward(self, g):
        return np.where(self.inside, g, 0).astype(g.dtype), None, None


class ClampTensor(Function):
    """``y = min(max(a, lo), hi)`` with tensor bounds (broadcast; either may be None). Gradients:
    ``da = dy`` where ``lo ≤ a ≤ hi``; ``dlo = dy`` where ``a < lo`` and ``lo < hi``;
    ``dhi = dy`` where ``a > hi`` or ``hi < lo`` (when the bounds cross, the result is ``hi``)."""
    node_name = "ClampBackward0"  # torch's grad_fn name

    def forward(self, a, lo, hi):
        self.a, self.lo, self.hi = a, lo, hi
        y = a
        with np.errstate(invalid="ignore"):
            if lo is not None:
                y = np.maximum(y, lo)
            if hi is not None:
                y = np.minimum(y, hi)
        return np.asarray(_unmoved(y, a))

    def backward(self, g):
        a, lo, hi = self.a, self.lo, self.hi
        zero = np.zeros((), g.dtype)
        if lo is not None and hi is not None:
            ga = np.where((a >= lo) & (a <= hi), g, zero)
            glo = np.where((a < lo) & (lo < hi), g, zero)
            ghi = np.where((a > hi) | (hi < lo), g, zero)
        elif lo is not None:
            ga, glo, ghi = np.where(a >= lo, g, zero), np.where(a < lo, g, zero), None
        else:
            ga, glo, ghi = np.where(a <= hi, g, zero), None, np.where(a > hi, g, zero)
        return (unbroadcast(ga, a.shape),
                None if glo is None else unbroadcast(glo, lo.shape),
                None if ghi is None else unbroadcast(ghi, hi.shape))


class Maximum(Function):
    """``y = max(a, b)`` elementwise (NaN if either is NaN);  ``da = dy`` where ``a > b``, ``db = dy``
    where ``b > a``, and each gets ``dy / 2`` where ``a = b`` (torch's choice at a tie; where a NaN
    makes both comparisons false, both get ``dy``)."""
    node_name = "MaximumBackward0"  # torch's grad_fn name

    take_min = False

    def forward(self, a, b):
        self.a, self.b = a, b
        return (np.minimum if self.take_min else np.maximum)(a, b)

    def backward(self, g):
        a, b = self.a, self.b
        lose_a = (a > b) if self.take_min else (a < b)   # where a did not win
        lose_b = (b > a) if self.take_min else (b < a)
        share = np.where(a == b, g / 2, g)
        return (unbroadcast(np.where(lose_a, 0, share).astype(g.dtype), a.shape),
                unbroadcast(np.where(lose_b, 0, share).astype(g.dtype), b.shape))


class Minimum(Maximum):
    """``y = min(a, b)`` elementwise; the gradient rule of :class:`Maximum` with the roles swapped."""
    node_name = "MinimumBackward0"  # torch's grad_fn name

    take_min = True


class Where(Function):
    """``y = x where cond else z`` (all three broadcast);  ``dx = dy`` where cond, ``dz = dy``
    elsewhere (each summed back to its own shape). ``cond`` gets no gradient."""
    node_name = "WhereBackward0"  # torch's grad_fn name

    def forward(self, cond, x, z):
        self.cond, self.shapes = cond, (np.shape(x), np.shape(z))
        return np.where(cond, x, z)

    def backward(self, g):
        zero = np.zeros((), g.dtype)
        return (None,
                unbroadcast(np.where(self.cond, g, zero), self.shapes[0]),
                unbroadcast(np.where(self.cond, zero, g), self.shapes[1]))


class NormP(Function):
    """The p-norm over ``dims`` for a number p other than 2 (``Norm2`` is the 2-norm):

    ``‖a‖_p = (Σ |a|^p)^(1/p)``; ``p = ∞``: ``max |a|``; ``p = −∞``: ``min |a|``; ``p = 0``: the count of
    non-zero entries.

    Gradient, from the definition (y the norm):
    - finite p ≠ 0: ``da = dy · sign(a)·|a|^(p−1) / y^(p−1)``; 0 where ``y = 0`` (a kink: torch's choice),
      and for p < 1 also 0 where ``a = 0`` (where |a|^(p−1) is infinite);
    - p = ±∞: ``dy · sign(a)``, shared equally among the entries that attain the max (min) — or are NaN;
    - p = 0: none (the count is piecewise constant; torch leaves the input's grad undefined too).
    """
    node_name = "LinalgVectorNormBackward0"

    def forward(self, a, p, dims, keepdim):
        self.a, self.p, self.dims, self.keepdim = a, p, dims, keepdim
        m = np.abs(a)
        if p == np.inf:
            out = np.max(m, axis=dims, keepdims=True)
        elif p == -np.inf:
            out = np.min(m, axis=dims, keepdims=True)
        elif p == 0:
            out = np.sum(m != 0, axis=dims, keepdims=True).astype(a.dtype)
        elif p == 1:
            out = np.sum(m, axis=dims, keepdims=True)
        else:
            with np.errstate(divide="ignore", over="ignore"):
                out = np.sum(m ** p, axis=dims, keepdims=True) ** (1.0 / p)
        self.out = out.astype(a.dtype, copy=False)
        return self.out if keepdim else np.squeeze(self.out, axis=dims)

    def backward(self, g):
        a, p, y = self.a, self.p, self.out
        g = g if self.keepdim else np.expand_dims(g, self.dims)
        if p == 0:
            return None, None, None, None
        m = np.abs(a)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if np.isinf(p):
                hit = (m == y) | np.isnan(m)
                da = np.sign(a) * hit * (g / np.sum(hit, axis=self.dims, keepdims=True))
            else:
                da = np.sign(a) * m ** (p - 1) * np.where(y == 0, 0, g / y ** (p - 1))
                if p < 1:
                    da = np.where(a == 0, 0, da)
        return da.astype(a.dtype, copy=False), None, None, None


class Norm2(Function):
    """``y = ‖a‖₂ = √(Σ_dims a²)``;  ``da = dy · a / y``, and 0 where ``y = 0`` (torch's choice at the
    kink of the norm, where every direction is a subgradient)."""
    node_name = "LinalgVectorNormBackward0"  # torch's grad_fn name

    def forward(self, a, dims, keepdim):
        self.a, self.dims, self.keepdim = a, dims, keepdim
        self.out = np.sqrt(np.sum(a * a, axis=dims, keepdims=True))
        return self.out if keepdim else np.squeeze(self.out, axis=dims)

    def backward(self, g):
        g = g if self.keepdim else np.expand_dims(g, self.dims)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(self.out == 0, 0, g / self.out)
        return (self.a * scale).astype(self.a.dtype, copy=False), None, None
