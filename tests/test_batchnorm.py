"""BatchNorm1d/2d and F.batch_norm against torch: outputs, input/weight/bias gradients and the
running statistics over several training steps, then the eval-mode output and gradients; the
kernels' NumPy and Numba twins against each other; buffers and state_dict against torch's.

Hypothesis draws the shapes, momentum (None = cumulative average), eps, affine,
track_running_stats, the dtype and the values themselves (including constant channels, whose
variance is 0, and values far from zero, where the mean's cancellation matters).
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minitorch_cnn as mt
import minitorch_cnn.nn.functional as F
from minitorch_cnn import nn
from minitorch_cnn.kernels import batchnorm as K

from conftest import tol
from strategies import seeded_array, seeds

FIXTURES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])
TDTYPE = {np.float64: torch.float64, np.float32: torch.float32}


def check(name, ours, theirs, dtype, floor=0.0):
    """Equal within the dtype's tolerance; ``floor`` raises the absolute floor to the rounding error
    of the terms that cancel (see :func:`floors`)."""
    ours = ours.array if isinstance(ours, mt.Tensor) else np.asarray(ours)
    theirs = theirs.detach().cpu().numpy()
    assert ours.shape == theirs.shape, f"{name}: shape {ours.shape} != torch's {theirs.shape}"
    assert ours.dtype == theirs.dtype, f"{name}: dtype {ours.dtype} != torch's {theirs.dtype}"
    t = dict(tol(dtype))
    t["atol"] = max(t["atol"], floor)
    np.testing.assert_allclose(ours, theirs, **t, err_msg=name)


def floors(x, g, weight, bias, eps, dtype, running_var=None):
    """Absolute floors for y, dx and dγ/dβ: the rounding error of the terms that cancel in each.

    ``y = γ·(x − μ)·s + β`` subtracts numbers of size |x|, so a one-ulp difference in μ (the two
    libraries sum in different orders) becomes ``ulp(|x|)·s·|γ|`` in y — large for a constant
    channel, where s = 1/√eps. Likewise ``dx = (γs/M)(M·dy − Σdy − x̂·Σdy·x̂)`` cancels terms of size
    M·|dy|, and dγ, dβ are sums of M terms of size |dy|·|x̂|. The floors are the dtype's relative
    tolerance times those magnitudes.
    """
    r = tol(dtype)["rtol"]
    axes = (0,) + tuple(range(2, x.ndim))
    m = x.size // x.shape[1]
    var = x.astype(np.float64).var(axis=axes) if running_var is None else np.asarray(running_var, dtype=np.float64)
    s = 1.0 / np.sqrt(var + eps)
    gamma = 1.0 if weight is None else float(np.max(np.abs(weight), initial=1.0))
    beta = 0.0 if bias is None else float(np.max(np.abs(bias), initial=0.0))
    xs, gs, smax = float(np.max(np.abs(x))), float(np.max(np.abs(g))), float(np.max(s))
    return dict(y=r * (xs * smax * gamma + beta), dx=r * 4 * gs * smax * gamma,
                dw=r * m * gs * max(1.0, xs * smax))


@st.composite
def batches(draw, ndim_choices=(4,)):
    """(shape, dtype, list of input arrays): a few training batches of one shape, values drawn."""
    ndim = draw(st.sampled_from(ndim_choices))
    n = draw(st.integers(1, 4))
    c = draw(st.integers(1, 4))
    spatial = tuple(draw(st.lists(st.integers(1, 4), min_size=ndim - 2, max_size=ndim - 2)))
    if n * int(np.prod(spatial, dtype=int)) < 2:
        n = 2  # training needs more than one value per channel
    shape = (n, c) + spatial
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    offset = draw(st.sampled_from([0.0, 0.0, 100.0, -1e3]))  # far from zero: the mean must be subtracted exactly
    steps = draw(st.integers(1, 3))
    xs = []
    for _ in range(steps):
        x = draw(hnp.arrays(np.float64, shape, elements=st.floats(-4, 4, allow_nan=False, width=64)))
        if draw(st.booleans()):  # a constant channel: variance 0, x̂ = 0
            x[:, draw(st.integers(0, c - 1))] = draw(st.floats(-2, 2, width=64))
        xs.append((x + offset).astype(dtype))
    return shape, dtype, xs


def make_pair(layer, c, dtype, device, **kw):
    ours = getattr(nn, layer)(c, dtype=dtype, **kw)
    theirs = getattr(torch.nn, layer)(c, dtype=TDTYPE[dtype], **kw).to(device)
    rng = np.random.default_rng(c)  # non-trivial γ, β copied into both
    for (name, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        p.array[...] = rng.uniform(0.5, 2.0, c) if name == "weight" else rng.uniform(-1, 1, c)
        with torch.no_grad():
            tp.copy_(torch.from_numpy(p.array.copy()))
    return ours, theirs


def step_both(ours, theirs, x, seed, device, dtype, name):
    xm = mt.tensor(x, requires_grad=True)
    xt = torch.tensor(x, device=device, requires_grad=True)
    ym, yt = ours(xm), theirs(xt)
    g = seeded_array(x.shape, seed, dtype=dtype)
    w = None if ours.weight is None else ours.weight.array
    b = None if ours.bias is None else ours.bias.array
    batch_stats = ours.training or not ours.track_running_stats
    fl = floors(x, g, w, b, ours.eps, dtype, None if batch_stats else ours.running_var.array)
    check(f"{name} output", ym, yt, dtype, fl["y"])
    ym.backward(mt.tensor(g))
    yt.backward(torch.tensor(g, device=device))
    check(f"{name} input grad", xm.grad, xt.grad, dtype, fl["dx"])
    for (pname, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        check(f"{name} {pname} grad", p.grad, tp.grad, dtype, fl["dw"])
    ours.zero_grad()
    theirs.zero_grad()


def check_buffers(ours, theirs, dtype, name, xs=()):
    """Buffers equal; the running mean's floor is the rounding of the means of ``xs`` (size |x|)."""
    ob, tb = dict(ours.named_buffers()), dict(theirs.named_buffers())
    assert list(ob) == list(tb), f"{name}: buffers {list(ob)} != torch's {list(tb)}"
    xs_max = max([float(np.max(np.abs(x))) for x in xs], default=0.0)
    for k in ob:
        if k == "num_batches_tracked":
            assert ob[k].dtype == np.int64 and int(ob[k].item()) == int(tb[k].item()), name
        else:
            check(f"{name} {k}", ob[k], tb[k], dtype, tol(dtype)["rtol"] * xs_max * (xs_max if k == "running_var" else 1))


