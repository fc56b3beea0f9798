"""Division that rounds, and the two remainders, as torch defines them.

``a / b`` rounded two ways, and what is left over:

=====================================  ===========================  ===========================
                                        quotient ``q``               remainder ``a - q·b``
=====================================  ===========================  ===========================
round toward zero ("trunc")             ``div(a, b, "trunc")``        ``fmod(a, b)``: the sign of a
round toward −∞ ("floor")               ``div(a, b, "floor")``,       ``remainder(a, b)``, ``a % b``:
                                        ``floor_divide``, ``a // b``  the sign of b (Python's rule)
=====================================  ===========================  ===========================

``-7 // 2 = -4`` and ``-7 % 2 = 1`` (Python's ints agree); ``fmod(-7, 2) = -1`` (C's ``%``).

Integers: a zero divisor raises ``RuntimeError("ZeroDivisionError")`` as torch does (NumPy would return
0 with a warning). Floats follow IEEE: ``7.0 // 0 = inf``, ``7.0 % 0 = nan``. The results keep the
operands' promoted dtype (``int // int`` is an int, as in Python), unlike ``/``.

Gradients (torch's): the rounded quotients are step functions, so ``div(..., rounding_mode=...)``
has zero gradients; ``remainder``: ``da = dy``, ``db = −dy·floor(a/b)``; ``fmod``: ``da = dy``,
``db = −dy·trunc(a/b)``. torch defines *no* derivative for ``floor_divide`` (``//``) nor for
``number % tensor``: their ``grad_fn`` is ``NotImplemented`` and backward through them raises.
"""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from .arithmetic import unbroadcast


def _check_divisor(a, b) -> None:
    """Integer division by zero is an error in torch (there is no integer inf or nan)."""
    if np.result_type(a, b).kind in "iu" and np.any(np.asarray(b) == 0):
        raise RuntimeError("ZeroDivisionError")


def trunc_divide(a, b):
    """``trunc(a / b)``. Integers: ``a − fmod(a, b)`` is an exact multiple of b, so dividing it is exact
    (and cannot overflow: it moves a toward zero); ``-2**63 // -1`` wraps to ``-2**63`` as in torch."""
    _check_divisor(a, b)
    with np.errstate(all="ignore"):
        if np.result_type(a, b).kind in "iu":
            return np.floor_divide(np.subtract(a, np.fmod(a, b)), b)
        return np.trunc(np.true_divide(a, b))


def floor_divide(a, b):
    """``floor(a / b)``. For floats NumPy's ``floor_divide`` runs the same algorithm as torch's
    (``(a − fmod(a, b)) / b``, moved down by one where the remainder's sign differs from b's, then
    rounded to the nearest integer; ``a / b`` itself when b is 0)."""
    _check_divisor(a, b)
    with np.errstate(all="ignore"):
        return np.floor_divide(a, b)


def remainder(a, b):
    """``a − b·floor(a / b)``, the sign of b. Floats as torch computes it: ``m = fmod(a, b)``, plus b
    where m is not 0 and has the other sign than b (so ``7.0 % -7.0`` is +0.0 in torch, not NumPy's -0.0)."""
    _check_divisor(a, b)
    with np.errstate(all="ignore"):
        if np.result_type(a, b).kind in "iu":
            return np.remainder(a, b)
        m = np.fmod(a, b)
        return np.where((m != 0) & ((b < 0) != (m < 0)), m + b, m)


def fmod(a, b):
    """``a − b·trunc(a / b)``, the sign of a (C's ``fmod``, and C's ``%`` for integers)."""
    _check_divisor(a, b)
    with np.errstate(all="ignore"):
        return np.fmod(a, b)


class DivRounding(Function):
    """``y = trunc(a / b)`` or ``floor(a / b)`` (``rounding_mode``);  ``da = db = 0``: the result is a step
    function of a and b (torch's DivBackward2 gives zeros too)."""

    node_name = "DivBackward2"

    def forward(self, a, b, rounding_mode):
        self.shapes = (np.shape(a), np.shape(b))
        return (trunc_divide if rounding_mode == "trunc" else floor_divide)(a, b)

    def backward(self, g):
        return np.zeros(self.shapes[0], g.dtype), np.zeros(self.shapes[1], g.dtype), None


class Remainder(Function):
    """``y = a − b·floor(a/b)``;  ``da = dy``,  ``db = −dy·floor(a/b)`` (summed over broadcast axes).

    Keeps a and b only when b needs a gradient (as torch)."""

    node_name = "RemainderBackward1"
    _quotient = staticmethod(floor_divide)
    _result = staticmethod(remainder)

    def forward(self, a, b):
        self.shapes = (np.shape(a), np.shape(b))
        if self.needs_input_grad[1]:
            self.a, self.b = a, b
        return self._result(a, b)

    def backward(self, g):
        ga = unbroadcast(g, self.shapes[0]) if self.needs_input_grad[0] else None
        gb = None
        if self.needs_input_grad[1]:
            gb = unbroadcast(-g * self._quotient(self.a, self.b), self.shapes[1])
        return ga, gb


class RemainderByNumber(Remainder):
    """``x % 2``: the number is no graph input, so torch's node has one edge (RemainderBackward0)."""

    node_name = "RemainderBackward0"


class Fmod(Remainder):
    """``y = a − b·trunc(a/b)``;  ``da = dy``,  ``db = −dy·trunc(a/b)``."""

    node_name = "FmodBackward1"
    _quotient = staticmethod(trunc_divide)
    _result = staticmethod(fmod)


class FmodByNumber(Fmod):
    """``fmod(x, 2)``: one edge, as torch's FmodBackward0."""

    node_name = "FmodBackward0"


class FloorDivide(Function):
    """``y = floor(a / b)`` (``a // b``, ``floor_divide``). torch defines no derivative for it: the node
    is ``NotImplemented`` and backward through it raises (``div(a, b, rounding_mode="floor")`` is the
    differentiable spelling, with zero gradients)."""

    node_name = "torch::autograd::NotImplemented"
    aten = "floor_divide"

    def forward(self, a, b):
        return floor_divide(a, b)

    def backward(self, g):
        raise RuntimeError(f"derivative for aten::{self.aten} is not implemented")


class NumberRemainder(FloorDivide):
    """``2 % x``: torch has no derivative for a number's remainder by a tensor either (NotImplemented)."""

    node_name = "torch::autograd::NotImplemented"
    aten = "remainder"

    def forward(self, a, b):
        return remainder(a, b)
