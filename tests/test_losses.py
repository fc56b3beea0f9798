"""Losses and (log-)softmax against torch: value and the gradient of the input (and of a
probability target), for drawn shapes, reductions, class weights, ignore_index and label smoothing.

Hypothesis draws the logits, targets, class weights and upstream gradients themselves
(``strategies.values``: ties, ±0, ±inf, NaN, subnormals, huge and tiny magnitudes); torch decides
what is right. ``@example`` rows pin the edges planted bugs slipped through: label smoothing over
class weights, and smoothing on ignored rows (each under both kernel backends)."""
from __future__ import annotations

import warnings

import numpy as np
import torch
from hypothesis import HealthCheck, example, given, settings
from hypothesis.extra import numpy as hnp
from hypothesis import strategies as st

import minitorch_cnn as mt
import minitorch_cnn.nn.functional as F
from minitorch_cnn import nn

from conftest import tol
from test_layers import check
from strategies import seeded_array, seeds, values

FIXTURES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])
dtypes = st.sampled_from([np.float64, np.float32])
reductions = st.sampled_from(["none", "mean", "sum"])


def to_torch(a, device, requires_grad=False):
    return torch.tensor(np.array(a), device=device, requires_grad=requires_grad)


def backward_both(lm, lt, data, dtype, device):
    """Backward a drawn upstream gradient. Kept within float32's range: torch's nll_loss backward rounds
    a float64 upstream gradient through float32 (g = 1.4e45 gives −inf there), which we do not copy."""
    g = data.draw(values(tuple(lm.shape), dtype, huge=False), label="upstream gradient")
    lm.backward(mt.tensor(g))
    lt.backward(to_torch(g, device))


# ---------------------------------------------------------------------------------------------
# cross-entropy
# ---------------------------------------------------------------------------------------------
@st.composite
def ce_cases(draw):
    """Arguments of one cross-entropy call, with the arrays drawn: logits x, target (class indices,
    some ``-100`` = ignored, or probabilities), class weights (0 among them), options."""
    c = draw(st.integers(1, 6))
    layout = draw(st.sampled_from(["NC", "C", "NCd", "NCdd"]))
    n = draw(st.integers(1, 5))
    extra = {"NC": (), "C": None, "NCd": (draw(st.integers(1, 3)),),
             "NCdd": (draw(st.integers(1, 3)), draw(st.integers(1, 3)))}[layout]
    shape = (c,) if extra is None else (n, c) + extra
    dtype = draw(dtypes)
    tshape = shape[:1] + shape[2:] if len(shape) > 1 else ()
    probs = draw(st.booleans())
    x = draw(values(shape, dtype), label="logits")
    if probs:  # a probability target: non-negative drawn values (ties, zeros), normalised over classes
        p = np.abs(draw(values(shape, dtype, nonfinite=False, scaled=False, lo=0.0, hi=2.0), label="target"))
        total = p.sum(axis=1 if len(shape) > 1 else 0, keepdims=True)
        target = np.where(total > 0, p / np.where(total > 0, total, 1), np.asarray(1.0 / c)).astype(dtype)
    else:
        target = draw(hnp.arrays(np.int64, tshape, elements=st.sampled_from([-100] + list(range(c)))),
                      label="target")
    weight = None
    if draw(st.booleans()):
        weight = draw(hnp.arrays(dtype, (c,), elements=st.sampled_from([0.0, 0.5, 1.0, 2.0]) |
                                 st.floats(0.0, 3.0, width=32 if dtype == np.float32 else 64)), label="weight")
    return dict(x=x, target=target, weight=weight, probs=probs, reduction=draw(reductions),
                smoothing=draw(st.sampled_from([0.0, 0.0, 0.1, 0.35, 1.0])), module=draw(st.booleans()))


def _ce_pin(weight, target, smoothing, reduction="sum"):
    """A fixed cross-entropy case (float64, 3 classes) for an ``@example`` row."""
    x = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0], [2.0, 2.0, -0.5]])
    return dict(x=x, target=np.array(target, dtype=np.int64), weight=None if weight is None else np.array(weight),
                probs=False, reduction=reduction, smoothing=smoothing, module=False)


