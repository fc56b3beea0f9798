"""Layers and losses as functions (``import minitorch_cnn.nn.functional as F``), torch's signatures.

Each differentiable operation is a :class:`~minitorch_cnn.tensor.Function` subclass: ``forward``
computes the result from NumPy arrays and saves what ``backward`` needs; ``backward`` returns one
gradient per positional input, with the math in its docstring. The public functions below check the
arguments (every mistake raises a ``ValueError``/``TypeError`` naming the layer, what it expected and
what it got), then call ``Fn.apply``.

The convolution and pooling loops live in :mod:`minitorch_cnn.kernels`. Which algorithm runs (direct
or im2col convolution, …) is chosen in :mod:`minitorch_cnn.kernels.dispatch`; which twin of it runs
(NumPy or Numba) by :func:`minitorch_cnn._backend.use_numba`.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import _backend
from ..kernels import dispatch as _dispatch
from ..kernels import direct_conv as _direct
from ..kernels import im2col as _im2col
from ..kernels import softmax_ce as _softmax_ce
from ..kernels.conv_geometry import Conv2dGeometry
from ..kernels import pool as _pool
from ..tensor import Function, ReLU as _ReLU, Tensor

__all__ = [
    "linear", "conv2d", "max_pool2d", "relu", "log_softmax", "softmax",
    "mse_loss", "cross_entropy", "nll_loss",
]

_REDUCTIONS = ("none", "mean", "sum")


# ---------------------------------------------------------------------------------------------
# argument checking helpers
# ---------------------------------------------------------------------------------------------
def _shape(x) -> tuple:
    return tuple(int(s) for s in x.shape)


def _check_tensor(x, layer: str, what: str = "input") -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{layer}: expected {what} to be a Tensor, got {type(x).__name__}")


def _check_float(x: Tensor, layer: str, what: str = "input") -> None:
    if x.dtype.kind != "f":
        raise TypeError(
            f"{layer}: expected a floating point {what} (float32 or float64), got dtype {x.dtype.name}"
            + (" (convert it with .float())" if what == "input" else "")
        )


def _check_same_dtype(x: Tensor, w: Tensor, layer: str, what: str = "weight") -> None:
    if x.dtype != w.dtype:
        raise TypeError(
            f"{layer}: input dtype {x.dtype.name} differs from the {what}'s dtype {w.dtype.name} "
            f"(cast the input with .to({w.dtype.name}) or the layer with .to({x.dtype.name}))"
        )


def _check_reduction(reduction, layer: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{layer}: {reduction!r} is not a valid value for reduction (expected one of {_REDUCTIONS})")


def _pair(value, name: str, layer: str, minimum: int) -> tuple:
    """An int or a pair of ints → (h, w), each ≥ ``minimum``."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        pair = (int(value), int(value))
    elif (isinstance(value, (tuple, list)) and len(value) == 2
          and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value)):
        pair = (int(value[0]), int(value[1]))
    else:
        raise TypeError(f"{layer}: expected {name} to be an int or a pair of ints, got {value!r}")
    if min(pair) < minimum:
        raise ValueError(f"{layer}: expected {name} ≥ {minimum}, got {value!r}")
    return pair


def _backend_kernels(numba_fn, numpy_fn):
    return numba_fn if _backend.use_numba() else numpy_fn


