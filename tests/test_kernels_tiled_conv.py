"""Register-tiled direct convolution (``kernels/tiled_conv.py``): NumPy version == torch, Numba twin ==
NumPy version, for "same" convolutions.

* the NumPy versions (forward, dX as the forward on dY with the flipped transposed kernel, dW) ==
  torch for any "same" convolution: kernels 1/3/5 tall and wide, dilation 1–2, C_out not a multiple
  of the tile's 4 (the zero-padded channels must not leak), bias on/off, float32/float64;
* the Numba twins == the NumPy versions on the geometries the path takes (kernels 3 wide, 1/3/5
  tall), on one thread and with the batch split over several, dy contiguous or not;
* the two layout helpers: ``weight_tiles`` puts 4 output channels side by side (zeros past C_out),
  ``flat_grid`` is the image's rows, each followed by p_w zeros, between zero rows;
* Conv2d by the tiled path forced, both backends, the lecture's 16→32 14×14 layer (batch 64) == torch.
(``tests/test_dispatch.py`` forces every conv2d path, this one included, against torch as well.)
"""
from __future__ import annotations

import numba
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch_cnn as mt
import minitorch_cnn.nn.functional as F
from minitorch_cnn.kernels import dispatch
from minitorch_cnn.kernels import tiled_conv as T
from minitorch_cnn.kernels.conv_geometry import Conv2dGeometry

from conftest import tol
from strategies import seeded_array, seeds

dtypes = st.sampled_from([np.float64, np.float32])
TWIN_TOL = {np.float64: 1e-12, np.float32: 2e-5}


def twin_close(got, ref, dtype, what):
    """Equal to rounding: the twins add the same terms in another order."""
    assert got.dtype == ref.dtype and got.shape == ref.shape, what
    scale = max(1.0, float(np.abs(ref).max(initial=0.0)))
    np.testing.assert_allclose(got, ref, rtol=TWIN_TOL[dtype], atol=TWIN_TOL[dtype] * scale, err_msg=what)


