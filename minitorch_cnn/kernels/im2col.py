"""im2col / col2im: turn a convolution into one matrix product.

Shapes (torch's layout)::

    x      (N, C, H, W)                 input batch
    weight (C_out, C/groups, kh, kw)
    cols   (C·kh·kw, N·H_out·W_out)     one column per output pixel, one row per (c, i, j)

    H_out = ⌊(H + 2·p_h − d_h·(kh − 1) − 1) / s_h⌋ + 1      (W_out likewise)

Definition (zero outside the image)::

    cols[(c, i, j), (n, oh, ow)] = x[n, c, oh·s_h + i·d_h − p_h, ow·s_w + j·d_w − p_w]

so that ``conv2d(x, w)[n, o, oh, ow] = Σ_(c,i,j) w[o, c, i, j] · cols[(c, i, j), (n, oh, ow)]``:
``Y = W.reshape(C_out, C·kh·kw) @ cols``, one BLAS call. The rows of one group's channels are
contiguous, so a grouped convolution is one matmul per group on a slice of rows.

``col2im`` is the adjoint (the transpose) of ``im2col``: every entry of ``cols`` is *added* back to
the input pixel it was copied from. Conv2d's backward uses it to turn ``dcols = Wᵀ · dY`` into ``dX``.

Each function exists twice with the same signature: the NumPy version, which loops only over the
kernel offsets (i, j) and copies strided slices, and a Numba twin (``*_numba``) that walks
``cols`` row by row in memory order. The twins add the same terms in the same order.
"""
from __future__ import annotations

import numba
import numpy as np