# ---------------------------------------------------------------------------------------------
# Linear
# ---------------------------------------------------------------------------------------------
class LinearFn(Function):
    """``Y = X·Wᵀ + b`` with X (*, in), W (out, in), b (out,).

    Backward, with the leading axes of X and dY flattened into one (M rows):
    ``dX = dY·W``,  ``dW = dYᵀ·X``,  ``db = Σ_rows dY``.
    """

    def forward(self, x, weight, bias):
        self.x, self.weight = x, weight
        y = np.matmul(x, weight.T)
        if bias is not None:
            y += bias
        return y

    def backward(self, g):
        x, w = self.x, self.weight
        g2 = g.reshape(-1, g.shape[-1])  # (M, out)
        dx = dw = db = None
        if self.needs_input_grad[0]:
            dx = np.matmul(g, w)
        if self.needs_input_grad[1]:
            dw = np.matmul(g2.T, x.reshape(-1, x.shape[-1]))
        if len(self.needs_input_grad) > 2 and self.needs_input_grad[2]:
            db = g2.sum(axis=0)
        return dx, dw, db


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias`` for input (*, in_features), weight (out_features, in_features)."""
    _check_tensor(weight, "linear", "weight")
    layer = f"Linear({weight.shape[-1] if weight.ndim else '?'}→{weight.shape[0] if weight.ndim else '?'})"
    _check_tensor(input, layer)
    if weight.ndim != 2:
        raise ValueError(f"{layer}: expected a 2-D weight (out_features, in_features), got {_shape(weight)}")
    out_f, in_f = weight.shape
    _check_float(input, layer)
    if input.ndim == 0 or input.shape[-1] != in_f:
        raise ValueError(f"{layer}: expected input with last dimension {in_f}, got {_shape(input)}")
    _check_same_dtype(input, weight, layer)
    if bias is not None:
        _check_tensor(bias, layer, "bias")
        if _shape(bias) != (out_f,):
            raise ValueError(f"{layer}: expected bias of shape ({out_f},), got {_shape(bias)}")
        _check_same_dtype(input, bias, layer, "bias")
    return LinearFn.apply(input, weight, bias)


# ---------------------------------------------------------------------------------------------
# Conv2d
# ---------------------------------------------------------------------------------------------
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

    "Same" convolutions of 1–3 input channels at 3×3 (K = C·kh·kw ≤ 27, the first layer; chosen in
    ``kernels/dispatch.py``): im2col's matrix would have only 9–27 rows, too skinny for BLAS, so y, dW,
    db and dX are computed directly (``kernels/direct_conv.py``).
    """

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
        geometry = Conv2dGeometry.of(x.shape, weight.shape, stride, padding, dilation, groups)
        self.direct = _dispatch.conv2d_path(geometry) == "direct"
        if self.direct:
            self.x, self.weight = x, np.ascontiguousarray(weight)
            self.geometry = (n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, h_out, w_out, groups)
            fwd = _direct.direct_conv2d_forward_numba if self.numba else _direct.direct_conv2d_forward
            return fwd(x, self.weight, bias, ph, pw, dh, dw)
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
            bwd_w = _direct.direct_conv2d_backward_weight_numba if self.numba else _direct.direct_conv2d_backward_weight
            dweight, db = bwd_w(self.x, g, kh, kw, ph, pw, dh, dw)
            db = db if need_b else None
        elif need_b:
            db = g.sum(axis=(0, 2, 3))
        if need_x:
            bwd_x = _direct.direct_conv2d_backward_input_numba if self.numba else _direct.direct_conv2d_backward_input
            dx = bwd_x(g, self.weight, h, w, ph, pw, dh, dw)
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


# ---------------------------------------------------------------------------------------------
# MaxPool2d
# ---------------------------------------------------------------------------------------------
class MaxPool2dFn(Function):
    """``y[n, c, oh, ow] = max`` over the window (padding = −∞); ``idx`` remembers the winner.

    Backward: ``dx[n, c].flat[idx[n, c, oh, ow]] += dy[n, c, oh, ow]`` — only the winner of each
    window gets its gradient (ties: the first maximum in row-major order, as torch).
    """

    def forward(self, x, *, kernel, stride, padding, dilation, out_size):
        self.numba = _backend.use_numba()
        x = np.ascontiguousarray(x)
        out, self.indices = _max_pool_forward(x, kernel, stride, padding, dilation, out_size)
        self.hw = x.shape[2:]
        # windows lying wholly in the padding (possible with dilation) pass no gradient
        rows = _pool.windows_with_taps(x.shape[2], out_size[0], kernel[0], stride[0], padding[0], dilation[0])
        cols = _pool.windows_with_taps(x.shape[3], out_size[1], kernel[1], stride[1], padding[1], dilation[1])
        self.grad_indices = self.indices
        if not (rows.all() and cols.all()):
            self.grad_indices = np.where(rows[:, None] & cols[None, :], self.indices, -1)
        return out

    def backward(self, g):
        bwd = _pool.max_pool2d_backward_numba if self.numba else _pool.max_pool2d_backward
        return (bwd(np.ascontiguousarray(g), self.grad_indices, *self.hw),)


def _max_pool_forward(x, kernel, stride, padding, dilation, out_size):
    """(out, indices) by the path ``kernels/dispatch.py`` picks, in the backend's twin."""
    numba = _backend.use_numba()
    if _dispatch.max_pool2d_path(*x.shape[2:], kernel, stride, padding, dilation, out_size) == "2x2":
        fwd = _pool.max_pool2d_forward_2x2_numba if numba else _pool.max_pool2d_forward_2x2
        return fwd(x, *stride, *out_size)
    fwd = _pool.max_pool2d_forward_numba if numba else _pool.max_pool2d_forward
    return fwd(x, *kernel, *stride, *padding, *dilation, *out_size)


