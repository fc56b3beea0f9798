"""Conv and pool kernels: each Numba twin equals its NumPy version (float32 and float64, odd shapes,
strides, paddings, dilations), col2im is im2col's transpose, and im2col + matmul equals the naive
seven-loop convolution (the oracle), which is itself checked on a hand-worked example."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minitorch_cnn as mt
import minitorch_cnn.nn.functional as F
from minitorch_cnn.kernels import dispatch
from minitorch_cnn.kernels import im2col as K
from minitorch_cnn.kernels import pool as P
from minitorch_cnn.kernels.conv import conv2d_naive

from strategies import seeded_array, seeds

dtypes = st.sampled_from([np.float64, np.float32])
EXACT = dict(rtol=0, atol=0)


@st.composite
def geometries(draw, max_pad=3):
    """(N, C, H, W) and kernel/stride/padding/dilation pairs for which the kernel fits the padded input."""
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ph, pw = draw(st.integers(0, max_pad)), draw(st.integers(0, max_pad))
    dh, dw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h = draw(st.integers(max(1, dh * (kh - 1) + 1 - 2 * ph), dh * (kh - 1) + 8))
    w = draw(st.integers(max(1, dw * (kw - 1) + 1 - 2 * pw), dw * (kw - 1) + 8))
    n, c = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    return (n, c, h, w), (kh, kw, sh, sw, ph, pw, dh, dw)


# ---------------------------------------------------------------------------------------------
# im2col / col2im
# ---------------------------------------------------------------------------------------------
@given(geom=geometries(), dtype=dtypes, seed=seeds)
def test_im2col_numba_equals_numpy(geom, dtype, seed):
    shape, k = geom
    x = seeded_array(shape, seed, dtype=dtype)
    ref, got = K.im2col(x, *k), K.im2col_numba(x, *k)
    assert got.dtype == ref.dtype == dtype and got.shape == ref.shape
    np.testing.assert_allclose(got, ref, **EXACT)  # a copy: bit-identical


@given(geom=geometries(), dtype=dtypes, seed=seeds)
def test_col2im_numba_equals_numpy_and_is_the_adjoint(geom, dtype, seed):
    shape, k = geom
    n, c, h, w = shape
    rows = c * k[0] * k[1]
    cols_n = n * K.conv_output_size(h, k[0], k[2], k[4], k[6]) * K.conv_output_size(w, k[1], k[3], k[5], k[7])
    cols = seeded_array((rows, cols_n), seed, dtype=dtype)
    ref, got = K.col2im(cols, *shape, *k), K.col2im_numba(cols, *shape, *k)
    assert got.dtype == ref.dtype == dtype and got.shape == shape
    np.testing.assert_allclose(got, ref, **EXACT)  # same terms added in the same order
    # adjoint: <im2col(x), cols> == <x, col2im(cols)>
    x = seeded_array(shape, seed + 1)
    c64 = cols.astype(np.float64)
    lhs = np.sum(K.im2col(x, *k) * c64)
    rhs = np.sum(x * K.col2im(c64, *shape, *k))
    np.testing.assert_allclose(lhs, rhs, rtol=1e-10, atol=1e-10)


def test_im2col_small_example_by_hand():
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    cols = K.im2col(x, 2, 2, 1, 1, 0, 0, 1, 1)
    # columns are the four 2×2 patches (row-major), rows the taps (0,0), (0,1), (1,0), (1,1)
    np.testing.assert_array_equal(cols, [[0, 1, 3, 4], [1, 2, 4, 5], [3, 4, 6, 7], [4, 5, 7, 8]])
    np.testing.assert_array_equal(K.im2col_numba(x, 2, 2, 1, 1, 0, 0, 1, 1), cols)


# ---------------------------------------------------------------------------------------------
# convolution: naive oracle, im2col path
# ---------------------------------------------------------------------------------------------
def test_conv2d_naive_hand_worked_example():
    """The Laplacian kernel from the lecture on a tiny image, worked out by hand."""
    x = np.array([[[[0, 0, 0, 0], [0, 9, 9, 0], [0, 9, 9, 0], [0, 0, 0, 0]]]], dtype=np.float64)
    lap = np.array([[[[0, 1, 0], [1, -4, 1], [0, 1, 0]]]], dtype=np.float64)
    y = conv2d_naive(x, lap)
    # centre pixels: 9+9 (two 9-neighbours) + 0 + 0 - 4·9 = -18
    np.testing.assert_array_equal(y, [[[[-18, -18], [-18, -18]]]])
    y = conv2d_naive(x, lap, bias=np.array([1.0]), padding=(1, 1))
    assert y.shape == (1, 1, 4, 4) and y[0, 0, 0, 1] == 9 + 1 and y[0, 0, 1, 1] == -18 + 1


@st.composite
def conv_cases(draw):
    shape, k = draw(geometries())
    groups = draw(st.integers(1, 3))
    c_g, o_g = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    n, _, h, w = shape
    return (n, groups * c_g, h, w), k, groups, (groups * o_g, c_g, k[0], k[1]), draw(st.booleans())


@pytest.mark.parametrize("workspace", [1, None], ids=["one-image-chunks", "default-chunks"])
@pytest.mark.parametrize("backend_name", ["numba", "numpy"])
@given(case=conv_cases(), dtype=dtypes, seed=seeds)
def test_conv2d_im2col_equals_naive(backend_name, workspace, case, dtype, seed):
    """F.conv2d forced onto the im2col path == the definition, for any geometry, the batch in one
    chunk or one image per chunk (``WORKSPACE_BYTES``)."""
    shape, k, groups, wshape, with_bias = case
    x = seeded_array(shape, seed, dtype=dtype)
    wt = seeded_array(wshape, seed + 1, dtype=dtype)
    b = seeded_array((wshape[0],), seed + 2, dtype=dtype) if with_bias else None
    kh, kw, sh, sw, ph, pw, dh, dw = k
    ref = conv2d_naive(x.astype(np.float64), wt.astype(np.float64), None if b is None else b.astype(np.float64),
                       (sh, sw), (ph, pw), (dh, dw), groups)
    with mt.backend(backend_name), dispatch.force_path("conv2d", "im2col"), \
            pytest.MonkeyPatch.context() as mp:
        if workspace is not None:
            mp.setattr(K, "WORKSPACE_BYTES", workspace)
        y = F.conv2d(mt.tensor(x), mt.tensor(wt), None if b is None else mt.tensor(b),
                     stride=(sh, sw), padding=(ph, pw), dilation=(dh, dw), groups=groups)
    assert y.dtype == dtype
    tol = dict(rtol=1e-12, atol=1e-12) if dtype == np.float64 else dict(rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(y.array, ref, **tol)


# ---------------------------------------------------------------------------------------------
# max pooling
# ---------------------------------------------------------------------------------------------
@st.composite
def pool_cases(draw):
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ph, pw = draw(st.integers(0, kh // 2)), draw(st.integers(0, kw // 2))
    dh, dw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ceil_mode = draw(st.booleans())
    h = draw(st.integers(max(1, dh * (kh - 1) + 1 - 2 * ph), dh * (kh - 1) + 8))
    w = draw(st.integers(max(1, dw * (kw - 1) + 1 - 2 * pw), dw * (kw - 1) + 8))
    out = (P.pool_output_size(h, kh, sh, ph, dh, ceil_mode), P.pool_output_size(w, kw, sw, pw, dw, ceil_mode))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), h, w)
    return shape, (kh, kw, sh, sw, ph, pw, dh, dw) + out


def pool_input(shape, seed, dtype, flavour):
    x = seeded_array(shape, seed, dtype=dtype)
    if flavour == "ties":
        x = np.round(x).astype(dtype)
    elif flavour == "special":  # −∞ everywhere but a few values, and a NaN
        x = np.full(shape, -np.inf, dtype=dtype)
        x.flat[:: 3] = np.round(seeded_array(x.flat[:: 3].shape, seed, dtype=dtype))
        x.flat[-1] = np.nan
    return x


@given(case=pool_cases(), dtype=dtypes, seed=seeds, flavour=st.sampled_from(["plain", "ties", "special"]))
def test_max_pool_numba_equals_numpy(case, dtype, seed, flavour):
    shape, k = case
    x = pool_input(shape, seed, dtype, flavour)
    out_ref, idx_ref = P.max_pool2d_forward(x, *k)
    out, idx = P.max_pool2d_forward_numba(x, *k)
    np.testing.assert_array_equal(out, out_ref)  # NaN == NaN here
    np.testing.assert_array_equal(idx, idx_ref)
    assert out.dtype == dtype and idx.dtype == np.int64
    g = seeded_array(out.shape, seed + 1, dtype=dtype)
    gi = np.where(np.isfinite(out_ref) | np.isnan(out_ref), idx_ref, -1)  # also exercise skipped (−1) windows
    np.testing.assert_allclose(P.max_pool2d_backward_numba(g, gi, *shape[2:]),
                               P.max_pool2d_backward(g, gi, *shape[2:]), **EXACT)


@given(case=pool_cases(), seed=seeds)
def test_max_pool_equals_brute_force_definition(case, seed):
    """out[n, c, oh, ow] = max over the window's in-image taps; index = first such maximum."""
    shape, (kh, kw, sh, sw, ph, pw, dh, dw, ho, wo) = case
    x = np.round(seeded_array(shape, seed))  # ties on purpose
    out, idx = P.max_pool2d_forward(x, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo)
    n, c, h, w = shape
    for b, ch, oh, ow in np.ndindex(n, c, ho, wo):
        taps = [(oh * sh - ph + a * dh, ow * sw - pw + e * dw) for a in range(kh) for e in range(kw)]
        taps = [(i, j) for i, j in taps if 0 <= i < h and 0 <= j < w]
        if not taps:
            assert out[b, ch, oh, ow] == -np.inf
            continue
        vals = [x[b, ch, i, j] for i, j in taps]
        best = int(np.argmax(vals))  # argmax returns the first maximum
        assert out[b, ch, oh, ow] == vals[best]
        assert idx[b, ch, oh, ow] == taps[best][0] * w + taps[best][1]


def test_max_pool_backward_adds_overlapping_windows():
    x = np.array([[[[1.0, 5.0, 2.0], [0.0, 3.0, 4.0], [6.0, 1.0, 0.0]]]])
    for fwd, bwd in [(P.max_pool2d_forward, P.max_pool2d_backward),
                     (P.max_pool2d_forward_numba, P.max_pool2d_backward_numba)]:
        out, idx = fwd(x, 2, 2, 1, 1, 0, 0, 1, 1, 2, 2)
        np.testing.assert_array_equal(out, [[[[5, 5], [6, 4]]]])
        dx = bwd(np.ones_like(out), idx, 3, 3)
        np.testing.assert_array_equal(dx, [[[[0, 2, 0], [0, 0, 1], [1, 0, 0]]]])