@st.composite
def same_geometries(draw, widths=(1, 3, 5)):
    """"Same" convolutions (stride 1, 2p = d(k−1)); the tiled path takes those 3 wide."""
    kh, kw = draw(st.sampled_from([1, 3, 5])), draw(st.sampled_from(widths))
    dh, dw = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    n, c_in, c_out = draw(st.integers(1, 3)), draw(st.integers(1, 6)), draw(st.integers(1, 9))
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    return Conv2dGeometry.of((n, c_in, h, w), (c_out, c_in, kh, kw),
                             padding=(dh * (kh - 1) // 2, dw * (kw - 1) // 2), dilation=(dh, dw))


def arrays(geo, seed, dtype, with_bias):
    x = seeded_array((geo.n, geo.c_in, geo.h, geo.w), seed, dtype)
    weight = seeded_array((geo.c_out, geo.c_in, geo.kh, geo.kw), seed + 1, dtype)
    bias = seeded_array((geo.c_out,), seed + 2, dtype) if with_bias else None
    dy = seeded_array(geo.out_shape, seed + 3, dtype)
    return x, weight, bias, dy


@given(geo=same_geometries(), dtype=dtypes, seed=seeds, with_bias=st.booleans())
@settings(deadline=None)
def test_numpy_tiled_conv_equals_torch(geo, dtype, seed, with_bias):
    x, weight, bias, dy = arrays(geo, seed, dtype, with_bias)
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(weight, requires_grad=True)
    ty = torch.nn.functional.conv2d(tx, tw, None if bias is None else torch.tensor(bias),
                                    padding=geo.padding, dilation=geo.dilation)
    ty.backward(torch.tensor(dy))
    for name, ours, theirs in (("y", T.conv2d_forward(x, weight, bias, geo), ty.detach().numpy()),
                               ("dX", T.conv2d_input_grad(dy, weight, geo), tx.grad.numpy()),
                               ("dW", T.conv2d_weight_grad(x, dy, geo), tw.grad.numpy())):
        assert ours.dtype == dtype and ours.shape == theirs.shape, name
        np.testing.assert_allclose(ours, theirs, **tol(dtype), err_msg=name)


@given(geo=same_geometries(widths=(3,)), dtype=dtypes, seed=seeds, with_bias=st.booleans(),
       threads=st.sampled_from([1, 2, 3]), strided_dy=st.booleans())
@settings(deadline=None)
def test_numba_tiled_conv_equals_numpy(geo, dtype, seed, with_bias, threads, strided_dy):
    x, weight, bias, dy = arrays(geo, seed, dtype, with_bias)
    if strided_dy:  # dy as autograd may hand it: a transposed view
        dy = np.ascontiguousarray(dy.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(numba, "get_num_threads", lambda: threads)  # the batch split, on any core count
        twin_close(T.conv2d_forward_numba(x, weight, bias, geo), T.conv2d_forward(x, weight, bias, geo), dtype, "y")
        twin_close(T.conv2d_input_grad_numba(dy, weight, geo), T.conv2d_input_grad(dy, weight, geo), dtype, "dX")
        twin_close(T.conv2d_weight_grad_numba(x, dy, geo), T.conv2d_weight_grad(x, dy, geo), dtype, "dW")


def test_numba_twins_refuse_kernels_not_3_wide():
    geo = Conv2dGeometry.of((1, 2, 5, 5), (3, 2, 3, 5), padding=(1, 2))
    x, weight, _, dy = arrays(geo, 0, np.float64, False)
    for call in (lambda: T.conv2d_forward_numba(x, weight, None, geo), lambda: T.conv2d_input_grad_numba(dy, weight, geo),
                 lambda: T.conv2d_weight_grad_numba(x, dy, geo)):
        with pytest.raises(ValueError, match="3 wide, got 3×5"):
            call()


def test_weight_tiles_and_flat_grid_layouts():
    weight = np.arange(5 * 2 * 3 * 3, dtype=np.float64).reshape(5, 2, 3, 3) + 1
    tiles = T.weight_tiles(weight)
    assert tiles.shape == (2, 2, 3, 4, 3) and tiles.flags.c_contiguous
    for o in range(5):
        np.testing.assert_array_equal(tiles[o // 4, :, :, o % 4, :], weight[o])
    np.testing.assert_array_equal(tiles[1, :, :, 1:, :], 0)  # output channels 5..7 do not exist
    np.testing.assert_array_equal(T.flipped_transposed(weight)[1, 3, 0, 2], weight[3, 1, 2, 0])
    x = np.arange(2 * 3 * 4, dtype=np.float64).reshape(1, 2, 3, 4) + 1
    geo = Conv2dGeometry.of(x.shape, (1, 2, 3, 3), padding=(1, 1))
    grid = T.flat_grid(x, geo)
    # p_w = 1 zero, then 1 + 3 + 1 rows of Wp = W + p_w = 5 (each row's last entry a zero), then 1 zero
    assert grid.shape == (1, 2, 1 + 5 * 5 + 1)
    rows = grid[0, 1, 1:26].reshape(5, 5)
    np.testing.assert_array_equal(rows[1:4, :4], x[0, 1])
    np.testing.assert_array_equal(rows[:, 4], 0)  # right padding of a row = left padding of the next
    assert grid[0, 1].sum() == x[0, 1].sum()  # zeros elsewhere


@pytest.mark.parametrize("backend", ["numba", "numpy"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_conv2d_tiled_path_lecture_layer_equals_torch(backend, dtype):
    """The 16→32 14×14 3×3 layer of the lecture's CNN at batch 64 (many tiles, every kernel row).

    torch computes in float64 (the exact sums of our inputs). Each dW entry sums 12 544 products of
    magnitude ~1; in float32 its rounding error scales with that sum's terms, not with an entry that
    cancels to ~0.1, so in float32 dW is judged relative to dW's largest entry (as ``unit_scale`` in
    test_layers.py does for large outputs). For scale: torch's own float32 dW lies 1.7e-3 from the
    exact sums on these inputs, ours 4e-5; y, dX and db are held to the plain tolerance."""
    x0 = seeded_array((64, 16, 14, 14), 0, dtype)
    w0 = seeded_array((32, 16, 3, 3), 1, dtype, scale=0.1)
    b0 = seeded_array((32,), 2, dtype)
    gy = seeded_array((64, 32, 14, 14), 3, dtype)
    with mt.backend(backend), dispatch.force_path("conv2d", "tiled"):
        x, w, b = (mt.tensor(a, requires_grad=True) for a in (x0, w0, b0))
        y = F.conv2d(x, w, b, padding=1)
        y.backward(mt.tensor(gy))
    tx, tw, tb = (torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (x0, w0, b0))
    ty = torch.nn.functional.conv2d(tx, tw, tb, padding=1)
    ty.backward(torch.tensor(gy, dtype=torch.float64))
    for name, ours, theirs in (("y", y, ty), ("dX", x.grad, tx.grad), ("dW", w.grad, tw.grad), ("db", b.grad, tb.grad)):
        ours, theirs = ours.detach().numpy(), theirs.detach().numpy()
        assert ours.dtype == dtype, name
        t = dict(tol(dtype))
        if name == "dW" and dtype == np.float32:
            t["atol"] *= float(np.abs(theirs).max())
        np.testing.assert_allclose(ours, theirs, **t, err_msg=name)
