"""The logical and bitwise Tensor methods (no gradient): ``~ & | ^ << >>`` and their in-place forms,
``bitwise_*`` and ``logical_*``. Operands are promoted as torch promotes them (a Python int written into a
uint8 computation wraps: ``u8 & -1`` keeps every bit), float operands have no bitwise kernel (torch's
NotImplementedError) and shapes broadcast with torch's error. ``Tensor`` inherits :class:`BitsMixin`."""
from __future__ import annotations

import numbers

import numpy as np

from .autograd.function import tensor_class
from .ops.arithmetic import broadcast_shape
from .tensor_arithmetic import _as_operands
from .tensor_inplace import _SCALAR_NAME


def _shift(a: np.ndarray, s: np.ndarray, left: bool) -> np.ndarray:
    """``a << s`` / ``a >> s`` with torch's rule for a shift past the width (or negative): a left shift
    gives 0, a right shift the sign fill (0, or −1 for negative signed values). NumPy leaves those undefined."""
    bits = a.dtype.itemsize * 8
    out_of_range = (s < 0) | (s >= bits)
    safe = np.where(out_of_range, 0, s).astype(a.dtype)
    if left:
        return np.where(out_of_range, 0, np.left_shift(a, safe)).astype(a.dtype)
    fill = np.where(a < 0, -1, 0) if a.dtype.kind == "i" else np.zeros_like(a)
    return np.where(out_of_range, fill, np.right_shift(a, safe)).astype(a.dtype)


def _left(a, s):
    return _shift(a, s, left=True)


def _right(a, s):
    return _shift(a, s, left=False)


# each operator's array kernel and the name torch's errors give it
_KERNELS = {"and": (np.bitwise_and, "bitwise_and"), "or": (np.bitwise_or, "bitwise_or"),
            "xor": (np.bitwise_xor, "bitwise_xor"), "lshift": (_left, "lshift"), "rshift": (_right, "rshift")}


def _operator(kind: str, reverse: bool = False):
    """``__and__`` (``__rand__`` when ``reverse``) and the others: ``NotImplemented`` for an operand of the
    wrong type, so that Python tries the other side and then raises its TypeError, as for torch."""
    kernel, name = _KERNELS[kind]

    def op(self, other):
        return self._bits(other, kernel, name, reverse)

    op.__name__ = op.__qualname__ = f"__{'r' if reverse else ''}{kind}__"
    return op


class BitsMixin:
    """The methods listed in the module docstring; ``self`` is always a Tensor."""

    def _bits(self, other, kernel, name, reverse=False):
        """``self ⊕ other`` (``other ⊕ self`` when ``reverse``) for a bitwise ``kernel`` on arrays;
        ``NotImplemented`` for an operand that is neither a Tensor nor a number (Python's TypeError)."""
        if not isinstance(other, (tensor_class(), numbers.Number)) or isinstance(other, complex):
            return NotImplemented
        a, b = _as_operands(self, other)
        if a.dtype.kind == "f" or (name.endswith("shift") and a.dtype.kind == "b"):
            raise NotImplementedError(f'"{name}_cpu" not implemented for '
                                      f"'{_SCALAR_NAME.get(a.dtype.name, a.dtype.name)}'")
        broadcast_shape(a.shape, b.shape, name=name)
        x, y = (b, a) if reverse else (a, b)
        return tensor_class()(np.asarray(kernel(x.array, y.array)))

    def _method_bits(self, other, kind):
        """The method form: an operand of the wrong type is a TypeError here (the operators return
        NotImplemented instead, so that Python can try the other operand)."""
        kernel, name = _KERNELS[kind]
        out = self._bits(other, kernel, name)
        if out is NotImplemented:
            raise TypeError(f"{name}(): argument 'other' (position 1) must be Tensor or Number, not {type(other).__name__}")
        return out

    def bitwise_and(self, other):
        return self._method_bits(other, "and")

    def bitwise_or(self, other):
        return self._method_bits(other, "or")

    def bitwise_xor(self, other):
        return self._method_bits(other, "xor")

    def bitwise_left_shift(self, other):
        """``self · 2^other`` in the integer dtype (bits past the width are lost; a shift ≥ the width is 0)."""
        return self._method_bits(other, "lshift")

    def bitwise_right_shift(self, other):
        """``⌊self / 2^other⌋`` (arithmetic: a negative value stays negative; past the width, 0 or −1)."""
        return self._method_bits(other, "rshift")

    def bitwise_not(self):
        if self.dtype.kind == "f":
            raise NotImplementedError(f'"bitwise_not_cpu" not implemented for '
                                      f"'{_SCALAR_NAME.get(self.dtype.name, self.dtype.name)}'")
        return tensor_class()(np.invert(self.array))

    def __invert__(self):
        if self.dtype.kind == "f":
            raise TypeError(f"~ (bitwise_not) needs a bool or integer tensor, got {self.dtype.name}")
        return self.bitwise_not()

    __and__, __or__, __xor__, __lshift__, __rshift__ = (_operator(k) for k in _KERNELS)
    __rand__, __ror__, __rxor__, __rlshift__, __rrshift__ = (_operator(k, reverse=True) for k in _KERNELS)

    # in place: the result must fit self's shape and dtype (Tensor._inplace checks both, as torch)
    def _inplace_bits(self, name, other):
        if not isinstance(other, (tensor_class(), numbers.Number)) or isinstance(other, complex):
            return NotImplemented  # Python then tries the operator itself, and raises its TypeError
        return self._inplace(lambda x: getattr(x, name)(other))

    def __iand__(self, other):
        return self._inplace_bits("bitwise_and", other)

    def __ior__(self, other):
        return self._inplace_bits("bitwise_or", other)

    def __ixor__(self, other):
        return self._inplace_bits("bitwise_xor", other)

    def __ilshift__(self, other):
        return self._inplace_bits("bitwise_left_shift", other)

    def __irshift__(self, other):
        return self._inplace_bits("bitwise_right_shift", other)

    def __ipow__(self, other):
        return self.pow_(other)

    # -- logical: any dtype, bool results ------------------------------------------------------------
    def logical_not(self):
        return tensor_class()(np.logical_not(self.array))

    def logical_and(self, other):
        return self._logical(np.logical_and, other, "logical_and")

    def logical_or(self, other):
        return self._logical(np.logical_or, other, "logical_or")

    def logical_xor(self, other):
        return self._logical(np.logical_xor, other, "logical_xor")

    def _logical(self, op, other, name):
        b = self._tensor_arg(other, name).array
        broadcast_shape(self.shape, b.shape, name=name)
        return tensor_class()(op(self.array, b))
