"""API behaviour the independent probe of issue 9 found different from torch where the differential
table (tests/robustness) cannot see it: memory layout."""
from __future__ import annotations

import numpy as np
import pytest

import minitorch_cnn as mt

torch = pytest.importorskip("torch")


def test_contiguous_of_a_transpose_is_a_row_major_copy_with_torchs_node():
    # before: contiguous() returned the transposed view itself (its array stayed column-major)
    for T in (torch, mt):
        x = T.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
        y = x.t().contiguous()
        assert np.asarray(y.detach().numpy()).flags.c_contiguous
        assert y.grad_fn.name() == "CloneBackward0"
        (y * T.tensor(np.arange(6.0).reshape(3, 2))).sum().backward()
        np.testing.assert_array_equal(np.asarray(x.grad.numpy()), np.arange(6.0).reshape(3, 2).T)


def test_contiguous_of_a_contiguous_tensor_is_itself():
    for T in (torch, mt):
        x = T.ones(2, 3)
        assert x.contiguous() is x


@pytest.mark.parametrize("make", [lambda d: mt.nn.Linear(2, 3, device=d), lambda d: mt.nn.Conv2d(1, 2, 3, device=d),
                                  lambda d: mt.nn.BatchNorm2d(2, device=d)])
def test_layers_refuse_a_device_other_than_the_cpu(make):
    # before: device="cuda" was ignored and the layer built CPU weights
    for device in ("cuda", "cuda:0", "mps"):
        with pytest.raises(RuntimeError, match="runs on the CPU only"):
            make(device)
    assert make("cpu") is not None and make(None) is not None
