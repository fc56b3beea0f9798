"""Finite-difference gradient checks of the engine alone (no torch): every tensor op and every
layer and loss, in float64.

``grad_check`` compares each hand-written backward with central differences
``(f(x + εeₖ) − f(x − εeₖ)) / 2ε`` of the scalar ``Σ f(x)·r`` (r a fixed random weighting, so every
output element matters), element by element; its failure message names the op, the input, the
element, the received (autograd) and the expected (numerical) value.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import minitorch_cnn as mt
from minitorch_cnn.autograd.function import Function as EngineFunction
import minitorch_cnn.nn.functional as F

from strategies import seeds

FIXTURES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])
EPS = 1e-6


def grad_check(name: str, fn, *arrays: np.ndarray, seed: int = 0, rtol: float = 1e-5, atol: float = 1e-7) -> None:
    """Check ``fn(*tensors)``'s gradient w.r.t. every float input against central differences."""
    inputs = [mt.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*inputs)
    r = np.random.default_rng(seed).standard_normal(out.shape)
    (out * mt.tensor(r)).sum().backward()

    def objective(values):
        with mt.no_grad():
            return float(np.sum(fn(*[mt.tensor(v) for v in values]).array * r))

    for i, a in enumerate(arrays):
        received = inputs[i].grad
        assert received is not None, f"{name}: input {i} got no gradient"
        for k in np.ndindex(a.shape):
            plus = [v.copy() for v in arrays]
            minus = [v.copy() for v in arrays]
            plus[i][k] += EPS
            minus[i][k] -= EPS
            expected = (objective(plus) - objective(minus)) / (2 * EPS)
            got = received.array[k]
            assert abs(got - expected) <= atol + rtol * abs(expected), (
                f"{name}: d/d input {i} at index {k}: received {got!r}, expected {expected!r} (central difference)"
            )


def rnd(seed, *shape, positive=False, away_from=None):
    a = np.random.default_rng(seed).standard_normal(shape)
    if positive:
        a = np.abs(a) + 0.5
    if away_from is not None:  # keep values at least 0.1 from a kink (relu at 0)
        a = np.where(np.abs(a - away_from) < 0.1, a + 0.2, a)
    return a


def distinct(seed, *shape):
    """Values spaced ≥ 0.01 apart (a random permutation), so max/argmax have no near-ties."""
    n = int(np.prod(shape))
    return (np.random.default_rng(seed).permutation(n) * 0.37 - n * 0.18).reshape(shape)


