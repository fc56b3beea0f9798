"""Direct convolution for few input channels (the first layer: 1 or 3 channels): no im2col, no BLAS.

With C_in = 1 or 3 and a 3×3 kernel, im2col's matrix has only K = C_in·9 = 9 or 27 rows: BLAS
runs a skinny product far below its speed, and its second thread barely helps. Here every tap is
a shifted contiguous slice of the (padded, flattened) input image, and the batch is split over
threads (Python threads; the kernels release the GIL).

Shapes (stride 1, groups 1): x (N, C, H, W), weight (C_out, C, kh, kw), bias (C_out,),
y/dy (N, C_out, H_out, W_out), ``H_out = H + 2p_h − d_h(kh − 1)`` (W_out likewise); x is zero
outside the image::

    y[n, o, oh, ow]  = b[o] + Σ_(c,i,j) w[o, c, i, j] · x[n, c, oh + i·d_h − p_h, ow + j·d_w − p_w]
    dW[o, c, i, j]   = Σ_(n,oh,ow) dy[n, o, oh, ow] · x[n, c, oh + i·d_h − p_h, ow + j·d_w − p_w]
    db[o]            = Σ_(n,oh,ow) dy[n, o, oh, ow]
    dx[n, c, ih, iw] = Σ_(o,i,j: (oh, ow) = (ih − i·d_h + p_h, iw − j·d_w + p_w) in the output) w[o, c, i, j] · dy[n, o, oh, ow]

Each function exists twice with the same signature: a NumPy version for any stride-1 convolution
(one tensor contraction per tap (i, j) over a slice of the padded input) and a Numba twin
(``*_numba``) for "same" convolutions (H_out = H, W_out = W; what Conv2d sends here). The twins sum
in another order than the NumPy versions (equal to rounding; ``tests/test_kernels_direct_conv.py``).
dW and db sum each image in vectorised partial sums, then add images up in float64.
"""
from __future__ import annotations

import numba
import numpy as np
from .jit import kernel

# ---------------------------------------------------------------------------------------------
# NumPy versions
# ---------------------------------------------------------------------------------------------
def _tap(xp, i, j, dh, dw, h_out, w_out):
    """Tap (i, j) of every output pixel: an (N, C, H_out, W_out) view of the padded input."""
    return xp[:, :, i * dh: i * dh + h_out, j * dw: j * dw + w_out]


def conv2d_forward(x, weight, bias, geo):
    """``y = b + Σ_(i,j) W[:, :, i, j] · x_tap(i, j)`` (bias may be None)."""
    (ph, pw), (dh, dw) = geo.padding, geo.dilation
    kh, kw, h_out, w_out = geo.kh, geo.kw, geo.h_out, geo.w_out
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    y = np.zeros(geo.out_shape, dtype=x.dtype)
    if bias is not None:
        y += bias[:, None, None]
    for i in range(kh):
        for j in range(kw):
            y += np.einsum("oc,nchw->nohw", weight[:, :, i, j], _tap(xp, i, j, dh, dw, h_out, w_out))
    return y


