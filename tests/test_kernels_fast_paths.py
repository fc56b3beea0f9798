"""The kernels added for speed: each equals its readable NumPy counterpart.

* softmax cross-entropy (``kernels/softmax_ce.py``): Numba twin == NumPy version, forward and
  backward, float32/float64, weights, ignore_index, label smoothing, per-row or scalar coefficient;
* ReLU (``kernels/activation.py``): Numba twin == NumPy version (bit-identical, NaN/±0 included);
* "same"-convolution im2col/col2im by shifted row copies == im2col/col2im (bit-identical), for odd
  shapes, odd kernels, dilations (stride 1, 2p = d(k−1)), and ``is_same_conv`` picks exactly those.
"""
from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from minitorch_cnn.kernels import activation as A
from minitorch_cnn.kernels import im2col as K
from minitorch_cnn.kernels import softmax_ce as CE

from strategies import seeded_array, seeds

dtypes = st.sampled_from([np.float64, np.float32])
TOL = {np.float64: dict(rtol=1e-12, atol=1e-14), np.float32: dict(rtol=1e-5, atol=1e-6)}


# ---------------------------------------------------------------------------------------------
# softmax cross-entropy
# ---------------------------------------------------------------------------------------------
@st.composite
def ce_cases(draw):
    m, c = draw(st.integers(1, 40)), draw(st.integers(1, 12))
    seed = draw(seeds)
    dtype = draw(dtypes)
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((m, c)) * draw(st.sampled_from([1.0, 10.0, 100.0]))).astype(dtype)
    ignore_index = draw(st.sampled_from([-100, 0, c - 1]))
    y = rng.integers(0, c, m)
    if draw(st.booleans()):
        y[rng.random(m) < 0.3] = ignore_index
    w = rng.random(c).astype(dtype) + dtype(0.1) if draw(st.booleans()) else np.ones(c, dtype)
    eps = draw(st.sampled_from([0.0, 0.1, 0.5]))
    coef = rng.standard_normal(m if draw(st.booleans()) else 1)
    return x, y.astype(np.int64), w, ignore_index, eps, coef


@given(case=ce_cases())
def test_softmax_ce_numba_equals_numpy(case):
    x, y, w, ignore_index, eps, coef = case
    tol = TOL[x.dtype.type]
    ref = CE.softmax_ce_forward(x, y, w, ignore_index, eps)
    got = CE.softmax_ce_forward_numba(x, y, w, ignore_index, eps)
    for name, r, g in zip(("p", "nll", "smooth", "w_y"), ref, got):
        assert g.dtype == r.dtype == x.dtype and g.shape == r.shape, name
        np.testing.assert_allclose(g, r, **tol, err_msg=f"forward {name}")
    p, _, _, w_y = ref
    dref = CE.softmax_ce_backward(p, y, w, w_y, ignore_index, eps, coef.astype(x.dtype))
    dgot = CE.softmax_ce_backward_numba(p, y, w, w_y, ignore_index, eps, coef.astype(x.dtype))
    assert dgot.dtype == dref.dtype == x.dtype and dgot.shape == x.shape
    np.testing.assert_allclose(dgot, dref, **tol, err_msg="backward dx")


def test_softmax_ce_handles_infinite_logits_like_numpy():
    x = np.array([[0.0, -np.inf, 1.0], [-np.inf, -np.inf, -np.inf], [np.inf, 0.0, 0.0]])
    y = np.array([0, 1, 2])
    w = np.ones(3)
    ref = CE.softmax_ce_forward(x, y, w, -100, 0.0)
    got = CE.softmax_ce_forward_numba(x, y, w, -100, 0.0)
    for r, g in zip(ref, got):
        np.testing.assert_array_equal(np.isnan(g), np.isnan(r))
        np.testing.assert_allclose(g[~np.isnan(g)], r[~np.isnan(r)])


# ---------------------------------------------------------------------------------------------
# ReLU
# ---------------------------------------------------------------------------------------------
@given(shape=st.lists(st.integers(0, 6), min_size=0, max_size=4), dtype=dtypes, seed=seeds,
       transpose=st.booleans())
def test_relu_numba_equals_numpy(shape, dtype, seed, transpose):
    a = seeded_array(tuple(shape), seed, dtype=dtype)
    if a.ndim:
        a.flat[:: 3] = 0.0
        a.flat[1:: 7] = -0.0
    if transpose:
        a = a.T  # a non-contiguous input
    g = seeded_array(a.shape, seed + 1, dtype=dtype)
    y_ref, y_got = A.relu_forward(a), A.relu_forward_numba(a)
    assert y_got.shape == y_ref.shape == a.shape and y_got.dtype == y_ref.dtype == dtype
    np.testing.assert_array_equal(y_got, y_ref)
    np.testing.assert_array_equal(A.relu_backward_numba(y_ref, g), A.relu_backward(y_ref, g))