# ---------------------------------------------------------------------------------------------
# tensor ops: (name, function of tensors, input builder from a seed)
# ---------------------------------------------------------------------------------------------
TENSOR_OPS = [
    ("add (broadcast)", lambda a, b: a + b, lambda s: (rnd(s, 3, 4), rnd(s + 1, 4))),
    ("sub (broadcast)", lambda a, b: a - b, lambda s: (rnd(s, 2, 1, 3), rnd(s + 1, 4, 1))),
    ("mul (broadcast)", lambda a, b: a * b, lambda s: (rnd(s, 3, 4), rnd(s + 1, 3, 1))),
    ("div", lambda a, b: a / b, lambda s: (rnd(s, 3, 4), rnd(s + 1, 3, 4, positive=True))),
    ("pow tensor**tensor", lambda a, b: a ** b, lambda s: (rnd(s, 3, 2, positive=True), rnd(s + 1, 3, 2))),
    ("pow tensor**3", lambda a: a ** 3, lambda s: (rnd(s, 5),)),
    ("rpow 2**tensor", lambda a: 2.0 ** a, lambda s: (rnd(s, 4),)),
    ("neg", lambda a: -a, lambda s: (rnd(s, 3),)),
    ("matmul 2-D", lambda a, b: a @ b, lambda s: (rnd(s, 3, 4), rnd(s + 1, 4, 2))),
    ("matmul 1-D @ 2-D", lambda a, b: a @ b, lambda s: (rnd(s, 4), rnd(s + 1, 4, 3))),
    ("matmul 2-D @ 1-D", lambda a, b: a @ b, lambda s: (rnd(s, 3, 4), rnd(s + 1, 4))),
    ("matmul 1-D @ 1-D", lambda a, b: a @ b, lambda s: (rnd(s, 5), rnd(s + 1, 5))),
    ("matmul batched (broadcast)", lambda a, b: a @ b, lambda s: (rnd(s, 2, 3, 4), rnd(s + 1, 4, 2))),
    ("matmul batched both", lambda a, b: a @ b, lambda s: (rnd(s, 2, 1, 3, 2), rnd(s + 1, 3, 2, 2))),
    ("exp", lambda a: a.exp(), lambda s: (rnd(s, 3, 3),)),
    ("log", lambda a: a.log(), lambda s: (rnd(s, 3, 3, positive=True),)),
    ("sqrt", lambda a: a.sqrt(), lambda s: (rnd(s, 4, positive=True),)),
    ("tanh", lambda a: a.tanh(), lambda s: (rnd(s, 2, 3),)),
    ("sigmoid", lambda a: a.sigmoid(), lambda s: (rnd(s, 2, 3) * 3,)),
    ("abs", lambda a: a.abs(), lambda s: (rnd(s, 6, away_from=0.0),)),
    ("sum all", lambda a: a.sum(), lambda s: (rnd(s, 3, 4),)),
    ("sum dim", lambda a: a.sum(1), lambda s: (rnd(s, 3, 4, 2),)),
    ("sum dims keepdim", lambda a: a.sum((0, 2), keepdim=True), lambda s: (rnd(s, 3, 4, 2),)),
    ("mean all", lambda a: a.mean(), lambda s: (rnd(s, 3, 4),)),
    ("mean dim", lambda a: a.mean(-1), lambda s: (rnd(s, 3, 4),)),
    ("mean dims keepdim", lambda a: a.mean((0, 1), keepdim=True), lambda s: (rnd(s, 2, 3, 2),)),
    ("max all", lambda a: a.max(), lambda s: (distinct(s, 3, 4),)),
    ("max dim", lambda a: a.max(1)[0], lambda s: (distinct(s, 3, 4),)),
    ("max dim keepdim", lambda a: a.max(0, keepdim=True).values, lambda s: (distinct(s, 3, 4),)),
    ("min dim", lambda a: a.min(1)[0], lambda s: (distinct(s, 2, 5),)),
    ("reshape", lambda a: a.reshape(4, 3), lambda s: (rnd(s, 2, 6),)),
    ("view -1", lambda a: a.view(-1), lambda s: (rnd(s, 2, 3, 2),)),
    ("permute", lambda a: a.permute(2, 0, 1), lambda s: (rnd(s, 2, 3, 4),)),
    ("transpose", lambda a: a.transpose(0, 1), lambda s: (rnd(s, 2, 3),)),
    ("getitem int/slice", lambda a: a[1, ::2], lambda s: (rnd(s, 3, 5),)),
    ("getitem negative step-free slice", lambda a: a[:, 1:-1], lambda s: (rnd(s, 3, 5),)),
    ("getitem advanced (repeated)", lambda a: a[[0, 2, 0, 1]], lambda s: (rnd(s, 3, 2),)),
    ("getitem advanced 2 axes", lambda a: a[[0, 1, 1], [2, 0, 2]], lambda s: (rnd(s, 2, 3),)),
    ("getitem bool mask", lambda a: a[mt.tensor(np.array([True, False, True]))], lambda s: (rnd(s, 3, 2),)),
    ("repeat", lambda a: a.repeat(2, 3), lambda s: (rnd(s, 2, 2),)),
    ("repeat new dims", lambda a: a.repeat(2, 1, 2), lambda s: (rnd(s, 3, 2),)),
    ("expand", lambda a: a.expand(3, 4), lambda s: (rnd(s, 1, 4),)),
    ("expand new dims", lambda a: a.expand(2, 3, 4), lambda s: (rnd(s, 3, 1),)),
    ("stack", lambda a, b: mt.stack([a, b, a], dim=1), lambda s: (rnd(s, 2, 3), rnd(s + 1, 2, 3))),
    ("cat", lambda a, b: mt.cat([a, b, a], dim=0), lambda s: (rnd(s, 2, 3), rnd(s + 1, 1, 3))),
    ("cat dim 1", lambda a, b: mt.cat([a, b], dim=1), lambda s: (rnd(s, 2, 3), rnd(s + 1, 2, 1))),
    ("flatten", lambda a: a.flatten(1), lambda s: (rnd(s, 2, 3, 2),)),
    ("unsqueeze/squeeze", lambda a: a.unsqueeze(1).squeeze(), lambda s: (rnd(s, 3, 2),)),
    ("to float64 (cast)", lambda a: a.to(mt.float64) * 2, lambda s: (rnd(s, 3),)),
    ("composite (reused node)", lambda a, b: (a * b + a).tanh() * a, lambda s: (rnd(s, 3), rnd(s + 1, 3))),
]


@pytest.mark.parametrize("name,fn,build", TENSOR_OPS, ids=[op[0] for op in TENSOR_OPS])
@given(seed=seeds)
def test_tensor_op_gradients(name, fn, build, seed):
    grad_check(name, fn, *build(seed), seed=seed)


# ---------------------------------------------------------------------------------------------
# layers and losses (run under each kernel backend)
# ---------------------------------------------------------------------------------------------
def _ce_probs(s, shape, axis):
    p = np.random.default_rng(s).random(shape) + 0.1
    return p / p.sum(axis=axis, keepdims=True)