def max_pool2d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max over kh×kw windows of input (N, C, H, W) or (C, H, W); ``stride`` defaults to the kernel size.

    ``H_out = ⌊(H + 2p − d(k−1) − 1)/s⌋ + 1`` (⌈…⌉ with ceil_mode, dropping a last window that would
    start in the right padding). ``return_indices=True`` also returns the int64 flat position
    ``ih·W + iw`` of each maximum, as torch.
    """
    layer = "MaxPool2d"
    _check_tensor(input, layer)
    kernel = _pair(kernel_size, "kernel_size", layer, 1)
    stride = kernel if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0) else _pair(stride, "stride", layer, 1)
    pad = _pair(padding, "padding", layer, 0)
    dil = _pair(dilation, "dilation", layer, 1)
    if input.ndim not in (3, 4):
        raise ValueError(f"{layer}: expected a 4-D input (N, C, H, W) or an unbatched 3-D input (C, H, W), got {_shape(input)}")
    _check_float(input, layer)
    if pad[0] > kernel[0] // 2 or pad[1] > kernel[1] // 2:
        raise ValueError(
            f"{layer}: padding should be at most half of the kernel size, got padding={pad} for kernel_size={kernel}"
        )
    h, w = input.shape[-2:]
    out_size = (_pool.pool_output_size(h, kernel[0], stride[0], pad[0], dil[0], ceil_mode),
                _pool.pool_output_size(w, kernel[1], stride[1], pad[1], dil[1], ceil_mode))
    if min(out_size) < 1 or min(h, w) < 1:
        raise ValueError(
            f"{layer}: input of shape {_shape(input)} is too small for kernel_size={kernel}, stride={stride}, "
            f"padding={pad}, dilation={dil}: the output would be {out_size}"
        )
    batched = input.ndim == 4
    x = input if batched else input.unsqueeze(0)
    fn_out = MaxPool2dFn.apply(x, kernel=kernel, stride=stride, padding=pad, dilation=dil, out_size=out_size)
    indices = fn_out._ctx.indices if fn_out._ctx is not None else None
    if return_indices and indices is None:  # no graph was recorded: compute the indices directly
        indices = _max_pool_forward(np.ascontiguousarray(x.array), kernel, stride, pad, dil, out_size)[1]
    if not batched:
        fn_out = fn_out.squeeze(0)
        indices = indices[0] if indices is not None else None
    return (fn_out, Tensor(indices)) if return_indices else fn_out


# ---------------------------------------------------------------------------------------------
# activations
# ---------------------------------------------------------------------------------------------
def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """``max(x, 0)``; backward passes dY where x > 0 (see ``tensor.ReLU``). ``inplace`` is accepted
    for torch compatibility; the result is always a new tensor."""
    _check_tensor(input, "relu")
    return _ReLU.apply(input)


def _softmax_dim(dim, ndim: int, name: str) -> int:
    if dim is None:
        warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an argument.",
                      stacklevel=3)
        dim = 0 if ndim in (0, 1, 3) else 1
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"{name}: dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def _log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    """``x − max − log Σ exp(x − max)``: subtracting the max keeps every exp ≤ 1 (no overflow)."""
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)  # all −∞ (or +∞) rows: leave them to produce nan/−∞ as torch
    z = x - m
    return z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))


class LogSoftmaxFn(Function):
    """``y = x − log Σ_dim eˣ``;  ``dx = dy − softmax(x) · Σ_dim dy``  (softmax = eʸ)."""

    def forward(self, x, dim):
        self.dim = dim
        self.out = _log_softmax(x, dim) if x.ndim else np.zeros_like(x)
        return self.out

    def backward(self, g):
        return g - np.exp(self.out) * np.sum(g, axis=self.dim, keepdims=True), None


class SoftmaxFn(Function):
    """``y = eˣ / Σ_dim eˣ``;  ``dx = y · (dy − Σ_dim dy·y)``."""

    def forward(self, x, dim):
        self.dim = dim
        self.out = np.exp(_log_softmax(x, dim)) if x.ndim else np.ones_like(x)
        return self.out

    def backward(self, g):
        y = self.out
        return y * (g - np.sum(g * y, axis=self.dim, keepdims=True)), None


def log_softmax(input: Tensor, dim=None, dtype=None) -> Tensor:
    """``log(softmax(x))`` computed stably as ``x − max − log Σ exp(x − max)``."""
    _check_tensor(input, "log_softmax")
    x = input if dtype is None else input.to(dtype)
    _check_float(x, "log_softmax")
    return LogSoftmaxFn.apply(x, _softmax_dim(dim, x.ndim, "log_softmax"))


def softmax(input: Tensor, dim=None, dtype=None) -> Tensor:
    """``exp(x) / Σ_dim exp(x)`` along ``dim`` (computed as ``exp(log_softmax(x))``)."""
    _check_tensor(input, "softmax")
    x = input if dtype is None else input.to(dtype)
    _check_float(x, "softmax")
    return SoftmaxFn.apply(x, _softmax_dim(dim, x.ndim, "softmax"))


# ---------------------------------------------------------------------------------------------
# losses
# ---------------------------------------------------------------------------------------------
def _reduce(loss: np.ndarray, reduction: str, denom=None) -> np.ndarray:
    if reduction == "none":
        return loss
    total = np.sum(loss)
    if reduction == "sum":
        return np.asarray(total)
    return np.asarray(total / (loss.size if denom is None else denom))


class MSELossFn(Function):
    """``ℓ = (x − t)²`` per element, then none / sum / mean (÷ n).

    ``dx = 2 (x − t) · dℓ`` (÷ n for mean),  ``dt = −dx``.
    """

    def forward(self, x, t, reduction):
        self.diff, self.reduction = x - t, reduction
        return _reduce(self.diff * self.diff, reduction)

    def backward(self, g):
        d = self.diff
        scale = 2.0 / d.size if self.reduction == "mean" else 2.0
        dx = (d * (np.asarray(g, dtype=d.dtype) * d.dtype.type(scale))).astype(d.dtype, copy=False)
        return dx, -dx, None


def _promote(a: Tensor, b: Tensor):
    """torch's type promotion for a loss's two tensors: the float wins, the wider float wins."""
    fa, fb = a.dtype.kind == "f", b.dtype.kind == "f"
    if fa and fb:
        dt = np.result_type(a.dtype, b.dtype)
    elif fa or fb:
        dt = a.dtype if fa else b.dtype
    else:
        return a, b
    return a.to(dt), b.to(dt)


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Mean squared error ``mean((input − target)²)`` (or ``sum`` / ``none``).

    Unlike torch, which broadcasts mismatched shapes with a warning (a classic silent bug: (N, 1)
    against (N,) becomes an N×N loss), a shape mismatch raises a ValueError naming both shapes.
    """
    layer = "MSELoss"
    _check_tensor(input, layer)
    _check_tensor(target, layer, "target")
    _check_reduction(reduction, layer)
    if _shape(input) != _shape(target):
        raise ValueError(
            f"{layer}: input and target must have the same shape, got input {_shape(input)} and target "
            f"{_shape(target)} (torch would broadcast them; reshape one, e.g. target.view({', '.join(map(str, input.shape)) or ''}))"
        )
    x, t = _promote(input, target)
    _check_float(x, layer)
    return MSELossFn.apply(x, t, reduction)


