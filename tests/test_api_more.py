"""The Tensor API that programs reach for next, against torch, with Hypothesis drawing shapes, dims and
the values themselves (ties, ±0, ±inf, NaN, subnormals, huge and tiny magnitudes):

- stride() of views: the numbers torch gives for the same view of a fresh tensor;
- values that move (flip, roll, movedim, swapaxes, mT, tile, ravel): each gradient flows back to where
  its value came from;

The error cases and single edge points are rows of tests/robustness/cases_edges.py ("api …").
"""
from __future__ import annotations

import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_cnn as mt
from api_helpers import run_both
from strategies import DTYPES, seeds, values

shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)


def _dim(data, ndim, label="dim"):
    return data.draw(st.integers(-ndim, ndim - 1), label=label)


VIEWS = {
    "t": lambda t: t.t() if t.ndim == 2 else t,
    "permute": lambda t: t.permute(*reversed(range(t.ndim))),
    "step slice": lambda t: t[::2],
    "unsqueeze": lambda t: t.unsqueeze(-1),
    "expand": lambda t: t.unsqueeze(0).expand(3, *t.shape),
    "movedim": lambda t: t.movedim(0, -1),
    "mT": lambda t: t.mT if t.ndim >= 2 else t,
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


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data(), shape=shapes, seed=seeds)
def test_values_that_move(dtype, data, shape, seed):
    x = data.draw(values(shape, dtype), label="x")
    nd = len(shape)
    dims = data.draw(st.lists(st.integers(-nd, nd - 1), unique_by=lambda d: d % nd, max_size=nd), label="dims")
    run_both(lambda lib, a: lib.flip(a, dims), [x], dtype, seed)
    shifts = data.draw(st.lists(st.integers(-5, 5), min_size=len(dims), max_size=len(dims)), label="shifts")
    if dims:
        run_both(lambda lib, a: a.roll(shifts, dims), [x], dtype, seed)
    run_both(lambda lib, a: lib.roll(a, shifts[0] if shifts else 3), [x], dtype, seed)
    order = data.draw(st.permutations(range(nd)), label="destination")
    run_both(lambda lib, a: lib.movedim(a, tuple(range(nd)), tuple(order)), [x], dtype, seed)
    d0, d1 = _dim(data, nd, "d0"), _dim(data, nd, "d1")
    run_both(lambda lib, a: a.swapaxes(d0, d1).ravel(), [x], dtype, seed)
    if nd >= 2:
        run_both(lambda lib, a: a.mT, [x], dtype, seed)
    reps = data.draw(st.lists(st.integers(1, 3), max_size=4).map(tuple), label="tile")
    run_both(lambda lib, a: lib.tile(a, reps), [x], dtype, seed)