Y = np.array([2, 0, 3])
W = np.array([0.5, 2.0, 1.0, 1.5])

LAYER_OPS = [
    ("linear", lambda x, w, b: F.linear(x, w, b), lambda s: (rnd(s, 2, 3, 4), rnd(s + 1, 5, 4), rnd(s + 2, 5))),
    ("linear no bias 1-D", lambda x, w: F.linear(x, w), lambda s: (rnd(s, 4), rnd(s + 1, 3, 4))),
    ("conv2d", lambda x, w, b: F.conv2d(x, w, b), lambda s: (rnd(s, 2, 2, 5, 4), rnd(s + 1, 3, 2, 3, 2), rnd(s + 2, 3))),
    ("conv2d stride/pad/dilation", lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2), dilation=(1, 2)),
     lambda s: (rnd(s, 1, 2, 6, 5), rnd(s + 1, 2, 2, 3, 2), rnd(s + 2, 2))),
    ("conv2d groups", lambda x, w: F.conv2d(x, w, groups=2, padding=1),
     lambda s: (rnd(s, 2, 4, 4, 4), rnd(s + 1, 4, 2, 2, 3))),
    ("conv2d same (even kernel)", lambda x, w: F.conv2d(x, w, padding="same"),
     lambda s: (rnd(s, 1, 1, 4, 5), rnd(s + 1, 2, 1, 2, 4))),
    ("conv2d unbatched", lambda x, w: F.conv2d(x, w, stride=2), lambda s: (rnd(s, 2, 5, 5), rnd(s + 1, 1, 2, 3, 3))),
    ("max_pool2d", lambda x: F.max_pool2d(x, 2), lambda s: (distinct(s, 2, 2, 4, 5),)),
    ("max_pool2d overlap/pad/dilation/ceil", lambda x: F.max_pool2d(x, 3, stride=2, padding=1, dilation=(1, 2), ceil_mode=True),
     lambda s: (distinct(s, 1, 2, 6, 7),)),
    ("relu", lambda x: F.relu(x), lambda s: (rnd(s, 3, 4, away_from=0.0),)),
    ("log_softmax", lambda x: F.log_softmax(x, 1), lambda s: (rnd(s, 3, 4),)),
    ("softmax", lambda x: F.softmax(x, 0), lambda s: (rnd(s, 3, 4),)),
    ("mse_loss mean", lambda x, t: F.mse_loss(x, t), lambda s: (rnd(s, 3, 2), rnd(s + 1, 3, 2))),
    ("mse_loss none", lambda x, t: F.mse_loss(x, t, reduction="none"), lambda s: (rnd(s, 3), rnd(s + 1, 3))),
    ("cross_entropy mean", lambda x: F.cross_entropy(x, mt.tensor(Y)), lambda s: (rnd(s, 3, 4),)),
    ("cross_entropy weighted+smoothing+ignore",
     lambda x: F.cross_entropy(x, mt.tensor(np.array([2, -100, 3])), weight=mt.tensor(W), label_smoothing=0.2),
     lambda s: (rnd(s, 3, 4),)),
    ("cross_entropy none (N, C, d)", lambda x: F.cross_entropy(x, mt.tensor(np.array([[0, 2], [1, 1]])), reduction="none"),
     lambda s: (rnd(s, 2, 3, 2),)),
    ("cross_entropy probabilities", lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1, reduction="sum"),
     lambda s: (rnd(s, 3, 4), _ce_probs(s + 1, (3, 4), 1))),
    ("cross_entropy 1-D input", lambda x: F.cross_entropy(x, mt.tensor(np.array(1))), lambda s: (rnd(s, 4),)),
    ("nll_loss", lambda x: F.nll_loss(x, mt.tensor(Y), weight=mt.tensor(W)), lambda s: (rnd(s, 3, 4),)),
    ("flatten module", lambda x: mt.nn.Flatten()(x), lambda s: (rnd(s, 2, 2, 3),)),
]


@pytest.mark.parametrize("name,fn,build", LAYER_OPS, ids=[op[0] for op in LAYER_OPS])
@FIXTURES
@given(seed=seeds)
def test_layer_gradients(backend, name, fn, build, seed):
    grad_check(name, fn, *build(seed), seed=seed)


def test_grad_check_reports_a_wrong_backward():
    """The checker itself: a Function with a deliberately wrong backward is caught and named."""

    class WrongSquare(EngineFunction):  # the engine's own contract (arrays in, arrays out)
        def forward(self, a):
            self.a = a
            return a * a

        def backward(self, g):
            return (g * self.a,)  # should be 2·a·g

    with pytest.raises(AssertionError, match=r"square: d/d input 0 at index \(0,\): received .*, expected"):
        grad_check("square", lambda a: WrongSquare.apply(a), np.array([1.5, -0.5]))
