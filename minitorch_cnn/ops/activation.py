"""Activation Functions shared by Tensor methods and ``nn.functional``: ReLU, softmax, log_softmax.

``Tensor.relu()`` and ``F.relu`` apply the same :class:`ReLU`; ``Tensor.softmax`` and ``F.softmax``
the same :class:`SoftmaxFn` (likewise log_softmax), so neither layer imports the other.
"""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from ..errors import warn
from .reduction import _reduce_dim


class ReLU(Function):
    """``y = max(a, 0)``;  ``da = dy * [a > 0]`` (the gradient at exactly 0 is 0, as torch).

    ``[a > 0] = [y > 0]``, so only the output is kept. Off the real line, as torch: NaN stays NaN
    and its gradient passes (``y = 0 if a < 0 else a``, ``da = 0 if y <= 0 else dy``), −0.0 stays
    −0.0. Kernels: ``kernels/activation.py``.
    """

    node_name = "ReluBackward0"

    def forward(self, a):
        from .._backend import use_numba
        from ..kernels import activation as K  # imported on first use: it loads Numba

        self.numba = use_numba() and a.dtype.kind == "f"
        self.out = (K.relu_forward_numba if self.numba else K.relu_forward)(a)
        return self.out

    def backward(self, g):
        from ..kernels import activation as K

        if self.numba and g.shape == self.out.shape and g.dtype == self.out.dtype:
            return (K.relu_backward_numba(self.out, g),)
        return (K.relu_backward(self.out, g),)


def _softmax_dim(dim, ndim: int, name: str) -> int:
    if dim is None:
        warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an argument.")
        dim = 0 if ndim in (0, 1, 3) else 1
    return _reduce_dim(dim, ndim, name)


class LogSoftmaxFn(Function):
    """``y = x − log Σ_dim eˣ``;  ``dx = dy − softmax(x) · Σ_dim dy``  (softmax = eʸ).

    Forward: ``kernels/softmax_ce.py::log_softmax``, the stable ``x − max − log Σ exp(x − max)``.
    """

    node_name = "LogSoftmaxBackward0"

    def forward(self, x, dim):
        from ..kernels.softmax_ce import log_softmax  # imported on first use: that module loads Numba

        self.dim = dim
        self.out = log_softmax(x, dim) if x.ndim else np.zeros_like(x)
        return self.out

    def backward(self, g):
        return g - np.exp(self.out) * np.sum(g, axis=self.dim, keepdims=True), None


class SoftmaxFn(Function):
    """``y = eˣ / Σ_dim eˣ``;  ``dx = y · (dy − Σ_dim dy·y)``."""

    node_name = "SoftmaxBackward0"

    def forward(self, x, dim):
        from ..kernels.softmax_ce import log_softmax

        self.dim = dim
        self.out = np.exp(log_softmax(x, dim)) if x.ndim else np.ones_like(x)
        return self.out

    def backward(self, g):
        y = self.out
        return y * (g - np.sum(g * y, axis=self.dim, keepdims=True)), None
