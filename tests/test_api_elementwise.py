"""Elementwise math against torch: ``torch.f(x)`` and ``x.f()`` for sin cos tan exp log log1p sqrt
abs sign tanh sigmoid neg, pow, clamp/clip (number and tensor bounds), maximum, minimum and where —
forward values and gradients, float64 and float32.

Hypothesis draws every element, including ±0, ±1, ±inf and NaN, so torch decides what is right at
the edges (``sign(nan)`` is 0, ``clamp`` passes no gradient to a NaN, ``maximum`` splits a tie's
gradient in half, ``sqrt'(0)`` is inf...).
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_cnn as mt
from api_helpers import assert_close, run_both, value_arrays
from strategies import DTYPES, seeds

shapes = st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple)

UNARY = ["sin", "cos", "tan", "exp", "log", "log1p", "sqrt", "abs", "sign", "tanh", "sigmoid", "neg",
         "square", "reciprocal", "rsqrt", "exp2", "expm1", "log2", "log10", "relu"]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", UNARY)
@given(data=st.data(), shape=shapes, seed=seeds)
def test_unary_function_and_method(name, dtype, data, shape, seed):
    # exp2/expm1 overflow float32 past ~88; bound the finite draws so the finite cases stay finite
    x = data.draw(value_arrays(shape, dtype, -20.0, 20.0), label="x")
    run_both(lambda lib, a: getattr(lib, name)(a), [x], dtype, seed)
    run_both(lambda lib, a: getattr(a, name)(), [x], dtype, seed)


@pytest.mark.parametrize("name", ["log", "log1p", "log2", "log10", "reciprocal", "rsqrt", "sqrt"])
@pytest.mark.parametrize("x", [2.22507386e-309, 5e-324, -1 + 2 ** -53, 1e-300])
def test_unary_gradient_near_a_pole(name, x):
    """Found by Hypothesis: at a subnormal input ``dy * (1 / (a·ln 10))`` overflows to inf where torch's
    ``dy / (a·ln 10)`` is finite; each derivative that is a quotient must divide in torch's order."""
    run_both(lambda lib, a: getattr(lib, name)(a), [np.array(x)], np.float64, seed=0)


@pytest.mark.parametrize("name", ["sin", "exp", "log", "sqrt", "abs", "sign", "tanh", "sigmoid", "neg", "square",
                                  "reciprocal"])
@pytest.mark.parametrize("int_dtype", ["int64", "uint8", "bool"])
def test_unary_of_integer_tensors(name, int_dtype):
    """torch computes float functions of an int tensor in the default float dtype; abs and sign keep
    the integer dtype (and refuse bool where torch does)."""
    x = np.array([0, 1, 2, 3, 1]).astype(int_dtype)
    try:
        theirs = getattr(torch, name)(torch.tensor(x))
    except Exception as exc:  # torch refuses abs of a bool tensor: so do we, with the same type
        with pytest.raises(type(exc), match="(?i)bool"):
            getattr(mt, name)(mt.tensor(x))
        return
    assert_close(getattr(mt, name)(mt.tensor(x)), theirs, np.float32, f"{name} of {int_dtype}")


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data(), shape=shapes, seed=seeds)
def test_pow_forms(dtype, data, shape, seed):
    base = data.draw(value_arrays(shape, dtype, 0.1, 5.0, special=False), label="base")
    expo = data.draw(value_arrays(shape, dtype, -3.0, 3.0, special=False), label="exponent")
    s = data.draw(st.sampled_from([2, 3, 0.5, -1.5, 0]), label="scalar exponent")
    run_both(lambda lib, a, b: lib.pow(a, b), [base, expo], dtype, seed)
    run_both(lambda lib, a: lib.pow(a, s), [base], dtype, seed)
    run_both(lambda lib, a: a.pow(s), [base], dtype, seed)
    run_both(lambda lib, b: lib.pow(2.0, b), [expo], dtype, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data(), shape=shapes, seed=seeds)
def test_pow_at_zero_and_negative_bases(dtype, data, shape, seed):
    """Integer exponents of any base, including 0 and negatives (0**0 = 1; d/dx x**2 at 0 is 0)."""
    base = data.draw(value_arrays(shape, dtype, -4.0, 4.0), label="base")
    k = data.draw(st.sampled_from([0, 1, 2, 3, -1, -2]), label="exponent")
    run_both(lambda lib, a: a ** k, [base], dtype, seed)


bounds = st.one_of(st.none(), st.sampled_from([-1.0, 0.0, 0.5, 2.0, -np.inf, np.inf]),
                   st.integers(-2, 2))


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data(), shape=shapes, seed=seeds, lo=bounds, hi=bounds)
def test_clamp_with_numbers(dtype, data, shape, seed, lo, hi):
    x = data.draw(value_arrays(shape, dtype, -3.0, 3.0), label="x")
    if lo is None and hi is None:
        with pytest.raises(RuntimeError, match="min.*max"):
            mt.clamp(mt.tensor(x), lo, hi)
        return
    run_both(lambda lib, a: lib.clamp(a, lo, hi), [x], dtype, seed)
    run_both(lambda lib, a: a.clamp(min=lo, max=hi), [x], dtype, seed)
    run_both(lambda lib, a: a.clip(lo, hi), [x], dtype, seed)