@FIXTURES
@given(data=batches((4,)), momentum=st.sampled_from([0.1, 0.5, 1.0, None]), eps=st.sampled_from([1e-5, 1e-3, 0.5]),
       affine=st.booleans(), bias=st.booleans(), track=st.booleans(), seed=seeds)
def test_batchnorm2d_matches_torch(backend, device, data, momentum, eps, affine, bias, track, seed):
    shape, dtype, xs = data
    kw = dict(eps=eps, momentum=momentum, affine=affine, track_running_stats=track, bias=bias)
    ours, theirs = make_pair("BatchNorm2d", shape[1], dtype, device, **kw)
    for i, x in enumerate(xs):  # training steps: batch statistics, running statistics updated
        step_both(ours, theirs, x, seed + i, device, dtype, f"BatchNorm2d train step {i}")
        check_buffers(ours, theirs, dtype, f"BatchNorm2d after step {i}", xs)
    ours.eval()
    theirs.eval()
    step_both(ours, theirs, xs[0], seed + 99, device, dtype, "BatchNorm2d eval")
    check_buffers(ours, theirs, dtype, "BatchNorm2d after eval", xs)


@FIXTURES
@given(data=batches((2, 3)), momentum=st.sampled_from([0.1, None]), affine=st.booleans(), track=st.booleans(),
       seed=seeds)