def _class_last(x: np.ndarray) -> np.ndarray:
    """(N, C, d1, …) → (N·d1·…, C);  (C,) → (1, C)."""
    if x.ndim == 1:
        return x[None, :]
    return np.moveaxis(x, 1, -1).reshape(-1, x.shape[1])


def _class_back(a2: np.ndarray, shape: tuple) -> np.ndarray:
    """Inverse of :func:`_class_last`."""
    if len(shape) == 1:
        return a2.reshape(shape)
    moved = (shape[0],) + tuple(shape[2:]) + (shape[1],)
    return np.ascontiguousarray(np.moveaxis(a2.reshape(moved), -1, 1))


class CrossEntropyFn(Function):
    """Cross-entropy of logits x (classes on axis 1, or the only axis of a 1-D x).

    With ``logp = log_softmax(x)``, classes C, class weights w (1 if absent), smoothing ε:

    * class-index targets y (ignored where ``y == ignore_index``, giving 0)::

          ℓᵢ = (1−ε)·w_yᵢ·(−logp_{i,yᵢ}) + (ε/C)·Σ_c w_c·(−logp_{i,c})
          mean = Σ ℓᵢ / Σ_{i not ignored} w_yᵢ

    * class-probability targets t (same shape as x)::

          ℓᵢ = −Σ_c w_c·t'_{ic}·logp_{ic},  t' = (1−ε)·t + ε/C;   mean = Σ ℓᵢ / (number of rows)

    Both read ``ℓᵢ = −Σ_c q_{ic}·logp_{ic}`` for a row of target weights q, so the backward is
    ``dlogp = −c_i·q``,  ``dx = dlogp − softmax(x)·Σ_c dlogp``  (the log-softmax backward), where
    ``c_i`` is ``dℓ`` for each row (÷ the mean's denominator). For probability targets also
    ``dt = −c_i·(1−ε)·w·logp``.
    """

    def forward(self, x, target, weight, *, reduction, ignore_index, label_smoothing, probs):
        self.shape, self.reduction = x.shape, reduction
        x2 = _class_last(x)
        m, c = x2.shape
        w = np.ones(c, dtype=x.dtype) if weight is None else weight.astype(x.dtype, copy=False)
        eps = label_smoothing
        if probs:
            logp = _log_softmax(x2, 1)
            t2 = _class_last(target)
            t_s = t2 * (1 - eps) + eps / c if eps > 0 else t2
            q = t_s * w
            loss = -np.sum(logp * q, axis=1)
            out = _reduce(loss, reduction, denom=m)
            self.denom = m
        else:  # class indices: the fused softmax-CE kernels (kernels/softmax_ce.py)
            y = target.reshape(-1).astype(np.int64)
            self.numba = _dispatch.softmax_cross_entropy_path(c) == "numba"
            self.y, self.ignore_index = y, ignore_index
            fwd = _softmax_ce.softmax_ce_forward_numba if self.numba else _softmax_ce.softmax_ce_forward
            logp, nll, smooth, w_y = fwd(x2, y, w, ignore_index, eps)
            q, self.w_y = None, w_y
            self.denom = np.sum(w_y)
            if reduction == "none":
                out = nll if eps == 0 else (1 - eps) * nll + smooth * (eps / c)
            else:
                # torch reduces the NLL and the smoothing term separately, then mixes them
                out = _reduce(nll, reduction, self.denom)
                if eps > 0:
                    out = (1 - eps) * out + _reduce(smooth, reduction, self.denom) * (eps / c)
        if reduction == "none":
            out = out.reshape(target.shape if not probs else (x.shape[:1] + x.shape[2:] if x.ndim > 1 else ()))
        self.logp, self.q, self.w, self.probs, self.eps = logp, q, w, probs, eps
        return np.asarray(out, dtype=x.dtype)

    def backward(self, g):
        m = self.logp.shape[0]
        if self.reduction == "none":
            coef = np.asarray(g, dtype=self.logp.dtype).reshape(m, 1)
        elif self.reduction == "sum":
            coef = np.asarray(g, dtype=self.logp.dtype).reshape(1, 1)
        else:
            coef = np.asarray(g, dtype=self.logp.dtype).reshape(1, 1) / self.denom
        if self.probs:
            dlogp = -coef * self.q
            dx2 = dlogp - np.exp(self.logp) * np.sum(dlogp, axis=1, keepdims=True)
        else:
            bwd = _softmax_ce.softmax_ce_backward_numba if self.numba else _softmax_ce.softmax_ce_backward
            dx2 = bwd(self.logp, self.y, self.w, self.w_y, self.ignore_index, self.eps, coef)
        dx = _class_back(dx2.astype(self.logp.dtype, copy=False), self.shape)
        dt = None
        if self.probs and self.needs_input_grad[1]:
            dt2 = -coef * (1 - self.eps) * self.w * self.logp
            dt = _class_back(dt2.astype(self.logp.dtype, copy=False), self.shape)
        return dx, dt, None


