"""Register-tiled direct convolution for "same" convolutions with 3-wide kernels (the lecture's 3×3
layers, any channel count).

The im2col path turns a 16→32 3×3 convolution into three skinny matrix products (32 rows, inner
dimension 144) that BLAS runs far below its speed; ``direct_conv.py`` does 3 multiply-adds per
4 loads and a pass per tap for dX. This path computes the same sums directly, on
the image laid out on a flat zero-padded grid, like the ``direct`` path, but schedules them so that
each pass over the grid does many multiply-adds per value it loads and stores.

The grid: each image's rows, each followed by p_w zeros, Wp = W + p_w apart, with p_h rows of zeros
above and below, and p_w more zeros at each end, one flat row per channel. A row's p_w trailing zeros
are also the next row's left padding (a tap left of column 0 reads the end of the row above), so a
row needs p_w extra columns, not 2p_w (``direct_conv.py``'s grid has 2p_w). Output pixel (oh, ow)
sits at q = oh·Wp + ow, and tap (i, j) of it reads ``x_flat[c, q + i·d_h·Wp + j·d_w]``: every tap is
one contiguous shifted slice of length L = H·Wp (the last p_w entries of each output row are
garbage, cropped at the end)::

    y[n, o, q]  = b[o] + Σ_(c, i, j) W[o, c, i, j] · x_flat[n, c, q + i·d_h·Wp + j·d_w]     (forward)
    dW[o, c, i, j] = Σ_(n, q) dy_flat[n, o, q] · x_flat[n, c, q + i·d_h·Wp + j·d_w]   (dy_flat: 0 in garbage)
    dX = the same forward sum applied to dY with W' = W flipped in (i, j) and transposed (o ↔ c)

The last line is the adjoint of a "same" convolution: ``dX[n, c, ih, iw] = Σ W[o, c, i, j] ·
dY[n, o, ih − i·d_h + p_h, iw − j·d_w + p_w]``; substituting i → kh−1−i, j → kw−1−j turns it into a
cross-correlation of dY (padded by the same p, since 2p = d(k−1)) with
``W'[c, o, i, j] = W[o, c, kh−1−i, kw−1−j]``. So one kernel serves the forward pass and dX.

The NumPy versions below compute exactly these sums: one matrix product over the channels per
tap (i, j) on the flat grid. The Numba twins (``*_numba``) compute the same sums with a
**register tile** (4 output channels × one kernel row of 3 taps; the passes are written out for 4), the loop the
lecture's shapes spend their time in::

    for each image, for each block of 4 output channels o0..o0+3:
        acc[0..3, :] = b[o0..o0+3]                      # 4 rows of length L, in L1 cache
        for c in input channels, for i in kernel rows:
            for q in 0..L−1:                            # vectorised by LLVM (8 floats per step)
                x0, x1, x2 = x_flat[c, q + r], x_flat[c, q + r + d_w], x_flat[c, q + r + 2d_w]
                acc[k, q] += W[o0+k, c, i, 0]·x0 + W[o0+k, c, i, 1]·x1 + W[o0+k, c, i, 2]·x2   (k = 0..3)

The 12 weights stay in registers for the whole pass; each step loads 3 input vectors and 4
accumulators and does 12 fused multiply-adds (``direct_conv.py`` does 3 per 4 loads, and im2col's
BLAS call is starved by the 144-long inner dimension). The kernel may be any height (one pass per
kernel row) but must be 3 wide: a 4 × 1 tile for other widths, inlined as well, cost each kernel's
first compile 0.2–0.4 s more and no model of the lecture uses it (they go to ``direct`` or
``im2col``; the NumPy versions below take any width, the path only 3). dW tiles the same way:
4 output channels × 3 taps = 12 running dot products per pass over one image's grid, each image's
sums added up in float64. The batch is split over
Python threads like ``direct_conv.py`` (the kernels release the GIL). The twins add the terms in
another order than the NumPy versions (equal to rounding; ``tests/test_kernels_tiled_conv.py``).

The tile's passes (``_tile_row3`` …) are ``inline="always"``: they run once per (tile, channel,
kernel row), 384 times per image of the 16→32 layer, and as separate calls their overhead (array
arguments, reference counts) was a third of the forward time. Inlined, they compile with their
caller's ``fastmath`` flags, which is why those flags sit on ``_forward_images`` (contract: fused
multiply-adds) and ``_weight_grad_images`` (also reassoc: vectorised partial sums).
"""
from __future__ import annotations

import numpy as np

from .conv_geometry import Conv2dGeometry
from .direct_conv import _in_parallel, _spread_grad
from .jit import kernel

