"""``F.avg_pool2d`` and ``F.adaptive_avg_pool2d``: the mean of each window (the windows and the
divisor rules are in :mod:`minitorch_cnn.kernels.avgpool`)."""
from __future__ import annotations

import numpy as np

from ...autograd.function import Function
from ...kernels import avgpool as _avg
from ...kernels.pool import pool_output_size
from ...tensor import Tensor
from ._checks import _check_float, _check_tensor, _pair, _shape


class AvgPool2dFn(Function):
    """``y[n, c, oh, ow] = Σ_window x / divisor``;  backward: each tap of the window gets ``dy / divisor``."""

    node_name = "AvgPool2DBackward0"

    def forward(self, x, *, kernel, stride, padding, out_size, count_include_pad, divisor_override):
        self.args = (*kernel, *stride, *padding)
        self.hw = x.shape[2:]
        out, self.divisor = _avg.avg_pool2d_forward(x, *self.args, *out_size, count_include_pad, divisor_override)
        return out

    def backward(self, g):
        return (_avg.avg_pool2d_backward(np.ascontiguousarray(g), self.divisor, *self.args, *self.hw),)


class AdaptiveAvgPool2dFn(Function):
    """``y[n, c, i, j]`` = mean of x over window (i, j); backward: ``dy / window size`` to each of its taps."""

    node_name = "AdaptiveAvgPool2DBackward0"

    def forward(self, x, *, out_size):
        self.hw = x.shape[2:]
        with np.errstate(invalid="ignore", divide="ignore"):  # an empty side: each window's mean is 0/0 = NaN
            return _avg.adaptive_avg_pool2d_forward(x, *out_size)

    def backward(self, g):
        with np.errstate(invalid="ignore", divide="ignore"):
            return (_avg.adaptive_avg_pool2d_backward(np.ascontiguousarray(g), *self.hw),)


def _batched(input: Tensor, layer: str):
    _check_tensor(input, layer)
    if input.ndim not in (3, 4):
        raise ValueError(f"{layer}: expected a 4-D input (N, C, H, W) or an unbatched 3-D input (C, H, W), "
                         f"got {_shape(input)}")
    _check_float(input, layer)
    return (input, True) if input.ndim == 4 else (input.unsqueeze(0), False)


def avg_pool2d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None) -> Tensor:
    """Mean over kh×kw windows of input (N, C, H, W) or (C, H, W); ``stride`` defaults to the kernel size.

    ``H_out = ⌊(H + 2p − k)/s⌋ + 1`` (⌈…⌉ with ceil_mode). The divisor counts the zero padding
    (``count_include_pad=True``) or only the taps inside the image; ``divisor_override`` replaces it.
    """
    layer = "AvgPool2d"
    x, batched = _batched(input, layer)
    kernel = _pair(kernel_size, "kernel_size", layer, 1)
    stride = kernel if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0) else _pair(stride, "stride", layer, 1)
    pad = _pair(padding, "padding", layer, 0)
    if pad[0] > kernel[0] // 2 or pad[1] > kernel[1] // 2:
        raise RuntimeError(f"{layer}: padding should be at most half of the kernel size, got padding={pad} "
                           f"for kernel_size={kernel}")
    if divisor_override is not None:
        if isinstance(divisor_override, bool) or not isinstance(divisor_override, (int, np.integer)):
            raise TypeError(f"{layer}: expected divisor_override to be an int or None, got {divisor_override!r}")
        if divisor_override == 0:
            raise RuntimeError("divisor must be not zero")
    h, w = x.shape[2:]
    out_size = (pool_output_size(h, kernel[0], stride[0], pad[0], 1, ceil_mode),
                pool_output_size(w, kernel[1], stride[1], pad[1], 1, ceil_mode))
    if min(out_size) < 1:
        raise RuntimeError(f"{layer}: input of shape {_shape(input)} is too small for kernel_size={kernel}, "
                           f"stride={stride}, padding={pad}: the output would be {out_size}")
    out = AvgPool2dFn.apply(x, kernel=kernel, stride=stride, padding=pad, out_size=out_size,
                            count_include_pad=bool(count_include_pad), divisor_override=divisor_override)
    return out if batched else out.squeeze(0)


def _adaptive_size(output_size, hw, layer: str) -> tuple:
    """An int, or a pair whose entries are ints ≥ 0 or None (None keeps that input side); 0 gives an
    empty output, as torch."""
    if isinstance(output_size, (int, np.integer)) and not isinstance(output_size, bool):
        pair = (int(output_size), int(output_size))
    elif isinstance(output_size, (tuple, list)):
        if len(output_size) != 2:
            raise RuntimeError(f"adaptive_avg_pool2d: output_size must be 2, got {output_size!r}")
        pair = tuple(hw[i] if v is None else v for i, v in enumerate(output_size))
    else:
        raise TypeError(f"{layer}: expected output_size to be an int or a pair of ints/None, got {output_size!r}")
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in pair):
        raise TypeError(f"{layer}: expected output_size to be an int or a pair of ints/None, got {output_size!r}")
    if min(pair) < 0:
        raise RuntimeError(f"{layer}: elements of output_size must be greater than or equal to 0, got {output_size!r}")
    return int(pair[0]), int(pair[1])


def adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:
    """Mean over the windows that cut (H, W) into ``output_size`` (an int for a square, or (h, w);
    None keeps that side): ``output_size=1`` is the global average over each channel."""
    layer = "AdaptiveAvgPool2d"
    x, batched = _batched(input, layer)
    size = _adaptive_size(output_size, tuple(x.shape[2:]), layer)
    if size != (1, 1):  # torch's global-mean path (1, 1) takes an empty input (NaN); any other size refuses it
        for k in (input.ndim - 2, input.ndim - 1):
            if input.shape[k] == 0:
                raise RuntimeError(f"adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch "
                                   f"dimensions, but input has sizes {list(input.shape)} with dimension {k} being empty")
    out = AdaptiveAvgPool2dFn.apply(x, out_size=size)
    return out if batched else out.squeeze(0)
