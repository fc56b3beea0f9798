"""``F.conv2d``: 2-D convolution (cross-correlation) as four equations, each one kernel call."""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from ... import _backend
from ...autograd.function import Function
from ...errors import ShapeError
from ...kernels import direct_conv as _direct
from ...kernels import dispatch as _dispatch
from ...kernels import im2col as _im2col
from ...kernels import tiled_conv as _tiled
from ...kernels.conv_geometry import Conv2dGeometry
from ...tensor import Tensor
from ._checks import _check_float, _check_same_dtype, _check_tensor, _pair, _shape


class ConvKernels(NamedTuple):
    """One conv path's three kernels: ``forward(x, W, b, geometry)``, ``input_grad(dY, W, geometry)``,
    ``weight_grad(x, dY, geometry)``."""

    forward: Callable
    input_grad: Callable
    weight_grad: Callable


#: path (``kernels/dispatch.py``) → (its NumPy versions, their Numba twins)
CONV2D_KERNELS = {
    "im2col": (ConvKernels(_im2col.conv2d_forward, _im2col.conv2d_input_grad, _im2col.conv2d_weight_grad),
               ConvKernels(_im2col.conv2d_forward_numba, _im2col.conv2d_input_grad_numba,
                           _im2col.conv2d_weight_grad_numba)),
    "direct": (ConvKernels(_direct.conv2d_forward, _direct.conv2d_input_grad, _direct.conv2d_weight_grad),
               ConvKernels(_direct.conv2d_forward_numba, _direct.conv2d_input_grad_numba,
                           _direct.conv2d_weight_grad_numba)),
    "tiled": (ConvKernels(_tiled.conv2d_forward, _tiled.conv2d_input_grad, _tiled.conv2d_weight_grad),
              ConvKernels(_tiled.conv2d_forward_numba, _tiled.conv2d_input_grad_numba,
                          _tiled.conv2d_weight_grad_numba)),
}


class Conv2dFn(Function):
    """``y = W ⋆ x + b``, the cross-correlation, and its three gradients.

    x (N, C_in, H, W), W (C_out, C_in/groups, kh, kw), b (C_out,), y and dY (N, C_out, H_out, W_out),
    ``H_out = ⌊(H + 2p − d(k−1) − 1)/s⌋ + 1``; x is zero outside the image; for output channel o,
    c runs over the input channels of o's group::

        y[n, o, oh, ow]  = b[o] + Σ_(c,i,j) W[o, c, i, j] · x[n, c, oh·s + i·d − p, ow·s + j·d − p]
        dX[n, c, ih, iw] = Σ_(o,i,j,oh,ow : oh·s + i·d − p = ih, ow·s + j·d − p = iw) W[o, c, i, j] · dY[n, o, oh, ow]
        dW[o, c, i, j]   = Σ_(n,oh,ow) dY[n, o, oh, ow] · x[n, c, oh·s + i·d − p, ow·s + j·d − p]
        db[o]            = Σ_(n,oh,ow) dY[n, o, oh, ow]

    How the first three are computed is the path :func:`kernels.dispatch.conv2d_path` picks for the
    geometry: ``"im2col"`` (matrix products over im2col's columns, ``kernels/im2col.py``),
    ``"direct"`` (sums over shifted slices, ``kernels/direct_conv.py``) or ``"tiled"`` (the same sums
    in register tiles, ``kernels/tiled_conv.py``). The backend picks the NumPy version or the Numba
    twin of that path's kernels.

    ``extra`` pads the bottom/right of x by one more row/column (``padding='same'`` with an even
    total padding split unevenly, as torch does); backward crops it off again.
    """

    node_name = "ConvolutionBackward0"

    def forward(self, x, weight, bias, *, stride, padding, dilation, groups, extra=(0, 0)):
        self.in_shape, self.extra = x.shape, extra
        if extra != (0, 0):
            x = np.pad(x, ((0, 0), (0, 0), (0, extra[0]), (0, extra[1])))
        self.x, self.weight = np.ascontiguousarray(x), weight
        self.geometry = Conv2dGeometry.of(x.shape, weight.shape, stride, padding, dilation, groups)
        numpy_kernels, numba_kernels = CONV2D_KERNELS[_dispatch.conv2d_path(self.geometry)]
        self.kernels = numba_kernels if _backend.use_numba() else numpy_kernels
        return self.kernels.forward(self.x, weight, bias, self.geometry)  # y = W ⋆ x + b

    def backward(self, dy):
        need_x, need_w, need_b = self.needs_input_grad  # bias None is an input too (needing no gradient)
        dx = self.kernels.input_grad(dy, self.weight, self.geometry) if need_x else None
        dweight = self.kernels.weight_grad(self.x, dy, self.geometry) if need_w else None
        db = dy.sum(axis=(0, 2, 3)) if need_b else None
        if dx is not None and self.extra != (0, 0):
            dx = dx[:, :, :self.in_shape[2], :self.in_shape[3]]
        return dx, dweight, db


