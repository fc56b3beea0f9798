"""cnn_bn (BNCNN: BatchNorm + Dropout) against its torch twin from the same weights.

train() mode with dropout off (p = 0 in both) checks the batch-statistics path and every gradient
and the running statistics after a step; eval() mode checks the running-statistics path with
dropout on (eval makes it the identity in both). Random masks differ between the libraries, so a
train-mode comparison with p > 0 would compare different draws (see tests/test_dropout.py for the
same-mask parity of dropout itself).
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch_cnn as mt
from conftest import tol
from minitorch_cnn.models import BNCNN, build_model, feature_maps
from reference import models as ref_models
from reference.weights import copy_to_torch
from strategies import seeded_array


def pair(dtype, p=0.25):
    mt.manual_seed(0)
    ours, theirs = build_model("cnn_bn", p=p), ref_models.build_model("cnn_bn", p=p)
    if dtype == np.float64:
        ours.double()
        theirs.double()
    copy_to_torch(ours, theirs)
    return ours, theirs


def step(ours, theirs, x, y, dtype):
    xo, xt = mt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out_o, out_t = ours(xo), theirs(xt)
    np.testing.assert_allclose(out_o.detach().numpy(), out_t.detach().numpy(), **tol(dtype), err_msg="logits")
    mt.nn.CrossEntropyLoss()(out_o, mt.tensor(y)).backward()
    torch.nn.CrossEntropyLoss()(out_t, torch.tensor(y)).backward()
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), **tol(dtype), err_msg="input grad")
    theirs_p = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), theirs_p[name].grad.numpy(), **tol(dtype), err_msg=name)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cnn_bn_train_and_eval_match_torch(backend, dtype):
    x = seeded_array((6, 1, 28, 28), 1, dtype)
    y = np.random.default_rng(1).integers(0, 10, 6)
    ours, theirs = pair(dtype, p=0.0)
    step(ours, theirs, x, y, dtype)                       # train(): batch statistics
    theirs_b = dict(theirs.named_buffers())
    for name, b in ours.named_buffers():                  # running statistics after one step
        np.testing.assert_allclose(b.numpy(), theirs_b[name].numpy(), **tol(dtype), err_msg=name)
    ours, theirs = pair(dtype, p=0.25)
    ours.train()
    ours(mt.tensor(x))                                    # move the running statistics away from (0, 1)...
    copy_to_torch(ours, theirs)                           # ...and give torch the same ones
    ours.eval()
    theirs.eval()
    step(ours, theirs, x[:1], y[:1], dtype)               # eval(): one image alone works, dropout is off


def test_cnn_bn_shapes_names_and_feature_maps():
    ours, theirs = pair(np.float64)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert "bn1.num_batches_tracked" in ours.state_dict() and "fc1.bias" not in ours.state_dict()
    ours.eval()
    theirs.eval()
    x = seeded_array((2, 1, 28, 28), 3, np.float64)
    with mt.no_grad():
        maps = feature_maps(ours, mt.tensor(x))
    with torch.no_grad():
        tmaps = theirs.features(torch.tensor(x))
    for k in ("conv1", "conv2"):
        np.testing.assert_allclose(maps[k].numpy(), tmaps[k].numpy(), **tol(np.float64), err_msg=k)
    with pytest.raises(ValueError, match=r"BNCNN: expected input of shape \(N, 1, 28, 28\)"):
        BNCNN()(mt.zeros(2, 1, 27, 27))
