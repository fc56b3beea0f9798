"""The Tensor API that small image/MLP programs use beyond the tutorials, against torch: logical and
bitwise operators, NaN tests, any/all, equal/allclose/isclose, rounding (zero gradient), var/std
(corrections, dims, the zero-variance gradient), gather (repeated indices add up), masked_fill,
cumsum, bmm/dot, split/chunk, sort/topk (values and their gradients, indices)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import assume, given, strategies as st
from hypothesis.extra import numpy as hnp

import minitorch_cnn as mt
from api_helpers import assert_close, run_both, value_arrays
from strategies import DTYPES, seeded_array, seeds

shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)


@given(data=st.data(), shape=shapes)
def test_logical_and_bitwise(data, shape):
    a = data.draw(hnp.arrays(np.bool_, shape), label="a")
    b = data.draw(hnp.arrays(np.bool_, shape), label="b")
    i = data.draw(hnp.arrays(np.int64, shape, elements=st.integers(-9, 9)), label="i")
    for op in (lambda lib, x, y: ~x, lambda lib, x, y: x & y, lambda lib, x, y: x | y, lambda lib, x, y: x ^ y,
               lambda lib, x, y: lib.logical_not(x), lambda lib, x, y: x.logical_and(y),
               lambda lib, x, y: x.any(), lambda lib, x, y: x.all(), lambda lib, x, y: lib.any(x, 0),
               lambda lib, x, y: x.all(dim=-1, keepdim=True)):
        run_both(op, [a, b], np.float32, grad=False)
    run_both(lambda lib, x: (~x) & 6 | x, [i], np.float32, grad=False)
    with pytest.raises(TypeError, match="bool or integer"):
        ~mt.ones(2)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data(), shape=shapes, seed=seeds)
def test_nan_tests_and_closeness(dtype, data, shape, seed):
    x = data.draw(value_arrays(shape, dtype), label="x")
    y = data.draw(value_arrays(shape, dtype), label="y")
    for name in ("isnan", "isinf", "isfinite"):
        run_both(lambda lib, a: getattr(lib, name)(a), [x], dtype, grad=False)
    run_both(lambda lib, a, b: lib.isclose(a, b, rtol=1e-3, atol=1e-2, equal_nan=True), [x, y], dtype, grad=False)
    for eq_nan in (False, True):
        assert mt.allclose(mt.tensor(x), mt.tensor(y), equal_nan=eq_nan) == torch.allclose(
            torch.tensor(x), torch.tensor(y), equal_nan=eq_nan)
    assert mt.equal(mt.tensor(x), mt.tensor(x.copy())) == torch.equal(torch.tensor(x), torch.tensor(x.copy()))
    assert mt.equal(mt.tensor(x), mt.tensor(y)) == torch.equal(torch.tensor(x), torch.tensor(y))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["round", "floor", "ceil", "trunc"])
@given(data=st.data(), shape=shapes, seed=seeds)
def test_rounding(name, dtype, data, shape, seed):
    halves = st.integers(-8, 8).map(lambda k: k / 2)   # ties: round half to even
    x = data.draw(hnp.arrays(np.float64, shape, elements=st.one_of(halves, st.floats(-9, 9))), label="x").astype(dtype)
    run_both(lambda lib, a: getattr(lib, name)(a), [x], dtype, seed)
    run_both(lambda lib, a: getattr(a, name)() * a, [x], dtype, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["var", "std"])
@given(data=st.data(), shape=shapes, seed=seeds, keepdim=st.booleans())
def test_var_std(name, dtype, data, shape, seed, keepdim):
    x = data.draw(value_arrays(shape, dtype, -5, 5, special=False), label="x")
    constant = data.draw(st.booleans(), label="constant")
    x = np.where(constant, np.float64(1.5), x).astype(dtype)  # zero variance, exactly (1.5 sums exactly)
    # Otherwise the values must spread beyond rounding: for (near-)equal values such as eight 3.329955f,
    # torch's float32 mean is off by an ulp, so its std is 5e-7 instead of 0 and the gradient
    # (x − mean)/((n−1)·std) is rounding noise (−0.13 here, 0 in float64): no engine can match it.
    spread = np.ptp(x.astype(np.float64)) if x.size else 0.0
    assume(constant or x.size < 2 or spread > 1e-3 * float(np.max(np.abs(x))))
    d = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    run_both(lambda lib, a: getattr(a, name)(), [x], dtype, seed)
    run_both(lambda lib, a: getattr(lib, name)(a, d, keepdim=keepdim), [x], dtype, seed)
    run_both(lambda lib, a: getattr(a, name)(d, unbiased=False), [x], dtype, seed)
    run_both(lambda lib, a: getattr(a, name)(dim=d, correction=0, keepdim=keepdim), [x], dtype, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data(), shape=shapes, seed=seeds)
def test_gather_masked_fill_cumsum(dtype, data, shape, seed):
    x = seeded_array(shape, seed, dtype)
    d = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    ishape = tuple(data.draw(st.integers(1, 3)) if i == d % len(shape) else n for i, n in enumerate(shape))
    index = data.draw(hnp.arrays(np.int64, ishape, elements=st.integers(0, shape[d] - 1)), label="index")
    run_both(lambda lib, a, i: lib.gather(a, d, i), [x, index], dtype, seed)
    mask = data.draw(hnp.arrays(np.bool_, shape[-1:]), label="mask")
    run_both(lambda lib, a, m: a.masked_fill(m, -2.5), [x, mask], dtype, seed)
    run_both(lambda lib, a: lib.cumsum(a, d), [x], dtype, seed)
    run_both(lambda lib, a: a.cumsum(dim=d), [np.abs(x * 3).astype(np.int64)], dtype, grad=False)


@pytest.mark.parametrize("dtype", DTYPES)
@given(b=st.integers(1, 3), n=st.integers(1, 3), m=st.integers(1, 3), p=st.integers(1, 3), seed=seeds)
def test_bmm_dot(dtype, b, n, m, p, seed):
    run_both(lambda lib, x, y: lib.bmm(x, y), [seeded_array((b, n, m), seed, dtype),
                                              seeded_array((b, m, p), seed + 1, dtype)], dtype, seed)
    run_both(lambda lib, x, y: x.dot(y), [seeded_array((m,), seed, dtype), seeded_array((m,), seed + 2, dtype)],
             dtype, seed)
    with pytest.raises(RuntimeError, match="3-D"):
        mt.bmm(mt.ones(2, 2), mt.ones(2, 2))
    with pytest.raises(RuntimeError, match="1D tensors expected"):
        mt.dot(mt.ones(2, 2), mt.ones(2))


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data(), shape=shapes, seed=seeds)
def test_split_chunk_sort_topk(dtype, data, shape, seed):
    x = seeded_array(shape, seed, dtype)   # continuous values: no ties, so the index order is unique
    d = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    size = data.draw(st.integers(1, 4), label="split size")
    for i in range(-(-shape[d] // size)):
        run_both(lambda lib, a: lib.split(a, size, d)[i] * 1.5, [x], dtype, seed)
    chunks = data.draw(st.integers(1, 5), label="chunks")
    n_ours, n_torch = len(mt.chunk(mt.tensor(x), chunks, d)), len(torch.chunk(torch.tensor(x), chunks, d))
    assert n_ours == n_torch
    for i in range(n_torch):
        run_both(lambda lib, a: a.chunk(chunks, dim=d)[i] * 2, [x], dtype, seed)
    desc = data.draw(st.booleans(), label="descending")
    k = data.draw(st.integers(0, shape[d]), label="k")
    for pick in (0, 1):
        run_both(lambda lib, a: lib.sort(a, dim=d, descending=desc)[pick], [x], dtype, seed)
        run_both(lambda lib, a: a.topk(k, dim=d, largest=desc)[pick], [x], dtype, seed)
    ours = mt.tensor(x).sort(d)
    assert type(ours).__name__ == "sort" and ours.indices.dtype == mt.int64