def _conv_padding(padding, kernel, stride, dilation, layer):
    """Padding as given → ((ph, pw), extra bottom/right) with torch's 'valid' / 'same' rules."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding == "same":
            if stride != (1, 1):
                raise ShapeError(f"{layer}: padding='same' is not supported for strided convolutions (stride={stride})")
            total = [d * (k - 1) for d, k in zip(dilation, kernel)]
            left = tuple(t // 2 for t in total)
            return left, tuple(t - 2 * lo for t, lo in zip(total, left))
        raise ShapeError(f"{layer}: invalid padding string {padding!r}, should be one of {{'same', 'valid'}}")
    return _pair(padding, "padding", layer, 0), (0, 0)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """2-D convolution (cross-correlation) of input (N, C_in, H, W) or (C_in, H, W) with
    weight (C_out, C_in/groups, kh, kw); output (N, C_out, H_out, W_out),
    ``H_out = ⌊(H + 2p − d(kh−1) − 1)/s⌋ + 1``. ``padding`` may be an int, a pair, 'valid' or 'same'.
    """
    _check_tensor(weight, "conv2d", "weight")
    if weight.ndim != 4:
        raise ShapeError(f"conv2d: expected a 4-D weight (C_out, C_in/groups, kh, kw), got {_shape(weight)}")
    c_out, c_g, kh, kw = weight.shape
    if not isinstance(groups, (int, np.integer)) or isinstance(groups, bool):
        raise TypeError(f"conv2d(): argument 'groups' must be int, not {type(groups).__name__}")
    if groups < 1:
        raise ShapeError(f"conv2d: expected groups to be a positive int, got {groups!r}")
    layer = f"Conv2d({c_g * groups}→{c_out})"
    _check_tensor(input, layer)
    stride = _pair(stride, "stride", layer, 1)
    dilation = _pair(dilation, "dilation", layer, 1)
    pad, extra = _conv_padding(padding, (kh, kw), stride, dilation, layer)
    if input.ndim not in (3, 4):
        raise ShapeError(
            f"{layer}: expected a 4-D input (N, C, H, W) or an unbatched 3-D input (C, H, W), got {_shape(input)}"
        )
    _check_float(input, layer)
    _check_same_dtype(input, weight, layer)
    if c_out % groups:
        raise ShapeError(f"{layer}: out_channels ({c_out}) must be divisible by groups ({groups})")
    c_in = input.shape[-3]
    if c_in != c_g * groups:
        raise ShapeError(
            f"{layer}: expected input with {c_g * groups} channels (weight {_shape(weight)}, groups={groups}), "
            f"got {c_in} channels in input of shape {_shape(input)}"
        )
    if bias is not None:
        _check_tensor(bias, layer, "bias")
        if _shape(bias) != (c_out,):
            raise ShapeError(f"{layer}: expected bias of shape ({c_out},), got {_shape(bias)}")
        _check_same_dtype(input, bias, layer, "bias")
    h, w = input.shape[-2] + extra[0], input.shape[-1] + extra[1]
    eff = (dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1)
    if h + 2 * pad[0] < eff[0] or w + 2 * pad[1] < eff[1]:
        raise ShapeError(
            f"{layer}: kernel {(kh, kw)} with dilation {dilation} spans {eff}, larger than the padded input "
            f"{(h + 2 * pad[0], w + 2 * pad[1])} (input {_shape(input)}, padding {pad})"
        )
    batched = input.ndim == 4
    x = input if batched else input.unsqueeze(0)
    y = Conv2dFn.apply(x, weight, bias, stride=stride, padding=pad, dilation=dilation, groups=int(groups), extra=extra)
    return y if batched else y.squeeze(0)
