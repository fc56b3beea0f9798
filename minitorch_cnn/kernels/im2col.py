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

Below them, Conv2d's im2col path (``conv2d_forward``, ``conv2d_input_grad``, ``conv2d_weight_grad``
and their ``*_numba`` twins, see ``nn/functional/conv.py``): the matrix products over chunks of images.
"""
from __future__ import annotations

import numba
import numpy as np

from .conv_geometry import conv_output_size
from .jit import kernel


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
@kernel()
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


@kernel()
def im2col_numba(x, kh, kw, sh, sw, ph, pw, dh, dw):
    """Numba twin of :func:`im2col` (same signature, same result); padding is never materialised.

    Loops image by image (``prange`` marks that image b fills only the columns [b·L, (b+1)·L) of
    every row; compiled serial, see ``kernels/activation.py`` for why).
    """
    n, c, h, w = x.shape
    h_out = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    w_out = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    L = h_out * w_out
    pad = 16 if (n * L * x.itemsize) % 2048 == 0 else 0  # (see padded_empty)
    cols = np.empty((c * kh * kw, n * L + pad), dtype=x.dtype)[:, :n * L]
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
                        if sw == 1:  # one contiguous run: a vectorised copy
                            cols[row, dst + ow_lo:dst + ow_hi] = x[b, ci, ih, iw:iw + ow_hi - ow_lo]
                        else:
                            for ow in range(ow_lo, ow_hi):
                                cols[row, dst + ow] = x[b, ci, ih, iw]
                                iw += sw
                        for ow in range(ow_hi, w_out):
                            cols[row, dst + ow] = 0
    return cols


@kernel()
def col2im_numba(cols, n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw):
    """Numba twin of :func:`col2im` (same signature, same sums in the same order).

    Image by image (dx[b] depends on image b's columns only; compiled serial), and within
    it the terms arrive in the NumPy version's (i, j) order.
    """
    h_out = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    w_out = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    L = h_out * w_out
    # the loops read cols[row, b·L + …] unchecked: refuse columns smaller than the geometry says
    if cols.ndim != 2 or cols.shape[0] != c * kh * kw or cols.shape[1] < n * L:
        raise ValueError("col2im_numba: cols must have shape (c*kh*kw, n*h_out*w_out)")
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
                        if sw == 1:  # one contiguous run
                            dx[b, ci, ih, iw:iw + ow_hi - ow_lo] += cols[row, src + ow_lo:src + ow_hi]
                        else:
                            for ow in range(ow_lo, ow_hi):
                                dx[b, ci, ih, iw] += cols[row, src + ow]
                                iw += sw
    return dx


# ---------------------------------------------------------------------------------------------
# Conv2d as matrix products: the im2col path
# ---------------------------------------------------------------------------------------------
# For a chunk of images (so the columns' workspace stays bounded) and each group g, with
# cols = im2col(x_chunk) and dY_chunk laid out (C_out, images·H_out·W_out) like cols' columns:
#
#     Y_g     = W_g · cols_g  (+ b)          forward
#     dW_g   += dY_g · cols_gᵀ               (summed over the chunks; cols recomputed, not kept)
#     dcols_g = W_gᵀ · dY_g,  dX = col2im(dcols)
#
# Each function takes ``im2col``/``col2im`` as an argument: the NumPy versions above by default, the
# Numba twins in the ``*_numba`` variants; the matrix products are the same NumPy/BLAS calls.

#: The most bytes one chunk's columns may take (the chunk is at least one image). Keeps the
#: workspace of a big input bounded: a (1024, 64, 512, 512) input would need 9× its size at once.
WORKSPACE_BYTES = 8 << 20


def padded_empty(rows, cols, dtype):
    """An uninitialised (rows, cols) array whose row stride is padded by 16 elements when it would
    be a multiple of 2 KiB: BLAS then streams rows that do not alias in the cache (measured on
    (32×144)·(144×16384) float32: 1.33 → 0.83 ms forward, 1.41 → 0.71 ms for Wᵀ·dY)."""
    pad = 16 if (cols * np.dtype(dtype).itemsize) % 2048 == 0 else 0
    return np.empty((rows, cols + pad), dtype=dtype)[:, :cols]


def image_chunks(geo, itemsize):
    """Slices of the batch whose columns fit in ``WORKSPACE_BYTES`` (at least one image each)."""
    per_image = geo.c_in * geo.kh * geo.kw * geo.h_out * geo.w_out * itemsize
    step = max(1, min(geo.n, WORKSPACE_BYTES // max(per_image, 1)))
    return [slice(lo, min(lo + step, geo.n)) for lo in range(0, geo.n, step)]


def _cols(x, geo, im2col):
    (sh, sw), (ph, pw), (dh, dw) = geo.stride, geo.padding, geo.dilation
    return im2col(x, geo.kh, geo.kw, sh, sw, ph, pw, dh, dw)


def _grad_rows(dy):
    """dY (n, C_out, H_out, W_out) → (C_out, n·H_out·W_out), the column order of im2col."""
    n, c_out = dy.shape[:2]
    rows = padded_empty(c_out, dy[0, 0].size * n, dy.dtype)
    rows.reshape(c_out, n, -1)[...] = dy.reshape(n, c_out, -1).transpose(1, 0, 2)
    return rows


def _groups(geo):
    """(output rows, cols rows) of each group."""
    o_g, k_g = geo.c_out // geo.groups, geo.taps
    return [(slice(g * o_g, (g + 1) * o_g), slice(g * k_g, (g + 1) * k_g)) for g in range(geo.groups)]


def conv2d_forward(x, weight, bias, geo, im2col=im2col):
    """``Y_g = W_g · im2col(x)_g + b`` chunk by chunk; y (N, C_out, H_out, W_out)."""
    w2 = weight.reshape(geo.c_out, geo.taps)
    y = np.empty(geo.out_shape, dtype=x.dtype)
    for chunk in image_chunks(geo, x.itemsize):
        cols = _cols(x[chunk], geo, im2col)
        out = padded_empty(geo.c_out, cols.shape[1], x.dtype)
        for rows, ks in _groups(geo):
            np.matmul(w2[rows], cols[ks], out=out[rows])
        if bias is not None:
            out += bias[:, None]
        y[chunk] = out.reshape(geo.c_out, -1, geo.h_out, geo.w_out).transpose(1, 0, 2, 3)
    return y


def conv2d_input_grad(dy, weight, geo, col2im=col2im):
    """``dX = col2im(W_gᵀ · dY_g)`` chunk by chunk; dx (N, C_in, H, W)."""
    (sh, sw), (ph, pw), (dh, dw) = geo.stride, geo.padding, geo.dilation
    w2 = weight.reshape(geo.c_out, geo.taps)
    dx = np.empty((geo.n, geo.c_in, geo.h, geo.w), dtype=dy.dtype)
    for chunk in image_chunks(geo, dy.itemsize):
        g_rows = _grad_rows(dy[chunk])
        dcols = padded_empty(geo.taps * geo.groups, g_rows.shape[1], dy.dtype)
        for rows, ks in _groups(geo):
            np.matmul(w2[rows].T, g_rows[rows], out=dcols[ks])
        n = chunk.stop - chunk.start
        dx[chunk] = col2im(dcols, n, geo.c_in, geo.h, geo.w, geo.kh, geo.kw, sh, sw, ph, pw, dh, dw)
    return dx


def conv2d_weight_grad(x, dy, geo, im2col=im2col):
    """``dW_g = Σ_chunks dY_g · im2col(x)_gᵀ`` (computed as (cols_g · dY_gᵀ)ᵀ: the same products, a
    faster BLAS layout, 1.5×); dW (C_out, C_in/groups, kh, kw)."""
    dw2 = np.zeros((geo.c_out, geo.taps), dtype=x.dtype)
    for chunk in image_chunks(geo, x.itemsize):
        cols = _cols(x[chunk], geo, im2col)
        g_rows = _grad_rows(dy[chunk])
        for rows, ks in _groups(geo):
            dw2[rows] += np.matmul(cols[ks], g_rows[rows].T).T
    return dw2.reshape(geo.c_out, geo.c_in // geo.groups, geo.kh, geo.kw)


def _im2col_numba_backend(x, kh, kw, sh, sw, ph, pw, dh, dw):
    """im2col on the Numba backend: by shifted row copies for a "same" convolution (``im2col_same``
    below: NumPy, bit-identical to :func:`im2col`, 3× faster than the Numba element loop there:
    64×16×14×14 float32, 0.73 vs 2.5 ms CPU time), else :func:`im2col_numba`."""
    if is_same_conv(0, 0, kh, kw, sh, sw, ph, pw, dh, dw):
        return im2col_same(x, kh, kw, ph, pw, dh, dw)
    return im2col_numba(x, kh, kw, sh, sw, ph, pw, dh, dw)


def _col2im_numba_backend(cols, n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw):
    """col2im on the Numba backend: ``col2im_same`` for a "same" convolution (1.8 vs 2.7 ms), else
    :func:`col2im_numba`. (``cols`` is a scratch array here: col2im_same zeroes part of it.)"""
    if is_same_conv(h, w, kh, kw, sh, sw, ph, pw, dh, dw):
        return col2im_same(cols, n, c, h, w, kh, kw, ph, pw, dh, dw)
    return col2im_numba(cols, n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw)


def conv2d_forward_numba(x, weight, bias, geo):
    """:func:`conv2d_forward` with the Numba backend's im2col."""
    return conv2d_forward(x, weight, bias, geo, im2col=_im2col_numba_backend)


def conv2d_input_grad_numba(dy, weight, geo):
    """:func:`conv2d_input_grad` with the Numba backend's col2im."""
    return conv2d_input_grad(dy, weight, geo, col2im=_col2im_numba_backend)


def conv2d_weight_grad_numba(x, dy, geo):
    """:func:`conv2d_weight_grad` with the Numba backend's im2col."""
    return conv2d_weight_grad(x, dy, geo, im2col=_im2col_numba_backend)


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