@FIXTURES
@given(case=ce_cases(), data=st.data())
# label smoothing spreads ε/C over the classes weighted by w_c (dropping w there is a bug)
@example(case=_ce_pin([0.2, 1.0, 3.0], [0, 1, 2], 0.3), data=None)
@example(case=_ce_pin([0.2, 1.0, 3.0], [0, 1, 2], 0.3, reduction="mean"), data=None)
# ... and an ignored row gets no smoothing term either (nor a share of the mean's denominator)
@example(case=_ce_pin(None, [0, -100, 2], 0.3), data=None)
@example(case=_ce_pin([0.2, 1.0, 3.0], [-100, 1, 2], 0.3, reduction="mean"), data=None)
# reduction='none' mixes each row's NLL and smoothing term itself (seed-12 survivor: (1 − ε) → (0 − ε))
@example(case=_ce_pin(None, [0, 1, 2], 0.3, reduction="none"), data=None)
def test_cross_entropy_matches_torch(backend, device, case, data):
    x, target, weight, probs = case["x"], case["target"], case["weight"], case["probs"]
    dtype = x.dtype.type
    kwargs = dict(reduction=case["reduction"], label_smoothing=case["smoothing"])
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
    if data is None:  # an @example row: a fixed upstream gradient
        g = np.linspace(-1.0, 2.0, max(lm.array.size, 1)).reshape(lm.shape).astype(dtype)
        lm.backward(mt.tensor(g))
        lt.backward(to_torch(g, device))
    else:
        backward_both(lm, lt, data, dtype, device)
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
@given(case=ce_cases(), data=st.data())
def test_nll_loss_matches_torch(device, case, data):
    x, target, weight = case["x"], case["target"], case["weight"]
    dtype = x.dtype.type
    if case["probs"]:  # nll_loss takes class indices only
        c = x.shape[1] if x.ndim > 1 else x.shape[0]
        target = data.draw(hnp.arrays(np.int64, x.shape[:1] + x.shape[2:] if x.ndim > 1 else (),
                                      elements=st.integers(0, c - 1)), label="target")
    ignore_index = data.draw(st.sampled_from([-100, 0, 2]), label="ignore_index")
    target = np.where(target == -100, ignore_index, target)  # the drawn ignored positions
    xm, xt = mt.tensor(x, requires_grad=True), to_torch(x, device, True)
    lm = F.nll_loss(xm, mt.tensor(target), weight=None if weight is None else mt.tensor(weight),
                    ignore_index=ignore_index, reduction=case["reduction"])
    lt = torch.nn.functional.nll_loss(xt, to_torch(target, device), weight=None if weight is None else to_torch(weight, device),
                                      ignore_index=ignore_index, reduction=case["reduction"])
    check("nll_loss value", lm, lt, dtype)
    backward_both(lm, lt, data, dtype, device)
    check("nll_loss input grad", xm.grad, xt.grad, dtype)


# ---------------------------------------------------------------------------------------------
# MSE
# ---------------------------------------------------------------------------------------------
@FIXTURES
@given(shape=st.lists(st.integers(1, 5), max_size=4), reduction=reductions, dtype=dtypes, data=st.data(),
       module=st.booleans())
def test_mse_loss_matches_torch(device, shape, reduction, dtype, data, module):
    x = data.draw(values(tuple(shape), dtype), label="input")
    t = data.draw(values(tuple(shape), dtype), label="target")
    xm, tm = mt.tensor(x, requires_grad=True), mt.tensor(t, requires_grad=True)
    xt, tt = to_torch(x, device, True), to_torch(t, device, True)
    if module:
        lm, lt = nn.MSELoss(reduction=reduction)(xm, tm), torch.nn.MSELoss(reduction=reduction)(xt, tt)
    else:
        lm, lt = F.mse_loss(xm, tm, reduction=reduction), torch.nn.functional.mse_loss(xt, tt, reduction=reduction)
    check("mse_loss value", lm, lt, dtype)
    backward_both(lm, lt, data, dtype, device)
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
@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=4), data=st.data(), dtype=dtypes,
       log=st.booleans(), scale=st.sampled_from([1.0, 30.0, 300.0]))
def test_softmax_and_log_softmax_match_torch(device, shape, data, dtype, log, scale):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    x = (data.draw(values(tuple(shape), dtype, nonfinite=False, scaled=False), label="x") * dtype(scale)).astype(dtype)
    xm, xt = mt.tensor(x, requires_grad=True), to_torch(x, device, True)
    if log:
        ym, yt = F.log_softmax(xm, dim), torch.nn.functional.log_softmax(xt, dim)
    else:
        ym, yt = F.softmax(xm, dim), torch.nn.functional.softmax(xt, dim)
    assert np.all(np.isfinite(ym.array)), "(log-)softmax overflowed"
    label = "log_softmax" if log else "softmax"
    check(f"{label} value", ym, yt, dtype)
    backward_both(ym, yt, data, dtype, device)
    check(f"{label} input grad", xm.grad, xt.grad, dtype)


def test_softmax_implicit_dim_matches_torch():
    x = seeded_array((2, 3, 4), 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check("implicit-dim softmax", F.softmax(mt.tensor(x)), torch.nn.functional.softmax(torch.from_numpy(x)), np.float64)
    assert np.allclose(mt.tensor(x).softmax(1).array, torch.from_numpy(x).softmax(1).numpy(), rtol=1e-12)