def test_batchnorm1d_matches_torch(backend, device, data, momentum, affine, track, seed):
    shape, dtype, xs = data
    ours, theirs = make_pair("BatchNorm1d", shape[1], dtype, device, momentum=momentum, affine=affine,
                             track_running_stats=track)
    for i, x in enumerate(xs):
        step_both(ours, theirs, x, seed + i, device, dtype, f"BatchNorm1d train step {i}")
        check_buffers(ours, theirs, dtype, f"BatchNorm1d after step {i}", xs)
    ours.eval()
    theirs.eval()
    step_both(ours, theirs, xs[-1], seed + 7, device, dtype, "BatchNorm1d eval")


@FIXTURES
@given(data=batches((2, 3, 4)), training=st.booleans(), with_stats=st.booleans(), affine=st.booleans(),
       momentum=st.sampled_from([0.1, 0.9]), seed=seeds)
def test_functional_batch_norm_matches_torch(backend, data, training, with_stats, affine, momentum, seed):
    shape, dtype, xs = data
    c = shape[1]
    if not training:
        with_stats = True  # evaluation needs running statistics (both libraries raise otherwise)
    rng = np.random.default_rng(seed)
    rm, rv = rng.normal(size=c).astype(dtype), rng.uniform(0.5, 2, c).astype(dtype)
    w, b = rng.normal(size=c).astype(dtype), rng.normal(size=c).astype(dtype)
    stats_m = (mt.tensor(rm.copy()), mt.tensor(rv.copy())) if with_stats else (None, None)
    stats_t = (torch.tensor(rm.copy()), torch.tensor(rv.copy())) if with_stats else (None, None)
    wm = (mt.tensor(w, requires_grad=True), mt.tensor(b, requires_grad=True)) if affine else (None, None)
    wt = (torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True)) if affine else (None, None)
    xm, xt = mt.tensor(xs[0], requires_grad=True), torch.tensor(xs[0], requires_grad=True)
    ym = F.batch_norm(xm, *stats_m, *wm, training=training, momentum=momentum)
    yt = torch.nn.functional.batch_norm(xt, *stats_t, *wt, training=training, momentum=momentum)
    g = seeded_array(shape, seed, dtype=dtype)
    fl = floors(xs[0], g, w if affine else None, b if affine else None, 1e-5, dtype, None if training else rv)
    check("batch_norm output", ym, yt, dtype, fl["y"])
    ym.backward(mt.tensor(g))
    yt.backward(torch.tensor(g))
    check("batch_norm input grad", xm.grad, xt.grad, dtype, fl["dx"])
    if affine:
        check("batch_norm weight grad", wm[0].grad, wt[0].grad, dtype, fl["dw"])
        check("batch_norm bias grad", wm[1].grad, wt[1].grad, dtype, fl["dw"])
    if with_stats:
        xmax = float(np.max(np.abs(xs[0])))
        check("batch_norm running_mean", stats_m[0], stats_t[0], dtype, tol(dtype)["rtol"] * xmax)
        check("batch_norm running_var", stats_m[1], stats_t[1], dtype, tol(dtype)["rtol"] * xmax * xmax)


def test_running_stats_updated_under_no_grad():
    """A forward in train() mode under no_grad (no graph) still updates the running statistics."""
    x = np.random.default_rng(0).normal(size=(5, 3, 2, 2))
    ours, theirs = nn.BatchNorm2d(3, dtype=np.float64), torch.nn.BatchNorm2d(3, dtype=torch.float64)
    with mt.no_grad():
        ours(mt.tensor(x))
    with torch.no_grad():
        theirs(torch.tensor(x))
    check_buffers(ours, theirs, np.float64, "no_grad step")


# ---------------------------------------------------------------------------------------------
# the kernels: NumPy version vs Numba twin
# ---------------------------------------------------------------------------------------------
@given(shape=st.tuples(st.integers(1, 5), st.integers(1, 4), st.integers(1, 9)), dtype=st.sampled_from([np.float64, np.float32]),
       seed=seeds, offset=st.sampled_from([0.0, 50.0]))
