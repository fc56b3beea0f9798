"""The lecture's models against their torch twins (reference/models.py): same parameter names and
shapes, same forward outputs and gradients from the same weights, and weight copying both ways."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import minitorch_cnn as mt
from conftest import tol
from minitorch_cnn.models import MODELS, FashionCNN, SimpleCNN, SimpleFCN, build_model, feature_maps
from reference import models as ref_models
from reference.device import pick_device
from reference.weights import copy_from_torch, copy_to_torch
from strategies import DTYPES, seeded_array, seeds

CASES = {  # name -> (constructor kwargs, input shape per sample)
    "fcn": ({}, (3, 4, 4)),
    "cnn_toy": ({"in_channels": 3, "num_classes": 3, "image_size": 4}, (3, 4, 4)),
    "cnn": ({}, (1, 28, 28)),
    "cnn2": ({}, (1, 28, 28)),
    "cnn_odd": ({"in_channels": 2, "num_classes": 5, "image_size": 10, "channels": (3, 4)}, (2, 10, 10)),
}


def registry_name(case: str) -> str:
    return {"cnn_toy": "cnn", "cnn_odd": "cnn"}.get(case, case)


def both(case: str, dtype):
    kwargs, shape = CASES[case]
    ours = build_model(registry_name(case), **kwargs)
    theirs = ref_models.build_model(registry_name(case), **kwargs)
    if np.dtype(dtype) == np.float64:
        ours.double()
        theirs.double()
    copy_to_torch(ours, theirs)
    return ours, theirs, shape


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", list(CASES))
@settings(max_examples=3)
@given(seed=seeds, batch=st.integers(1, 3))
def test_forward_and_gradients_match_torch(case, dtype, seed, batch):
    ours, theirs, shape = both(case, dtype)
    x = seeded_array((batch,) + shape, seed, dtype)
    n_classes = theirs(torch.tensor(x)).shape[1]
    y = np.random.default_rng(seed).integers(0, n_classes, batch)
    xo, xt = mt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out_o, out_t = ours(xo), theirs(xt)
    np.testing.assert_allclose(out_o.detach().numpy(), out_t.detach().numpy(), **tol(dtype), err_msg="logits")
    mt.nn.CrossEntropyLoss()(out_o, mt.tensor(y)).backward()
    torch.nn.CrossEntropyLoss()(out_t, torch.tensor(y)).backward()
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), **tol(dtype), err_msg="input grad")
    theirs_p = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), theirs_p[name].grad.numpy(), **tol(dtype), err_msg=name)


@pytest.mark.parametrize("case", list(CASES))
def test_same_parameter_names_shapes_and_count(case):
    kwargs, _ = CASES[case]
    ours = build_model(registry_name(case), **kwargs)
    theirs = ref_models.build_model(registry_name(case), **kwargs)
    assert [(k, tuple(v.shape)) for k, v in ours.named_parameters()] == \
           [(k, tuple(v.shape)) for k, v in theirs.named_parameters()]
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_lecture_architectures():
    cnn = SimpleCNN()
    assert [tuple(p.shape) for p in cnn.parameters()] == [(16, 1, 3, 3), (16,), (32, 16, 3, 3), (32,), (10, 32 * 7 * 7), (10,)]
    assert tuple(cnn(mt.zeros(2, 1, 28, 28)).shape) == (2, 10)
    fcn = SimpleFCN(in_features=48, num_classes=3)
    assert tuple(fcn.fc.weight.shape) == (3, 48)
    assert tuple(fcn(mt.zeros(1, 3, 4, 4)).shape) == (1, 3)          # view(-1, 48)
    toy = SimpleCNN(in_channels=3, num_classes=3, image_size=4)
    assert tuple(toy(mt.zeros(1, 3, 4, 4)).shape) == (1, 3)
    f = FashionCNN()
    assert [tuple(p.shape) for p in f.parameters()][-4:] == [(128, 64 * 7 * 7), (128,), (10, 128), (10,)]
    assert set(MODELS) == {"fcn", "cnn", "cnn2", "cnn_bn"}


@pytest.mark.parametrize("name", ["cnn", "cnn2"])
def test_feature_maps_match_torch(name):
    ours, theirs, shape = both(name, np.float64)
    x = seeded_array((2,) + shape, 0, np.float64)
    with mt.no_grad():
        maps = feature_maps(ours, mt.tensor(x))
    with torch.no_grad():
        tmaps = ref_models.feature_maps(theirs, torch.tensor(x))
    assert list(maps) == list(tmaps) == ["conv1", "conv2"]
    c1, c2 = ours.conv1.out_channels, ours.conv2.out_channels
    assert tuple(maps["conv1"].shape) == (2, c1, 28, 28) and tuple(maps["conv2"].shape) == (2, c2, 14, 14)
    for k in maps:
        np.testing.assert_allclose(maps[k].numpy(), tmaps[k].numpy(), **tol(np.float64), err_msg=k)
        assert maps[k].numpy().min() >= 0  # after ReLU
    with pytest.raises(TypeError, match="no conv layers"):
        feature_maps(SimpleFCN(), mt.zeros(1, 3, 4, 4))


def test_bad_inputs_and_names():
    with pytest.raises(ValueError, match=r"unknown model 'mlp'.*fcn"):
        build_model("mlp")
    with pytest.raises(ValueError, match=r"expected input of shape \(N, 1, 28, 28\), got \(2, 3, 28, 28\)"):
        SimpleCNN()(mt.zeros(2, 3, 28, 28))
    with pytest.raises(ValueError, match=r"48 values per sample.*\(1, 47\)"):
        SimpleFCN()(mt.zeros(1, 47))
    with pytest.raises(ValueError, match="image_size must be at least 4"):
        SimpleCNN(image_size=3)


def test_copy_weights_both_ways_with_dtype_handling():
    mt.manual_seed(0)
    ours = SimpleCNN()
    theirs = ref_models.SimpleCNN().double()          # a float64 twin gets float32 values cast up
    copy_to_torch(ours, theirs)
    for name, p in ours.named_parameters():
        t = theirs.state_dict()[name]
        assert t.dtype == torch.float64
        np.testing.assert_array_equal(t.numpy(), p.detach().numpy().astype(np.float64))
    torch.manual_seed(1)
    src = ref_models.SimpleCNN()
    before = {k: id(p) for k, p in ours.named_parameters()}
    copy_from_torch(src, ours)
    for name, p in ours.named_parameters():
        assert id(p) == before[name] and p.dtype == np.float32   # same Parameter objects, in place
        np.testing.assert_array_equal(p.detach().numpy(), src.state_dict()[name].numpy())


def test_copy_weights_mismatch_errors_change_nothing():
    ours, theirs = SimpleCNN(), ref_models.FashionCNN()
    before = {k: v.clone() for k, v in theirs.state_dict().items()}
    with pytest.raises(ValueError, match=r"fc1\.weight.*|fc\.weight"):
        copy_to_torch(ours, theirs)
    for k, v in theirs.state_dict().items():
        assert torch.equal(v, before[k])
    with pytest.raises(ValueError, match=r"conv1\.weight: shape \(16, 1, 3, 3\).*\(16, 3, 3, 3\)"):
        copy_to_torch(SimpleCNN(), ref_models.SimpleCNN(in_channels=3))
    with pytest.raises(ValueError, match=r"fc\.weight: shape \(3, 48\).*\(3, 47\)"):
        copy_from_torch(ref_models.SimpleFCN(48, 3), SimpleFCN(47, 3))


def test_pick_device():
    dev = pick_device()
    assert dev.type == ("cuda" if torch.cuda.is_available() else "cpu")
    assert pick_device("cpu").type == "cpu"
    with pytest.raises(ValueError, match="prefer"):
        pick_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="no CUDA"):
            pick_device("cuda")


@pytest.mark.parametrize("name", ["cnn"])
def test_copy_to_torch_on_device(name, device):
    """Weights copied to a twin on each torch device (CUDA when present) give the same logits."""
    ours, theirs, shape = both(name, np.float32)
    theirs = theirs.to(device)
    copy_to_torch(ours, theirs)  # copies keep the twin's device
    x = seeded_array((2,) + shape, 0, np.float32)
    out = theirs(torch.tensor(x, device=device)).detach().cpu().numpy()
    np.testing.assert_allclose(ours(mt.tensor(x)).detach().numpy(), out, **tol(np.float32))
