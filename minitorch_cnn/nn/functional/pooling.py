"""``F.max_pool2d``: max over windows, remembering the winner of each for backward."""
from __future__ import annotations

import numpy as np

from ... import _backend
from ...autograd.function import Function
from ...errors import ShapeError
from ...kernels import dispatch as _dispatch
from ...kernels import pool as _pool
from ...tensor import Tensor
from ._checks import _check_float, _check_tensor, _pair, _shape


class MaxPool2dFn(Function):
    """``y[n, c, oh, ow] = max`` over the window (padding = −∞); ``idx`` remembers the winner.

    Backward: ``dx[n, c].flat[idx[n, c, oh, ow]] += dy[n, c, oh, ow]`` — only the winner of each
    window gets its gradient (ties: the first maximum in row-major order, as torch).
    """

    node_name = "MaxPool2DWithIndicesBackward0"

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
        raise ShapeError(f"{layer}: expected a 4-D input (N, C, H, W) or an unbatched 3-D input (C, H, W), got {_shape(input)}")
    if 0 in input.shape[-3:]:  # torch allows only the batch dimension to be empty
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, "
                           f"but got: {list(input.shape)}")
    if input.dtype.kind == "b":
        raise NotImplementedError("\"max_pool2d\" not implemented for 'Bool'")
    if input.dtype.kind not in "iu":
        _check_float(input, layer)
    if pad[0] > kernel[0] // 2 or pad[1] > kernel[1] // 2:
        raise ShapeError(
            f"{layer}: padding should be at most half of the kernel size, got padding={pad} for kernel_size={kernel}"
        )
    h, w = input.shape[-2:]
    out_size = (_pool.pool_output_size(h, kernel[0], stride[0], pad[0], dil[0], ceil_mode),
                _pool.pool_output_size(w, kernel[1], stride[1], pad[1], dil[1], ceil_mode))
    if min(out_size) < 1 or min(h, w) < 1:
        raise ShapeError(
            f"{layer}: input of shape {_shape(input)} is too small for kernel_size={kernel}, stride={stride}, "
            f"padding={pad}, dilation={dil}: the output would be {out_size}"
        )
    batched = input.ndim == 4
    x = input if batched else input.unsqueeze(0)
    if x.dtype.kind in "iu":  # integer images (torch pools them too): no gradient, the NumPy general kernel
        out, indices = _pool.max_pool2d_forward(np.ascontiguousarray(x.array), *kernel, *stride, *pad, *dil, *out_size)
        out, indices = (out, indices) if batched else (out[0], indices[0])
        return (Tensor(out), Tensor(indices)) if return_indices else Tensor(out)
    fn_out = MaxPool2dFn.apply(x, kernel=kernel, stride=stride, padding=pad, dilation=dil, out_size=out_size)
    indices = fn_out._ctx.indices if fn_out._ctx is not None else None
    if return_indices and indices is None:  # no graph was recorded: compute the indices directly
        indices = _max_pool_forward(np.ascontiguousarray(x.array), kernel, stride, pad, dil, out_size)[1]
    if not batched:
        fn_out = fn_out.squeeze(0)
        indices = indices[0] if indices is not None else None
    return (fn_out, Tensor(indices)) if return_indices else fn_out
