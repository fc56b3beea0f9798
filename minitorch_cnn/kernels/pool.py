"""Max pooling: forward with the argmax of every window, and the backward scatter.

Shapes::

    x        (N, C, H, W)
    out      (N, C, H_out, W_out)
    indices  (N, C, H_out, W_out)   int64 flat position ``ih·W + iw`` of the winner in its H×W plane
                                    (what ``torch.nn.functional.max_pool2d(..., return_indices=True)`` gives)

    H_out = ⌊(H + 2p − d(k−1) − 1)/s⌋ + 1, or with ceil_mode ⌈…⌉ + 1 minus one if the last window
    would start inside the right padding (see ``pool_output_size``).

Window of output (oh, ow): input rows ``oh·s − p + a·d`` for a in [0, k) (columns likewise). Padding
counts as −∞, so only taps inside the image compete. Ties go where torch sends them: the FIRST
maximum in row-major window order wins (a later tap must be strictly greater); a NaN always wins
(the last NaN seen), so NaNs propagate as in torch.

Backward: ``dx[n, c].flat[indices[n, c, oh, ow]] += dy[n, c, oh, ow]`` (overlapping windows add up).

Each function has a NumPy version and a Numba twin (``*_numba``) with the same signature. The
lecture's ``MaxPool2d(2)`` has its own pair (``max_pool2d_forward_2x2``: the same race over the
window's four taps, bounds known); ``kernels/dispatch.py`` chooses it, on either backend.
"""
from __future__ import annotations

import numba
import numpy as np
from .jit import kernel


