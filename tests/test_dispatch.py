"""kernels/dispatch.py: every path of every dispatch point, forced, against torch; the choosers' rules.

* ``force_path`` refuses unknown points/paths and paths that cannot handle the call (ValueError);
* the algorithm chosen does not depend on the backend (the backend swaps twins only);
* conv2d: each path (direct, im2col) forced on both backends == torch (y, dX, dW, db), both dtypes;
* max_pool2d: the 2x2 twins == the general NumPy version (values and argmax), and both paths forced
  == torch end to end;
* softmax_cross_entropy: both paths forced == torch.
(The optimizer's parallel build is forced in ``test_kernels_fast_paths.py``.)
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import minitorch_cnn as mt
import minitorch_cnn.nn.functional as F
from minitorch_cnn.kernels import dispatch
from minitorch_cnn.kernels import pool as P
from minitorch_cnn.kernels.conv_geometry import Conv2dGeometry

from conftest import tol
from strategies import seeded_array, seeds

dtypes = st.sampled_from([np.float64, np.float32])
BACKENDS = ("numpy", "numba")


def close(got, want, dtype, name):
    np.testing.assert_allclose(got, want, **tol(dtype), err_msg=name)


# ---------------------------------------------------------------------------------------------
# the contract
# ---------------------------------------------------------------------------------------------
def test_paths_list_every_point_and_force_path_checks_its_arguments():
    assert set(dispatch.PATHS) == {"conv2d", "max_pool2d", "optimizer_update", "softmax_cross_entropy"}
    with pytest.raises(ValueError, match="unknown dispatch point 'conv3d'"):
        with dispatch.force_path("conv3d", "direct"):
            pass
    with pytest.raises(ValueError, match="conv2d has no path 'winograd9'"):
        with dispatch.force_path("conv2d", "winograd9"):
            pass


def test_force_path_nests_and_restores():
    geo = Conv2dGeometry.of((2, 1, 8, 8), (4, 1, 3, 3), padding=(1, 1))
    assert dispatch.conv2d_path(geo) == "direct"
    with dispatch.force_path("conv2d", "im2col"):
        assert dispatch.conv2d_path(geo) == "im2col"
        with dispatch.force_path("conv2d", "direct"):
            assert dispatch.conv2d_path(geo) == "direct"
        assert dispatch.conv2d_path(geo) == "im2col"
    assert dispatch.conv2d_path(geo) == "direct"


def test_forced_path_that_cannot_handle_the_call_raises():
    x = mt.tensor(seeded_array((1, 2, 7, 7), 0))
    w = mt.tensor(seeded_array((3, 2, 3, 3), 1))
    with dispatch.force_path("conv2d", "direct"):
        with pytest.raises(ValueError, match=r"conv2d path 'direct' cannot handle .*stride \(2, 2\)"):
            F.conv2d(x, w, stride=2, padding=1)
    with dispatch.force_path("max_pool2d", "2x2"):
        with pytest.raises(ValueError, match=r"max_pool2d path '2x2' cannot handle kernel \(3, 3\)"):
            F.max_pool2d(x, 3)


def test_conv2d_chooser_rules():
    def path(c_in, **kw):
        return dispatch.conv2d_path(Conv2dGeometry.of((4, c_in, 8, 8), (5, c_in // kw.get("groups", 1), 3, 3),
                                                      padding=kw.get("padding", (1, 1)),
                                                      stride=kw.get("stride", (1, 1)), groups=kw.get("groups", 1)))
    assert path(1) == path(3) == "direct"  # skinny same convs: the first layer
    assert path(16) == "im2col"  # 8×8 = 64 pixels < TILED_MIN_PIXELS
    assert path(3, stride=(2, 2)) == "im2col"
    assert path(3, padding=(0, 0)) == "im2col"
    assert path(2, groups=2) == "im2col"
    assert dispatch.conv2d_path(Conv2dGeometry.of((1, 1, 9, 9), (2, 1, 5, 5), padding=(2, 2))) == "direct"

    def lecture(c_in, hw, k=(3, 3), padding=(1, 1)):
        return dispatch.conv2d_path(Conv2dGeometry.of((64, c_in, hw, hw), (32, c_in) + k, padding=padding))
    assert lecture(16, 14) == lecture(16, 16) == lecture(1, 28) == lecture(3, 32) == "tiled"
    assert dispatch.TILED_MIN_PIXELS == 100
    assert lecture(16, 10) == "tiled"  # 10×10 = 100 pixels
    assert lecture(16, 9) == "im2col" and lecture(3, 9) == "direct"  # 81
    assert lecture(1, 28, (5, 5), (2, 2)) == "direct"  # the tile's pass is 3 wide
    assert lecture(16, 28, (5, 5), (2, 2)) == lecture(32, 28, (1, 1), (0, 0)) == "im2col"
    assert lecture(16, 28, (1, 1), (0, 0)) == "direct"  # C_in·kh·kw = 16 ≤ DIRECT_MAX_TAPS
    assert lecture(16, 28, (3, 3), (0, 0)) == "im2col"  # not a "same" convolution


def test_algorithm_does_not_depend_on_backend():
    geos = [Conv2dGeometry.of((2, c, 9, 9), (4, c, 3, 3), padding=p, stride=s)
            for c in (1, 3, 8) for p in ((0, 0), (1, 1)) for s in ((1, 1), (2, 2))]
    pools = [(8, 8, (2, 2), (2, 2), (0, 0), (1, 1), (4, 4)), (9, 9, (3, 3), (2, 2), (1, 1), (1, 1), (5, 5))]
    chosen = {}
    for backend in BACKENDS:
        with mt.backend(backend):
            chosen[backend] = ([dispatch.conv2d_path(g) for g in geos],
                               [dispatch.max_pool2d_path(*p) for p in pools],
                               [dispatch.optimizer_update_path(n) for n in (10, 1 << 22)])
    assert chosen["numpy"] == chosen["numba"]
    with mt.backend("numpy"):  # the one point that picks twins: NumPy backend → NumPy twin
        assert dispatch.softmax_cross_entropy_path(10) == "numpy"
    with mt.backend("numba"):
        assert dispatch.softmax_cross_entropy_path(10) == "numba"
        assert dispatch.softmax_cross_entropy_path(1000) == "numba"


# ---------------------------------------------------------------------------------------------
# conv2d: each path forced, on each backend, against torch
# ---------------------------------------------------------------------------------------------
@st.composite
def same_convs(draw):
    """Geometries both conv paths handle: stride 1, 2p = d(k−1) (odd kernels), groups 1."""
    kh, kw = draw(st.sampled_from([1, 3, 5])), draw(st.sampled_from([1, 3]))
    dh, dw = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    n, c_in, c_out = draw(st.integers(1, 3)), draw(st.integers(1, 6)), draw(st.integers(1, 5))
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    return (n, c_in, h, w), (c_out, c_in, kh, kw), (dh * (kh - 1) // 2, dw * (kw - 1) // 2), (dh, dw)


def conv_vs_torch(x0, w0, b0, gy, padding, dilation, dtype, stride=(1, 1), groups=1):
    """[(name, ours, torch's)] for y, dX, dW, db under the current backend and forced path."""
    dt = mt.float32 if dtype == np.float32 else mt.float64
    x = mt.tensor(x0, dtype=dt, requires_grad=True)
    w = mt.tensor(w0, dtype=dt, requires_grad=True)
    b = mt.tensor(b0, dtype=dt, requires_grad=True)
    y = F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
    y.backward(mt.tensor(gy, dtype=dt))
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x0, w0, b0))
    ty = torch.nn.functional.conv2d(tx, tw, tb, stride=stride, padding=padding, dilation=dilation, groups=groups)
    ty.backward(torch.tensor(gy))
    return [("y", y.detach().numpy(), ty.detach().numpy()), ("dX", x.grad.numpy(), tx.grad.numpy()),
            ("dW", w.grad.numpy(), tw.grad.numpy()), ("db", b.grad.numpy(), tb.grad.numpy())]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("path", dispatch.PATHS["conv2d"])
