"""The convolution written as its definition: a test oracle, not for speed.

Shapes::

    x      (N, C_in, H, W)
    weight (C_out, C_in/groups, kh, kw)
    bias   (C_out,) or None
    y      (N, C_out, H_out, W_out),   H_out = ⌊(H + 2p − d(k−1) − 1)/s⌋ + 1  (W_out likewise)

Definition (cross-correlation, as torch; ``x`` is zero outside the image)::

    y[n, o, oh, ow] = bias[o] + Σ_c Σ_i Σ_j weight[o, c, i, j] · x[n, g·C_g + c, oh·s + i·d − p, ow·s + j·d − p]

where ``g = o // (C_out/groups)`` is the group of output channel o and ``C_g = C_in/groups``.
The fast path (im2col + one matmul per group, see ``nn/functional/conv.py``) is tested against this.
"""
from __future__ import annotations

import numpy as np


def conv2d_naive(x, weight, bias=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1):
    """Seven nested loops over (n, o, oh, ow, c, i, j); ``stride``/``padding``/``dilation`` are (h, w) pairs."""
    n, c_in, h, w = x.shape
    c_out, c_g, kh, kw = weight.shape
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    h_out = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    w_out = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out_per_group = c_out // groups
    y = np.zeros((n, c_out, h_out, w_out), dtype=np.result_type(x, weight))
    for b in range(n):
        for o in range(c_out):
            g = o // out_per_group
            for oh in range(h_out):
                for ow in range(w_out):
                    acc = 0.0 if bias is None else bias[o]
                    for c in range(c_g):
                        for i in range(kh):
                            ih = oh * sh + i * dh - ph
                            if not 0 <= ih < h:
                                continue
                            for j in range(kw):
                                iw = ow * sw + j * dw - pw
                                if 0 <= iw < w:
                                    acc += weight[o, c, i, j] * x[b, g * c_g + c, ih, iw]
                    y[b, o, oh, ow] = acc
    return y
