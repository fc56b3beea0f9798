"""Arithmetic Functions: ``+ − * / − ** @``, :func:`unbroadcast`, the backward of NumPy broadcasting, and
:func:`broadcast_shape`, its shape rule with torch's error."""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from ..errors import ShapeError


def unbroadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``grad`` back down to ``shape``: the backward of NumPy broadcasting.

    Broadcasting copies an input along new leading axes and along axes of size 1; each copy
    contributed to the output, so the input's gradient is the sum over those axes.
    """
    if grad.shape == tuple(shape):
        return grad
    lead = grad.ndim - len(shape)
    if lead > 0:
        grad = grad.sum(axis=tuple(range(lead)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)


def broadcast_shape(*shapes, name: str | None = None) -> tuple:
    """The shape that ``shapes`` broadcast to, or torch's error naming the sizes that clash and the
    dimension (of the result) where they do: shapes are joined left to right, each pair compared from the
    last dimension on, as torch's ``infer_size`` does. The error is a ShapeError (a ValueError, and the
    RuntimeError torch raises), prefixed by ``name`` (the op) when given, the shapes at the end."""
    out = tuple(shapes[0])
    for shape in shapes[1:]:
        n = max(len(out), len(shape))
        a, b = (1,) * (n - len(out)) + out, (1,) * (n - len(shape)) + tuple(shape)
        for k in reversed(range(n)):
            if a[k] != b[k] and 1 not in (a[k], b[k]):
                shown = " and ".join(str(tuple(s)) for s in shapes)
                raise ShapeError(f"{name + ': ' if name else ''}The size of tensor a ({a[k]}) must match the size "
                                 f"of tensor b ({b[k]}) at non-singleton dimension {k} (shapes {shown})")
        out = tuple(y if x == 1 else x for x, y in zip(a, b))  # (1 with 0 is 0)
    return out


def _needs(fn) -> tuple:
    """(does a need a gradient, does b) for a two-input Function, read in forward to save only what is needed."""
    return (tuple(fn.needs_input_grad) + (False, False))[:2]


class Add(Function):
    """``y = a + b``;  ``da = dy``, ``db = dy`` (each summed over broadcast axes)."""

    node_name = "AddBackward0"

    def forward(self, a, b):
        self.shapes = (np.shape(a), np.shape(b))
        return np.add(a, b)

    def backward(self, g):
        return unbroadcast(g, self.shapes[0]), unbroadcast(g, self.shapes[1])


class Sub(Function):
    """``y = a - b``;  ``da = dy``, ``db = -dy``."""

    node_name = "SubBackward0"

    def forward(self, a, b):
        self.shapes = (np.shape(a), np.shape(b))
        return np.subtract(a, b)

    def backward(self, g):
        return unbroadcast(g, self.shapes[0]), unbroadcast(-g, self.shapes[1])


class Mul(Function):
    """``y = a * b``;  ``da = dy * b``, ``db = dy * a``."""

    node_name = "MulBackward0"

    def forward(self, a, b):
        need_a, need_b = _needs(self)
        # keep only what backward will read (as torch): da needs b, db needs a
        self.a, self.b = (a if need_b else None), (b if need_a else None)
        self.shapes = (np.shape(a), np.shape(b))
        return np.multiply(a, b)

    def backward(self, g):
        a, b = self.a, self.b
        ga = unbroadcast(g * b, self.shapes[0]) if self.needs_input_grad[0] else None
        gb = unbroadcast(g * a, self.shapes[1]) if self.needs_input_grad[1] else None
        return ga, gb


class Div(Function):
    """``y = a / b``;  ``da = dy / b``, ``db = -dy * a / b²``."""

    node_name = "DivBackward0"

    def forward(self, a, b):
        # keep only what backward will read (as torch): da needs b, db needs a and b
        self.a, self.b = (a if _needs(self)[1] else None), b
        self.shapes = (np.shape(a), np.shape(b))
        with np.errstate(divide="ignore", invalid="ignore"):  # x / 0 is ±inf or nan, silently (as torch)
            return np.true_divide(a, b)

    def backward(self, g):
        a, b = self.a, self.b
        ga = unbroadcast(g / b, self.shapes[0]) if self.needs_input_grad[0] else None
        gb = unbroadcast(-g * a / (b * b), self.shapes[1]) if self.needs_input_grad[1] else None
        return ga, gb


class Rsub(Sub):
    """``y = a - b`` written as ``2 - x`` (``b.__rsub__``); torch names that node RsubBackward1."""

    node_name = "RsubBackward1"


class Neg(Function):
    """``y = -a``;  ``da = -dy``."""

    node_name = "NegBackward0"

    def forward(self, a):
        return np.negative(a)

    def backward(self, g):
        return (-g,)


def _int_power(a, b):
    """``a ** b`` for integer tensors, where NumPy refuses negative exponents and torch computes the
    integer result: 1 for a = 1, ±1 for a = −1 (by the exponent's parity), else 0 (|a| ≥ 2 and a = 0)."""
    b = np.asarray(b)
    if not (b < 0).any():
        return np.power(a, b)
    a = np.asarray(a)
    safe = np.power(a, np.where(b < 0, 0, b))
    neg = np.where(a == 1, 1, np.where(a == -1, np.where(b % 2 == 0, 1, -1), 0)).astype(safe.dtype)
    return np.where(b < 0, neg, safe)


class Pow(Function):
    """``y = a ** b``;  ``da = dy * b * a**(b-1)`` (0 where b = 0, as torch: a⁰ is constant even at
    a = 0, where ``0 * 0**-1`` would give NaN), ``db = dy * a**b * ln a``."""

    node_name = "PowBackward0"

    def name(self) -> str:
        """torch: ``x ** 2`` → PowBackward0, ``x ** w`` → PowBackward1, ``2 ** x`` → PowBackward2."""
        base, exponent = self.needs_input_grad  # (a number base or exponent is an input too)
        if base and not exponent and len(self._tensor_inputs) > 1 and self._tensor_inputs[1]:
            return "PowBackward1"  # a tensor exponent that needs no gradient
        return {(True, False): "PowBackward0", (True, True): "PowBackward1", (False, True): "PowBackward2"}.get(
            (base, exponent), self.node_name)

    def forward(self, a, b):
        self.a, self.b = a, b
        out = _int_power(a, b) if np.asarray(b).dtype.kind in "iu" else np.power(a, b)
        if self.needs_input_grad[1]:
            self.out = out  # only db needs the output (as torch, which saves it only then)
        return out

    def backward(self, g):
        a, b = self.a, self.b
        ga = gb = None
        if self.needs_input_grad[0]:
            with np.errstate(divide="ignore", invalid="ignore"):
                ga = np.where(b == 0, 0, g * b * np.power(a, b - 1)).astype(g.dtype, copy=False)
            ga = unbroadcast(ga, np.shape(a))
        if self.needs_input_grad[1]:
            with np.errstate(divide="ignore", invalid="ignore"):
                # torch defines d(a**b)/db as 0 where a == 0 and b >= 0: log 1 = 0 stands in for log 0 there
                log_a = np.log(np.where(a == 0, 1.0, a))
            gb = unbroadcast(g * self.out * log_a, np.shape(b))
        return ga, gb


class MatMul(Function):
    """``Y = A @ B``;  ``dA = dY @ Bᵀ``, ``dB = Aᵀ @ dY`` (batch axes broadcast like NumPy).

    A 1-D operand is treated as a row (left) or a column (right) and the added axis is removed again.
    """

    node_name = "MmBackward0"

    def name(self) -> str:
        """torch's node on top of ``a @ b`` depends on the operands' dimensions."""
        return {(2, 2): "MmBackward0", (1, 1): "DotBackward0", (2, 1): "MvBackward0",
                (1, 2): "SqueezeBackward4"}.get(self.ndims, "UnsafeViewBackward0")

    def forward(self, a, b):
        need_a, need_b = _needs(self)
        # keep only what backward will read (as torch): dA needs B, dB needs A
        self.a, self.b = (a if need_b else None), (b if need_a else None)
        self.shapes = (a.shape, b.shape)
        self.ndims = (a.ndim, b.ndim)
        return np.matmul(a, b)

    def backward(self, g):
        shape_a, shape_b = self.shapes
        sa = (1,) + shape_a if len(shape_a) == 1 else shape_a  # a 1-D A is a row
        sb = shape_b + (1,) if len(shape_b) == 1 else shape_b  # a 1-D B is a column
        # dY with the removed axes put back: the shape of A2 @ B2 (a 1-D @ 1-D product is 0-d)
        g2 = g.reshape(np.broadcast_shapes(sa[:-2], sb[:-2]) + (sa[-2], sb[-1]))
        ga = gb = None
        if self.needs_input_grad[0]:
            ga = unbroadcast(np.matmul(g2, np.swapaxes(self.b.reshape(sb), -1, -2)), sa).reshape(shape_a)
        if self.needs_input_grad[1]:
            gb = unbroadcast(np.matmul(np.swapaxes(self.a.reshape(sa), -1, -2), g2), sb).reshape(shape_b)
        return ga, gb