def test_relu_nan_and_signed_zero():
    a = np.array([np.nan, -0.0, 0.0, -1.0, 2.0, np.inf, -np.inf], dtype=np.float32)
    np.testing.assert_array_equal(A.relu_forward_numba(a), A.relu_forward(a))
    np.testing.assert_array_equal(np.signbit(A.relu_forward_numba(a)), np.signbit(A.relu_forward(a)))


# ---------------------------------------------------------------------------------------------
# "same" convolutions: im2col / col2im by shifted row copies
# ---------------------------------------------------------------------------------------------
@st.composite
def same_geometries(draw):
    kh, kw = draw(st.sampled_from([1, 3, 5])), draw(st.sampled_from([1, 3, 5]))
    dh, dw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ph, pw = dh * (kh - 1) // 2, dw * (kw - 1) // 2
    n, c = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    return (n, c, h, w), (kh, kw, ph, pw, dh, dw)


@given(geom=same_geometries(), dtype=dtypes, seed=seeds)
def test_same_conv_im2col_col2im_equal_the_general_ones(geom, dtype, seed):
    (n, c, h, w), (kh, kw, ph, pw, dh, dw) = geom
    assert K.is_same_conv(h, w, kh, kw, 1, 1, ph, pw, dh, dw)
    x = seeded_array((n, c, h, w), seed, dtype=dtype)
    ref = K.im2col(x, kh, kw, 1, 1, ph, pw, dh, dw)
    got = K.im2col_same(x, kh, kw, ph, pw, dh, dw)
    assert got.dtype == ref.dtype and got.shape == ref.shape
    np.testing.assert_array_equal(got, ref)  # copies only: bit-identical
    d = seeded_array(ref.shape, seed + 1, dtype=dtype)
    dref = K.col2im(d, n, c, h, w, kh, kw, 1, 1, ph, pw, dh, dw)
    dgot = K.col2im_same(d.copy(), n, c, h, w, kh, kw, ph, pw, dh, dw)
    assert dgot.dtype == dref.dtype and dgot.shape == (n, c, h, w)
    np.testing.assert_array_equal(dgot, dref)  # the same terms in the same order


def test_is_same_conv_only_for_stride_one_and_full_padding():
    assert K.is_same_conv(14, 14, 3, 3, 1, 1, 1, 1, 1, 1)
    assert K.is_same_conv(7, 9, 3, 5, 1, 1, 2, 4, 2, 2)
    assert not K.is_same_conv(14, 14, 3, 3, 2, 2, 1, 1, 1, 1)  # stride 2
    assert not K.is_same_conv(14, 14, 3, 3, 1, 1, 0, 0, 1, 1)  # valid padding
    assert not K.is_same_conv(14, 14, 2, 2, 1, 1, 1, 1, 1, 1)  # even kernel: output grows


# ---------------------------------------------------------------------------------------------
# optimizers: the parallel builds of the fused updates (used from dispatch.PARALLEL_MIN elements on)
# ---------------------------------------------------------------------------------------------
import pytest  # noqa: E402

import minitorch_cnn as mt  # noqa: E402
from minitorch_cnn import nn  # noqa: E402
from minitorch_cnn.kernels import dispatch  # noqa: E402
from optim_strategies import CASE_IDS, OPTIM_CASES, gradient_sequence  # noqa: E402


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("case", OPTIM_CASES, ids=CASE_IDS)
def test_parallel_optimizer_kernels_equal_numpy(case, dtype):
    """Forced to the ``parallel=True`` build (prange, reductions split over threads), every update
    must still agree with the NumPy update (odd 2-D and 1-D shapes)."""
    for shape in [(37, 29), (101,)]:
        kw = {}
        init = np.random.default_rng(1).standard_normal(shape).astype(dtype)
        grads = gradient_sequence(shape, 6, 2, 1.0, dtype)
        results = {}
        for backend in ("numpy", "numba"):
            with mt.backend(backend), dispatch.force_path("optimizer_update", "parallel"):
                p = nn.Parameter(mt.Tensor(init.copy()))
                opt = case.make_ours([p], kw)
                for g in grads:
                    p.grad = mt.Tensor(g.copy())
                    opt.step()
                results[backend] = p.array.copy()
        np.testing.assert_allclose(results["numba"], results["numpy"], **TOL[dtype], err_msg=f"{case.name} {shape}")