def pool_output_size(size: int, kernel: int, stride: int, padding: int, dilation: int, ceil_mode: bool) -> int:
    """torch's ``pooling_output_shape``."""
    span = size + 2 * padding - dilation * (kernel - 1) - 1
    out = (span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1  # the last window must start inside the image or its left padding
    return out


# ---------------------------------------------------------------------------------------------
# NumPy versions
# ---------------------------------------------------------------------------------------------
def _first_tap(start, dilation):
    """``start`` moved forward by whole dilation steps until it is ≥ 0 (torch's ``while (i0 < 0) i0 += d``)."""
    return start + dilation * ((np.maximum(0, -start) + dilation - 1) // dilation)


def max_pool2d_forward(x, kh, kw, sh, sw, ph, pw, dh, dw, h_out, w_out):
    """Return ``(out, indices)``: each window's maximum and its flat ``ih·W + iw`` position.

    Taps are visited in row-major window order; ``take`` keeps the first maximum (strict ``>``)
    and lets NaN win, like torch. A window whose taps are all −∞ (or all padding) reports its first
    tap at or after the top-left corner of the image, as torch does.
    """
    n, c, h, w = x.shape
    oh = np.arange(h_out)[:, None]
    ow = np.arange(w_out)[None, :]
    # torch's starting guess for each window: its first tap that is not in the top/left padding
    # (this is the index reported when no tap beats −∞)
    ih_first = _first_tap(oh * sh - ph, dh)
    iw_first = _first_tap(ow * sw - pw, dw)
    lowest = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min  # integer images: the dtype's minimum
    out = np.full((n, c, h_out, w_out), lowest, dtype=x.dtype)
    idx = np.broadcast_to(ih_first * w + iw_first, out.shape).astype(np.int64)
    for a in range(kh):
        ih = oh * sh - ph + a * dh  # (H_out, 1): the row this tap reads for every output row
        for b in range(kw):
            iw = ow * sw - pw + b * dw  # (1, W_out)
            inside = (ih >= 0) & (ih < h) & (iw >= 0) & (iw < w)  # (H_out, W_out); padding = −∞
            vals = x[:, :, np.clip(ih, 0, h - 1), np.clip(iw, 0, w - 1)]  # (N, C, H_out, W_out)
            take = inside & ((vals > out) | np.isnan(vals))
            out = np.where(take, vals, out)
            idx = np.where(take, ih * w + iw, idx)
    return out, idx


def max_pool2d_forward_2x2(x, sh, sw, h_out, w_out):
    """:func:`max_pool2d_forward` for a 2×2 window without padding or dilation, every window inside
    the image (``kernels/dispatch.py`` checks): the four taps are four strided views of x, compared
    in row-major window order with the same rule (first maximum wins, NaN wins)."""
    n, c, h, w = x.shape
    oh = np.arange(h_out)[:, None] * sh
    ow = np.arange(w_out)[None, :] * sw
    out, idx = None, None
    for a in range(2):
        for b in range(2):
            vals = x[:, :, a: a + sh * (h_out - 1) + 1: sh, b: b + sw * (w_out - 1) + 1: sw]
            pos = np.broadcast_to((oh + a) * w + ow + b, vals.shape)
            if out is None:  # the first tap starts the race (as −∞ would, keeping its index)
                out, idx = vals.copy(), pos.astype(np.int64)
                continue
            take = (vals > out) | np.isnan(vals)
            out = np.where(take, vals, out)
            idx = np.where(take, pos, idx)
    return out, idx


def windows_with_taps(size, out_size, kernel, stride, padding, dilation):
    """Bool (out_size,): whether window o has at least one tap inside [0, size).

    With dilation a window can fall entirely into the padding (e.g. k=2, d=3, p=1 on a width-2
    image); its output is −∞ and it must pass no gradient to any pixel.
    """
    taps = np.arange(out_size)[:, None] * stride - padding + np.arange(kernel)[None, :] * dilation
    return ((taps >= 0) & (taps < size)).any(axis=1)


def max_pool2d_backward(grad_out, indices, h, w):
    """``dx[n, c].flat[indices[n, c, o]] += dy[n, c, o]`` for every output position o
    (an index of −1 marks a window with no tap in the image: it passes nothing)."""
    n, c = grad_out.shape[:2]
    dx = np.zeros((n * c, h * w), dtype=grad_out.dtype)
    rows = np.broadcast_to(np.arange(n * c)[:, None], (n * c, indices[0, 0].size))
    idx, g = indices.reshape(n * c, -1), grad_out.reshape(n * c, -1)
    keep = idx >= 0
    np.add.at(dx, (rows[keep], idx[keep]), g[keep])
    return dx.reshape(n, c, h, w)


# ---------------------------------------------------------------------------------------------
# Numba twins
# ---------------------------------------------------------------------------------------------
@kernel()
def max_pool2d_forward_numba(x, kh, kw, sh, sw, ph, pw, dh, dw, h_out, w_out):
    """Numba twin of :func:`max_pool2d_forward`: torch's CPU loop (first max wins, NaN wins).

    The N·C planes are independent (``prange`` marks it; the kernel is compiled serial, see
    ``kernels/activation.py`` for why).
    """
    n, c, h, w = x.shape
    out = np.empty((n, c, h_out, w_out), dtype=x.dtype)
    idx = np.empty((n, c, h_out, w_out), dtype=np.int64)
    for plane in numba.prange(n * c):
        b = plane // c
        ci = plane - b * c
        xp = x[b, ci]
        op = out[b, ci]
        ip = idx[b, ci]
        for oh in range(h_out):
            ih0 = oh * sh - ph
            ih1 = min(ih0 + (kh - 1) * dh + 1, h)
            while ih0 < 0:
                ih0 += dh
            for ow in range(w_out):
                iw0 = ow * sw - pw
                iw1 = min(iw0 + (kw - 1) * dw + 1, w)
                while iw0 < 0:
                    iw0 += dw
                best = -np.inf
                best_i = ih0 * w + iw0
                for ih in range(ih0, ih1, dh):
                    for iw in range(iw0, iw1, dw):
                        v = xp[ih, iw]
                        if v > best or v != v:  # v != v: NaN
                            best = v
                            best_i = ih * w + iw
                op[oh, ow] = best
                ip[oh, ow] = best_i
    return out, idx


@kernel()
def _max_pool_2x2_planes(x, out, idx, sh, sw):
    """out, idx (P, H_out, W_out) ← the 2×2 race of every window of each plane of x (P, H, W). The
    window's bounds are known to the compiler (3× faster than the general loop: the two 2-long tap
    loops unroll)."""
    planes, h_out, w_out = out.shape
    w = x.shape[2]
    for p in range(planes):
        for oh in range(h_out):
            for ow in range(w_out):
                best = -np.inf
                best_i = oh * sh * w + ow * sw
                for a in range(2):
                    ih = oh * sh + a
                    for bb in range(2):
                        iw = ow * sw + bb
                        v = x[p, ih, iw]
                        if v > best or v != v:  # v != v: NaN
                            best = v
                            best_i = ih * w + iw
                out[p, oh, ow] = best
                idx[p, oh, ow] = best_i


def max_pool2d_forward_2x2_numba(x, sh, sw, h_out, w_out):
    """Numba twin of :func:`max_pool2d_forward_2x2` (plane by plane, like the general twin). The
    outputs are allocated here, and the N·C planes are passed as one axis: each allocation inside the
    kernel, and each array dimension, costs its first compile on an empty cache (``docs/architecture.md``,
    "Cold start")."""
    n, c, h, w = x.shape
    if (h_out - 1) * sh + 2 > h or (w_out - 1) * sw + 2 > w:
        raise ValueError(f"max_pool2d_forward_2x2_numba: {h_out}×{w_out} windows of stride {(sh, sw)} "
                         f"do not fit a {h}×{w} image")
    out = np.empty((n, c, h_out, w_out), dtype=x.dtype)
    idx = np.empty((n, c, h_out, w_out), dtype=np.int64)
    _max_pool_2x2_planes(np.ascontiguousarray(x).reshape(n * c, h, w), out.reshape(n * c, h_out, w_out),
                         idx.reshape(n * c, h_out, w_out), sh, sw)
    return out, idx


@kernel()
def _max_pool_scatter(grad_out, indices, dx):
    """dx[p, indices[p, o]] += grad_out[p, o] for the indices ≥ 0 (−1: no tap in the image), each
    plane p a row (P, H_out·W_out) → (P, H·W). Returns −1, or the first index that is ≥ H·W (not
    written: it would land past its plane)."""
    planes, hw = dx.shape
    for p in range(planes):
        for o in range(grad_out.shape[1]):
            k = indices[p, o]
            if k >= hw:
                return k
            if k >= 0:
                dx[p, k] += grad_out[p, o]
    return -1


def max_pool2d_backward_numba(grad_out, indices, h, w):
    """Numba twin of :func:`max_pool2d_backward` (one loop over the N·C planes; dx allocated here,
    the planes passed as rows, like the forward's)."""
    if indices.shape != grad_out.shape:  # the loop reads indices[p, o] unchecked
        raise ValueError("max_pool2d_backward_numba: indices must have grad_out's shape")
    n, c, h_out, w_out = grad_out.shape
    dx = np.zeros((n * c, h * w), dtype=grad_out.dtype)
    bad = _max_pool_scatter(np.ascontiguousarray(grad_out).reshape(n * c, h_out * w_out),
                            np.ascontiguousarray(indices).reshape(n * c, h_out * w_out), dx)
    if bad >= 0:  # a plane has h·w cells: a larger index would write past it
        raise IndexError(f"max_pool2d_backward_numba: an index ({bad}) is outside the h*w input plane ({h}×{w})")
    return dx.reshape(n, c, h, w)
