"""MaxPool2d: the maximum of each kh×kw window (padding counts as −∞).

Shapes: input (N, C, H, W) or unbatched (C, H, W); output (N, C, H_out, W_out) with
``H_out = ⌊(H + 2p − d(k−1) − 1)/s⌋ + 1`` (⌈…⌉ with ``ceil_mode``); ``stride`` defaults to the kernel size.
"""
from __future__ import annotations

from . import functional as F
from .module import Module


class MaxPool2d(Module):
    """Max pooling; backward sends each window's gradient to its (first) maximum only."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices: bool = False,
                 ceil_mode: bool = False):
        super().__init__()
        F._pair(kernel_size, "kernel_size", "MaxPool2d", 1)  # validate early, keep torch's stored form
        if stride is not None:
            F._pair(stride, "stride", "MaxPool2d", 1)
        F._pair(padding, "padding", "MaxPool2d", 0)
        F._pair(dilation, "dilation", "MaxPool2d", 1)
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input):
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")
