"""Losses and (log-)softmax against torch: value and the gradient of the input (and of a
probability target), for drawn shapes, reductions, class weights, ignore_index and label smoothing."""
from __future__ import annotations

import warnings

import numpy as np
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minitorch_cnn as mt
import minitorch_cnn.nn.functional as F
from minitorch_cnn import nn

from conftest import tol
from test_layers import record_error
from strategies import seeded_array, seeds

FIXTURES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])
dtypes = st.sampled_from([np.float64, np.float32])
reductions = st.sampled_from(["none", "mean", "sum"])


def to_torch(a, device, requires_grad=False):
    return torch.tensor(np.array(a), device=device, requires_grad=requires_grad)


def check(name, ours, theirs, dtype):
    ours = ours.array if isinstance(ours, mt.Tensor) else np.asarray(ours)
    theirs = theirs.detach().cpu().numpy()
    assert ours.shape == theirs.shape, f"{name}: shape {ours.shape} != torch's {theirs.shape}"
    assert ours.dtype == theirs.dtype, f"{name}: dtype {ours.dtype} != torch's {theirs.dtype}"
    record_error(name, ours, theirs)
    np.testing.assert_allclose(ours, theirs, **tol(dtype), err_msg=name)


def backward_both(lm, lt, seed, dtype, device):
    g = np.array(seeded_array(tuple(lm.shape), seed + 7, dtype=dtype))
    lm.backward(mt.tensor(g))
    lt.backward(to_torch(g, device))


# ---------------------------------------------------------------------------------------------
# cross-entropy
# ---------------------------------------------------------------------------------------------
@st.composite
def ce_cases(draw):
    c = draw(st.integers(1, 6))
    layout = draw(st.sampled_from(["NC", "C", "NCd", "NCdd"]))
    n = draw(st.integers(1, 5))
    extra = {"NC": (), "C": None, "NCd": (draw(st.integers(1, 3)),),
             "NCdd": (draw(st.integers(1, 3)), draw(st.integers(1, 3)))}[layout]
    shape = (c,) if extra is None else (n, c) + extra
    return dict(shape=shape, c=c,
                probs=draw(st.booleans()),
                weighted=draw(st.booleans()),
                ignore=draw(st.booleans()),
                reduction=draw(reductions),
                smoothing=draw(st.sampled_from([0.0, 0.0, 0.1, 0.35, 1.0])),
                module=draw(st.booleans()))


@FIXTURES
@given(case=ce_cases(), dtype=dtypes, seed=seeds)
def test_cross_entropy_matches_torch(device, case, dtype, seed):
    rng = np.random.default_rng(seed)
    shape, c = case["shape"], case["c"]
    x = np.array(seeded_array(shape, seed, dtype=dtype, scale=3.0))
    tshape = shape[:1] + shape[2:] if len(shape) > 1 else ()
    if case["probs"]:
        p = rng.random(shape) + 0.01
        target = (p / p.sum(axis=1 if len(shape) > 1 else 0, keepdims=True)).astype(dtype)
    else:
        target = np.array(rng.integers(0, c, tshape), dtype=np.int64)
        if case["ignore"] and target.size > 1:
            target.flat[0] = -100  # one ignored position (keep at least one counted)
    weight = (rng.random(c) + 0.5).astype(dtype) if case["weighted"] else None
    kwargs = dict(reduction=case["reduction"], label_smoothing=case["smoothing"])
    probs = case["probs"]
    xm = mt.tensor(x, requires_grad=True)
    tm = mt.tensor(target, requires_grad=probs)
    wm = None if weight is None else mt.tensor(weight)
    xt = to_torch(x, device, True)
    tt = to_torch(target, device, probs)
    wt = None if weight is None else to_torch(weight, device)
    if case["module"]:
        lm = nn.CrossEntropyLoss(weight=wm, **kwargs)(xm, tm)
        lt = torch.nn.CrossEntropyLoss(weight=wt, **kwargs)(xt, tt)
    else:
        lm = F.cross_entropy(xm, tm, weight=wm, **kwargs)
        lt = torch.nn.functional.cross_entropy(xt, tt, weight=wt, **kwargs)
    check("cross_entropy value", lm, lt, dtype)
    backward_both(lm, lt, seed, dtype, device)
    check("cross_entropy input grad", xm.grad, xt.grad, dtype)
    if probs:
        check("cross_entropy target grad", tm.grad, tt.grad, dtype)


def test_cross_entropy_is_stable_for_huge_logits(device):
    x = np.array([[1e4, -1e4, 0.0], [800.0, 800.0, -800.0]])
    y = np.array([1, 2])
    xm = mt.tensor(x, requires_grad=True)
    xt = to_torch(x, device, True)
    lm, lt = F.cross_entropy(xm, mt.tensor(y)), torch.nn.functional.cross_entropy(xt, to_torch(y, device))
    assert np.isfinite(lm.item())
    check("huge-logit loss", lm, lt, np.float64)
    lm.backward()
    lt.backward()
    check("huge-logit grad", xm.grad, xt.grad, np.float64)


