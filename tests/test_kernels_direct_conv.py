"""Direct convolution (``kernels/direct_conv.py``): each version equals its reference.

* the NumPy versions == the convolution's definition (``conv2d_naive``) and the im2col path
  (dW = dY·colsᵀ, dX = col2im(Wᵀ·dY)) for any stride-1 convolution: odd shapes, kernels, paddings,
  dilations, bias on/off, float32/float64;
* the Numba twins == the NumPy versions for "same" convolutions, on one thread and with the batch
  split over several, dy contiguous or not;
* Conv2d by the direct path (forced) on either backend == Conv2d by the im2col
  path (forced), forward and every gradient, input gradient needed or not;
"""
from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch_cnn as mt
from minitorch_cnn.kernels import dispatch
from minitorch_cnn.kernels.conv_geometry import Conv2dGeometry
import minitorch_cnn.nn.functional as F
from minitorch_cnn import _backend
from minitorch_cnn.kernels import direct_conv as D
from minitorch_cnn.kernels import im2col as K
from minitorch_cnn.kernels.conv import conv2d_naive

from strategies import seeded_array, seeds

dtypes = st.sampled_from([np.float64, np.float32])
TOL = {np.float64: 1e-12, np.float32: 2e-5}


def close(got, ref, dtype, what):
    """Equal to rounding: relative to the reference's largest magnitude (sums of many terms)."""
    assert got.dtype == ref.dtype and got.shape == ref.shape, what
    scale = max(1.0, float(np.abs(ref).max(initial=0.0)))
    np.testing.assert_allclose(got, ref, rtol=TOL[dtype], atol=TOL[dtype] * scale, err_msg=what)


@st.composite
def stride1_geometries(draw):
    """Any stride-1 convolution whose kernel fits the padded input."""
    kh, kw = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    dh, dw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ph, pw = draw(st.integers(0, 3)), draw(st.integers(0, 3))
    h = draw(st.integers(max(1, dh * (kh - 1) + 1 - 2 * ph), 14))
    w = draw(st.integers(max(1, dw * (kw - 1) + 1 - 2 * pw), 14))
    return draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 5)), h, w, kh, kw, ph, pw, dh, dw


