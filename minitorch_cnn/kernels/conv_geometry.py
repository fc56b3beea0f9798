"""The shape of one 2-D convolution, as a small named object the kernels and the dispatcher share.

::

    x      (N, C_in, H, W)
    weight (C_out, C_in/groups, kh, kw)
    y      (N, C_out, H_out, W_out),   H_out = ⌊(H + 2·p_h − d_h·(kh − 1) − 1) / s_h⌋ + 1   (W_out likewise)

``stride``, ``padding`` and ``dilation`` are (height, width) pairs; ``dilation`` is always spelled
out (never ``dw``, which in the kernels means a weight gradient).
"""
from __future__ import annotations

from dataclasses import dataclass


def conv_output_size(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    """``⌊(size + 2p − d(k−1) − 1)/s⌋ + 1`` (may be ≤ 0 when the kernel does not fit)."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


@dataclass(frozen=True)
class Conv2dGeometry:
    """Batch, channels, image and kernel sizes of one convolution, and its stride/padding/dilation."""

    n: int
    c_in: int
    h: int
    w: int
    c_out: int
    kh: int
    kw: int
    stride: tuple = (1, 1)
    padding: tuple = (0, 0)
    dilation: tuple = (1, 1)
    groups: int = 1

    @classmethod
    def of(cls, x_shape, weight_shape, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1):
        """The geometry of ``conv2d(x, weight)`` from the two arrays' shapes."""
        n, c_in, h, w = x_shape
        c_out, _, kh, kw = weight_shape
        return cls(int(n), int(c_in), int(h), int(w), int(c_out), int(kh), int(kw),
                   tuple(stride), tuple(padding), tuple(dilation), int(groups))

    @property
    def h_out(self) -> int:
        return conv_output_size(self.h, self.kh, self.stride[0], self.padding[0], self.dilation[0])

    @property
    def w_out(self) -> int:
        return conv_output_size(self.w, self.kw, self.stride[1], self.padding[1], self.dilation[1])

    @property
    def out_shape(self) -> tuple:
        return (self.n, self.c_out, self.h_out, self.w_out)

    @property
    def is_same(self) -> bool:
        """A "same" convolution: stride 1 and ``2p = d(k−1)`` both ways, so H_out = H and W_out = W
        (the lecture's 3×3 / padding 1)."""
        (sh, sw), (ph, pw), (dh, dw) = self.stride, self.padding, self.dilation
        return sh == sw == 1 and 2 * ph == dh * (self.kh - 1) and 2 * pw == dw * (self.kw - 1)

    @property
    def taps(self) -> int:
        """``C_in/groups · kh · kw``: the terms of one output pixel (im2col's rows per group)."""
        return self.c_in // self.groups * self.kh * self.kw

    def __str__(self) -> str:
        return (f"x ({self.n}, {self.c_in}, {self.h}, {self.w}), weight ({self.c_out}, {self.c_in // self.groups}, "
                f"{self.kh}, {self.kw}), stride {self.stride}, padding {self.padding}, dilation {self.dilation}, "
                f"groups {self.groups}")
