"""AvgPool2d and AdaptiveAvgPool2d: the mean of each window (the math: ``kernels/avgpool.py``).

Shapes: input (N, C, H, W) or unbatched (C, H, W). AvgPool2d: ``H_out = ⌊(H + 2p − k)/s⌋ + 1``
(⌈…⌉ with ``ceil_mode``), ``stride`` defaulting to the kernel size. AdaptiveAvgPool2d: the output
size is given and the windows follow (``AdaptiveAvgPool2d(1)`` averages each whole channel).
"""
from __future__ import annotations

from . import functional as F
from .module import Module


class AvgPool2d(Module):
    """Average pooling over kh×kw windows."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override=None):
        super().__init__()
        F._pair(kernel_size, "kernel_size", "AvgPool2d", 1)  # validate early, keep torch's stored form
        if stride is not None:
            F._pair(stride, "stride", "AvgPool2d", 1)
        F._pair(padding, "padding", "AvgPool2d", 0)
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode, self.count_include_pad, self.divisor_override = ceil_mode, count_include_pad, divisor_override

    def forward(self, input):
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size (``output_size`` an int or (h, w), None keeping a side)."""

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return F.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
