"""``F.linear``: ``Y = X·Wᵀ + b``, built from the same nodes as torch's.

torch computes ``linear`` as ``addmm(b, X, Wᵀ)`` (``mm(X, Wᵀ)`` without a bias), with ``Wᵀ = W.t()``
its own node and, for an input that is not 2-D, a ``view`` to rows before and after. This module
does the same, so ``out.grad_fn.next_functions`` walks print what torch prints (AddmmBackward0 →
the bias's AccumulateGrad, the input's grad_fn, TBackward0 → the weight's AccumulateGrad).

The math, for ``Y = X·Wᵀ + b`` with the leading axes of X flattened into M rows:
``dX = dY·W``,  ``dW = dYᵀ·X``,  ``db = Σ_rows dY``. :class:`Addmm` computes the first and the last
directly; its gradient for ``M = Wᵀ`` is ``Xᵀ·dY = (dYᵀ·X)ᵀ``, and ``TBackward0`` transposes it back
into ``dW = dYᵀ·X``.

The products are ``kernels/gemm.py::matmul``: ``np.matmul``, held to one BLAS thread when small
(OpenBLAS's idle threads would otherwise spin on the cores the convolutions' threads need).
"""
from __future__ import annotations

import numpy as np

from ...autograd.function import Function
from ...kernels.gemm import matmul  # np.matmul; small products on one BLAS thread (see kernels/gemm.py)
from ...ops.arithmetic import unbroadcast
from ...ops.shape import Reshape
from ...tensor import Tensor
from ...errors import ShapeError
from ._checks import _check_float, _check_same_dtype, _check_tensor, _shape


class Mm(Function):
    """``Y = X·M`` for X (m, k), M (k, n);  ``dX = dY·Mᵀ``,  ``dM = Xᵀ·dY``.

    ``dM`` is computed as ``(dYᵀ·X)ᵀ``: the same numbers, laid out so that the transpose node above
    ``M = Wᵀ`` hands the weight a C-ordered gradient (what the optimizers' kernels expect).
    """

    node_name = "MmBackward0"

    def forward(self, x, m):
        need_x, need_m = (tuple(self.needs_input_grad) + (False, False))[:2]
        # keep only what backward will read (as torch): dX needs M, dM needs X
        self.x, self.m = (x if need_m else None), (m if need_x else None)
        return matmul(x, m)

    def backward(self, g):
        dx = matmul(g, self.m.T) if self.needs_input_grad[0] else None
        dm = matmul(g.T, self.x).T if self.needs_input_grad[1] else None
        return dx, dm


class Addmm(Function):
    """``Y = b + X·M`` for b (n,) added to every row, X (m, k), M (k, n) — torch's ``addmm``, the node
    on top of ``F.linear(X, W, b)`` (with ``M = Wᵀ``).

    ``db = Σ_rows dY``,  ``dX = dY·Mᵀ``,  ``dM = Xᵀ·dY`` (computed as ``(dYᵀ·X)ᵀ``, see :class:`Mm`).
    The inputs come in torch's order, bias first, so ``next_functions`` lists the bias's edge first.
    """

    node_name = "AddmmBackward0"

    def forward(self, bias, x, m):
        _, need_x, need_m = self.needs_input_grad
        self.x, self.m = (x if need_m else None), (m if need_x else None)  # as in Mm
        self.bias_shape = bias.shape  # (n,) added to every row; any shape that broadcasts to (m, n)
        y = matmul(x, m)
        y += bias
        return y

    def backward(self, g):
        db = unbroadcast(g, self.bias_shape) if self.needs_input_grad[0] else None  # Σ over what it reached
        dx = matmul(g, self.m.T) if self.needs_input_grad[1] else None
        dm = matmul(g.T, self.x).T if self.needs_input_grad[2] else None
        return db, dx, dm


class _UnsafeView(Reshape):
    """The reshape torch puts on top of a bias-free ``linear`` of an input with 3 or more dims."""

    node_name = "UnsafeViewBackward0"


class _SqueezeRow(Reshape):
    """The reshape (row → vector) torch puts on top of a bias-free ``linear`` of a 1-D input."""

    node_name = "SqueezeBackward4"


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
        rows = int(np.prod(input.shape[:-1]))
        try:  # torch's addmm adds a bias that broadcasts to (rows, out_features)
            ok = bias.ndim <= 2 and np.broadcast_shapes(_shape(bias), (rows, out_f)) == (rows, out_f)
        except ValueError:
            ok = False
        if not ok:
            raise ShapeError(f"{layer}: expected bias of shape ({out_f},), got {_shape(bias)}")
        _check_same_dtype(input, bias, layer, "bias")
    return _linear_nodes(input, weight, bias)


def _linear_nodes(x: Tensor, weight: Tensor, bias) -> Tensor:
    """torch's graph for ``linear``: ``Wᵀ`` (TBackward0), then addmm/mm on rows of X (2-D X as it is;
    other ranks viewed as (M, in) before and back after, with the node names torch gives those views)."""
    wt = weight.t()
    out_f, in_f = weight.shape
    if x.ndim == 2:
        return Addmm.apply(bias, x, wt) if bias is not None else Mm.apply(x, wt)
    lead = tuple(x.shape[:-1])
    rows = int(np.prod(lead)) if lead else 1
    if bias is not None:  # torch: view(X) → addmm → view
        return Reshape.apply(Addmm.apply(bias, Reshape.apply(x, (rows, in_f)), wt), lead + (out_f,))
    if x.ndim == 1:  # torch: unsqueeze(X, 0) → mm → squeeze(0)
        return _SqueezeRow.apply(Mm.apply(x.unsqueeze(0), wt), (out_f,))
    return _UnsafeView.apply(Mm.apply(Reshape.apply(x, (rows, in_f)), wt), lead + (out_f,))
