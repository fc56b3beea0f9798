"""Average pooling, fixed windows (``avg_pool2d``) and adaptive ones (``adaptive_avg_pool2d``).

Fixed windows, shapes as max pooling (``kernels/pool.py``): x (N, C, H, W) → (N, C, H_out, W_out),
``H_out = ⌊(H + 2p − k)/s⌋ + 1`` (⌈…⌉ with ceil_mode). Window of output row ``oh`` (columns
likewise), as torch's kernel computes it::

    start = oh·s − p,   end = min(start + k, H + p)        the window, padding included
    pool  = end − start                                     its size, padding included
    start, end = max(start, 0), min(end, H)                 the part inside the image

    out = Σ_window x / divisor,  divisor = divisor_override, else pool_h·pool_w (count_include_pad),
                                 else (end_h − start_h)·(end_w − start_w) (in-image taps only)

Backward: every tap of a window gets ``dy / divisor``; overlapping windows add up.

Adaptive windows: output ``o`` of ``O`` along a side of length ``L`` averages
``[⌊o·L/O⌋, ⌈(o+1)·L/O⌉)`` — equal, non-overlapping windows when O divides L (e.g. O = 1: the
global average), slightly overlapping ones otherwise. Backward spreads ``dy / window size`` back.

Only NumPy versions: average pooling is not on any hot path of the engine's models (each is a few
vectorised operations per window tap, or per output position for the adaptive one).
"""
from __future__ import annotations

import numpy as np


def avg_pool_windows(size: int, out_size: int, kernel: int, stride: int, padding: int):
    """``(start, end, pool)`` int arrays of shape (out_size,): each window's in-image [start, end) and
    its size counting padding (torch's definition, see the module docstring)."""
    start = np.arange(out_size) * stride - padding
    end = np.minimum(start + kernel, size + padding)
    pool = end - start
    return np.maximum(start, 0), np.minimum(end, size), pool


def _divisor(rows, cols, count_include_pad: bool, divisor_override, dtype) -> np.ndarray:
    """(H_out, W_out) divisor of every window (0 where a window has no tap in the image and padding
    does not count: its output is 0, as in torch)."""
    if divisor_override is not None:
        return np.full((len(rows[0]), len(cols[0])), divisor_override, dtype=dtype)
    if count_include_pad:
        return np.outer(rows[2], cols[2]).astype(dtype)
    return np.outer(np.maximum(rows[1] - rows[0], 0), np.maximum(cols[1] - cols[0], 0)).astype(dtype)


def _taps(rows, cols, kh: int, kw: int, sh: int, sw: int, ph: int, pw: int, h: int, w: int):
    """For each kernel tap (a, b): the input row/column each output reads and whether it is inside
    the window's in-image part (taps beyond ``end`` or in the padding read nothing)."""
    oh = np.arange(len(rows[0]))[:, None]
    ow = np.arange(len(cols[0]))[None, :]
    for a in range(kh):
        ih = oh * sh - ph + a                                              # (H_out, 1)
        for b in range(kw):
            iw = ow * sw - pw + b                                          # (1, W_out)
            inside = (ih >= rows[0][:, None]) & (ih < rows[1][:, None]) & (iw >= cols[0][None, :]) & (iw < cols[1][None, :])
            yield np.clip(ih, 0, h - 1), np.clip(iw, 0, w - 1), inside


def avg_pool2d_forward(x, kh, kw, sh, sw, ph, pw, h_out, w_out, count_include_pad=True, divisor_override=None):
    """Return ``(out, divisor)``: each window's sum divided by its divisor (module docstring)."""
    n, c, h, w = x.shape
    rows = avg_pool_windows(h, h_out, kh, sh, ph)
    cols = avg_pool_windows(w, w_out, kw, sw, pw)
    total = np.zeros((n, c, h_out, w_out), dtype=x.dtype)
    for ih, iw, inside in _taps(rows, cols, kh, kw, sh, sw, ph, pw, h, w):
        total += np.where(inside, x[:, :, ih, iw], 0)                      # taps in row-major order, as torch
    divisor = _divisor(rows, cols, count_include_pad, divisor_override, x.dtype)
    safe = np.where(divisor == 0, 1, divisor)
    return np.where(divisor == 0, 0, total / safe).astype(x.dtype, copy=False), divisor


def avg_pool2d_backward(g, divisor, kh, kw, sh, sw, ph, pw, h, w):
    """dx (N, C, H, W): each window's ``dy / divisor`` added to each of its in-image taps."""
    n, c, h_out, w_out = g.shape
    rows = avg_pool_windows(h, h_out, kh, sh, ph)
    cols = avg_pool_windows(w, w_out, kw, sw, pw)
    share = np.where(divisor == 0, 0, g / np.where(divisor == 0, 1, divisor)).astype(g.dtype, copy=False)
    dx = np.zeros((n, c, h, w), dtype=g.dtype)
    for ih, iw, inside in _taps(rows, cols, kh, kw, sh, sw, ph, pw, h, w):
        r, q = np.broadcast_arrays(ih, iw)
        np.add.at(dx, (slice(None), slice(None), r[inside], q[inside]), share[:, :, inside])
    return dx


def adaptive_windows(size: int, out_size: int):
    """``(start, end)`` int arrays: output o averages [⌊o·size/out⌋, ⌈(o+1)·size/out⌉)."""
    o = np.arange(out_size)
    return (o * size) // out_size, -((-(o + 1) * size) // out_size)


def adaptive_avg_pool2d_forward(x, h_out, w_out):
    n, c, h, w = x.shape
    hs, he = adaptive_windows(h, h_out)
    ws, we = adaptive_windows(w, w_out)
    out = np.empty((n, c, h_out, w_out), dtype=x.dtype)
    for i in range(h_out):
        for j in range(w_out):
            win = x[:, :, hs[i]:he[i], ws[j]:we[j]]
            out[:, :, i, j] = win.sum(axis=(2, 3)) / x.dtype.type((he[i] - hs[i]) * (we[j] - ws[j]))
    return out


def adaptive_avg_pool2d_backward(g, h, w):
    n, c, h_out, w_out = g.shape
    hs, he = adaptive_windows(h, h_out)
    ws, we = adaptive_windows(w, w_out)
    dx = np.zeros((n, c, h, w), dtype=g.dtype)
    for i in range(h_out):
        for j in range(w_out):
            area = g.dtype.type((he[i] - hs[i]) * (we[j] - ws[j]))
            dx[:, :, hs[i]:he[i], ws[j]:we[j]] += (g[:, :, i, j] / area)[:, :, None, None]
    return dx
