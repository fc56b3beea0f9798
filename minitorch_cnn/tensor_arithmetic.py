"""Tensor's arithmetic: ``+ − * / ** @`` (and reflected, ``add``/``sub``/…) with torch's broadcasting and
type promotion, and the comparisons ``== != < <= > >=`` (bool results, no gradient).

Each operator promotes its operands (:func:`_as_operands`, torch's rules from dtypes.py) and applies a
Function from :mod:`minitorch_cnn.ops.arithmetic`, where forward and backward are written out.
``Tensor`` inherits these from :class:`ArithmeticMixin`. (This module sits below tensor.py: it gets
the Tensor class from autograd.function's registry, ``tensor_class()``, instead of importing it.)
"""
from __future__ import annotations

import numbers

import numpy as np

from .autograd.function import tensor_class
from .dtypes import bool_, checked_scalar, get_default_dtype, result_dtype
from .ops.arithmetic import Add, Div, MatMul, Mul, Neg, Pow, Rsub, Sub, broadcast_shape
from .ops.division import (DivRounding, FloorDivide, Fmod, FmodByNumber, NumberRemainder, Remainder,
                           RemainderByNumber)


def _check_python_int(x) -> None:
    """torch converts a Python int operand through int64/uint64: from 2**64 on (or below -2**63) it is an
    OverflowError, never a float approximation."""
    if isinstance(x, int) and not isinstance(x, bool) and not -2**63 <= x < 2**64:
        raise OverflowError("int too big to convert")


def _as_operands(a, b, floating: bool = False):
    """``a ⊕ b``'s operands as two Tensors of the dtype torch's promotion gives the result (``floating``: at
    least the default float, for true division: ``uint8 / -1`` divides by −1.0, not by a wrapped 255)."""
    Tensor = tensor_class()
    _check_python_int(a)
    _check_python_int(b)
    dt = result_dtype(*(x.array if isinstance(x, Tensor) else x for x in (a, b)))
    if floating and dt.kind != "f":
        dt = get_default_dtype()
    out = []
    for x in (a, b):
        if isinstance(x, Tensor):
            out.append(x if x.dtype == dt else x.to(dt))
        else:  # a number, cast as C casts it: an int wraps as torch's does (uint8 tensor - 3 → + 253)
            out.append(Tensor(np.array(x).astype(dt)))
    return out


def _apply_broadcasting(fn, a, b, *args):
    """``fn.apply(a, b, *args)``, with a clear error when a and b cannot be broadcast together."""
    broadcast_shape(np.shape(a), np.shape(b), name=fn.__name__)
    return fn.apply(a, b, *args)


def _division_operands(a, b, kernel: str):
    """Promoted operands of a rounding division or remainder; torch has none of these for bool."""
    x, y = _as_operands(a, b)
    if x.dtype == bool_:
        raise NotImplementedError(f'"{kernel}_cpu" not implemented for \'Bool\'')
    return x, y


def rounded_div(a, b, rounding_mode):
    """``div(a, b, rounding_mode=...)`` for a Tensor or a number on either side (ops/division.py)."""
    if rounding_mode is None:
        return a / b if isinstance(a, tensor_class()) else b.__rtruediv__(a)
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                           f"{rounding_mode!r}")
    x, y = _division_operands(a, b, f"div_{rounding_mode}")
    return _apply_broadcasting(DivRounding, x, y, rounding_mode)


def remainder(a, b):
    """``a % b`` for a Tensor or a number on either side; a number is a constant, not a graph input."""
    Tensor = tensor_class()
    x, y = _division_operands(a, b, "remainder")
    if not isinstance(a, Tensor):
        return _apply_broadcasting(NumberRemainder, x.array, y)
    return _apply_broadcasting(Remainder, x, y) if isinstance(b, Tensor) else RemainderByNumber.apply(x, y.array)


def floor_divide(a, b):
    """``a // b`` for a Tensor or a number on either side; a number is a constant, not a graph input."""
    Tensor = tensor_class()
    x, y = _division_operands(a, b, "div_floor")
    return _apply_broadcasting(FloorDivide, x if isinstance(a, Tensor) else x.array,
                               y if isinstance(b, Tensor) else y.array)