@st.composite
def same_geometries(draw):
    """"Same" convolutions (stride 1, 2p = d(k−1)) with K = C·kh·kw ≤ 27: what Conv2d sends to the twins."""
    kh, kw = draw(st.sampled_from([1, 3, 5])), draw(st.sampled_from([1, 3, 5]))
    c = draw(st.integers(1, max(1, dispatch.DIRECT_MAX_TAPS // (kh * kw))))
    dh, dw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ph, pw = dh * (kh - 1) // 2, dw * (kw - 1) // 2
    return draw(st.integers(1, 5)), c, draw(st.integers(1, 6)), draw(st.integers(1, 9)), draw(st.integers(1, 9)), kh, kw, ph, pw, dh, dw


@given(geom=stride1_geometries(), dtype=dtypes, seed=seeds, with_bias=st.booleans())
@settings(deadline=None)
def test_numpy_direct_conv_equals_definition_and_im2col(geom, dtype, seed, with_bias):
    n, c, c_out, h, w, kh, kw, ph, pw, dh, dw = geom
    x = seeded_array((n, c, h, w), seed, dtype)
    wt = seeded_array((c_out, c, kh, kw), seed + 1, dtype)
    b = seeded_array((c_out,), seed + 2, dtype) if with_bias else None
    geo = Conv2dGeometry.of(x.shape, wt.shape, padding=(ph, pw), dilation=(dh, dw))
    y = D.conv2d_forward(x, wt, b, geo)
    close(y, conv2d_naive(x, wt, b, (1, 1), (ph, pw), (dh, dw)), dtype, "y")
    dy = seeded_array(y.shape, seed + 3, dtype)
    cols = K.im2col(x, kh, kw, 1, 1, ph, pw, dh, dw)
    dy2 = dy.transpose(1, 0, 2, 3).reshape(c_out, -1)
    close(D.conv2d_weight_grad(x, dy, geo), (dy2 @ cols.T).reshape(wt.shape), dtype, "dW")
    dx = D.conv2d_input_grad(dy, wt, geo)
    close(dx, K.col2im(wt.reshape(c_out, -1).T @ dy2, n, c, h, w, kh, kw, 1, 1, ph, pw, dh, dw), dtype, "dX")


@given(geom=same_geometries(), dtype=dtypes, seed=seeds, with_bias=st.booleans(),
       threads=st.sampled_from([1, 2, 3]), strided_dy=st.booleans())
@settings(deadline=None)
def test_numba_direct_conv_equals_numpy(geom, dtype, seed, with_bias, threads, strided_dy):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(numba, "get_num_threads", lambda: threads)  # the batch split, on any core count
        _check_twins(geom, dtype, seed, with_bias, strided_dy)


def _check_twins(geom, dtype, seed, with_bias, strided_dy):
    n, c, c_out, h, w, kh, kw, ph, pw, dh, dw = geom
    x = seeded_array((n, c, h, w), seed, dtype)
    wt = seeded_array((c_out, c, kh, kw), seed + 1, dtype)
    b = seeded_array((c_out,), seed + 2, dtype) if with_bias else None
    geo = Conv2dGeometry.of(x.shape, wt.shape, padding=(ph, pw), dilation=(dh, dw))
    ref = D.conv2d_forward(x, wt, b, geo)
    assert ref.shape == (n, c_out, h, w)
    close(D.conv2d_forward_numba(x, wt, b, geo), ref, dtype, "y")
    dy = seeded_array((n, h, w, c_out), seed + 3, dtype).transpose(0, 3, 1, 2) if strided_dy \
        else seeded_array(ref.shape, seed + 3, dtype)
    close(D.conv2d_weight_grad_numba(x, dy, geo), D.conv2d_weight_grad(x, dy, geo), dtype, "dW")
    close(D.conv2d_input_grad_numba(dy, wt, geo), D.conv2d_input_grad(dy, wt, geo), dtype, "dX")


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("c_in, c_out, hw, x_grad, with_bias",
                         [(1, 16, 28, False, True), (3, 16, 32, False, True), (3, 5, 7, True, True),
                          (1, 4, 9, True, False), (2, 3, 5, True, True)])
def test_conv2d_direct_path_equals_im2col_path(c_in, c_out, hw, x_grad, with_bias, dtype, threads, monkeypatch):
    """Conv2d end to end, the direct path (forced) on both backends == the im2col path (forced)
    on the NumPy backend; the Numba direct twin splits the batch over the threads."""
    monkeypatch.setattr(numba, "get_num_threads", lambda: threads)
    dt = mt.float32 if dtype == np.float32 else mt.float64
    n = 5
    x0 = seeded_array((n, c_in, hw, hw), 0, dtype)
    w0 = seeded_array((c_out, c_in, 3, 3), 1, dtype)
    b0 = seeded_array((c_out,), 2, dtype)
    gy = seeded_array((n, c_out, hw, hw), 3, dtype)
    results = {}
    for backend, path in (("numba", "direct"), ("numpy", "direct"), ("numpy", "im2col")):
        with _backend.backend(backend), dispatch.force_path("conv2d", path):
            x = mt.tensor(x0, dtype=dt, requires_grad=x_grad)
            wt = mt.tensor(w0, dtype=dt, requires_grad=True)
            b = mt.tensor(b0, dtype=dt, requires_grad=True) if with_bias else None
            y = F.conv2d(x, wt, b, padding=1)
            y.backward(mt.tensor(gy, dtype=dt))
            results[backend, path] = [y.detach().numpy(), wt.grad.numpy()] + ([b.grad.numpy()] if with_bias else []) \
                + ([x.grad.numpy()] if x_grad else [])
            assert (x.grad is None) != x_grad
    for key in (("numba", "direct"), ("numpy", "direct")):
        for got, want, name in zip(results[key], results["numpy", "im2col"], ("y", "dW", "db", "dX")):
            close(got, want, dtype, f"{key} {name}")
