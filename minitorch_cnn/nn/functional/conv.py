"""``F.conv2d``: 2-D convolution (cross-correlation) by im2col + matmul, or directly for skinny first layers."""
from __future__ import annotations

import numpy as np

from ... import _backend
from ...autograd.function import Function
from ...kernels import direct_conv as _direct
from ...kernels import im2col as _im2col
from ...tensor import Tensor
from ._checks import _check_float, _check_same_dtype, _check_tensor, _pair, _shape


class Conv2dFn(Function):
    """2-D cross-correlation by im2col + one matmul per group.

    Shapes: x (N, C, H, W), W (C_out, C/g, kh, kw), b (C_out,), y (N, C_out, H_out, W_out) with
    ``H_out = ⌊(H + 2p − d(k−1) − 1)/s⌋ + 1``. ``cols = im2col(x)`` is (C·kh·kw, N·H_out·W_out) and
    for each group g (rows/channels of that group only)::

        Y_g  = W_g · cols_g  (+ b)                    forward
        dW_g = dY_g · cols_gᵀ                         (dY_g as (C_out/g, N·H_out·W_out))
        dcols_g = W_gᵀ · dY_g,   dX = col2im(dcols)   (col2im is im2col's transpose)
        db   = Σ_(n, oh, ow) dY

    ``extra`` pads the bottom/right of x by one more row/column (``padding='same'`` with an even
    total padding split unevenly, as torch does); backward crops it off again.

    Numba backend, "same" convolutions of 1–3 input channels at 3×3 (K = C·kh·kw ≤ 27, the first
    layer): im2col's matrix would have only 9–27 rows, too skinny for BLAS, so y, dW, db and dX are
    computed directly (``kernels/direct_conv.py``), the batch split over the threads.
    """

    node_name = "ConvolutionBackward0"

    def forward(self, x, weight, bias, *, stride, padding, dilation, groups, extra=(0, 0)):
        self.numba = _backend.use_numba()
        self.in_shape = x.shape
        if extra != (0, 0):
            x = np.pad(x, ((0, 0), (0, 0), (0, extra[0]), (0, extra[1])))
        x = np.ascontiguousarray(x)
        n, c, h, w = x.shape
        c_out, c_g, kh, kw = weight.shape
        (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
        h_out = _im2col.conv_output_size(h, kh, sh, ph, dh)
        w_out = _im2col.conv_output_size(w, kw, sw, pw, dw)
        self.extra = extra
        self.direct = self.numba and _direct.use_direct(c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, groups)
        if self.direct:
            self.x, self.weight = x, np.ascontiguousarray(weight)
            self.geometry = (n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, h_out, w_out, groups)
            return _direct.direct_conv2d_forward_numba(x, self.weight, bias, ph, pw, dh, dw)
        # Numba backend, "same" convolutions (the lecture's 3×3, padding 1): im2col by shifted row
        # copies, the same cols (kernels/im2col.py); ~3× faster than the element loop there
        self.same = self.numba and _im2col.is_same_conv(h, w, kh, kw, sh, sw, ph, pw, dh, dw)
        if self.same:
            cols = _im2col.im2col_same(x, kh, kw, ph, pw, dh, dw)
        else:
            im2col = _im2col.im2col_numba if self.numba else _im2col.im2col
            cols = im2col(x, kh, kw, sh, sw, ph, pw, dh, dw)  # (C·kh·kw, N·L)
        k_g, o_g = c_g * kh * kw, c_out // groups
        w2 = weight.reshape(c_out, k_g)
        out = (_im2col.padded_empty(c_out, n * h_out * w_out, x.dtype) if self.same
               else np.empty((c_out, n * h_out * w_out), dtype=x.dtype))
        for g in range(groups):
            np.matmul(w2[g * o_g:(g + 1) * o_g], cols[g * k_g:(g + 1) * k_g], out=out[g * o_g:(g + 1) * o_g])
        if bias is not None:
            out += bias[:, None]
        self.cols, self.w2 = cols, w2
        self.geometry = (n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, h_out, w_out, groups)
        return np.ascontiguousarray(out.reshape(c_out, n, h_out, w_out).transpose(1, 0, 2, 3))

    def backward(self, g):
        if self.direct:
            return self._backward_direct(g)
        n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, h_out, w_out, groups = self.geometry
        cols, w2 = self.cols, self.w2
        c_out = w2.shape[0]
        k_g, o_g = w2.shape[1], c_out // groups
        # dY as (C_out, N·L): the same column order as cols
        if self.same:
            g_cols = _im2col.padded_empty(c_out, n * h_out * w_out, g.dtype)
            g_cols.reshape(c_out, n, h_out * w_out)[...] = g.reshape(n, c_out, h_out * w_out).transpose(1, 0, 2)
        else:
            g_cols = np.ascontiguousarray(g.reshape(n, c_out, h_out * w_out).transpose(1, 0, 2)).reshape(c_out, -1)
        need_x, need_w = self.needs_input_grad[0], self.needs_input_grad[1]
        need_b = len(self.needs_input_grad) > 2 and self.needs_input_grad[2]
        dx = dweight = db = None
        if need_w:
            dw2 = np.empty_like(w2)
            for gi in range(groups):
                rows, ks = slice(gi * o_g, (gi + 1) * o_g), slice(gi * k_g, (gi + 1) * k_g)
                if self.same:  # dW_gᵀ = cols_g · dY_gᵀ: the same products, a faster BLAS layout (1.5×)
                    dw2[rows] = np.matmul(cols[ks], g_cols[rows].T).T
                else:
                    np.matmul(g_cols[rows], cols[ks].T, out=dw2[rows])
            dweight = dw2.reshape(c_out, k_g // (kh * kw), kh, kw)
        if need_x:
            dcols = _im2col.padded_empty(*cols.shape, cols.dtype) if self.same else np.empty_like(cols)
            for gi in range(groups):
                rows, ks = slice(gi * o_g, (gi + 1) * o_g), slice(gi * k_g, (gi + 1) * k_g)
                np.matmul(w2[rows].T, g_cols[rows], out=dcols[ks])
            if self.same:
                dx = _im2col.col2im_same(dcols, n, c, h, w, kh, kw, ph, pw, dh, dw)
            else:
                col2im = _im2col.col2im_numba if self.numba else _im2col.col2im
                dx = col2im(dcols, n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw)
            if self.extra != (0, 0):
                dx = dx[:, :, :self.in_shape[2], :self.in_shape[3]]
        if need_b:
            db = g.sum(axis=(0, 2, 3))
        return dx, dweight, db

    def _backward_direct(self, g):
        """dW, db and dX computed directly (see ``kernels/direct_conv.py``); same math as above."""
        n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, h_out, w_out, groups = self.geometry
        need_x, need_w = self.needs_input_grad[0], self.needs_input_grad[1]
        need_b = len(self.needs_input_grad) > 2 and self.needs_input_grad[2]
        dx = dweight = db = None
        if need_w:
            dweight, db = _direct.direct_conv2d_backward_weight_numba(self.x, g, kh, kw, ph, pw, dh, dw)
            db = db if need_b else None
        elif need_b:
            db = g.sum(axis=(0, 2, 3))
        if need_x:
            dx = _direct.direct_conv2d_backward_input_numba(g, self.weight, h, w, ph, pw, dh, dw)
            if self.extra != (0, 0):
                dx = dx[:, :, :self.in_shape[2], :self.in_shape[3]]
        return dx, dweight, db


def _conv_padding(padding, kernel, stride, dilation, layer):
    """Padding as given → ((ph, pw), extra bottom/right) with torch's 'valid' / 'same' rules."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding == "same":
            if stride != (1, 1):
                raise ValueError(f"{layer}: padding='same' is not supported for strided convolutions (stride={stride})")
            total = [d * (k - 1) for d, k in zip(dilation, kernel)]
            left = tuple(t // 2 for t in total)
            return left, tuple(t - 2 * lo for t, lo in zip(total, left))
        raise ValueError(f"{layer}: invalid padding string {padding!r}, should be one of {{'same', 'valid'}}")
    return _pair(padding, "padding", layer, 0), (0, 0)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """2-D convolution (cross-correlation) of input (N, C_in, H, W) or (C_in, H, W) with
    weight (C_out, C_in/groups, kh, kw); output (N, C_out, H_out, W_out),
    ``H_out = ⌊(H + 2p − d(kh−1) − 1)/s⌋ + 1``. ``padding`` may be an int, a pair, 'valid' or 'same'.
    """
    _check_tensor(weight, "conv2d", "weight")
    if weight.ndim != 4:
        raise ValueError(f"conv2d: expected a 4-D weight (C_out, C_in/groups, kh, kw), got {_shape(weight)}")
    c_out, c_g, kh, kw = weight.shape
    if not isinstance(groups, (int, np.integer)) or isinstance(groups, bool) or groups < 1:
        raise ValueError(f"conv2d: expected groups to be a positive int, got {groups!r}")
    layer = f"Conv2d({c_g * groups}→{c_out})"
    _check_tensor(input, layer)
    stride = _pair(stride, "stride", layer, 1)
    dilation = _pair(dilation, "dilation", layer, 1)
    pad, extra = _conv_padding(padding, (kh, kw), stride, dilation, layer)
    if input.ndim not in (3, 4):
        raise ValueError(
            f"{layer}: expected a 4-D input (N, C, H, W) or an unbatched 3-D input (C, H, W), got {_shape(input)}"
        )
    _check_float(input, layer)
    _check_same_dtype(input, weight, layer)
    if c_out % groups:
        raise ValueError(f"{layer}: out_channels ({c_out}) must be divisible by groups ({groups})")
    c_in = input.shape[-3]
    if c_in != c_g * groups:
        raise ValueError(
            f"{layer}: expected input with {c_g * groups} channels (weight {_shape(weight)}, groups={groups}), "
            f"got {c_in} channels in input of shape {_shape(input)}"
        )
    if bias is not None:
        _check_tensor(bias, layer, "bias")
        if _shape(bias) != (c_out,):
            raise ValueError(f"{layer}: expected bias of shape ({c_out},), got {_shape(bias)}")
        _check_same_dtype(input, bias, layer, "bias")
    h, w = input.shape[-2] + extra[0], input.shape[-1] + extra[1]
    eff = (dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1)
    if h + 2 * pad[0] < eff[0] or w + 2 * pad[1] < eff[1]:
        raise ValueError(
            f"{layer}: kernel {(kh, kw)} with dilation {dilation} spans {eff}, larger than the padded input "
            f"{(h + 2 * pad[0], w + 2 * pad[1])} (input {_shape(input)}, padding {pad})"
        )
    batched = input.ndim == 4
    x = input if batched else input.unsqueeze(0)
    y = Conv2dFn.apply(x, weight, bias, stride=stride, padding=pad, dilation=dilation, groups=int(groups), extra=extra)
    return y if batched else y.squeeze(0)
