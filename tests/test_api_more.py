"""The Tensor API that programs reach for next, against torch, with Hypothesis drawing shapes, dims and
the values themselves (ties, ±0, ±inf, NaN, subnormals, huge and tiny magnitudes):

- stride() of views: the numbers torch gives for the same view of a fresh tensor;
- values that move (flip, roll, movedim, swapaxes, mT, tile, ravel): each gradient flows back to where
  its value came from;
- narrow, unbind, diag, masked_select and repeat_interleave: likewise (repeated values add up);
- cumprod, whose gradient torch evaluates piece by piece around the first zero of each line;
- amax/amin (a tie shares the gradient), nansum/nanmean (NaN skipped, the gradient 0 there);
- the index-valued argsort, nonzero, argwhere and count_nonzero;
- erf, frac, atan2, nan_to_num, and lerp/addcmul/addcdiv (three broadcast inputs, three gradients);
- hstack/vstack, and set_num_threads/get_num_threads (Numba's and BLAS's thread counts).

The error cases and single edge points are rows of tests/robustness/cases_edges.py ("api …").
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minitorch_cnn as mt
from api_helpers import assert_close, run_both
from strategies import DTYPES, finite_values, seeds, values

shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)
shapes0 = st.lists(st.integers(0, 3), min_size=0, max_size=3).map(tuple)   # 0-d and empty too


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
    "narrow": lambda t: t.narrow(0, 1, 1) if t.shape[0] > 1 else t,
    "diag": lambda t: t.diag() if t.ndim <= 2 else t,
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


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data(), shape=shapes, seed=seeds)
def test_narrow_unbind(dtype, data, shape, seed):
    x = data.draw(values(shape, dtype), label="x")
    d = _dim(data, len(shape))
    start = data.draw(st.integers(-shape[d], shape[d]), label="start")   # negative: from the end
    first = start + shape[d] if start < 0 else start
    length = data.draw(st.integers(0, shape[d] - first), label="length")
    run_both(lambda lib, a: lib.narrow(a, d, start, length), [x], dtype, seed)
    for i in range(shape[d]):
        run_both(lambda lib, a: a.unbind(d)[i], [x], dtype, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data(), n=st.integers(0, 4), m=st.integers(0, 4), k=st.integers(-5, 5), seed=seeds)
def test_diag(dtype, data, n, m, k, seed):
    run_both(lambda lib, a: a.diag(k), [data.draw(values((n,), dtype), label="vector")], dtype, seed)
    run_both(lambda lib, a: lib.diag(a, k), [data.draw(values((n, m), dtype), label="matrix")], dtype, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data(), shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3), seed=seeds)
def test_masked_select(dtype, data, shapes, seed):
    (xs, ms), _ = shapes
    x = data.draw(values(xs, dtype), label="x")
    mask = data.draw(hnp.arrays(np.bool_, ms), label="mask")
    run_both(lambda lib, a, b: a.masked_select(b), [x, mask], dtype, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data(), shape=shapes, seed=seeds)
def test_repeat_interleave(dtype, data, shape, seed):
    x = data.draw(values(shape, dtype), label="x")
    d = _dim(data, len(shape))
    r = data.draw(st.integers(0, 3), label="repeats")
    run_both(lambda lib, a: a.repeat_interleave(r), [x], dtype, seed)
    counts = data.draw(hnp.arrays(np.int64, (shape[d],), elements=st.integers(0, 3)), label="counts")
    run_both(lambda lib, a: lib.repeat_interleave(a, lib.tensor(counts), dim=d), [x], dtype, seed)
    run_both(lambda lib, c: lib.repeat_interleave(c), [counts], dtype, grad=False)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data(), shape=shapes, seed=seeds)
def test_cumprod(dtype, data, shape, seed):
    """Zeros (and several per line), infinities and NaN: torch's gradient has a formula per piece."""
    x = data.draw(values(shape, dtype, huge=False, scaled=False), label="x")
    zeros = data.draw(hnp.arrays(np.bool_, shape), label="zeros")
    x = np.where(zeros, np.zeros((), dtype), x)
    d = _dim(data, len(shape))
    run_both(lambda lib, a: lib.cumprod(a, d), [x], dtype, seed)
    run_both(lambda lib, a: a.cumprod(d, dtype=lib.float64), [x], dtype, seed)
    run_both(lambda lib, a: a.cumprod(d), [np.round(np.nan_to_num(x) % 5).astype(np.int64)], dtype, grad=False)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data(), shape=shapes, keepdim=st.booleans(), seed=seeds)
def test_amax_amin(dtype, data, shape, keepdim, seed):
    x = data.draw(values(shape, dtype), label="x")   # ties (small integers), ±inf and NaN drawn
    nd = len(shape)
    dims = data.draw(st.lists(st.integers(-nd, nd - 1), unique_by=lambda d: d % nd, max_size=nd), label="dims")
    for name in ("amax", "amin"):
        run_both(lambda lib, a: getattr(a, name)(), [x], dtype, seed)
        run_both(lambda lib, a: getattr(lib, name)(a, dims, keepdim), [x], dtype, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data(), shape=shapes, keepdim=st.booleans(), seed=seeds)
def test_nansum_nanmean(dtype, data, shape, keepdim, seed):
    x = data.draw(finite_values(shape, dtype, huge=False, scaled=False), label="x")
    holes = data.draw(hnp.arrays(np.bool_, shape), label="NaN at")
    x = np.where(holes, np.array(np.nan, dtype), x)
    d = _dim(data, len(shape))
    for name in ("nansum", "nanmean"):
        run_both(lambda lib, a: getattr(a, name)(), [x], dtype, seed)
        run_both(lambda lib, a: getattr(lib, name)(a, d, keepdim), [x], dtype, seed)
    run_both(lambda lib, a: a.nansum(dim=d), [np.nan_to_num(x).astype(np.int64)], dtype, grad=False)


