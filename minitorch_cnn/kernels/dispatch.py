"""Which algorithm runs: the one place where the engine chooses between paths.

Some layers have more than one way to compute the same result: a convolution can be one matrix
product over im2col's columns or a direct sum over the kernel's taps; a 2×2 max pool can use a loop
whose bounds the compiler knows. Each such choice is a *dispatch point* with a chooser below, and
``PATHS`` lists every path of every point::

    point                    paths                 chosen by
    conv2d                   direct, tiled, im2col geometry: "same" conv, groups 1, 3 wide, H·W ≥ 100 → tiled;
                                                   other "same" convs with C_in·kh·kw ≤ 27 → direct
    max_pool2d               2x2, general          a 2×2 window, no padding/dilation, windows inside → 2x2
    optimizer_update         serial, parallel      parameter size ≥ PARALLEL_MIN elements → parallel
    softmax_cross_entropy    numba, numpy          the backend: Numba backend → numba

The choice of *algorithm* never depends on the backend. ``set_backend("numpy" | "numba")``
(``_backend.py``) only swaps each kernel's readable NumPy version for its Numba twin of the same
algorithm, so a student stepping through the NumPy backend reads what normally runs. Two points are
about the Numba side only: ``optimizer_update`` picks between two builds of the same Numba loop
(the NumPy update is the readable version of both), and ``softmax_cross_entropy`` names the
twins themselves, so that tests can force either on either backend (it follows the backend: until
the twin had an exponential of its own it lost to the NumPy version beyond 64 classes, see
``kernels/softmax_ce.py``).

Tests make every path run with :func:`force_path`::

    with dispatch.force_path("conv2d", "im2col"):
        y = F.conv2d(x, w, padding=1)        # im2col even where direct would be chosen

A forced path that cannot handle the call (``"direct"`` for a strided convolution, ``"2x2"`` for a
3×3 pool) raises ``ValueError`` naming the point, the path and the geometry.
"""
from __future__ import annotations

import contextlib

from .. import _backend
from .conv_geometry import Conv2dGeometry

PATHS: dict[str, tuple[str, ...]] = {
    "conv2d": ("direct", "tiled", "im2col"),
    "max_pool2d": ("2x2", "general"),
    "optimizer_update": ("serial", "parallel"),
    "softmax_cross_entropy": ("numba", "numpy"),
}

#: conv2d: tiled for a "same" 3-wide convolution on images of at least this many pixels H·W (a pass
#: of the register tile, ``kernels/tiled_conv.py``, runs over H·(W + p_w)). Conv2d fwd+bwd, batch 64,
#: 1 thread, CPU-time medians, ÷ torch in the same run (interleaved): 16→32 14×14 tiled 1.08 vs im2col
#: 1.50, 16×16 0.99 vs 1.62; 1→16 28×28 0.39 vs direct 0.48, 3→16 32×32 0.74 vs direct 1.05; with the
#: first layout, 12×12 1.14 vs im2col 1.41, 10×10 1.26 vs 1.46, 64→64 32×32 0.94 vs 1.28, but
#: 32→64 7×7 2.54 vs 1.18 and 64→128 8×8 1.90 vs 1.13: on small images each pass is too short to
#: pay for itself.
TILED_MIN_PIXELS = 100

#: conv2d: direct (where tiled is not chosen) when ``C_in·kh·kw`` (im2col's rows) is at most this —
#: 1 or 3 channels at 3×3: such skinny matrices run far below BLAS's speed. Conv2d fwd+bwd, batch 64,
#: vs im2col + BLAS: 1 thread, 1→16 28×28 0.65–0.73 vs 0.99–1.04 ms, 3→16 32×32 1.79–2.01 vs
#: 1.90–2.08 ms; 2 threads 1.18 → 0.55 ms and 2.21 → 1.20 ms.
DIRECT_MAX_TAPS = 27

#: optimizer_update: parameters of at least this many elements take the parallel build (memory-bound;
#: a second core adds bandwidth: Adam, 1M float32, 0.90 → 0.66 ms on 2 cores). Smaller ones stay serial:
#: Numba's spinning OpenMP workers would starve the next layer's BLAS threads (SimpleCNN step, 2 + 2
#: threads: 14.3 ms with a parallel Adam step vs 6–7 ms without).
PARALLEL_MIN = 1 << 20

_forced: dict[str, str] = {}