def conv_output_size(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    """``⌊(size + 2p − d(k−1) − 1)/s⌋ + 1`` (may be ≤ 0 when the kernel does not fit)."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


# ---------------------------------------------------------------------------------------------
# NumPy versions
# ---------------------------------------------------------------------------------------------
def im2col(x, kh, kw, sh, sw, ph, pw, dh, dw):
    """``cols[(c, i, j), (n, oh, ow)] = x_padded[n, c, oh·sh + i·dh, ow·sw + j·dw]``.

    x: (N, C, H, W) → cols: (C·kh·kw, N·H_out·W_out).
    """
    n, c, h, w = x.shape
    h_out = conv_output_size(h, kh, sh, ph, dh)
    w_out = conv_output_size(w, kw, sw, pw, dw)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))) if (ph or pw) else x
    cols = np.empty((c, kh, kw, n, h_out, w_out), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            # every output pixel's (i, j) tap at once: a strided slice of the padded input
            patch = xp[:, :, i * dh: i * dh + sh * (h_out - 1) + 1: sh,
                             j * dw: j * dw + sw * (w_out - 1) + 1: sw]  # (N, C, H_out, W_out)
            cols[:, i, j] = patch.transpose(1, 0, 2, 3)
    return cols.reshape(c * kh * kw, n * h_out * w_out)


def col2im(cols, n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw):
    """Adjoint of :func:`im2col`: ``dx[n, c, ih, iw] = Σ cols[(c, i, j), (n, oh, ow)]`` over every
    (i, j, oh, ow) with ``oh·sh + i·dh − ph = ih`` and ``ow·sw + j·dw − pw = iw``.

    cols: (C·kh·kw, N·H_out·W_out) → dx: (N, C, H, W).
    """
    h_out = conv_output_size(h, kh, sh, ph, dh)
    w_out = conv_output_size(w, kw, sw, pw, dw)
    cols6 = cols.reshape(c, kh, kw, n, h_out, w_out)
    xp = np.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            xp[:, :, i * dh: i * dh + sh * (h_out - 1) + 1: sh,
                     j * dw: j * dw + sw * (w_out - 1) + 1: sw] += cols6[:, i, j].transpose(1, 0, 2, 3)
    return np.ascontiguousarray(xp[:, :, ph: ph + h, pw: pw + w])


# ---------------------------------------------------------------------------------------------
# Numba twins
# ---------------------------------------------------------------------------------------------
@numba.njit(cache=True)
def _valid_range(o_count, start, stride, size):
    """The output positions ``o`` in [0, o_count) whose input ``start + o·stride`` is in [0, size)."""
    lo = 0
    if start < 0:
        lo = min((-start + stride - 1) // stride, o_count)  # (a tap left of every output: none)
    hi = o_count
    if start + (o_count - 1) * stride >= size:
        hi = (size - 1 - start) // stride + 1 if size - 1 - start >= 0 else 0
    if hi < lo:
        hi = lo
    return lo, hi


@numba.njit(cache=True)
def im2col_numba(x, kh, kw, sh, sw, ph, pw, dh, dw):
    """Numba twin of :func:`im2col` (same signature, same result); padding is never materialised.

    Loops image by image (``prange`` marks that image b fills only the columns [b·L, (b+1)·L) of
    every row; compiled serial, see ``kernels/activation.py`` for why).
    """
    n, c, h, w = x.shape
    h_out = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    w_out = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    L = h_out * w_out
    cols = np.empty((c * kh * kw, n * L), dtype=x.dtype)
    for b in numba.prange(n):
        base = b * L
        for ci in range(c):
            for i in range(kh):
                oh_lo, oh_hi = _valid_range(h_out, i * dh - ph, sh, h)
                for j in range(kw):
                    row = (ci * kh + i) * kw + j
                    ow_lo, ow_hi = _valid_range(w_out, j * dw - pw, sw, w)
                    for oh in range(h_out):
                        dst = base + oh * w_out
                        if oh < oh_lo or oh >= oh_hi:
                            for ow in range(w_out):
                                cols[row, dst + ow] = 0
                            continue
                        ih = oh * sh + i * dh - ph
                        for ow in range(ow_lo):
                            cols[row, dst + ow] = 0
                        iw = ow_lo * sw + j * dw - pw
                        for ow in range(ow_lo, ow_hi):
                            cols[row, dst + ow] = x[b, ci, ih, iw]
                            iw += sw
                        for ow in range(ow_hi, w_out):
                            cols[row, dst + ow] = 0
    return cols


@numba.njit(cache=True)
def col2im_numba(cols, n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw):
    """Numba twin of :func:`col2im` (same signature, same sums in the same order).

    Image by image (dx[b] depends on image b's columns only; compiled serial), and within
    it the terms arrive in the NumPy version's (i, j) order.
    """
    h_out = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    w_out = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    L = h_out * w_out
    dx = np.zeros((n, c, h, w), dtype=cols.dtype)
    for b in numba.prange(n):
        base = b * L
        for ci in range(c):
            for i in range(kh):
                oh_lo, oh_hi = _valid_range(h_out, i * dh - ph, sh, h)
                for j in range(kw):
                    row = (ci * kh + i) * kw + j
                    ow_lo, ow_hi = _valid_range(w_out, j * dw - pw, sw, w)
                    for oh in range(oh_lo, oh_hi):
                        ih = oh * sh + i * dh - ph
                        src = base + oh * w_out
                        iw = ow_lo * sw + j * dw - pw
                        for ow in range(ow_lo, ow_hi):
                            dx[b, ci, ih, iw] += cols[row, src + ow]
                            iw += sw
    return dx


# ---------------------------------------------------------------------------------------------
# "Same" convolutions (stride 1, 2p = d(k−1), so H_out = H): one contiguous copy per row
# ---------------------------------------------------------------------------------------------
# With stride 1 and output size = input size, tap (i, j) of every output pixel is the input shifted
# by a constant offset. Lay x out channel-major, xf (C, N·H·W), with zeros before and after; then
#
#     cols[(c, i, j), q] = xf[c, q + (i·d_h − p_h)·W + (j·d_w − p_w)]      q = (n, oh, ow)
#
# is ONE contiguous slice of xf per row (a memcpy) instead of H·W short strided runs — except where
# the tap falls outside the image: there the shifted slice wraps into the neighbouring row or
# image, so those entries (the first/last |di| rows, |dj| columns of each image) are zeroed after
# the copy. The result equals :func:`im2col` exactly. These two are NumPy (vectorised copies, the
# fast path Conv2d takes on the Numba backend for the lecture's 3×3/padding-1 layers); the tests
# check them against im2col/col2im above.
def is_same_conv(h, w, kh, kw, sh, sw, ph, pw, dh, dw) -> bool:
    """Whether the fast "same" path applies: stride 1 and ``2p = d(k−1)`` in both directions."""
    return sh == sw == 1 and 2 * ph == dh * (kh - 1) and 2 * pw == dw * (kw - 1)


def padded_empty(rows, cols, dtype):
    """An uninitialised (rows, cols) array whose row stride is padded by 16 elements when it would
    be a multiple of 2 KiB: BLAS then streams rows that do not alias in the cache (measured on
    (32×144)·(144×16384) float32: 1.33 → 0.83 ms forward, 1.41 → 0.71 ms for Wᵀ·dY)."""
    pad = 16 if (cols * np.dtype(dtype).itemsize) % 2048 == 0 else 0
    return np.empty((rows, cols + pad), dtype=dtype)[:, :cols]


def _same_taps(kh, kw, ph, pw, dh, dw):
    """(t, di, dj) for every tap: the input row/column offset of tap (i, j)."""
    return [(i * kw + j, i * dh - ph, j * dw - pw) for i in range(kh) for j in range(kw)]


def _zero_outside(a4, di, dj):
    """Zero the output pixels of a (C, N, H, W) view whose tap (di, dj) lies outside the image."""
    h, w = a4.shape[2:]
    if di < 0:
        a4[:, :, :-di] = 0
    elif di > 0:
        a4[:, :, max(h - di, 0):] = 0  # (a shift beyond the image zeroes it all)
    if dj < 0:
        a4[:, :, :, :-dj] = 0
    elif dj > 0:
        a4[:, :, :, max(w - dj, 0):] = 0


def im2col_same(x, kh, kw, ph, pw, dh, dw):
    """:func:`im2col` for a "same" convolution (see :func:`is_same_conv`), by shifted row copies."""
    n, c, h, w = x.shape
    q = n * h * w
    taps = _same_taps(kh, kw, ph, pw, dh, dw)
    margin = ph * w + pw  # the largest |shift|
    xf = np.zeros((c, q + 2 * margin), dtype=x.dtype)
    xf[:, margin:margin + q].reshape(c, n, h, w)[...] = x.transpose(1, 0, 2, 3)
    cols = padded_empty(c * kh * kw, q, x.dtype)  # (a strided view: see padded_empty)
    c3 = cols.reshape(c, kh * kw, q)
    for t, di, dj in taps:
        off = margin + di * w + dj
        c3[:, t] = xf[:, off:off + q]
        _zero_outside(c3[:, t].reshape(c, n, h, w), di, dj)
    return cols


def col2im_same(dcols, n, c, h, w, kh, kw, ph, pw, dh, dw):
    """:func:`col2im` for a "same" convolution: dcols' out-of-image entries are zeroed IN PLACE, then
    each row is added back to its shifted slice (the terms arrive in col2im's (i, j) order)."""
    q = n * h * w
    d3 = dcols.reshape(c, kh * kw, q)
    margin = ph * w + pw
    dxf = np.zeros((c, q + 2 * margin), dtype=dcols.dtype)
    for t, di, dj in _same_taps(kh, kw, ph, pw, dh, dw):
        _zero_outside(d3[:, t].reshape(c, n, h, w), di, dj)
        off = margin + di * w + dj
        dxf[:, off:off + q] += d3[:, t]
    return np.ascontiguousarray(dxf[:, margin:margin + q].reshape(c, n, h, w).transpose(1, 0, 2, 3))
