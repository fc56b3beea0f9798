"""Elementwise Functions of one to three tensors that optimizers and loss code reach for: erf, frac,
atan2, nan_to_num, lerp, addcmul and addcdiv. Inputs broadcast; each backward sums its gradient back
to its input's shape (``unbroadcast``). The derivatives, evaluated where torch evaluates them:

- ``erf a = 2/√π ∫₀ᵃ e^(−t²) dt``;  ``da = dy · 2/√π · e^(−a²)``.
- ``frac a = a − trunc(a)``;  ``da = dy`` (trunc is a step function: derivative 0).
- ``atan2(a, b)`` = the angle of the point (b, a);  ``da = dy · b / (a² + b²)``, ``db = −dy · a / (a² + b²)``,
  both 0 where ``a² + b² = 0`` (torch's choice at the origin).
- ``nan_to_num``: NaN, +inf and −inf replaced by numbers;  ``da = dy · isfinite(a)`` (0 where replaced).
- ``lerp(a, e, w) = a + w·(e − a)``;  ``da = dy·(1 − w)``, ``de = dy·w``, ``dw = dy·(e − a)``.
- ``addcmul(a, t₁, t₂, v) = a + v·t₁·t₂``;  ``da = dy``, ``dt₁ = dy·t₂·v``, ``dt₂ = dy·t₁·v``.
- ``addcdiv(a, t₁, t₂, v) = a + v·t₁/t₂``;  ``da = dy``, ``dt₁ = dy·v/t₂``, ``dt₂ = −dy·v·t₁/t₂²``.

NumPy's warnings for 0/0, inf − inf and the like are silenced: torch returns NaN or inf without a word.
"""
from __future__ import annotations

import math

import numpy as np

from ..autograd.function import Function
from .arithmetic import unbroadcast
from .math import _Unary

_erf = np.vectorize(math.erf, otypes=[np.float64])  # NumPy has no erf; math.erf is exact to double precision


class Erf(_Unary):
    """``y = erf a`` (computed in float64, then rounded to a's dtype);  ``da = dy · 2/√π · e^(−a²)``."""
    node_name = "ErfBackward0"
    f = staticmethod(lambda a: _erf(a) if a.size else np.empty(a.shape))
    df = staticmethod(lambda a, y: (2 / math.sqrt(math.pi)) * np.exp(-a * a))


class Frac(Function):
    """``y = a − trunc(a)`` (keeps a's sign: frac(−1.5) = −0.5; ±inf gives NaN);  ``da = dy`` (nothing
    is kept for backward, as torch)."""
    node_name = "FracBackward0"

    def forward(self, a):
        with np.errstate(invalid="ignore"):
            return a - np.trunc(a)

    def backward(self, g):
        return (g,)


class Atan2(Function):
    """``y = atan2(a, b)`` in (−π, π];  ``da = dy·b·r``, ``db = −dy·a·r`` with ``r = 1/(a² + b²)``,
    taken as 0 where ``a² + b² = 0``."""
    node_name = "Atan2Backward0"

    def forward(self, a, b):
        self.a, self.b = a, b
        return np.arctan2(a, b)

    def backward(self, g):
        a, b = self.a, self.b
        with np.errstate(all="ignore"):
            denom = a * a + b * b
            r = np.where(denom == 0, np.zeros((), denom.dtype), 1 / denom)
            return unbroadcast(g * b * r, a.shape), unbroadcast(g * -a * r, b.shape)


class NanToNum(Function):
    """``y = a`` with NaN → ``nan``, +inf → ``posinf``, −inf → ``neginf`` (numbers already in a's dtype);
    ``da = dy · isfinite(a)``."""
    node_name = "NanToNumBackward0"

    def forward(self, a, nan, posinf, neginf):
        self.finite = np.isfinite(a)
        out = np.where(np.isnan(a), nan, a)
        out = np.where(np.isposinf(a), posinf, out)
        return np.where(np.isneginf(a), neginf, out).astype(a.dtype, copy=False)

    def backward(self, g):
        return g * self.finite, None, None, None


class Lerp(Function):
    """``y = a + w·(e − a)``, evaluated as torch does so that w = 1 gives ``e`` exactly:
    ``a + w·(e − a)`` where |w| < 0.5, else ``e − (e − a)·(1 − w)``.
    ``da = dy·(1 − w)``, ``de = dy·w``, ``dw = dy·(e − a)`` (``w`` a number: no gradient)."""
    node_name = "LerpBackward0"

    def forward(self, a, e, w):
        scalar = not isinstance(w, np.ndarray)
        self.node_name = "LerpBackward0" if scalar else "LerpBackward1"
        w = a.dtype.type(w) if scalar else w   # a NumPy scalar: a number weight keeps no array for backward
        self.shapes, self.w = (a.shape, e.shape), w
        if not scalar:   # dw = dy·(e − a) needs both; a number weight needs neither (as torch: LerpBackward0)
            self.a, self.e = a, e
        with np.errstate(all="ignore"):
            diff = e - a
            return np.where(np.abs(w) < 0.5, a + w * diff, e - diff * (1 - w))

    def backward(self, g):
        w = self.w
        with np.errstate(all="ignore"):
            dw = None if not isinstance(w, np.ndarray) else unbroadcast(g * (self.e - self.a), w.shape)
            return unbroadcast(g * (1 - w), self.shapes[0]), unbroadcast(g * w, self.shapes[1]), dw


class Addcmul(Function):
    """``y = a + v·t₁·t₂`` (``v`` a number in the inputs' dtype);  ``da = dy``, ``dt₁ = dy·t₂·v``,
    ``dt₂ = dy·t₁·v``. Each factor is kept for backward only when the other one needs its gradient (as
    torch: with constant factors a second backward works without ``retain_graph``)."""
    node_name = "AddcmulBackward0"

    def forward(self, a, t1, t2, value):
        _, need1, need2, _ = self.needs_input_grad
        self.shapes, self.value = (a.shape, t1.shape, t2.shape), value
        self.t1, self.t2 = (t1 if need2 else None), (t2 if need1 else None)
        with np.errstate(all="ignore"):
            return a + value * t1 * t2

    def backward(self, g):
        sa, s1, s2 = self.shapes
        with np.errstate(all="ignore"):
            d1 = None if self.t2 is None else unbroadcast(g * self.t2 * self.value, s1)
            d2 = None if self.t1 is None else unbroadcast(g * self.t1 * self.value, s2)
            return unbroadcast(g, sa), d1, d2, None


class Addcdiv(Function):
    """``y = a + v·t₁/t₂``;  ``da = dy``, ``dt₁ = dy·(v/t₂)``, ``dt₂ = −dy·(v·t₁/t₂²)``. t₂ is kept for
    backward always (torch keeps it too: a second backward refuses), t₁ only when t₂ needs its gradient."""
    node_name = "AddcdivBackward0"

    def forward(self, a, t1, t2, value):
        _, need1, need2, _ = self.needs_input_grad
        self.shapes, self.value, self.need = (a.shape, t1.shape, t2.shape), value, (need1, need2)
        self.t1, self.t2 = (t1 if need2 else None), t2
        with np.errstate(all="ignore"):
            return a + value * t1 / t2

    def backward(self, g):
        (sa, s1, s2), v, (need1, need2) = self.shapes, self.value, self.need
        t1, t2 = self.t1, self.t2
        with np.errstate(all="ignore"):
            d1 = unbroadcast(g * (v / t2), s1) if need1 else None
            d2 = unbroadcast(-g * (v * t1 / (t2 * t2)), s2) if need2 else None
            return unbroadcast(g, sa), d1, d2, None