@contextlib.contextmanager
def force_path(point: str, path: str):
    """Within the block, the chooser of ``point`` returns ``path`` (or raises ``ValueError`` when that
    path cannot handle the call). Nests; the previous choice comes back on exit."""
    if point not in PATHS:
        raise ValueError(f"force_path: unknown dispatch point {point!r}; expected one of {tuple(PATHS)}")
    if path not in PATHS[point]:
        raise ValueError(f"force_path: {point} has no path {path!r}; expected one of {PATHS[point]}")
    previous = _forced.get(point)
    _forced[point] = path
    try:
        yield
    finally:
        if previous is None:
            _forced.pop(point, None)
        else:
            _forced[point] = previous


def _decide(point: str, natural: str, possible: dict[str, bool], what) -> str:
    """The forced path if any (checked against ``possible``), else ``natural``."""
    path = _forced.get(point)
    if path is None:
        return natural
    if not possible.get(path, True):
        raise ValueError(f"force_path: {point} path {path!r} cannot handle {what()}")
    return path


# ---------------------------------------------------------------------------------------------
# conv2d
# ---------------------------------------------------------------------------------------------
def can_direct_conv2d(geometry: Conv2dGeometry) -> bool:
    """The direct and tiled kernels handle "same" convolutions (stride 1, ``2p = d(k−1)``) with groups 1."""
    return geometry.groups == 1 and geometry.is_same


def can_tiled_conv2d(geometry: Conv2dGeometry) -> bool:
    """The tiled kernels handle the "same" convolutions of groups 1 whose kernel is 3 wide."""
    return can_direct_conv2d(geometry) and geometry.kw == 3


def conv2d_path(geometry: Conv2dGeometry) -> str:
    """``"tiled"`` for a "same" convolution with a 3-wide kernel on images of at least
    ``TILED_MIN_PIXELS`` pixels (the lecture's 3×3 layers, any channel count);
    else ``"direct"`` for a skinny "same" convolution (C_in·kh·kw ≤ ``DIRECT_MAX_TAPS``); else
    ``"im2col"`` (any geometry)."""
    direct, tiled = can_direct_conv2d(geometry), can_tiled_conv2d(geometry)
    if tiled and geometry.h * geometry.w >= TILED_MIN_PIXELS:
        natural = "tiled"
    elif direct and geometry.taps <= DIRECT_MAX_TAPS:
        natural = "direct"
    else:
        natural = "im2col"
    return _decide("conv2d", natural, {"direct": direct, "tiled": tiled}, lambda: f"the convolution {geometry}")


# ---------------------------------------------------------------------------------------------
# max_pool2d
# ---------------------------------------------------------------------------------------------
def can_max_pool2d_2x2(h, w, kernel, stride, padding, dilation, out_size) -> bool:
    """A 2×2 window without padding or dilation whose every window lies inside the image (ceil_mode
    can make the last one overhang)."""
    return (tuple(kernel) == (2, 2) and tuple(padding) == (0, 0) and tuple(dilation) == (1, 1)
            and (out_size[0] - 1) * stride[0] + 2 <= h and (out_size[1] - 1) * stride[1] + 2 <= w)


def max_pool2d_path(h, w, kernel, stride, padding, dilation, out_size) -> str:
    """``"2x2"`` for the lecture's ``MaxPool2d(2)`` (its loop bounds known to the compiler: 3× faster),
    else ``"general"``. Arguments are (height, width) pairs, ``h, w`` the input size."""
    fits = can_max_pool2d_2x2(h, w, kernel, stride, padding, dilation, out_size)
    return _decide("max_pool2d", "2x2" if fits else "general", {"2x2": fits},
                   lambda: f"kernel {tuple(kernel)}, stride {tuple(stride)}, padding {tuple(padding)}, "
                           f"dilation {tuple(dilation)} on a {h}×{w} input")


# ---------------------------------------------------------------------------------------------
# optimizer updates (Numba builds)
# ---------------------------------------------------------------------------------------------
def optimizer_update_path(numel: int) -> str:
    """``"parallel"`` from ``PARALLEL_MIN`` elements on, else ``"serial"``."""
    return _decide("optimizer_update", "parallel" if numel >= PARALLEL_MIN else "serial", {}, None)


# ---------------------------------------------------------------------------------------------
# softmax cross-entropy
# ---------------------------------------------------------------------------------------------
def softmax_cross_entropy_path(num_classes: int) -> str:
    """``"numba"`` on the Numba backend, else ``"numpy"``, for any number of classes (the twin's own
    vectorised exponential made it the faster on 10 and on 1000 classes: ``kernels/softmax_ce.py``)."""
    natural = "numba" if _backend.use_numba() else "numpy"
    return _decide("softmax_cross_entropy", natural, {}, None)