@given(data=st.data(), shape=shapes0, seed=seeds)
def test_indices_and_counts(data, shape, seed):
    x = data.draw(values(shape, np.float32), label="x")   # ties, ±0 and NaN: the order torch gives them
    nd = max(len(shape), 1)
    d = _dim(data, nd)
    desc = data.draw(st.booleans(), label="descending")
    run_both(lambda lib, a: a.argsort(dim=d, descending=desc, stable=True), [x], np.float32, grad=False)
    run_both(lambda lib, a: lib.nonzero(a), [x], np.float32, grad=False)
    ours, theirs = mt.tensor(x).nonzero(as_tuple=True), torch.tensor(x).nonzero(as_tuple=True)
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        assert_close(o, t, np.float32, "nonzero(as_tuple=True)")
    run_both(lambda lib, a: lib.argwhere(a), [x], np.float32, grad=False)
    run_both(lambda lib, a: a.count_nonzero(), [x], np.float32, grad=False)
    if shape:
        run_both(lambda lib, a: lib.count_nonzero(a, d), [x], np.float32, grad=False)
    ints = data.draw(hnp.arrays(np.uint8, shape), label="uint8")   # sorted descending without wrapping
    run_both(lambda lib, a: a.argsort(dim=d, descending=True, stable=True), [ints], np.float32, grad=False)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data(), shape=shapes, seed=seeds)
def test_erf_frac_nan_to_num(dtype, data, shape, seed):
    x = data.draw(values(shape, dtype, lo=-6, hi=6), label="x")
    run_both(lambda lib, a: lib.erf(a), [x], dtype, seed)
    run_both(lambda lib, a: a.frac(), [x], dtype, seed)
    fills = data.draw(st.tuples(*[st.one_of(st.none(), st.floats(-1e3, 1e3))] * 3), label="nan, posinf, neginf")
    nan = 0.0 if fills[0] is None else fills[0]
    run_both(lambda lib, a: lib.nan_to_num(a, nan, fills[1], fills[2]), [x], dtype, seed)
    run_both(lambda lib, a: lib.erf(a), [np.nan_to_num(x).astype(np.int64) % 3], dtype, grad=False)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data(), shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3), seed=seeds)
def test_atan2(dtype, data, shapes, seed):
    (sa, sb), _ = shapes
    a = data.draw(values(sa, dtype), label="a")
    b = data.draw(values(sb, dtype), label="b")
    run_both(lambda lib, p, q: lib.atan2(p, q), [a, b], dtype, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data(), shapes=hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3), seed=seeds)
def test_lerp_addcmul_addcdiv(dtype, data, shapes, seed):
    (s0, s1, s2), _ = shapes
    a = data.draw(values(s0, dtype, huge=False, scaled=False), label="input")
    b = data.draw(values(s1, dtype, huge=False, scaled=False), label="tensor1 / end")
    c = data.draw(values(s2, dtype, huge=False, scaled=False), label="tensor2 / weight")
    w = data.draw(st.floats(-2, 2, width=32), label="weight")
    v = data.draw(st.one_of(st.integers(-3, 3), st.floats(-2, 2, width=32)), label="value")
    run_both(lambda lib, x, e: x.lerp(e, w), [a, b], dtype, seed)
    run_both(lambda lib, x, e, t: lib.lerp(x, e, t), [a, b, c], dtype, seed)
    run_both(lambda lib, x, t1, t2: lib.addcmul(x, t1, t2, value=v), [a, b, c], dtype, seed)
    run_both(lambda lib, x, t1, t2: x.addcdiv(t1, t2, value=v), [a, b, c], dtype, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data(), n=st.integers(1, 3), seed=seeds)
def test_hstack_vstack(dtype, data, n, seed):
    rows = data.draw(st.integers(0, 3), label="rows")
    parts = [data.draw(values((rows, data.draw(st.integers(0, 3))), dtype), label=f"part {i}") for i in range(n)]
    run_both(lambda lib, *ts: lib.hstack(ts), parts, dtype, seed)
    cols = data.draw(st.integers(1, 3), label="cols")
    vecs = [data.draw(values((cols,), dtype), label=f"vector {i}") for i in range(n)]
    run_both(lambda lib, *ts: lib.vstack(ts), vecs, dtype, seed)
    run_both(lambda lib, *ts: lib.hstack(ts), vecs, dtype, seed)


def test_set_num_threads_sets_numba_and_blas():
    numba = pytest.importorskip("numba")
    from minitorch_cnn.kernels.gemm import blas_controllers

    before = (numba.get_num_threads(), [c.get_num_threads() for c in blas_controllers()])
    try:
        mt.set_num_threads(1)
        assert mt.get_num_threads() == numba.get_num_threads() == 1
        assert all(c.get_num_threads() == 1 for c in blas_controllers())
        most = numba.config.NUMBA_NUM_THREADS
        mt.set_num_threads(most + 1)   # more than Numba started with: Numba's maximum, BLAS as asked
        assert mt.get_num_threads() == most
    finally:
        numba.set_num_threads(before[0])
        for c, n in zip(blas_controllers(), before[1]):
            c.set_num_threads(n)
    for bad in (0, -2):
        with pytest.raises(RuntimeError, match="positive integer"):
            mt.set_num_threads(bad)
