"""Conv2d: 2-D convolution (cross-correlation) by im2col + one matmul per group.

Shapes: input (N, C_in, H, W) or unbatched (C_in, H, W); weight (C_out, C_in/groups, kh, kw);
output (N, C_out, H_out, W_out) with ``H_out = ⌊(H + 2p − d(k−1) − 1)/s⌋ + 1`` (W_out likewise).
"""
from __future__ import annotations

import math

import numpy as np

from . import functional as F
from . import init
from .linear import _check_positive, _float_dtype
from .module import Module
from .parameter import Parameter


def _pair(v, name, layer, minimum, single=True):
    return F._pair(v, name, layer, minimum, single)


class Conv2d(Module):
    """``y[n, o] = b[o] + Σ_c W[o, c] ⋆ x[n, c]`` (⋆: cross-correlation over the group's channels).

    ``padding`` may be an int, a pair, ``'valid'`` (no padding) or ``'same'`` (output as large as the
    input; stride 1 only). Only ``padding_mode='zeros'`` is implemented. Initialised as torch:
    W ~ kaiming_uniform(a=√5) = U(−1/√fan_in, 1/√fan_in), b ~ U(−1/√fan_in, 1/√fan_in) with
    ``fan_in = in_channels/groups · kh · kw``.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device=None, dtype=None):
        super().__init__()
        layer = f"Conv2d({in_channels}→{out_channels})"
        self.in_channels = _check_positive(in_channels, "in_channels", layer)
        self.out_channels = _check_positive(out_channels, "out_channels", layer)
        self.groups = _check_positive(groups, "groups", layer)
        if in_channels % groups:
            raise ValueError(f"{layer}: in_channels ({in_channels}) must be divisible by groups ({groups})")
        if out_channels % groups:
            raise ValueError(f"{layer}: out_channels ({out_channels}) must be divisible by groups ({groups})")
        self.kernel_size = _pair(kernel_size, "kernel_size", layer, 1, single=False)
        self.stride = _pair(stride, "stride", layer, 1)
        self.dilation = _pair(dilation, "dilation", layer, 1)
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(f"{layer}: invalid padding string {padding!r}, should be one of {{'same', 'valid'}}")
            if padding == "same" and self.stride != (1, 1):
                raise ValueError(f"{layer}: padding='same' is not supported for strided convolutions (stride={self.stride})")
            self.padding = padding
        else:
            self.padding = _pair(padding, "padding", layer, 0)
        if padding_mode != "zeros":
            raise ValueError(
                f"{layer}: padding_mode={padding_mode!r} is not supported; only 'zeros' is implemented"
            )
        self.padding_mode = padding_mode
        self.output_padding = (0, 0)
        self.transposed = False
        dt = _float_dtype(dtype, layer, device)
        self.weight = Parameter(np.empty((out_channels, in_channels // groups) + self.kernel_size, dtype=dt))
        if bias:
            self.bias = Parameter(np.empty(out_channels, dtype=dt))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        return F.conv2d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)

    def extra_repr(self) -> str:
        # torch's text: only non-default settings after stride
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * len(self.padding):
            s += f", padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s