def test_cross_entropy_all_ignored_gives_nan_like_torch():
    x = seeded_array((3, 4), 1)
    y = np.full(3, -100)
    lm = F.cross_entropy(mt.tensor(x), mt.tensor(y))
    lt = torch.nn.functional.cross_entropy(torch.from_numpy(x), torch.from_numpy(y))
    assert np.isnan(lm.item()) and torch.isnan(lt)


@FIXTURES
@given(case=ce_cases(), dtype=dtypes, seed=seeds)
def test_nll_loss_matches_torch(device, case, dtype, seed):
    rng = np.random.default_rng(seed)
    shape, c = case["shape"], case["c"]
    x = np.array(seeded_array(shape, seed, dtype=dtype))
    tshape = shape[:1] + shape[2:] if len(shape) > 1 else ()
    target = np.array(rng.integers(0, c, tshape), dtype=np.int64)
    if case["ignore"] and target.size > 1:
        target.flat[-1] = 3 if c == 3 else -100
    ignore_index = 3 if c == 3 else -100
    weight = (rng.random(c) + 0.5).astype(dtype) if case["weighted"] else None
    xm, xt = mt.tensor(x, requires_grad=True), to_torch(x, device, True)
    lm = F.nll_loss(xm, mt.tensor(target), weight=None if weight is None else mt.tensor(weight),
                    ignore_index=ignore_index, reduction=case["reduction"])
    lt = torch.nn.functional.nll_loss(xt, to_torch(target, device), weight=None if weight is None else to_torch(weight, device),
                                      ignore_index=ignore_index, reduction=case["reduction"])
    check("nll_loss value", lm, lt, dtype)
    backward_both(lm, lt, seed, dtype, device)
    check("nll_loss input grad", xm.grad, xt.grad, dtype)


# ---------------------------------------------------------------------------------------------
# MSE
# ---------------------------------------------------------------------------------------------
@FIXTURES
@given(shape=st.lists(st.integers(1, 5), max_size=4), reduction=reductions, dtype=dtypes, seed=seeds,
       module=st.booleans())
def test_mse_loss_matches_torch(device, shape, reduction, dtype, seed, module):
    x = np.array(seeded_array(tuple(shape), seed, dtype=dtype))
    t = np.array(seeded_array(tuple(shape), seed + 1, dtype=dtype))
    xm, tm = mt.tensor(x, requires_grad=True), mt.tensor(t, requires_grad=True)
    xt, tt = to_torch(x, device, True), to_torch(t, device, True)
    if module:
        lm, lt = nn.MSELoss(reduction=reduction)(xm, tm), torch.nn.MSELoss(reduction=reduction)(xt, tt)
    else:
        lm, lt = F.mse_loss(xm, tm, reduction=reduction), torch.nn.functional.mse_loss(xt, tt, reduction=reduction)
    check("mse_loss value", lm, lt, dtype)
    backward_both(lm, lt, seed, dtype, device)
    check("mse_loss input grad", xm.grad, xt.grad, dtype)
    check("mse_loss target grad", tm.grad, tt.grad, dtype)


def test_mse_loss_promotes_dtypes_like_torch():
    x, t = seeded_array((4,), 0, np.float32), seeded_array((4,), 1, np.float64)
    lm = F.mse_loss(mt.tensor(x), mt.tensor(t))
    lt = torch.nn.functional.mse_loss(torch.from_numpy(x), torch.from_numpy(t))
    check("mixed-dtype mse", lm, lt, np.float32)


# ---------------------------------------------------------------------------------------------
# softmax / log_softmax
# ---------------------------------------------------------------------------------------------
@FIXTURES
@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=4), data=st.data(), dtype=dtypes, seed=seeds,
       log=st.booleans(), scale=st.sampled_from([1.0, 30.0, 300.0]))
def test_softmax_and_log_softmax_match_torch(device, shape, data, dtype, seed, log, scale):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    x = np.array(seeded_array(tuple(shape), seed, dtype=dtype, scale=scale))
    xm, xt = mt.tensor(x, requires_grad=True), to_torch(x, device, True)
    if log:
        ym, yt = F.log_softmax(xm, dim), torch.nn.functional.log_softmax(xt, dim)
    else:
        ym, yt = F.softmax(xm, dim), torch.nn.functional.softmax(xt, dim)
    assert np.all(np.isfinite(ym.array)), "(log-)softmax overflowed"
    label = "log_softmax" if log else "softmax"
    check(f"{label} value", ym, yt, dtype)
    backward_both(ym, yt, seed, dtype, device)
    check(f"{label} input grad", xm.grad, xt.grad, dtype)


def test_softmax_implicit_dim_matches_torch():
    x = seeded_array((2, 3, 4), 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check("implicit-dim softmax", F.softmax(mt.tensor(x)), torch.nn.functional.softmax(torch.from_numpy(x)), np.float64)
    assert np.allclose(mt.tensor(x).softmax(1).array, torch.from_numpy(x).softmax(1).numpy(), rtol=1e-12)