@given(geom=same_convs(), dtype=dtypes, seed=seeds)
def test_conv2d_every_path_forced_equals_torch(path, backend, geom, dtype, seed):
    x_shape, w_shape, padding, dilation = geom
    x0, w0 = seeded_array(x_shape, seed, dtype), seeded_array(w_shape, seed + 1, dtype)
    b0 = seeded_array(w_shape[:1], seed + 2, dtype)
    gy = seeded_array((x_shape[0], w_shape[0]) + x_shape[2:], seed + 3, dtype)
    with mt.backend(backend), dispatch.force_path("conv2d", path):
        if path == "tiled" and w_shape[3] != 3:  # the register tile is one kernel row of 3 taps
            with pytest.raises(ValueError, match="conv2d path 'tiled' cannot handle"):
                conv_vs_torch(x0, w0, b0, gy, padding, dilation, dtype)
            return
        for name, ours, theirs in conv_vs_torch(x0, w0, b0, gy, padding, dilation, dtype):
            close(ours, theirs, dtype, f"{path}/{backend} {name}")


@st.composite
def any_convs(draw):
    """Any geometry the im2col path takes: strides, paddings, dilations, groups."""
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    sh, sw, dh, dw = (draw(st.integers(1, 2)) for _ in range(4))
    ph, pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    groups, c_g, o_g = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
    h = draw(st.integers(max(1, dh * (kh - 1) + 1 - 2 * ph), 8))
    w = draw(st.integers(max(1, dw * (kw - 1) + 1 - 2 * pw), 8))
    return ((draw(st.integers(1, 3)), groups * c_g, h, w), (groups * o_g, c_g, kh, kw),
            (sh, sw), (ph, pw), (dh, dw), groups)


