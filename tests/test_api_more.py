"""The Tensor API that programs reach for next, against torch, with Hypothesis drawing the shapes:

- stride() of views: the numbers torch gives for the same view of a fresh tensor.

The error cases and single edge points are rows of tests/robustness/cases_edges.py ("api …").
"""
from __future__ import annotations

import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_cnn as mt


VIEWS = {
    "t": lambda t: t.t() if t.ndim == 2 else t,
    "permute": lambda t: t.permute(*reversed(range(t.ndim))),
    "step slice": lambda t: t[::2],
    "unsqueeze": lambda t: t.unsqueeze(-1),
    "expand": lambda t: t.unsqueeze(0).expand(3, *t.shape),
}


@pytest.mark.parametrize("view", sorted(VIEWS))
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
def test_stride_of_views(view, shape):
    """What a view's memory layout is: the strides torch reports for the same view of a fresh tensor."""
    ours, theirs = VIEWS[view](mt.zeros(*shape)), VIEWS[view](torch.zeros(*shape))
    assert ours.stride() == theirs.stride(), f"{view} of {shape}: {ours.stride()} vs torch {theirs.stride()}"
    assert [ours.stride(d) for d in range(-ours.ndim, ours.ndim)] == [theirs.stride(d) for d in range(-ours.ndim,
                                                                                                     ours.ndim)]
    assert ours.is_contiguous() == theirs.is_contiguous()