@st.composite
def broadcast_shapes(draw, n):
    out = draw(st.lists(st.integers(1, 3), min_size=0, max_size=3))
    result = []
    for _ in range(n):
        keep = draw(st.integers(0, len(out)))
        result.append(tuple(1 if draw(st.booleans()) else k for k in out[len(out) - keep:]))
    return result


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data(), shp=broadcast_shapes(3), seed=seeds)
def test_clamp_with_tensor_bounds(dtype, data, shp, seed):
    """Tensor bounds broadcast; where min > max the result is max and min gets no gradient.
    (x takes the full broadcast shape: torch's own clamp backward fails when a bound is bigger
    than x, "output with shape [] doesn't match the broadcast shape [1]".)"""
    full = np.broadcast_shapes(*shp)
    x = data.draw(value_arrays(full, dtype, -3.0, 3.0), label="x")
    lo = data.draw(value_arrays(shp[1], dtype, -3.0, 3.0), label="min")
    hi = data.draw(value_arrays(shp[2], dtype, -3.0, 3.0), label="max")
    run_both(lambda lib, a, b, c: lib.clamp(a, b, c), [x, lo, hi], dtype, seed)
    run_both(lambda lib, a, b: lib.clamp(a, min=b), [x, lo], dtype, seed)
    run_both(lambda lib, a, c: a.clamp(max=c), [x, hi], dtype, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["maximum", "minimum"])
@given(data=st.data(), shp=broadcast_shapes(2), seed=seeds)
def test_maximum_minimum(name, dtype, data, shp, seed):
    """Ties split the gradient in half between the two inputs, as torch."""
    vals = st.sampled_from([-1.0, 0.0, 1.0, 2.0, np.nan, np.inf])  # few values: many ties
    from hypothesis.extra import numpy as hnp
    a = data.draw(hnp.arrays(np.float64, shp[0], elements=vals), label="a").astype(dtype)
    b = data.draw(hnp.arrays(np.float64, shp[1], elements=vals), label="b").astype(dtype)
    run_both(lambda lib, x, y: getattr(lib, name)(x, y), [a, b], dtype, seed)
    run_both(lambda lib, x, y: getattr(x, name)(y), [a, b], dtype, seed)
    # torch.max(a, b) / torch.min(a, b) with a tensor second argument are maximum / minimum
    fn = "max" if name == "maximum" else "min"
    run_both(lambda lib, x, y: getattr(lib, fn)(x, y), [a, b], dtype, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data(), shp=broadcast_shapes(3), seed=seeds)
def test_where(dtype, data, shp, seed):
    from hypothesis.extra import numpy as hnp
    cond = data.draw(hnp.arrays(np.bool_, shp[0]), label="cond")
    x = data.draw(value_arrays(shp[1], dtype), label="x")
    y = data.draw(value_arrays(shp[2], dtype), label="y")
    run_both(lambda lib, c, a, b: lib.where(c, a, b), [cond, x, y], dtype, seed)
    run_both(lambda lib, c, a: lib.where(c, a, 0.0), [cond, x], dtype, seed)
    run_both(lambda lib, c, b: lib.where(c, 1.5, b), [cond, y], dtype, seed)
    run_both(lambda lib, c, a, b: a.where(c, b), [cond, x, y], dtype, seed)


def test_where_promotes_like_torch():
    c = [True, False, True]
    for x, y in [(1, 2.5), (mt.tensor([1, 2, 3]), 0.5), (2, mt.tensor([1.0, 2.0, 3.0], dtype=mt.float64)),
                 (mt.tensor([1, 2, 3]), mt.tensor([4, 5, 6], dtype=mt.int32))]:
        tx = torch.tensor(x.numpy()) if isinstance(x, mt.Tensor) else x
        ty = torch.tensor(y.numpy()) if isinstance(y, mt.Tensor) else y
        assert_close(mt.where(mt.tensor(c), x, y), torch.where(torch.tensor(c), tx, ty), np.float32, f"where({x}, {y})")


def test_where_with_condition_only_gives_indices():
    c = np.array([[True, False], [False, True], [True, True]])
    ours, theirs = mt.where(mt.tensor(c)), torch.where(torch.tensor(c))
    assert len(ours) == len(theirs) == 2
    for o, t in zip(ours, theirs):
        assert_close(o, t, np.float32, "where(cond) indices")


def test_clear_errors():
    with pytest.raises(RuntimeError, match="where.*condition.*bool"):  # torch: a RuntimeError
        mt.where(mt.tensor([1.0, 0.0]), mt.ones(2), mt.zeros(2))
    with pytest.raises(RuntimeError, match="broadcast|size"):
        mt.maximum(mt.ones(2), mt.ones(3))
    with pytest.raises(TypeError, match="sin.*Tensor.*list"):
        mt.sin([1.0, 2.0])
