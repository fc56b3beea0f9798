"""The shapes where the engine's paths differ from the small drawn ones, compared with torch once each.

* the lecture's real convolutions at batch 64 (float32): 1→16 on 28×28 and 32×32, 16→32 on 14×14
  and 16×16 — the last one has N·H·W·itemsize = 64·16·16·4 = 64 KiB, a multiple of 2 KiB, which is
  where the Numba backend pads the im2col rows (cache aliasing); forward, input/weight/bias grads,
  under both backends and every conv2d path forced (so the tiled, direct-conv, same-conv im2col and
  padded-row code all run at the lecture's sizes);
* the parallel builds of the fused optimizer updates (parameters of ≥ ``PARALLEL_MIN`` = 2²⁰
  elements), each optimizer with non-default hyperparameters (weight decay, maximize, amsgrad,
  nesterov, centered, momentum, …), 2 steps against torch (or reference/ for Lion and LAMB).

Values are drawn once per shape from a fixed generator: these tests are about the path a shape
takes, not about edge values (the drawn-value tests cover those at small shapes).
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch_cnn as mt
from minitorch_cnn import nn, optim
from minitorch_cnn.kernels import dispatch
from reference import optimizers as ref_optim

from test_layers import check, copy_params
from test_optim_parity import assert_close, torch_default_dtype

LECTURE_CONVS = [  # (in, out, H = W): conv1 of the 28×28 and 32×32 models, then conv2 after a 2×2 pool
    (1, 16, 28), (1, 16, 32), (16, 32, 14), (16, 32, 16),
]


@pytest.mark.parametrize("path", dispatch.PATHS["conv2d"])
@pytest.mark.parametrize("cin,cout,size", LECTURE_CONVS, ids=[f"{a}to{b}-{s}x{s}" for a, b, s in LECTURE_CONVS])
def test_lecture_conv_at_batch_64_matches_torch(backend, cin, cout, size, path):
    rng = np.random.default_rng(size + cin)
    x = rng.standard_normal((64, cin, size, size)).astype(np.float32)
    ours = nn.Conv2d(cin, cout, 3, padding=1)
    theirs = torch.nn.Conv2d(cin, cout, 3, padding=1)
    copy_params(ours, theirs)
    xm, xt = mt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    g = rng.standard_normal((64, cout, size, size)).astype(np.float32)
    with dispatch.force_path("conv2d", path):
        ym = ours(xm)
        ym.backward(mt.tensor(g))
    yt = theirs(xt)
    yt.backward(torch.tensor(g))
    check("Conv2d output", ym, yt, np.float32)
    check("Conv2d input grad", xm.grad, xt.grad, np.float32)
    check("Conv2d weight grad", ours.weight.grad, theirs.weight.grad, np.float32)
    check("Conv2d bias grad", ours.bias.grad, theirs.bias.grad, np.float32)


BIG = [  # (name, ours, oracle, non-default hyperparameters)
    ("SGD", optim.SGD, torch.optim.SGD, dict(lr=0.05, momentum=0.9, dampening=0.0, weight_decay=0.01, nesterov=True, maximize=True)),
    ("SGD-dampening", optim.SGD, torch.optim.SGD, dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01)),
    ("Adagrad", optim.Adagrad, torch.optim.Adagrad, dict(lr=0.05, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1, maximize=True)),
    ("RMSprop", optim.RMSprop, torch.optim.RMSprop, dict(lr=0.01, alpha=0.9, weight_decay=0.01, momentum=0.5, centered=True, maximize=True)),
    ("Adam", optim.Adam, torch.optim.Adam, dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.01, amsgrad=True, maximize=True)),
    ("AdamW", optim.AdamW, torch.optim.AdamW, dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True)),
    ("Adadelta", optim.Adadelta, torch.optim.Adadelta, dict(lr=0.5, rho=0.8, weight_decay=0.01, maximize=True)),
    ("NAdam", optim.NAdam, torch.optim.NAdam, dict(lr=0.01, weight_decay=0.01, momentum_decay=0.005, decoupled_weight_decay=True)),
    ("RAdam", optim.RAdam, torch.optim.RAdam, dict(lr=0.01, weight_decay=0.01, decoupled_weight_decay=True, maximize=True)),
    ("Adafactor", optim.Adafactor, torch.optim.Adafactor, dict(lr=0.01, beta2_decay=-0.5, weight_decay=0.01, maximize=True)),
    ("Lion", optim.Lion, ref_optim.Lion, dict(lr=1e-3, betas=(0.8, 0.95), weight_decay=0.01, maximize=True)),
    ("LAMB", optim.LAMB, ref_optim.LAMB, dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.01, maximize=True)),
]


@pytest.mark.parametrize("name,ours_cls,oracle_cls,kw", BIG, ids=[b[0] for b in BIG])
def test_parallel_optimizer_build_matches_torch(name, ours_cls, oracle_cls, kw):
    """A (1024, 1024) parameter (= PARALLEL_MIN elements: the parallel build; for Adafactor also a 1-D
    (2²⁰ + 3,) one, its unfactored kernel), 2 steps on the Numba backend against torch."""
    assert 1024 * 1024 >= dispatch.PARALLEL_MIN
    rng = np.random.default_rng(7)
    shapes = [(1024, 1024)] + ([(dispatch.PARALLEL_MIN + 3,)] if name == "Adafactor" else [])
    inits = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    ours = [nn.Parameter(mt.Tensor(a.copy())) for a in inits]
    theirs = [torch.nn.Parameter(torch.tensor(a.copy())) for a in inits]
    with mt.backend("numba"), torch_default_dtype(np.float32):
        our_opt, their_opt = ours_cls(ours, **kw), oracle_cls(theirs, **kw)
        for step in range(2):
            for p, q, s in zip(ours, theirs, shapes):
                g = rng.standard_normal(s).astype(np.float32)
                p.grad, q.grad = mt.Tensor(g.copy()), torch.tensor(g)
            our_opt.step()
            their_opt.step()
            for i, (p, q) in enumerate(zip(ours, theirs)):
                assert_close(p.array, q.detach().numpy(), np.float32, f"{name} param {i} step {step + 1}")
