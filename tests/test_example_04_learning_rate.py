"""Smoke test of examples/04_learning_rate.py: the three learning-rate cases behave as the lecture
says (checked on the numbers, and against torch running the same loop from the same weights), and
the scheduler figure gets all 13 curves (their parity with torch is tests/test_lr_scheduler.py)."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from conftest import load_example

STEPS = 60


@pytest.fixture(scope="module")
def example():
    return load_example("04_learning_rate.py")


@pytest.fixture(scope="module")
def results(example, tmp_path_factory):
    out = tmp_path_factory.mktemp("ex06")
    (cases, curves) = example.main([str(out), "--steps", str(STEPS)])
    return out, cases, curves


def test_writes_both_pngs(results):
    out, _, _ = results
    for name in ("lr_cases.png", "lr_schedulers.png"):
        data = (out / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000, name


def _case(cases, prefix):
    return next(v for k, v in cases.items() if k.startswith(prefix))


def test_lr_1_diverges_to_inf_or_nan(results):
    _, cases, _ = results
    losses, _, _ = _case(cases, "lr = 1 ")
    assert not math.isfinite(losses[-1]) and len(losses) < STEPS
    assert np.all(np.diff(losses[np.isfinite(losses)]) > 0), "the loss grows at every step"


def test_too_large_lr_oscillates_around_the_optimum(results):
    _, cases, _ = results
    losses, weights, _ = _case(cases, "lr = 0.38")
    error = weights - 2.0
    flips = np.sum(np.sign(error[1:21]) != np.sign(error[:20]))
    assert flips >= 18, f"the weight error changed sign only {flips} times in 20 steps"
    assert np.all(np.isfinite(losses)) and losses[-1] < losses[0]


def test_good_lr_converges_steadily(results):
    _, cases, _ = results
    losses, weights, biases = _case(cases, "lr = 0.1 ")
    assert np.all(np.diff(losses) <= 0), "the loss never goes up"
    assert losses[-1] < 1e-8 and abs(weights[-1] - 2.0) < 1e-3 and abs(biases[-1]) < 1e-3


@pytest.mark.parametrize("lr_index", [0, 1, 2])
def test_losses_equal_torch_running_the_same_loop(example, results, lr_index):
    _, cases, _ = results
    name, lr = list(example.LR_CASES.items())[lr_index]
    ours = cases[name][0]
    x = torch.tensor([[-2.0], [-1.0], [1.0], [2.0]])
    y = 2 * x
    model = torch.nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(example.INITIAL_WEIGHT)
        model.bias.fill_(example.INITIAL_BIAS)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    theirs = []
    for _ in range(len(ours)):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        theirs.append(loss.item())
        loss.backward()
        opt.step()
    finite = np.isfinite(theirs)
    assert np.array_equal(finite, np.isfinite(ours)), f"{name}: divergence at a different step"
    np.testing.assert_allclose(ours[finite], np.array(theirs)[finite], rtol=1e-4, atol=1e-5, err_msg=name)


def test_every_scheduler_curve_is_drawn(results):
    _, _, curves = results
    assert len(curves) == 13
    for name, lrs in curves.items():
        assert lrs.shape == (100,) and np.all(np.isfinite(lrs)) and np.all(lrs >= 0), name
        assert lrs.max() <= 0.1 + 1e-12, name