@pytest.mark.parametrize("workspace", [1, None], ids=["one-image-chunks", "default-chunks"])
@pytest.mark.parametrize("backend", BACKENDS)
@given(geom=any_convs(), dtype=dtypes, seed=seeds)
def test_conv2d_im2col_path_any_geometry_equals_torch(backend, workspace, geom, dtype, seed):
    """The im2col path's four results, the batch in one chunk or one image per chunk."""
    from minitorch_cnn.kernels import im2col as K

    x_shape, w_shape, stride, padding, dilation, groups = geom
    geo = Conv2dGeometry.of(x_shape, w_shape, stride, padding, dilation, groups)
    x0, w0 = seeded_array(x_shape, seed, dtype), seeded_array(w_shape, seed + 1, dtype)
    b0 = seeded_array(w_shape[:1], seed + 2, dtype)
    gy = seeded_array(geo.out_shape, seed + 3, dtype)
    with mt.backend(backend), dispatch.force_path("conv2d", "im2col"), pytest.MonkeyPatch.context() as mp:
        if workspace is not None:
            mp.setattr(K, "WORKSPACE_BYTES", workspace)
        for name, ours, theirs in conv_vs_torch(x0, w0, b0, gy, padding, dilation, dtype, stride, groups):
            close(ours, theirs, dtype, f"im2col/{backend} {name}")


# ---------------------------------------------------------------------------------------------
# max_pool2d
# ---------------------------------------------------------------------------------------------
@given(n=st.integers(1, 3), c=st.integers(1, 3), h=st.integers(2, 9), w=st.integers(2, 9),
       stride=st.sampled_from([(1, 1), (2, 2), (1, 2), (3, 2)]), dtype=dtypes, seed=seeds,
       flavour=st.sampled_from(["plain", "ties", "special"]))
def test_max_pool_2x2_twins_equal_the_general_numpy_version(n, c, h, w, stride, dtype, seed, flavour):
    x = seeded_array((n, c, h, w), seed, dtype)
    if flavour == "ties":
        x = np.round(x).astype(dtype)
    elif flavour == "special":
        x[..., ::2, :] = -np.inf
        x.flat[seed % x.size] = np.nan
    h_out, w_out = (h - 2) // stride[0] + 1, (w - 2) // stride[1] + 1
    want_out, want_idx = P.max_pool2d_forward(x, 2, 2, *stride, 0, 0, 1, 1, h_out, w_out)
    for fwd in (P.max_pool2d_forward_2x2, P.max_pool2d_forward_2x2_numba):
        out, idx = fwd(x, *stride, h_out, w_out)
        np.testing.assert_array_equal(out, want_out, err_msg=fwd.__name__)
        np.testing.assert_array_equal(idx, want_idx, err_msg=fwd.__name__)
        assert out.dtype == x.dtype and idx.dtype == np.int64


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("path", dispatch.PATHS["max_pool2d"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_max_pool2d_every_path_forced_equals_torch(path, backend, dtype):
    x0 = np.round(seeded_array((3, 2, 9, 8), 4, dtype) * 2).astype(dtype)  # ties included
    gy = seeded_array((3, 2, 4, 4), 5, dtype)
    with mt.backend(backend), dispatch.force_path("max_pool2d", path):
        x = mt.tensor(x0, requires_grad=True)
        y, idx = F.max_pool2d(x, 2, return_indices=True)
        y.backward(mt.tensor(gy))
    tx = torch.tensor(x0, requires_grad=True)
    ty, tidx = torch.nn.functional.max_pool2d(tx, 2, return_indices=True)
    ty.backward(torch.tensor(gy))
    np.testing.assert_array_equal(y.detach().numpy(), ty.detach().numpy())
    np.testing.assert_array_equal(idx.numpy(), tidx.numpy())
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


# ---------------------------------------------------------------------------------------------
# softmax cross-entropy
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", dispatch.PATHS["softmax_cross_entropy"])
@pytest.mark.parametrize("classes", [3, 200])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_softmax_cross_entropy_every_path_forced_equals_torch(path, classes, dtype):
    x0 = seeded_array((17, classes), 6, dtype, scale=3.0)
    y0 = np.random.default_rng(7).integers(0, classes, 17)
    with dispatch.force_path("softmax_cross_entropy", path):
        x = mt.tensor(x0, requires_grad=True)
        loss = F.cross_entropy(x, mt.tensor(y0), label_smoothing=0.1)
        loss.backward()
    tx = torch.tensor(x0, requires_grad=True)
    tloss = torch.nn.functional.cross_entropy(tx, torch.tensor(y0), label_smoothing=0.1)
    tloss.backward()
    close(loss.item(), tloss.item(), dtype, "loss")
    close(x.grad.numpy(), tx.grad.numpy(), dtype, "dx")
