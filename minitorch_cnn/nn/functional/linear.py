"""``F.linear``: ``Y = X·Wᵀ + b``."""
from __future__ import annotations

import numpy as np

from ...autograd.function import Function
from ...tensor import Tensor
from ...errors import ShapeError
from ._checks import _check_float, _check_same_dtype, _check_tensor, _shape


class LinearFn(Function):
    """``Y = X·Wᵀ + b`` with X (*, in), W (out, in), b (out,).

    Backward, with the leading axes of X and dY flattened into one (M rows):
    ``dX = dY·W``,  ``dW = dYᵀ·X``,  ``db = Σ_rows dY``.
    """

    node_name = "AddmmBackward0"

    def name(self) -> str:
        """torch builds linear from t() and addmm/mm (+ a view for other ranks); its top node's name."""
        ndim, bias = self.x_ndim, self.has_bias
        if ndim == 2:
            return "AddmmBackward0" if bias else "MmBackward0"
        if bias:
            return "ViewBackward0"
        return "SqueezeBackward4" if ndim == 1 else "UnsafeViewBackward0"

    def forward(self, x, weight, bias):
        need_x, need_w = (tuple(self.needs_input_grad) + (False, False))[:2]
        # keep only what backward will read (as torch): dX needs W, dW needs X
        self.x, self.weight = (x if need_w else None), (weight if need_x else None)
        self.x_shape = x.shape
        self.x_ndim, self.has_bias = x.ndim, bias is not None
        y = np.matmul(x, weight.T)
        if bias is not None:
            y += bias
        return y

    def backward(self, g):
        x, w = self.x, self.weight
        m = int(np.prod(g.shape[:-1]))  # the rows (explicit: reshape(-1, 0) is ambiguous for 0 features)
        g2 = g.reshape(m, g.shape[-1])  # (M, out)
        dx = dw = db = None
        if self.needs_input_grad[0]:
            dx = np.matmul(g, w)
        if self.needs_input_grad[1]:
            dw = np.matmul(g2.T, x.reshape(m, self.x_shape[-1]))
        if len(self.needs_input_grad) > 2 and self.needs_input_grad[2]:
            db = g2.sum(axis=0)
        return dx, dw, db


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias`` for input (*, in_features), weight (out_features, in_features)."""
    _check_tensor(weight, "linear", "weight")
    layer = f"Linear({weight.shape[-1] if weight.ndim else '?'}→{weight.shape[0] if weight.ndim else '?'})"
    _check_tensor(input, layer)
    if weight.ndim == 1 and bias is None and input.ndim >= 1:  # torch: a 1-D weight is a dot product
        if input.shape[-1] != weight.shape[0]:
            raise ShapeError(f"linear: expected input with last dimension {weight.shape[0]} (the 1-D weight's "
                             f"length), got {_shape(input)}")
        return input @ weight
    if weight.ndim != 2:
        raise ShapeError(f"{layer}: expected a 2-D weight (out_features, in_features), got {_shape(weight)}")
    out_f, in_f = weight.shape
    _check_float(input, layer)
    if input.ndim == 0 or input.shape[-1] != in_f:
        raise ShapeError(f"{layer}: expected input with last dimension {in_f}, got {_shape(input)}")
    _check_same_dtype(input, weight, layer)
    if bias is not None:
        _check_tensor(bias, layer, "bias")
        if _shape(bias) != (out_f,):
            raise ShapeError(f"{layer}: expected bias of shape ({out_f},), got {_shape(bias)}")
        _check_same_dtype(input, bias, layer, "bias")
    return LinearFn.apply(input, weight, bias)