def test_batchnorm_kernels_numba_equals_numpy(shape, dtype, seed, offset):
    if shape[0] * shape[2] < 2:
        shape = (2,) + shape[1:]
    rng = np.random.default_rng(seed)
    x = (rng.normal(size=shape) + offset).astype(dtype)
    w, b = rng.normal(size=shape[1]).astype(dtype), rng.normal(size=shape[1]).astype(dtype)
    g = rng.normal(size=shape).astype(dtype)
    t = dict(rtol=1e-10, atol=1e-10) if dtype == np.float64 else dict(rtol=1e-4, atol=1e-4)
    fwd_np, fwd_nb = K.batch_norm_forward(x, w, b, 1e-5), K.batch_norm_forward_numba(x, w, b, 1e-5)
    for name, a, c in zip(("y", "xhat", "mean", "var", "invstd"), fwd_np, fwd_nb):
        assert a.dtype == c.dtype == dtype, name
        np.testing.assert_allclose(c, a, **t, err_msg=name)
    xhat, invstd = fwd_np[1], fwd_np[4]
    for name, a, c in zip(("dx", "dgamma", "dbeta"), K.batch_norm_backward(g, xhat, w, invstd),
                          K.batch_norm_backward_numba(g, xhat, w, invstd)):
        assert a.dtype == c.dtype == dtype, name
        np.testing.assert_allclose(c, a, **t, err_msg=name)


def test_batchnorm_kernels_check_shapes():
    x = np.zeros((2, 3, 4))
    with pytest.raises(ValueError, match=r"expected weight and bias of shape \(3,\)"):
        K.batch_norm_forward_numba(x, np.ones(2), np.zeros(3), 1e-5)
    with pytest.raises(ValueError, match=r"expected x of shape \(N, C, L\)"):
        K.batch_norm_forward(x[0], np.ones(3), np.zeros(3), 1e-5)


# ---------------------------------------------------------------------------------------------
# buffers, state_dict, dtype conversion
# ---------------------------------------------------------------------------------------------
def small_pair():
    mt.manual_seed(0)
    ours = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3),
                         nn.BatchNorm1d(3, affine=False))
    theirs = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.ReLU(),
                                 torch.nn.Flatten(), torch.nn.Linear(8, 3), torch.nn.BatchNorm1d(3, affine=False))
    return ours, theirs


def test_state_dict_keys_and_round_trip_with_torch():
    ours, theirs = small_pair()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    x = np.random.default_rng(1).normal(size=(4, 1, 4, 4)).astype(np.float32)
    ours(mt.tensor(x))  # a training step moves the running statistics and num_batches_tracked
    ours(mt.tensor(x * 2))
    sd = ours.state_dict()
    assert sd["1.num_batches_tracked"].dtype == np.int64 and int(sd["1.num_batches_tracked"]) == 2
    theirs.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in sd.items()})
    ours.eval()
    theirs.eval()
    with torch.no_grad():
        check("eval output after loading our state_dict into torch", ours(mt.tensor(x)), theirs(torch.tensor(x)),
              np.float32)
    # and back: torch's state into a fresh model of ours
    fresh, _ = small_pair()
    fresh.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    fresh.eval()
    check("eval output after loading torch's state_dict", fresh(mt.tensor(x)), theirs(torch.tensor(x)), np.float32)


