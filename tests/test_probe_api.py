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