def _dual(geo: Conv2dGeometry) -> Conv2dGeometry:
    """The geometry of dX as a forward convolution of dY (channels swapped, same padding)."""
    return Conv2dGeometry(geo.n, geo.c_out, geo.h, geo.w, geo.c_in, geo.kh, geo.kw,
                          geo.stride, geo.padding, geo.dilation, geo.groups)


def flipped_transposed(weight):
    """``W'[c, o, i, j] = W[o, c, kh−1−i, kw−1−j]``: the kernel of dX as a forward convolution."""
    return np.ascontiguousarray(weight[:, :, ::-1, ::-1].transpose(1, 0, 2, 3))


# ---------------------------------------------------------------------------------------------
# NumPy versions
# ---------------------------------------------------------------------------------------------
def flat_grid(x, geo):
    """x (N, C, H, W) → (N, C, p_w + (H + 2p_h)·Wp + p_w): the grid above, Wp = W + p_w. The last
    p_w zeros let the last output row's garbage columns read past the image."""
    (ph, pw), n, c = geo.padding, x.shape[0], x.shape[1]
    rows = np.pad(x, ((0, 0), (0, 0), (ph, ph), (0, pw))).reshape(n, c, -1)  # each row + p_w zeros
    return np.pad(rows, ((0, 0), (0, 0), (pw, pw)))


def _tap_offsets(geo):
    """[(i, j, offset of tap (i, j) on the flat grid)]: ``i·d_h·Wp + j·d_w``."""
    wp = geo.w + geo.padding[1]
    (dh, dw) = geo.dilation
    return [(i, j, i * dh * wp + j * dw) for i in range(geo.kh) for j in range(geo.kw)]


def _crop(flat, geo):
    """(N, C, H·Wp) on the grid → (N, C, H, W): drop each row's p_w garbage columns."""
    wp = geo.w + geo.padding[1]
    return np.ascontiguousarray(flat.reshape(flat.shape[0], flat.shape[1], geo.h, wp)[..., :geo.w])


def conv2d_forward(x, weight, bias, geo):
    """``y_flat[n, :, q] = b + Σ_(i,j) W[:, :, i, j] @ x_flat[n, :, q + offset(i, j)]``, cropped."""
    length = geo.h * (geo.w + geo.padding[1])
    xf = flat_grid(x, geo)
    acc = np.zeros((geo.n, geo.c_out, length), dtype=x.dtype)
    if bias is not None:
        acc += bias[:, None]
    for i, j, off in _tap_offsets(geo):
        acc += weight[:, :, i, j] @ xf[:, :, off:off + length]
    return _crop(acc, geo)


def conv2d_input_grad(dy, weight, geo):
    """``dX`` = the forward sum applied to dY with the flipped, transposed kernel (see above)."""
    return conv2d_forward(dy, flipped_transposed(weight), None, _dual(geo))


def conv2d_weight_grad(x, dy, geo):
    """``dW[:, :, i, j] = Σ_n dy_flat[n] @ x_flat[n, :, offset(i, j) : … + L]ᵀ`` (dy_flat 0 in the garbage)."""
    (ph, pw) = geo.padding
    length = geo.h * (geo.w + pw)
    xf = flat_grid(x, geo)
    dyf = np.pad(dy, ((0, 0), (0, 0), (0, 0), (0, pw))).reshape(geo.n, geo.c_out, length)
    dweight = np.empty((geo.c_out, geo.c_in, geo.kh, geo.kw), dtype=x.dtype)
    for i, j, off in _tap_offsets(geo):
        dweight[:, :, i, j] = np.einsum("noq,ncq->oc", dyf, xf[:, :, off:off + length])
    return dweight


