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
        lo = (-start + stride - 1) // stride
    hi = o_count
    if start + (o_count - 1) * stride >= size:
        hi = (size - 1 - start) // stride + 1 if size - 1 - start >= 0 else 0
    if hi < lo:
        hi = lo
    return lo, hi


@numba.njit(cache=True)
def im2col_numba(x, kh, kw, sh, sw, ph, pw, dh, dw):
    """Numba twin of :func:`im2col` (same signature, same result); padding is never materialised.

    Loop order (c, i, j) → n → oh → ow fills ``cols`` row by row, in memory order; each output row
    ``oh`` copies one strided run of an input row. Indices are computed on flat views.
    """
    n, c, h, w = x.shape
    h_out = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    w_out = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    L = h_out * w_out
    cols = np.zeros((c * kh * kw, n * L), dtype=x.dtype)  # the zeros are the padding
    xf = x.reshape(n * c * h * w)
    for ci in range(c):
        for i in range(kh):
            oh_lo, oh_hi = _valid_range(h_out, i * dh - ph, sh, h)
            for j in range(kw):
                dst_row = cols[(ci * kh + i) * kw + j]
                ow_lo, ow_hi = _valid_range(w_out, j * dw - pw, sw, w)
                for b in range(n):
                    for oh in range(oh_lo, oh_hi):
                        ih = oh * sh + i * dh - ph
                        src = ((b * c + ci) * h + ih) * w + j * dw - pw  # x[b, ci, ih, iw] at iw = ow·sw + src′
                        dst = b * L + oh * w_out
                        for ow in range(ow_lo, ow_hi):
                            dst_row[dst + ow] = xf[src + ow * sw]
    return cols


@numba.njit(cache=True)
def col2im_numba(cols, n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw):
    """Numba twin of :func:`col2im` (same signature, same sums in the same order)."""
    h_out = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    w_out = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    L = h_out * w_out
    dx = np.zeros((n, c, h, w), dtype=cols.dtype)
    df = dx.reshape(n * c * h * w)
    for ci in range(c):
        for i in range(kh):
            oh_lo, oh_hi = _valid_range(h_out, i * dh - ph, sh, h)
            for j in range(kw):
                src_row = cols[(ci * kh + i) * kw + j]
                ow_lo, ow_hi = _valid_range(w_out, j * dw - pw, sw, w)
                for b in range(n):
                    for oh in range(oh_lo, oh_hi):
                        ih = oh * sh + i * dh - ph
                        dst = ((b * c + ci) * h + ih) * w + ow_lo * sw + j * dw - pw  # dx[b, ci, ih, iw(ow_lo)]
                        src = b * L + oh * w_out
                        for ow in range(ow_lo, ow_hi):
                            df[dst] += src_row[src + ow]
                            dst += sw
    return dx
