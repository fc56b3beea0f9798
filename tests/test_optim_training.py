"""The lecture's SimpleCNN trained for 30 steps on a fixed random batch with each of the 13
optimizers: our loss curve equals torch's (reference/ Lion and LAMB), step by step.

This checks the optimizers where they are used — on a real model's parameters (conv weights,
biases, the FC matrix), driven by gradients from our autograd — not on synthetic gradients.
Both engines start from the same weights (copied with reference/weights.py).  float64 runs use
the float64 parity tolerance; float32 runs the float32 one.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch_cnn as mt
from minitorch_cnn import nn
from minitorch_cnn.models import SimpleCNN
from optim_strategies import OPTIM_CASES
from reference.models import SimpleCNN as TorchSimpleCNN
from reference.weights import copy_to_torch

STEPS = 30
# One representative setting per optimizer, options switched on where they exist.
SETTINGS = {
    "SGD": dict(lr=0.05, momentum=0.9, weight_decay=1e-3, nesterov=True),
    "Momentum": dict(lr=0.05, momentum=0.9, dampening=0.1),
    "NAG": dict(lr=0.05, momentum=0.9),
    "Adagrad": dict(lr=0.05, lr_decay=1e-3, weight_decay=1e-3),
    "RMSprop": dict(lr=1e-3, momentum=0.5, centered=True),
    "Adam": dict(lr=1e-3, amsgrad=True, weight_decay=1e-3),
    "AdamW": dict(lr=1e-3, weight_decay=0.05),
    "Adadelta": dict(lr=1.0, rho=0.9),
    "NAdam": dict(lr=2e-3, decoupled_weight_decay=True, weight_decay=1e-2),
    "RAdam": dict(lr=1e-3, weight_decay=1e-3),
    "Adafactor": dict(lr=1e-2, weight_decay=1e-3),
    "Lion": dict(lr=1e-4, weight_decay=0.1),
    "LAMB": dict(lr=1e-2, weight_decay=1e-2),
}
TOL = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=1e-4, atol=1e-5)}


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("case", OPTIM_CASES, ids=[c.name for c in OPTIM_CASES])
def test_simple_cnn_loss_curve_matches_torch(case, dtype):
    rng = np.random.default_rng(0)
    images = rng.standard_normal((8, 1, 12, 12)).astype(dtype)
    labels = rng.integers(0, 10, size=8)
    mt.manual_seed(0)
    ours = SimpleCNN(image_size=12, channels=(4, 8)).to(dtype)
    theirs = TorchSimpleCNN(image_size=12, channels=(4, 8)).to(torch.float64 if dtype == np.float64
                                                                 else torch.float32)
    copy_to_torch(ours, theirs)
    our_opt = case.make_ours(ours.parameters(), SETTINGS[case.name])
    their_opt = case.make_oracle(theirs.parameters(), SETTINGS[case.name])
    our_loss_fn, their_loss_fn = nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()
    x, y = mt.tensor(images), mt.tensor(labels)
    tx, ty = torch.tensor(images), torch.tensor(labels)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64 if dtype == np.float64 else torch.float32)
    try:
        our_curve, their_curve = [], []
        for _ in range(STEPS):
            our_opt.zero_grad()
            loss = our_loss_fn(ours(x), y)
            loss.backward()
            our_opt.step()
            our_curve.append(loss.item())
            their_opt.zero_grad()
            tloss = their_loss_fn(theirs(tx), ty)
            tloss.backward()
            their_opt.step()
            their_curve.append(tloss.item())
    finally:
        torch.set_default_dtype(previous)
    np.testing.assert_allclose(our_curve, their_curve, **TOL[dtype], err_msg=f"{case.name} loss curve")
    assert our_curve[-1] < our_curve[0], f"{case.name} did not reduce the loss in {STEPS} steps"