def conv2d_weight_grad(x, dy, geo):
    """``dW[:, :, i, j] = Σ_(n,oh,ow) dy · x_tap(i, j)``."""
    (ph, pw), (dh, dw) = geo.padding, geo.dilation
    kh, kw, h_out, w_out = geo.kh, geo.kw, geo.h_out, geo.w_out
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dweight = np.empty((geo.c_out, geo.c_in, kh, kw), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            dweight[:, :, i, j] = np.tensordot(dy, _tap(xp, i, j, dh, dw, h_out, w_out), axes=([0, 2, 3], [0, 2, 3]))
    return dweight


def conv2d_input_grad(dy, weight, geo):
    """``dx``: each tap's ``W[:, :, i, j]ᵀ · dy`` added back where the tap read from (padding cropped)."""
    (ph, pw), (dh, dw) = geo.padding, geo.dilation
    kh, kw, h_out, w_out, h, w = geo.kh, geo.kw, geo.h_out, geo.w_out, geo.h, geo.w
    dxp = np.zeros((geo.n, geo.c_in, h + 2 * ph, w + 2 * pw), dtype=dy.dtype)
    for i in range(kh):
        for j in range(kw):
            _tap(dxp, i, j, dh, dw, h_out, w_out)[...] += np.einsum("oc,nohw->nchw", weight[:, :, i, j], dy)
    return np.ascontiguousarray(dxp[:, :, ph:ph + h, pw:pw + w])


# ---------------------------------------------------------------------------------------------
# Numba twins
# ---------------------------------------------------------------------------------------------
# The twins handle "same" convolutions (stride 1, 2p = d(k−1), so H_out = H, W_out = W; see
# ``im2col.is_same_conv``), the lecture's 3×3 / padding 1. Each image is laid out on its zero-padded
# grid (Hp = H + 2p_h rows of Wp = W + 2p_w), flattened. Output pixel (oh, ow) at flat position
# q = oh·Wp + ow then reads tap (i, j) at q + i·d_h·Wp + j·d_w: every tap is ONE contiguous shifted
# slice, a long vectorised loop with no edge tests. Outputs are accumulated on the H × Wp grid in a
# small buffer (its last Wp − W columns of each row are garbage, dropped when copied out); dy is
# spread onto the same grid with zeros there, so those columns add nothing in the backward passes.
# Image b touches only y[b] / dx[b], so the twins take a range of images [b0, b1): Conv2d runs
# ranges in parallel on Python threads (the kernels release the GIL; no spinning OpenMP workers).
@kernel(nogil=True)
def _pad_image(src, b, ph, pw, dst):
    """dst (C, Hp·Wp + slack) ← image b of src (N, C, H, W), zero outside."""
    _, c, h, w = src.shape
    wp = w + 2 * pw
    dst[:] = 0
    for ci in range(c):
        for ih in range(h):
            d = dst[ci, (ih + ph) * wp + pw:(ih + ph) * wp + pw + w]
            s = src[b, ci, ih]
            for iw in range(w):
                d[iw] = s[iw]


@kernel(nogil=True)
def _spread_grad(dy, b, wp, dyp):
    """dyp (C_out, H·Wp) ← image b of dy on the padded-width grid, zero in the extra columns."""
    _, c_out, h, w = dy.shape
    dyp[:] = 0
    for o in range(c_out):
        for oh in range(h):
            d = dyp[o, oh * wp:oh * wp + w]
            s = dy[b, o, oh]
            for ow in range(w):
                d[ow] = s[ow]


@kernel(nogil=True, fastmath={"contract"})
def _acc_taps(acc, xrow, w_oc, row_step, col_step, first, b0):
    """acc[q] (+)= Σ_(i,j) w_oc[i, j] · xrow[q + i·row_step + j·col_step]; ``first``: acc starts at
    b0 instead of its contents. Kernels three wide (3×3) go a kernel row per pass; more shifted
    slices in one loop exceed LLVM's runtime alias checks and stop it vectorising."""
    L = acc.size
    kh, kw = w_oc.shape
    if kw == 3:
        for i in range(kh):
            r = i * row_step
            w0, w1, w2 = w_oc[i, 0], w_oc[i, 1], w_oc[i, 2]
            x0 = xrow[r:r + L]
            x1 = xrow[r + col_step:r + col_step + L]
            x2 = xrow[r + 2 * col_step:r + 2 * col_step + L]
            if first and i == 0:
                for q in range(L):
                    acc[q] = b0 + w0 * x0[q] + w1 * x1[q] + w2 * x2[q]
            else:
                for q in range(L):
                    acc[q] += w0 * x0[q] + w1 * x1[q] + w2 * x2[q]
        return
    for i in range(kh):
        for j in range(kw):
            r = i * row_step + j * col_step
            w0 = w_oc[i, j]
            x0 = xrow[r:r + L]
            if first and i == 0 and j == 0:
                for q in range(L):
                    acc[q] = b0 + w0 * x0[q]
            else:
                for q in range(L):
                    acc[q] += w0 * x0[q]


@kernel(nogil=True)
def _forward_images(x, weight, bias, ph, pw, dh, dw, y, b_lo, b_hi):
    n, c, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    wp = w + 2 * pw
    L = h * wp
    xp = np.empty((c, (h + 2 * ph) * wp + kw * dw), dtype=x.dtype)
    acc = np.empty(L, dtype=x.dtype)
    zero = np.zeros(1, dtype=x.dtype)[0]  # (not acc[0]·0: acc is uninitialised, maybe NaN)
    for b in range(b_lo, b_hi):
        _pad_image(x, b, ph, pw, xp)
        for o in range(c_out):
            b0 = zero
            if bias is not None:
                b0 = bias[o]
            for ci in range(c):
                _acc_taps(acc, xp[ci], weight[o, ci], dh * wp, dw, ci == 0, b0)
            yo = y[b, o]
            for oh in range(h):
                yr = yo[oh]
                ar = acc[oh * wp:oh * wp + w]
                for ow in range(w):
                    yr[ow] = ar[ow]


def conv2d_forward_numba(x, weight, bias, geo):
    """Numba twin of :func:`conv2d_forward` for "same" convolutions (see above); the batch is split
    over :func:`numba.get_num_threads` Python threads."""
    (ph, pw), (dh, dw) = geo.padding, geo.dilation
    n = geo.n
    weight = np.ascontiguousarray(weight)
    y = np.empty(geo.out_shape, dtype=x.dtype)
    _in_parallel(lambda lo, hi: _forward_images(x, weight, bias, ph, pw, dh, dw, y, lo, hi), n)
    return y


@kernel(nogil=True, fastmath={"reassoc", "nsz", "contract"})
def _dots_row(g, xrow, i, kw, row_step, col_step, out_row, zero):
    """out_row[j] += Σ_q g[q] · xrow[q + i·row_step + j·col_step] over kernel row i, three taps per
    pass over g (reassociated: vectorised partial sums)."""
    L = g.size
    j = 0
    while j < kw:
        r = i * row_step + j * col_step
        if j + 3 <= kw:
            x0 = xrow[r:r + L]
            x1 = xrow[r + col_step:r + col_step + L]
            x2 = xrow[r + 2 * col_step:r + 2 * col_step + L]
            s0 = s1 = s2 = zero
            for q in range(L):
                gq = g[q]
                s0 += gq * x0[q]
                s1 += gq * x1[q]
                s2 += gq * x2[q]
            out_row[j] += s0
            out_row[j + 1] += s1
            out_row[j + 2] += s2
            j += 3
        else:
            x0 = xrow[r:r + L]
            s0 = zero
            for q in range(L):
                s0 += g[q] * x0[q]
            out_row[j] += s0
            j += 1


@kernel(nogil=True)
def _weight_grad_images(x, dy, kh, kw, ph, pw, dh, dw, dw64, b_lo, b_hi):
    """dw64 (float64) += images [b_lo, b_hi)'s dW."""
    n, c, h, w = x.shape
    c_out = dy.shape[1]
    wp = w + 2 * pw
    L = h * wp
    xp = np.empty((c, (h + 2 * ph) * wp + kw * dw), dtype=x.dtype)
    dyp = np.empty((c_out, L), dtype=dy.dtype)
    zero = np.zeros(1, dtype=x.dtype)[0]
    for b in range(b_lo, b_hi):
        _pad_image(x, b, ph, pw, xp)
        _spread_grad(dy, b, wp, dyp)
        for o in range(c_out):
            for ci in range(c):
                for i in range(kh):
                    _dots_row(dyp[o], xp[ci], i, kw, dh * wp, dw, dw64[o, ci, i], zero)


def conv2d_weight_grad_numba(x, dy, geo):
    """Numba twin of :func:`conv2d_weight_grad` for "same" convolutions: per image, each weight is
    one dot product of a dy plane with a shifted input slice; images add up in float64 (each
    thread's range of images in its own sums, added in range order)."""
    (ph, pw), (dh, dw) = geo.padding, geo.dilation
    dy = np.ascontiguousarray(dy)

    def part(lo, hi):
        dw64 = np.zeros((geo.c_out, geo.c_in, geo.kh, geo.kw))
        _weight_grad_images(x, dy, geo.kh, geo.kw, ph, pw, dh, dw, dw64, lo, hi)
        return dw64

    return sum(_in_parallel(part, geo.n)).astype(x.dtype)


@kernel(nogil=True)
def _input_grad_images(dy, weight, h, w, ph, pw, dh, dw, dx, b_lo, b_hi):
    n, c_out = dy.shape[0], dy.shape[1]
    _, c, kh, kw = weight.shape
    wp = w + 2 * pw
    L = h * wp
    dyp = np.empty((c_out, L), dtype=dy.dtype)
    dxp = np.empty((c, (h + 2 * ph) * wp + kw * dw), dtype=dy.dtype)
    for b in range(b_lo, b_hi):
        _spread_grad(dy, b, wp, dyp)
        dxp[:] = 0
        for ci in range(c):
            for o in range(c_out):
                g = dyp[o]
                for i in range(kh):
                    for j in range(kw):
                        wv = weight[o, ci, i, j]
                        off = i * dh * wp + j * dw
                        ds = dxp[ci, off:off + L]
                        for q in range(L):
                            ds[q] += wv * g[q]
            for ih in range(h):
                d = dx[b, ci, ih]
                s = dxp[ci, (ih + ph) * wp + pw:(ih + ph) * wp + pw + w]
                for iw in range(w):
                    d[iw] = s[iw]


def conv2d_input_grad_numba(dy, weight, geo):
    """Numba twin of :func:`conv2d_input_grad` for "same" convolutions: each dy plane, times a
    weight, is added to the shifted slice its tap read from; the padding is cropped."""
    (ph, pw), (dh, dw), h, w = geo.padding, geo.dilation, geo.h, geo.w
    dy = np.ascontiguousarray(dy)
    weight = np.ascontiguousarray(weight)
    dx = np.empty((geo.n, geo.c_in, h, w), dtype=dy.dtype)
    _in_parallel(lambda lo, hi: _input_grad_images(dy, weight, h, w, ph, pw, dh, dw, dx, lo, hi), dy.shape[0])
    return dx


# ---------------------------------------------------------------------------------------------
# the batch over threads
# ---------------------------------------------------------------------------------------------
_pool = None


def _in_parallel(fn, n):
    """[fn(lo, hi) for each of k contiguous ranges of images covering [0, n)], k = Numba's thread
    count (``--threads``): ranges after the first run on a thread pool while this thread runs the
    first. Python threads, not ``prange``: idle pool threads sleep, where Numba's OpenMP workers
    would spin and starve the BLAS threads of the layers around (see ``activation.py``)."""
    global _pool
    k = max(1, min(numba.get_num_threads(), n))
    if k == 1:
        return [fn(0, n)]
    if _pool is None or _pool._max_workers < k - 1:
        from concurrent.futures import ThreadPoolExecutor
        _pool = ThreadPoolExecutor(max_workers=k - 1, thread_name_prefix="minitorch-conv")
    bounds = [n * t // k for t in range(k + 1)]
    futures = [_pool.submit(fn, bounds[t], bounds[t + 1]) for t in range(1, k)]
    first = fn(bounds[0], bounds[1])
    return [first] + [f.result() for f in futures]