def test_register_buffer_persistent_and_named_buffers():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("kept", mt.zeros(2))
            self.register_buffer("scratch", mt.ones(3), persistent=False)
            self.register_buffer("empty", None)
            self.lin = nn.Linear(2, 2)

    class T(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("kept", torch.zeros(2))
            self.register_buffer("scratch", torch.ones(3), persistent=False)
            self.register_buffer("empty", None)
            self.lin = torch.nn.Linear(2, 2)

    m, t = M(), T()
    assert [n for n, _ in m.named_buffers()] == [n for n, _ in t.named_buffers()] == ["kept", "scratch"]
    assert len(list(m.buffers())) == 2
    assert list(m.state_dict()) == list(t.state_dict()) == ["kept", "lin.weight", "lin.bias"]
    assert [n for n, _ in m.named_parameters()] == ["lin.weight", "lin.bias"]  # buffers are not parameters
    m.kept = mt.ones(2)  # assigning a tensor to a buffer's name replaces the buffer
    assert "kept" in dict(m.named_buffers()) and float(m.kept.sum().item()) == 2.0
    with pytest.raises(TypeError, match="cannot assign 'int' object to buffer 'kept'"):
        m.kept = 3
    with pytest.raises(KeyError, match="attribute 'lin' already exists"):
        m.register_buffer("lin", mt.zeros(1))
    with pytest.raises(KeyError, match=r'contain "\."'):
        m.register_buffer("a.b", mt.zeros(1))
    with pytest.raises(TypeError, match="cannot assign 'list' object to buffer 'x'"):
        m.register_buffer("x", [1.0])


def test_to_dtype_converts_float_buffers_only():
    bn = nn.BatchNorm2d(3).double()
    tb = torch.nn.BatchNorm2d(3).double()
    for name, b in bn.named_buffers():
        assert b.dtype == dict(tb.named_buffers())[name].numpy().dtype, name
    assert bn.running_mean.dtype == np.float64 and bn.num_batches_tracked.dtype == np.int64


# ---------------------------------------------------------------------------------------------
# errors and repr
# ---------------------------------------------------------------------------------------------
def torch_message(fn) -> str:
    with pytest.raises(Exception) as info:
        fn()
    return str(info.value)


@pytest.mark.parametrize("layer,shape", [("BatchNorm2d", (2, 3, 4)), ("BatchNorm2d", (2, 3)),
                                         ("BatchNorm1d", (2, 3, 4, 4)), ("BatchNorm1d", (3,))])
def test_wrong_rank_raises_torchs_value_error(layer, shape):
    expected = torch_message(lambda: getattr(torch.nn, layer)(3)(torch.zeros(shape)))
    with pytest.raises(ValueError) as info:
        getattr(nn, layer)(3)(mt.zeros(*shape))
    assert str(info.value) == expected


def test_one_value_per_channel_in_training_raises_like_torch():
    expected = torch_message(lambda: torch.nn.BatchNorm1d(3)(torch.zeros(1, 3)))
    with pytest.raises(ValueError) as info:
        nn.BatchNorm1d(3)(mt.zeros(1, 3))
    assert str(info.value) == expected.replace("torch.Size([1, 3])", "(1, 3)")
    nn.BatchNorm1d(3).eval()(mt.zeros(1, 3))  # evaluation uses the running statistics: fine


def test_wrong_channels_and_bad_arguments():
    with pytest.raises(RuntimeError, match=r"BatchNorm2d\(3\): expected input with 3 channels \(dimension 1\), got \(2, 4, 5, 5\)"):
        nn.BatchNorm2d(3)(mt.zeros(2, 4, 5, 5))
    with pytest.raises(RuntimeError):  # torch raises too
        torch.nn.BatchNorm2d(3)(torch.zeros(2, 4, 5, 5))
    with pytest.raises(TypeError, match=r"BatchNorm2d\(1.5\): expected num_features to be an int"):
        nn.BatchNorm2d(1.5)
    for lib in (mt, torch):  # torch's types: RuntimeError for both
        with pytest.raises(RuntimeError, match="running_mean must be defined in evaluation mode"):
            lib.nn.functional.batch_norm(lib.zeros(2, 3), None, None, training=False)
        with pytest.raises(RuntimeError, match="mixed dtype"):
            lib.nn.functional.batch_norm(lib.zeros(2, 3), None, None, weight=lib.ones(3, dtype=lib.float64), training=True)
    with pytest.raises(RuntimeError, match="dtype float64 differs from the input's float32"):
        F.batch_norm(mt.zeros(2, 3), None, None, weight=mt.ones(3, dtype=mt.float64), training=True)


def test_repr_matches_torch():
    for expr in ["BatchNorm2d(16)", "BatchNorm1d(4, eps=0.001, momentum=None, affine=False)",
                 "BatchNorm2d(8, track_running_stats=False)", "BatchNorm2d(3, bias=False)"]:
        assert repr(eval(f"nn.{expr}")) == repr(eval(f"torch.nn.{expr}"))