class ArithmeticMixin:
    """The arithmetic and comparison methods of Tensor (``self`` is always a Tensor)."""

    def _binary(self, fn, other, reverse=False):
        a, b = _as_operands(self, other)  # an operand of the wrong type is a TypeError before anything else
        if fn in (Sub, Rsub):
            bools = (self.dtype == bool_) + (isinstance(other, (bool, np.bool_))
                                             or getattr(other, "dtype", None) == bool_)
            if bools:  # torch: `-` with a bool is refused (NumPy would subtract as ints or floats)
                what, hint = (("two bool tensors", "Use the `^` or `logical_xor()` operator instead.") if bools == 2 else
                              ("a bool tensor", "If you are trying to invert a mask, use the `~` or `logical_not()` "
                                                "operator instead."))
                raise RuntimeError(f"Subtraction, the `-` operator, with {what} is not supported. {hint}")
        if reverse:
            a, b = b, a
        broadcast_shape(a.shape, b.shape, name=fn.__name__)
        return fn.apply(a, b)

    def __add__(self, other):
        return self._binary(Add, other)

    def __radd__(self, other):
        return self._binary(Add, other)  # 2 + x is x + 2 (exactly, and torch's graph shows it so)

    def __sub__(self, other):
        return self._binary(Sub, other)

    def __rsub__(self, other):
        return self._binary(Rsub, other, reverse=True)

    def __mul__(self, other):
        return self._binary(Mul, other)

    def __rmul__(self, other):
        return self._binary(Mul, other)  # 2 * x is x * 2

    def __truediv__(self, other):
        return _apply_broadcasting(Div, *_as_operands(self, other, floating=True))  # ints divide as a float

    def __rtruediv__(self, other):
        b, a = _as_operands(self, other, floating=True)
        return _apply_broadcasting(Div, a, b)

    def __pow__(self, other):
        if self.dtype == bool_ and getattr(other, "dtype", None) == bool_:
            raise NotImplementedError("\"pow\" not implemented for 'Bool'")
        if self.dtype == bool_ and isinstance(other, (bool, np.bool_)):  # x ** True is x, x ** False is True
            return tensor_class()(self.array | (not other))
        if isinstance(other, (int, float)) and not isinstance(other, bool):
            if isinstance(other, int) and other < 0 and self.dtype.kind in "iub":
                raise RuntimeError("Integers to negative integer powers are not allowed.")
            if isinstance(other, int) and self.dtype.kind in "iu":
                _check_python_int(other)  # beyond uint64: Python's OverflowError first, as torch
                checked_scalar(other, self.dtype)  # uint8 ** 2**40: torch's overflow error, not a wrapped power
            a, b = _as_operands(self, other)
            return Pow.apply(a, b.array)  # a number exponent is not a graph input (torch: one edge)
        return self._binary(Pow, other)

    def __rpow__(self, other):
        if self.dtype == bool_ and isinstance(other, (bool, np.bool_)):
            raise NotImplementedError("\"pow\" not implemented for 'Bool'")
        if isinstance(other, (int, float)) and not isinstance(other, bool):
            b, a = _as_operands(self, other)
            return Pow.apply(a.array, b)  # a number base is not a graph input (torch: one edge)
        return self._binary(Pow, other, reverse=True)

    def __neg__(self):
        if self.dtype.kind == "b":
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
                               "to invert a mask, use the `~` or `logical_not()` operator instead.")
        return Neg.apply(self)

    def __pos__(self):
        if self.dtype.kind == "b":
            raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
        return self

    def __matmul__(self, other):
        if not isinstance(other, tensor_class()):
            raise TypeError(f"matmul: expected a Tensor operand, got {type(other).__name__}")
        if self.dtype != other.dtype:  # torch never promotes in a matrix product (mm/dot/mv all refuse)
            raise RuntimeError(f"matmul: expected both operands to have the same dtype, but got "
                               f"{self.dtype.name} and {other.dtype.name} (convert one, e.g. with .float())")
        if self.dtype == bool_:  # torch has no bool matrix-product kernel
            raise NotImplementedError("\"addmm_impl_cpu_\" not implemented for 'Bool'")
        a, b = _as_operands(self, other)
        if a.ndim == 0 or b.ndim == 0:
            raise RuntimeError("matmul: both arguments need at least 1 dimension, got a 0-d tensor")
        ka = a.shape[-1]
        kb = b.shape[-2] if b.ndim > 1 else b.shape[0]
        if ka != kb:
            from .errors import ShapeError

            raise ShapeError(
                f"matmul: shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be multiplied "
                f"(inner dimensions {ka} and {kb} differ)"
            )
        return MatMul.apply(a, b)

    def __rmatmul__(self, other):
        if not isinstance(other, tensor_class()):  # ``2 @ t``, ``[1, 2] @ t``: Python's TypeError, as torch
            return NotImplemented
        return other.__matmul__(self)

    def _check_alpha(self, other, alpha) -> None:
        """torch: a float ``alpha`` is refused when both operands are integral (the result would be)."""
        if isinstance(alpha, float) and self.dtype.kind in "iub" and (
                getattr(other, "dtype", np.dtype(np.int64)).kind in "iub" if not isinstance(other, float) else False):
            raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")

    def add(self, other, alpha=1):
        self._check_alpha(other, alpha)
        return self + (other * alpha if alpha != 1 else other)

    def sub(self, other, alpha=1):
        self._check_alpha(other, alpha)
        return self - (other * alpha if alpha != 1 else other)

    def mul(self, other):
        return self * other

    def div(self, other, *, rounding_mode=None):
        """``self / other``, or rounded toward zero (``rounding_mode="trunc"``) or down (``"floor"``)."""
        return rounded_div(self, other, rounding_mode)

    divide = div

    def true_divide(self, other):
        return self / other

    # rounding division and remainders (ops/division.py has the definitions and the gradients)
    def floor_divide(self, other):
        return floor_divide(self, other)

    def __floordiv__(self, other):
        return floor_divide(self, other)

    def __rfloordiv__(self, other):
        return floor_divide(other, self)

    def remainder(self, other):
        return remainder(self, other)

    def __mod__(self, other):
        return remainder(self, other)

    def __rmod__(self, other):
        return remainder(other, self)

    def fmod(self, other):
        """``self − other·trunc(self/other)`` (the sign of self; ``%`` is :meth:`remainder`, the sign of other)."""
        Tensor = tensor_class()
        a, b = _division_operands(self, other, "fmod")
        return _apply_broadcasting(Fmod, a, b) if isinstance(other, Tensor) else FmodByNumber.apply(a, b.array)

    def pow(self, exponent):
        return self ** exponent

    def matmul(self, other):
        return self @ other

    # comparisons: no gradient, bool results
    def _compare(self, op, other):
        Tensor = tensor_class()
        if not isinstance(other, (Tensor, numbers.Number, np.ndarray, np.generic)):
            # a str, None, list …: as torch, Python decides (``t == 'a'`` is False, ``t < 'a'`` a TypeError)
            return NotImplemented
        broadcast_shape(self.array.shape, np.shape(other.array if isinstance(other, Tensor) else other), name=op.__name__)
        a, b = _as_operands(self, other if isinstance(other, (Tensor, numbers.Number)) else Tensor(np.asarray(other)))
        return Tensor(op(a.array, b.array))  # in the promoted dtype: uint8 > -1 compares with 255, as torch

    def __eq__(self, other):  # noqa: D105
        return self._compare(np.equal, other)

    def __ne__(self, other):
        return self._compare(np.not_equal, other)

    def __lt__(self, other):
        return self._compare(np.less, other)

    def __le__(self, other):
        return self._compare(np.less_equal, other)

    def __gt__(self, other):
        return self._compare(np.greater, other)

    def __ge__(self, other):
        return self._compare(np.greater_equal, other)

    def _comparable(self, other, name):
        """The methods (unlike ``==``, where Python answers False) refuse a str/None/list, as torch's."""
        if not isinstance(other, (tensor_class(), numbers.Number, np.ndarray, np.generic)):
            raise TypeError(f"{name}() received an invalid combination of arguments - got "
                            f"({type(other).__name__}), but expected a Tensor or a number")
        return other

    def eq(self, other):
        return self == self._comparable(other, "eq")

    def ne(self, other):
        return self != self._comparable(other, "ne")

    def lt(self, other):
        return self < self._comparable(other, "lt")

    def le(self, other):
        return self <= self._comparable(other, "le")

    def gt(self, other):
        return self > self._comparable(other, "gt")

    def ge(self, other):
        return self >= self._comparable(other, "ge")

    not_equal, less, less_equal, greater, greater_equal = ne, lt, le, gt, ge