def _check_class_target(input: Tensor, target: Tensor, weight, layer: str, ignore_index):
    """Validate input/target/weight of a class-index loss; return whether target holds probabilities."""
    _check_tensor(input, layer)
    _check_tensor(target, layer, "target")
    _check_float(input, layer)
    if input.ndim == 0:
        raise ValueError(f"{layer}: expected input of shape (N, C), (C,) or (N, C, d1, ...), got a 0-d tensor")
    c = input.shape[1] if input.ndim > 1 else input.shape[0]
    if weight is not None:
        _check_tensor(weight, layer, "weight")
        if _shape(weight) != (c,):
            raise ValueError(f"{layer}: expected weight of shape ({c},) (one per class), got {_shape(weight)}")
    kind = target.dtype.kind
    if kind == "f":
        if _shape(target) != _shape(input):
            raise ValueError(
                f"{layer}: float (class-probability) target must have the input's shape {_shape(input)}, got "
                f"{_shape(target)} (for class indices use an int64 target)"
            )
        return True
    if target.dtype not in (np.dtype(np.int64), np.dtype(np.uint8)):
        raise TypeError(
            f"{layer}: expected target dtype int64 (class indices) or a float dtype (class probabilities), "
            f"got {target.dtype.name} (convert it with .long())"
        )
    expected = (input.shape[0],) + tuple(input.shape[2:]) if input.ndim > 1 else ()
    if _shape(target) != expected:
        raise ValueError(
            f"{layer}: expected target of shape {expected} (class indices) for input of shape {_shape(input)}, "
            f"got {_shape(target)}"
        )
    y = target.array.astype(np.int64)
    bad = (y != ignore_index) & ((y < 0) | (y >= c))
    if np.any(bad):
        raise ValueError(f"{layer}: target {int(y[bad].flat[0])} is out of bounds for {c} classes")
    return False


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                  ignore_index: int = -100, reduce=None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy between logits (N, C), (C,) or (N, C, d1, …) and class indices (int64) or class
    probabilities (float, same shape as input): ``log_softmax`` then the negative log-likelihood.
    See :class:`CrossEntropyFn` for the formulas."""
    layer = "CrossEntropyLoss"
    if size_average is not None or reduce is not None:
        raise TypeError(f"{layer}: size_average and reduce are deprecated in torch; use reduction=")
    _check_reduction(reduction, layer)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{layer}: label_smoothing must be between 0.0 and 1.0, got {label_smoothing}")
    probs = _check_class_target(input, target, weight, layer, ignore_index)
    if probs:
        input, target = _promote(input, target)
    w = None if weight is None else weight.array
    return CrossEntropyFn.apply(input, target, w, reduction=reduction, ignore_index=ignore_index,
                                label_smoothing=float(label_smoothing), probs=probs)


class NLLLossFn(Function):
    """Negative log-likelihood of log-probabilities x: ``ℓᵢ = −w_yᵢ·x_{i,yᵢ}`` (0 where ignored),
    mean = Σ ℓᵢ / Σ w_yᵢ.  ``dx_{i,yᵢ} = −c_i·w_yᵢ``, 0 elsewhere (c_i as in :class:`CrossEntropyFn`)."""

    def forward(self, x, target, weight, *, reduction, ignore_index):
        self.shape, self.reduction = x.shape, reduction
        x2 = _class_last(x)
        m, c = x2.shape
        w = np.ones(c, dtype=x.dtype) if weight is None else weight.astype(x.dtype, copy=False)
        y = target.reshape(-1).astype(np.int64)
        valid = y != ignore_index
        self.y = np.where(valid, y, 0)
        self.w_y = np.where(valid, w[self.y], 0).astype(x.dtype)
        loss = -x2[np.arange(m), self.y] * self.w_y
        self.denom = np.sum(self.w_y)
        out = _reduce(loss, reduction, self.denom)
        if reduction == "none":
            out = out.reshape(target.shape)
        return np.asarray(out, dtype=x.dtype)

    def backward(self, g):
        m = self.y.shape[0]
        g = np.asarray(g, dtype=self.w_y.dtype)
        coef = g.reshape(m) if self.reduction == "none" else (g / self.denom if self.reduction == "mean" else g)
        dx2 = np.zeros((m, self.shape[1] if len(self.shape) > 1 else self.shape[0]), dtype=self.w_y.dtype)
        dx2[np.arange(m), self.y] = -coef * self.w_y
        return _class_back(dx2, self.shape), None, None


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
             ignore_index: int = -100, reduce=None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of log-probabilities (N, C), (C,) or (N, C, d1, …) and int64 class indices."""
    layer = "NLLLoss"
    if size_average is not None or reduce is not None:
        raise TypeError(f"{layer}: size_average and reduce are deprecated in torch; use reduction=")
    _check_reduction(reduction, layer)
    if _check_class_target(input, target, weight, layer, ignore_index):
        raise TypeError(f"{layer}: expected an int64 target of class indices, got dtype {target.dtype.name}")
    w = None if weight is None else weight.array
    return NLLLossFn.apply(input, target, w, reduction=reduction, ignore_index=ignore_index)

