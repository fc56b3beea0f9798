"""Arithmetic Functions: ``+ − * / − ** @`` and :func:`unbroadcast`, the backward of NumPy broadcasting."""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function


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


class Add(Function):
    """``y = a + b``;  ``da = dy``, ``db = dy`` (each summed over broadcast axes)."""

    def forward(self, a, b):
        self.shapes = (np.shape(a), np.shape(b))
        return np.add(a, b)

    def backward(self, g):
        return unbroadcast(g, self.shapes[0]), unbroadcast(g, self.shapes[1])


class Sub(Function):
    """``y = a - b``;  ``da = dy``, ``db = -dy``."""

    def forward(self, a, b):
        self.shapes = (np.shape(a), np.shape(b))
        return np.subtract(a, b)

    def backward(self, g):
        return unbroadcast(g, self.shapes[0]), unbroadcast(-g, self.shapes[1])


class Mul(Function):
    """``y = a * b``;  ``da = dy * b``, ``db = dy * a``."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return np.multiply(a, b)

    def backward(self, g):
        a, b = self.a, self.b
        ga = unbroadcast(g * b, np.shape(a)) if self.needs_input_grad[0] else None
        gb = unbroadcast(g * a, np.shape(b)) if self.needs_input_grad[1] else None
        return ga, gb


class Div(Function):
    """``y = a / b``;  ``da = dy / b``, ``db = -dy * a / b²``."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return np.true_divide(a, b)

    def backward(self, g):
        a, b = self.a, self.b
        ga = unbroadcast(g / b, np.shape(a)) if self.needs_input_grad[0] else None
        gb = unbroadcast(-g * a / (b * b), np.shape(b)) if self.needs_input_grad[1] else None
        return ga, gb


class Neg(Function):
    """``y = -a``;  ``da = -dy``."""

    def forward(self, a):
        return np.negative(a)

    def backward(self, g):
        return (-g,)


class Pow(Function):
    """``y = a ** b``;  ``da = dy * b * a**(b-1)``, ``db = dy * a**b * ln a``."""

    def forward(self, a, b):
        self.a, self.b = a, b
        self.out = np.power(a, b)
        return self.out

    def backward(self, g):
        a, b = self.a, self.b
        ga = gb = None
        if self.needs_input_grad[0]:
            ga = unbroadcast(g * b * np.power(a, b - 1), np.shape(a))
        if self.needs_input_grad[1]:
            with np.errstate(divide="ignore", invalid="ignore"):
                # torch defines d(a**b)/db as 0 where a == 0 and b >= 0
                log_a = np.where(a == 0, 0.0, np.log(np.where(a == 0, 1.0, a)))
            gb = unbroadcast(g * self.out * log_a, np.shape(b))
        return ga, gb


class MatMul(Function):
    """``Y = A @ B``;  ``dA = dY @ Bᵀ``, ``dB = Aᵀ @ dY`` (batch axes broadcast like NumPy).

    A 1-D operand is treated as a row (left) or a column (right) and the added axis is removed again.
    """

    def forward(self, a, b):
        self.a, self.b = a, b
        return np.matmul(a, b)

    def backward(self, g):
        a, b = self.a, self.b
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        # dY with the removed axes put back: the shape of a2 @ b2 (a 1-D @ 1-D product is 0-d)
        g2 = g.reshape(np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2]) + (a2.shape[-2], b2.shape[-1]))
        ga = gb = None
        if self.needs_input_grad[0]:
            ga = unbroadcast(np.matmul(g2, np.swapaxes(b2, -1, -2)), a2.shape).reshape(a.shape)
        if self.needs_input_grad[1]:
            gb = unbroadcast(np.matmul(np.swapaxes(a2, -1, -2), g2), b2.shape).reshape(b.shape)
        return ga, gb