# ---------------------------------------------------------------------------------------------
# Numba twins: the register tile
# ---------------------------------------------------------------------------------------------
def _run_length(geo):
    """The length L of a pass: the grid positions of the H output rows, H·Wp, rounded up to a
    multiple of 8 (a vector of 8 float32), so the vectorised loop has no scalar remainder; the extra
    positions are garbage like the padding columns (14×14: 210 → 216; without the rounding it ran
    5 % slower). The kernels allocate their buffers themselves, with ``np.empty`` only (each other
    allocation function costs the first compile ~0.3 s): passed in from NumPy instead (arrays that may
    start 16 bytes into a cache line, and that LLVM cannot tell apart) the same buffers ran 2–5 %
    slower, though the forward kernel compiled ~0.4 s faster."""
    return -(-geo.h * (geo.w + geo.padding[1]) // 8) * 8


@kernel(nogil=True)
def _grid_image(src, b, ph, pw, dst):
    """The pixels of image b of src (N, C, H, W) into their places on dst's grid (C, p_w + Hp·Wp + p_w),
    Wp = W + p_w; dst's other entries (the zeros) are left as they are."""
    _, c, h, w = src.shape
    wp = w + pw
    for ci in range(c):
        for ih in range(h):
            start = pw + (ih + ph) * wp
            d = dst[ci, start:start + w]
            s = src[b, ci, ih]
            for iw in range(w):
                d[iw] = s[iw]


@kernel(nogil=True, inline="always")
def _tile_row3(a0, a1, a2, a3, xrow, r, col_step, w4, L):
    """a_k[q] += Σ_j w4[k, j] · xrow[q + r + j·col_step], j = 0, 1, 2, q < L, for the 4 accumulator
    rows a_0..a_3: one kernel row of a 3-wide kernel in one pass, its 12 weights in registers."""
    w00, w01, w02 = w4[0, 0], w4[0, 1], w4[0, 2]
    w10, w11, w12 = w4[1, 0], w4[1, 1], w4[1, 2]
    w20, w21, w22 = w4[2, 0], w4[2, 1], w4[2, 2]
    w30, w31, w32 = w4[3, 0], w4[3, 1], w4[3, 2]
    x0 = xrow[r:r + L]
    x1 = xrow[r + col_step:r + col_step + L]
    x2 = xrow[r + 2 * col_step:r + 2 * col_step + L]
    for q in range(L):
        t0, t1, t2 = x0[q], x1[q], x2[q]
        a0[q] = a0[q] + w00 * t0 + w01 * t1 + w02 * t2
        a1[q] = a1[q] + w10 * t0 + w11 * t1 + w12 * t2
        a2[q] = a2[q] + w20 * t0 + w21 * t1 + w22 * t2
        a3[q] = a3[q] + w30 * t0 + w31 * t1 + w32 * t2


@kernel(nogil=True, fastmath={"contract"})
def _forward_images(x, tiles, bias4, c_out, ph, pw, dh, dw, y, b_lo, b_hi, length):
    """y[b] for images [b_lo, b_hi). ``tiles[t, c, i]`` is the (4, kw) block of weights of output
    channels 4t..4t+3 (padded with zeros past C_out), input channel c, kernel row i; ``bias4`` is
    padded likewise; the first ``c_out`` channels are written. ``length``: :func:`_run_length`."""
    n, c, h, w = x.shape
    n_tiles, _, kh, _, kw = tiles.shape
    wp = w + pw
    L = length // 8 * 8  # = length; written so that LLVM knows the loops have no remainder
    xp = np.empty((c, pw + (h + 2 * ph) * wp + pw + L - h * wp), dtype=x.dtype)
    xp[:] = 0  # only the pixels are written below
    acc = np.empty((4, L), dtype=x.dtype)
    for b in range(b_lo, b_hi):
        _grid_image(x, b, ph, pw, xp)
        for t in range(n_tiles):
            for k in range(4):
                acc[k, :] = bias4[4 * t + k]
            for ci in range(c):
                for i in range(kh):
                    _tile_row3(acc[0], acc[1], acc[2], acc[3], xp[ci], i * dh * wp, dw, tiles[t, ci, i], L)
            for k in range(min(4, c_out - 4 * t)):
                yo = y[b, 4 * t + k]
                for oh in range(h):
                    yr = yo[oh]
                    ar = acc[k, oh * wp:oh * wp + w]
                    for ow in range(w):
                        yr[ow] = ar[ow]


def _padded_out(a, c_out4):
    """a (C_out, …) with zero rows appended up to ``c_out4`` rows (C-contiguous)."""
    out = np.zeros((c_out4,) + a.shape[1:], dtype=a.dtype)
    out[:a.shape[0]] = a
    return out


def weight_tiles(weight):
    """W (C_out, C_in, kh, kw) → tiles (⌈C_out/4⌉, C_in, kh, 4, kw): the 4 output channels of one
    register tile next to each other (zeros past C_out), so each pass reads one contiguous block."""
    c_out, c_in, kh, kw = weight.shape
    c_out4 = -(-c_out // 4) * 4
    return np.ascontiguousarray(_padded_out(weight, c_out4).reshape(c_out4 // 4, 4, c_in, kh, kw)
                                .transpose(0, 2, 3, 1, 4))


def _check_three_wide(geo):
    if geo.kw != 3:
        raise ValueError(f"tiled conv2d: the Numba kernels take kernels 3 wide, got {geo.kh}×{geo.kw}")


def conv2d_forward_numba(x, weight, bias, geo):
    """Numba twin of :func:`conv2d_forward`: 4 output channels × a kernel row per pass; the batch
    split over :func:`numba.get_num_threads` Python threads."""
    _check_three_wide(geo)
    (ph, pw), (dh, dw) = geo.padding, geo.dilation
    tiles = weight_tiles(weight)
    bias4 = _padded_out(bias if bias is not None else np.zeros(geo.c_out, dtype=x.dtype), 4 * tiles.shape[0])
    x = np.ascontiguousarray(x)
    y = np.empty(geo.out_shape, dtype=x.dtype)
    length = _run_length(geo)
    _in_parallel(lambda lo, hi: _forward_images(x, tiles, bias4, geo.c_out, ph, pw, dh, dw, y, lo, hi, length), geo.n)
    return y


def conv2d_input_grad_numba(dy, weight, geo):
    """Numba twin of :func:`conv2d_input_grad`: the forward kernel on dY with the flipped, transposed W."""
    return conv2d_forward_numba(dy, flipped_transposed(weight), None, _dual(geo))


@kernel(nogil=True, inline="always")
def _dots_tile_row3(g0, g1, g2, g3, xrow, r, col_step, out4, zero, L):
    """out4[k, j] += Σ_(q<L) g_k[q] · xrow[q + r + j·col_step], j = 0, 1, 2, for the 4 gradient rows
    g_0..g_3 (out4: (4, 3) float64): 12 running sums in one pass, reassociated into vectorised
    partial sums in the dtype of g (``zero`` is a 0 of it)."""
    x0 = xrow[r:r + L]
    x1 = xrow[r + col_step:r + col_step + L]
    x2 = xrow[r + 2 * col_step:r + 2 * col_step + L]
    s00 = s01 = s02 = s10 = s11 = s12 = s20 = s21 = s22 = s30 = s31 = s32 = zero
    for q in range(L):
        t0, t1, t2 = x0[q], x1[q], x2[q]
        u0, u1, u2, u3 = g0[q], g1[q], g2[q], g3[q]
        s00 += u0 * t0
        s01 += u0 * t1
        s02 += u0 * t2
        s10 += u1 * t0
        s11 += u1 * t1
        s12 += u1 * t2
        s20 += u2 * t0
        s21 += u2 * t1
        s22 += u2 * t2
        s30 += u3 * t0
        s31 += u3 * t1
        s32 += u3 * t2
    out4[0, 0] += s00
    out4[0, 1] += s01
    out4[0, 2] += s02
    out4[1, 0] += s10
    out4[1, 1] += s11
    out4[1, 2] += s12
    out4[2, 0] += s20
    out4[2, 1] += s21
    out4[2, 2] += s22
    out4[3, 0] += s30
    out4[3, 1] += s31
    out4[3, 2] += s32


@kernel(nogil=True, fastmath={"reassoc", "nsz", "contract"})
def _weight_grad_images(x, dy, c_out4, kh, kw, ph, pw, dh, dw, dw64, b_lo, b_hi, length, zero):
    """dw64 (C_out rounded up to 4, C_in, kh, kw; float64) += images [b_lo, b_hi)'s dW. ``length``:
    :func:`_run_length`; ``zero``: a 0 of x's dtype (the dot products' partial sums)."""
    n, c, h, w = x.shape
    wp = w + pw
    L = length // 8 * 8  # = length; written so that LLVM knows the loops have no remainder
    xp = np.empty((c, pw + (h + 2 * ph) * wp + pw + L - h * wp), dtype=x.dtype)
    xp[:] = 0  # only the pixels are written below
    dyp = np.empty((c_out4, L), dtype=dy.dtype)  # each image's dy on the grid: 0 in the garbage and past C_out
    for b in range(b_lo, b_hi):
        _grid_image(x, b, ph, pw, xp)
        _spread_grad(dy, b, wp, dyp)
        for o0 in range(0, c_out4, 4):
            for ci in range(c):
                for i in range(kh):
                    _dots_tile_row3(dyp[o0], dyp[o0 + 1], dyp[o0 + 2], dyp[o0 + 3], xp[ci], i * dh * wp, dw,
                                    dw64[o0:o0 + 4, ci, i], zero, L)


def conv2d_weight_grad_numba(x, dy, geo):
    """Numba twin of :func:`conv2d_weight_grad`: per image, 4 output channels × a kernel row of dot
    products per pass; images add up in float64 (each thread's range in its own sums, added in
    range order)."""
    _check_three_wide(geo)
    (ph, pw), (dh, dw) = geo.padding, geo.dilation
    c_out4 = -(-geo.c_out // 4) * 4
    x, dy = np.ascontiguousarray(x), np.ascontiguousarray(dy)
    length = _run_length(geo)

    def part(lo, hi):
        dw64 = np.zeros((c_out4, geo.c_in, geo.kh, geo.kw))
        _weight_grad_images(x, dy, c_out4, geo.kh, geo.kw, ph, pw, dh, dw, dw64, lo, hi, length, x.dtype.type(0))
        return dw64

    return sum(_in_parallel(part, geo.n))[:geo.c_out].astype(x.dtype)
