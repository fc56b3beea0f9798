"""LeakyReLU, ELU, GELU, SiLU; L1Loss, SmoothL1Loss, HuberLoss; AvgPool2d, AdaptiveAvgPool2d —
against torch: forward and every gradient, module and functional forms, errors and reprs.

Hypothesis draws the values themselves (zeros of both signs, exact kinks such as d = ±β, ±inf,
NaN, large magnitudes) together with shapes and hyperparameters; torch decides what is right.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minitorch_cnn as mt
import minitorch_cnn.nn.functional as F
from minitorch_cnn import nn
from minitorch_cnn.kernels.pool import pool_output_size

from conftest import tol
from strategies import seeded_array, seeds

DTYPES = st.sampled_from([np.float64, np.float32])
SPECIAL = st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, np.inf, -np.inf, np.nan, 30.0, -30.0, 1e-8])


def values(allow_special: bool = True):
    finite = st.floats(-50, 50, allow_nan=False, width=64)
    return (finite | SPECIAL) if allow_special else finite


def draw_array(data, shape, allow_special=True):
    return data.draw(hnp.arrays(np.float64, tuple(shape), elements=values(allow_special)))


def check(name, ours, theirs, dtype):
    ours = ours.array if isinstance(ours, mt.Tensor) else np.asarray(ours)
    theirs = theirs.detach().cpu().numpy()
    assert ours.shape == theirs.shape, f"{name}: shape {ours.shape} != torch's {theirs.shape}"
    assert ours.dtype == theirs.dtype, f"{name}: dtype {ours.dtype} != torch's {theirs.dtype}"
    np.testing.assert_allclose(ours, theirs, **tol(dtype), err_msg=name)  # NaN must match NaN


def both(x, dtype, requires_grad=True):
    return mt.tensor(x.astype(dtype), requires_grad=requires_grad), torch.tensor(x.astype(dtype), requires_grad=requires_grad)


# ---------------------------------------------------------------------------------------------
# activations
# ---------------------------------------------------------------------------------------------
ACTIVATIONS = [
    ("LeakyReLU", lambda: {"negative_slope": st.sampled_from([0.01, 0.2, 0.0, -0.5, 1.5])}),
    ("ELU", lambda: {"alpha": st.sampled_from([1.0, 0.3, 2.5, 0.0])}),
    ("GELU", lambda: {"approximate": st.sampled_from(["none", "tanh"])}),
    ("SiLU", lambda: {}),
]


@pytest.mark.parametrize("name,kwargs", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
@given(data=st.data(), dtype=DTYPES, shape=st.lists(st.integers(1, 5), min_size=0, max_size=3), seed=seeds,
       functional=st.booleans())
def test_activation_matches_torch(name, kwargs, data, dtype, shape, seed, functional):
    kw = {k: data.draw(v) for k, v in kwargs().items()}
    x = draw_array(data, shape)
    xm, xt = both(x, dtype)
    if functional:
        fname = {"LeakyReLU": "leaky_relu", "ELU": "elu", "GELU": "gelu", "SiLU": "silu"}[name]
        ym, yt = getattr(F, fname)(xm, **kw), getattr(torch.nn.functional, fname)(xt, **kw)
    else:
        ym, yt = getattr(nn, name)(**kw)(xm), getattr(torch.nn, name)(**kw)(xt)
    check(f"{name} output", ym, yt, dtype)
    g = seeded_array(tuple(shape), seed, dtype=dtype)
    ym.backward(mt.tensor(g))
    yt.backward(torch.tensor(g))
    if name == "ELU":
        # torch's ELU gradient at a NaN input depends on the element's SIMD lane (its vectorised loop
        # gives NaN, the scalar tail gives dy: try elu on [nan]*8 + [1.] vs [nan, 1.]), so there is no
        # torch answer to match; compare the gradient everywhere else
        keep = ~np.isnan(x)
        xm_grad, xt_grad = xm.grad.array[keep], xt.grad.detach().numpy()[keep]
        np.testing.assert_allclose(xm_grad, xt_grad, **tol(dtype), err_msg="ELU input grad")
        return
    check(f"{name} input grad", xm.grad, xt.grad, dtype)


def test_activation_reprs_and_errors():
    for expr in ["LeakyReLU()", "LeakyReLU(0.2, True)", "ELU()", "ELU(alpha=0.5, inplace=True)", "GELU()",
                 "GELU('tanh')", "SiLU()", "SiLU(inplace=True)"]:
        assert repr(eval(f"nn.{expr}")) == repr(eval(f"torch.nn.{expr}"))
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh"):
        F.gelu(mt.ones(2), approximate="fast")
    with pytest.raises(RuntimeError):
        torch.nn.functional.gelu(torch.ones(2), approximate="fast")
    with pytest.raises(TypeError, match="leaky_relu: expected input to be a Tensor, got list"):
        F.leaky_relu([1.0])


# ---------------------------------------------------------------------------------------------
# losses
# ---------------------------------------------------------------------------------------------
@given(data=st.data(), dtype=DTYPES, shape=st.lists(st.integers(1, 4), min_size=0, max_size=3),
       reduction=st.sampled_from(["mean", "sum", "none"]), kind=st.sampled_from(["l1", "smooth", "huber"]),
       param=st.sampled_from([1.0, 0.5, 2.0, 0.0, 1e-3]), functional=st.booleans(), seed=seeds)
def test_regression_losses_match_torch(data, dtype, shape, reduction, kind, param, functional, seed):
    x = draw_array(data, shape)
    # targets at exact distances ±param and 0 from the input test the branch boundaries
    offset = data.draw(hnp.arrays(np.float64, tuple(shape), elements=st.sampled_from([0.0, param, -param, 0.25]) | values()))
    t = x - offset
    if kind == "huber" and param == 0.0:
        param = 1.0  # delta must be > 0 (tested below)
    xm, xt = both(x, dtype)
    tm, tt = both(t, dtype)
    if kind == "l1":
        ym = F.l1_loss(xm, tm, reduction=reduction) if functional else nn.L1Loss(reduction=reduction)(xm, tm)
        yt = torch.nn.functional.l1_loss(xt, tt, reduction=reduction)
    elif kind == "smooth":
        ym = (F.smooth_l1_loss(xm, tm, reduction=reduction, beta=param) if functional
              else nn.SmoothL1Loss(reduction=reduction, beta=param)(xm, tm))
        yt = torch.nn.functional.smooth_l1_loss(xt, tt, reduction=reduction, beta=param)
    else:
        ym = (F.huber_loss(xm, tm, reduction=reduction, delta=param) if functional
              else nn.HuberLoss(reduction=reduction, delta=param)(xm, tm))
        yt = torch.nn.functional.huber_loss(xt, tt, reduction=reduction, delta=param)
    check(f"{kind} loss", ym, yt, dtype)
    g = seeded_array(tuple(yt.shape), seed, dtype=dtype)
    ym.backward(mt.tensor(g))
    yt.backward(torch.tensor(g))
    check(f"{kind} input grad", xm.grad, xt.grad, dtype)
    check(f"{kind} target grad", tm.grad, tt.grad, dtype)


def test_weighted_l1_and_huber_match_torch():
    rng = np.random.default_rng(0)
    x, t, w = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.uniform(size=(3, 4))
    for fname in ("l1_loss", "huber_loss"):
        for reduction in ("mean", "sum", "none"):
            xm, xt = both(x, np.float64)
            ym = getattr(F, fname)(xm, mt.tensor(t), reduction=reduction, weight=mt.tensor(w))
            yt = getattr(torch.nn.functional, fname)(xt, torch.tensor(t), reduction=reduction, weight=torch.tensor(w))
            check(f"weighted {fname} {reduction}", ym, yt, np.float64)
            ym.sum().backward()
            yt.sum().backward()
            check(f"weighted {fname} {reduction} grad", xm.grad, xt.grad, np.float64)


def test_loss_errors_and_reprs():
    for expr in ["L1Loss()", "SmoothL1Loss(beta=0.5)", "HuberLoss(delta=2.0)", "L1Loss(reduction='sum')"]:
        assert repr(eval(f"nn.{expr}")) == repr(eval(f"torch.nn.{expr}"))
    a, b = mt.ones(3), mt.ones(3)
    with pytest.raises(RuntimeError, match="does not support negative values for beta"):
        F.smooth_l1_loss(a, b, beta=-1.0)
    with pytest.raises(RuntimeError, match="does not support non-positive values for delta"):
        F.huber_loss(a, b, delta=0.0)
    with pytest.raises(RuntimeError, match="does not support non-positive values for delta"):
        torch.nn.functional.huber_loss(torch.ones(3), torch.ones(3), delta=0.0)
    with pytest.raises(ValueError, match=r"L1Loss: input and target must have the same shape, got input \(3,\) and target \(3, 1\)"):
        F.l1_loss(a, mt.ones(3, 1))
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        nn.HuberLoss(reduction="avg")


# ---------------------------------------------------------------------------------------------
# average pooling
# ---------------------------------------------------------------------------------------------
@st.composite
def avg_configs(draw):
    k = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    s = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    p = (draw(st.integers(0, k[0] // 2)), draw(st.integers(0, k[1] // 2)))
    ceil = draw(st.booleans())
    h = draw(st.integers(max(1, k[0] - 2 * p[0]), 8))
    w = draw(st.integers(max(1, k[1] - 2 * p[1]), 8))
    if min(pool_output_size(h, k[0], s[0], p[0], 1, ceil), pool_output_size(w, k[1], s[1], p[1], 1, ceil)) < 1:
        h, w = k[0] + 2, k[1] + 2
    lead = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
    return dict(shape=lead + (h, w), kernel_size=k, stride=s, padding=p, ceil_mode=ceil,
                count_include_pad=draw(st.booleans()), divisor_override=draw(st.sampled_from([None, None, 1, 3])))


@given(cfg=avg_configs(), dtype=DTYPES, data=st.data(), seed=seeds, functional=st.booleans())
def test_avg_pool2d_matches_torch(cfg, dtype, data, seed, functional):
    shape = cfg.pop("shape")
    x = draw_array(data, shape, allow_special=data.draw(st.booleans()))
    xm, xt = both(x, dtype)
    if functional:
        ym, yt = F.avg_pool2d(xm, **cfg), torch.nn.functional.avg_pool2d(xt, **cfg)
    else:
        ym, yt = nn.AvgPool2d(**cfg)(xm), torch.nn.AvgPool2d(**cfg)(xt)
    check(f"avg_pool2d {cfg} output", ym, yt, dtype)
    g = seeded_array(tuple(yt.shape), seed, dtype=dtype)
    ym.backward(mt.tensor(g))
    yt.backward(torch.tensor(g))
    check(f"avg_pool2d {cfg} input grad", xm.grad, xt.grad, dtype)


@given(data=st.data(), dtype=DTYPES, seed=seeds, h=st.integers(1, 9), w=st.integers(1, 9),
       lead=st.lists(st.integers(1, 3), min_size=1, max_size=2), functional=st.booleans())
def test_adaptive_avg_pool2d_matches_torch(data, dtype, seed, h, w, lead, functional):
    oh = data.draw(st.integers(1, h + 2) | st.none())  # also larger than the input (windows repeat) and None
    ow = data.draw(st.integers(1, w + 2))
    size = data.draw(st.sampled_from([(oh, ow), ow]))
    if size == (None, ow) and data.draw(st.booleans()):
        size = 1  # the global average
    x = draw_array(data, tuple(lead) + (h, w), allow_special=data.draw(st.booleans()))
    xm, xt = both(x, dtype)
    if functional:
        ym, yt = F.adaptive_avg_pool2d(xm, size), torch.nn.functional.adaptive_avg_pool2d(xt, size)
    else:
        ym, yt = nn.AdaptiveAvgPool2d(size)(xm), torch.nn.AdaptiveAvgPool2d(size)(xt)
    check(f"adaptive_avg_pool2d {size} output", ym, yt, dtype)
    g = seeded_array(tuple(yt.shape), seed, dtype=dtype)
    ym.backward(mt.tensor(g))
    yt.backward(torch.tensor(g))
    check(f"adaptive_avg_pool2d {size} input grad", xm.grad, xt.grad, dtype)


def test_avg_pool_errors_and_reprs():
    for expr in ["AvgPool2d(2)", "AvgPool2d(3, 1, 1)", "AvgPool2d((2, 3), stride=(1, 2))", "AdaptiveAvgPool2d(1)",
                 "AdaptiveAvgPool2d((2, None))"]:
        assert repr(eval(f"nn.{expr}")) == repr(eval(f"torch.nn.{expr}"))
    x = mt.ones(1, 1, 4, 4)
    with pytest.raises(RuntimeError, match=r"padding should be at most half of the kernel size"):
        F.avg_pool2d(x, 2, padding=2)
    with pytest.raises(RuntimeError):
        torch.nn.functional.avg_pool2d(torch.ones(1, 1, 4, 4), 2, padding=2)
    with pytest.raises(RuntimeError, match="divisor must be not zero"):
        F.avg_pool2d(x, 2, divisor_override=0)
    with pytest.raises(ValueError, match=r"AvgPool2d: expected a 4-D input \(N, C, H, W\) or an unbatched 3-D input"):
        F.avg_pool2d(mt.ones(4, 4), 2)
    # output size 0 is an empty output (torch's, not an error); a size of another length is torch's RuntimeError
    assert tuple(F.adaptive_avg_pool2d(x, 0).shape) == tuple(torch.nn.functional.adaptive_avg_pool2d(
        torch.ones(1, 1, 4, 4), 0).shape) == (1, 1, 0, 0)
    with pytest.raises(RuntimeError, match="AdaptiveAvgPool2d: elements of output_size must be greater than or equal"):
        F.adaptive_avg_pool2d(x, -1)
    with pytest.raises(RuntimeError, match="output_size must be 2"):
        F.adaptive_avg_pool2d(x, (1, 2, 3))
    with pytest.raises(TypeError, match="expected output_size to be an int or a pair"):
        F.adaptive_avg_pool2d(x, 2.0)
