"""Rounding division and remainders against torch 2.13: ``div(a, b, rounding_mode=...)``, ``//`` and ``%``
(both sides), ``floor_divide``, ``remainder``, ``fmod``, their in-place and ``out=`` forms; torch's dtype
rules, signs (the sign of a zero too), division by zero (integers raise "ZeroDivisionError", floats give
inf/nan), bool refused, gradients and grad_fn nodes. Also: ``out=`` bumps the target's version counter.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minitorch_cnn as mt
from api_helpers import run_both, to_numpy

LIBS = (mt, torch)

# every spelling, written once for both libraries
BINARY = {
    "a // b": lambda lib, a, b: a // b,
    "a % b": lambda lib, a, b: a % b,
    "div trunc": lambda lib, a, b: lib.div(a, b, rounding_mode="trunc"),
    "div floor": lambda lib, a, b: lib.div(a, b, rounding_mode="floor"),
    "Tensor.div trunc": lambda lib, a, b: a.div(b, rounding_mode="trunc"),
    "Tensor.divide floor": lambda lib, a, b: a.divide(b, rounding_mode="floor"),
    "div None": lambda lib, a, b: lib.div(a, b, rounding_mode=None),
    "floor_divide": lambda lib, a, b: lib.floor_divide(a, b),
    "remainder": lambda lib, a, b: lib.remainder(a, b),
    "Tensor.remainder": lambda lib, a, b: a.remainder(b),
    "fmod": lambda lib, a, b: lib.fmod(a, b),
    "Tensor.fmod": lambda lib, a, b: a.fmod(b),
}
ROUNDING = [k for k in BINARY if k != "div None"]


def same_values(ours, theirs, what):
    """Equal dtype, shape and values — bit for bit: NaN where torch has NaN, and zeros of the same sign."""
    o, t = to_numpy(ours), to_numpy(theirs)
    assert o.dtype == t.dtype and o.shape == t.shape, (what, o.dtype, t.dtype, o.shape, t.shape)
    if o.dtype.kind == "f":
        same = (o == t) & (np.signbit(o) == np.signbit(t)) | (np.isnan(o) & np.isnan(t))
        assert same.all(), f"{what}: {o[~same]} where torch gives {t[~same]} (at {np.argwhere(~same)[:5].tolist()})"
    else:
        np.testing.assert_array_equal(o, t, err_msg=what)


def outcome(fn):
    """The result, or the exception's type and message (to compare errors with torch's)."""
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - the comparison is the point
        return (type(exc).__name__, str(exc))


def both(fn, *arrays):
    """``fn(lib, *tensors)`` on both libraries; results compared bit for bit, or the same error."""
    ours = outcome(lambda: fn(mt, *(mt.tensor(a) if isinstance(a, np.ndarray) else a for a in arrays)))
    theirs = outcome(lambda: fn(torch, *(torch.tensor(a) if isinstance(a, np.ndarray) else a for a in arrays)))
    if isinstance(theirs, tuple):
        assert ours == theirs
    else:
        assert not isinstance(ours, tuple), ours
        same_values(ours, theirs, "")
    return ours, theirs


# --- values ------------------------------------------------------------------------------------------------
FLOAT_SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 7.0, -7.0, float("inf"), float("-inf"), float("nan")]


def float_pairs(dtype):
    # moderate magnitudes: torch's vectorised fmod (Sleef) gives NaN where |a/b| is astronomically large
    # (fmod(1e300, 1e-300)), a quirk of one code path that this engine does not imitate
    element = st.one_of(st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False, width=32),
                        st.sampled_from(FLOAT_SPECIAL))
    shape = st.integers(1, 12)
    return shape.flatmap(lambda n: st.tuples(*(hnp.arrays(np.float64, n, elements=element).map(
        lambda a: a.astype(dtype)) for _ in range(2))))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("op", sorted(BINARY))
@given(data=st.data())
def test_float_rounding_division_and_remainders_match_torch_bit_for_bit(op, dtype, data):
    a, b = data.draw(float_pairs(dtype))
    both(BINARY[op], a, b)


def int_pairs(dtype):
    info = np.iinfo(dtype)
    lo, hi = max(info.min, -1000), min(info.max, 1000)
    n = st.integers(1, 12)
    nonzero = st.integers(lo, hi).filter(bool)
    return n.flatmap(lambda k: st.tuples(hnp.arrays(dtype, k, elements=st.integers(lo, hi)),
                                         hnp.arrays(dtype, k, elements=nonzero)))


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int8, np.uint8])
@pytest.mark.parametrize("op", sorted(BINARY))
@given(data=st.data())
def test_integer_rounding_division_and_remainders_match_torch(op, dtype, data):
    a, b = data.draw(int_pairs(dtype))
    both(BINARY[op], a, b)


def test_integer_extremes_like_torch():
    # (not -2**63 // -1: torch's CPU kernel dies of a floating-point exception signal there)
    a = np.array([-2**63, 2**63 - 1, -7, -2**63], dtype=np.int64)
    for op in ROUNDING:
        both(lambda lib, x: BINARY[op](lib, x, lib.tensor([2, -3, 2, 2**63 - 1])), a)


NUMBERS = [3, -3, 2.5, -0.5, 0.0, 0, True]


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.int32, np.uint8])
@pytest.mark.parametrize("number", NUMBERS)
def test_a_number_on_either_side_follows_torch_promotion(dtype, number):
    a = np.array([7, 200, 0, 5, 3], dtype=dtype) if dtype == np.uint8 else np.array([7, -7, 0, 5, -3], dtype=dtype)
    forms = {
        "t // n": lambda lib, t: t // number, "n // t": lambda lib, t: number // t,
        "t % n": lambda lib, t: t % number, "n % t": lambda lib, t: number % t,
        "remainder(n, t)": lambda lib, t: lib.remainder(number, t),
        "floor_divide(n, t)": lambda lib, t: lib.floor_divide(number, t),
        "div(n, t, floor)": lambda lib, t: lib.div(number, t, rounding_mode="floor"),
        "fmod(t, n)": lambda lib, t: lib.fmod(t, number),
        "div(t, n, trunc)": lambda lib, t: lib.div(t, number, rounding_mode="trunc"),
    }
    for name, fn in forms.items():
        both(fn, a)  # values and dtype equal, or the same error (integer ZeroDivisionError)


@pytest.mark.parametrize("left", ["float32", "float64", "int64", "int32", "uint8", "0-d float64", "0-d int64"])
@pytest.mark.parametrize("right", ["float32", "float64", "int64", "int32", "uint8", "0-d float64", "0-d int64"])
def test_result_dtype_follows_torch_promotion(left, right):
    def make(lib, spec, values):
        name = spec.split()[-1]
        arr = np.array(values[0] if spec.startswith("0-d") else values).astype(name)
        return lib.tensor(arr)

    for op in ("a // b", "a % b", "fmod", "div trunc"):
        ours = BINARY[op](mt, make(mt, left, [7, 9]), make(mt, right, [2, 4]))
        theirs = BINARY[op](torch, make(torch, left, [7, 9]), make(torch, right, [2, 4]))
        same_values(ours, theirs, f"{left} {op} {right}")


@pytest.mark.parametrize("op", ROUNDING)
@pytest.mark.parametrize("dtype", [np.int64, np.uint8])
def test_integer_division_by_zero_raises_like_torch(op, dtype):
    ours, theirs = both(lambda lib, a, b: BINARY[op](lib, a, b), np.array([4, 5], dtype=dtype),
                        np.array([1, 0], dtype=dtype))
    assert ours == ("RuntimeError", "ZeroDivisionError")


@pytest.mark.parametrize("op", ROUNDING)
def test_bool_tensors_are_refused_like_torch(op):
    ours, theirs = both(BINARY[op], np.array([True, False]), np.array([True, True]))
    assert ours[0] == "NotImplementedError"


def test_an_unknown_rounding_mode_is_refused_like_torch():
    ours, _ = both(lambda lib, a: lib.div(a, 2, rounding_mode="round"), np.array([1.0]))
    assert ours[0] == "RuntimeError" and "'round'" in ours[1]
    both(lambda lib, a: a.div(2, rounding_mode="ceil"), np.array([1.0]))


def test_fmod_of_a_number_is_a_type_error_like_torch():
    for lib in LIBS:  # (torch's message lists its overloads; ours names the argument)
        with pytest.raises(TypeError, match="fmod"):
            lib.fmod(7, lib.tensor([2.0]))


def test_broadcasting_like_torch():
    a, b = np.arange(-6, 6).reshape(3, 4).astype(np.float32), np.array([2.5, -1.5, 3.0, -4.0], dtype=np.float32)
    for op in ROUNDING:
        both(BINARY[op], a, b)
        both(BINARY[op], a, b[:1].reshape(1, 1))


# --- in place and out= -----------------------------------------------------------------------------------
INPLACE = {
    "//=": lambda lib, a, b: a.__ifloordiv__(b),
    "%=": lambda lib, a, b: a.__imod__(b),
    "div_ floor": lambda lib, a, b: a.div_(b, rounding_mode="floor"),
    "div_ trunc": lambda lib, a, b: a.div_(b, rounding_mode="trunc"),
    "floor_divide_": lambda lib, a, b: a.floor_divide_(b),
    "remainder_": lambda lib, a, b: a.remainder_(b),
    "fmod_": lambda lib, a, b: a.fmod_(b),
}


@pytest.mark.parametrize("op", sorted(INPLACE))
@pytest.mark.parametrize("dtype", [np.float32, np.int64])
def test_in_place_forms_write_into_the_same_tensor_like_torch(op, dtype):
    def program(lib, a):
        t = a.clone()
        alias = t.view(-1)
        result = INPLACE[op](lib, t, lib.tensor(np.array([2, -3, 4, -5], dtype=dtype)))
        assert result is t
        return lib.stack([alias, lib.tensor(np.full(4, t._version, dtype=dtype))])

    both(program, np.array([7, 7, -9, -9], dtype=dtype))
    # a float divisor cannot be written into an integer tensor (torch's cast rule)
    both(lambda lib, a: INPLACE[op](lib, a, 2.5), np.array([7, -9], dtype=np.int64))


@pytest.mark.parametrize("name", ["div", "floor_divide", "remainder", "fmod"])
def test_out_receives_the_result_like_torch(name):
    def program(lib, a, b):
        kwargs = {"rounding_mode": "floor"} if name == "div" else {}
        out = lib.zeros(3, dtype=a.dtype)
        r = getattr(lib, name)(a, b, out=out, **kwargs)
        assert r is out
        return out

    both(program, np.array([7.5, -7.5, 3.0]), np.array([2.0, 2.0, -0.5]))
    both(program, np.array([7, -7, 3]), np.array([2, 2, -5]))


# --- gradients and nodes -------------------------------------------------------------------------------------
def grad_pairs():
    # away from the jumps (a/b an integer), where the left and right derivatives differ
    element = st.floats(-20, 20, allow_nan=False).filter(lambda v: abs(v) > 0.1)
    return st.integers(1, 6).flatmap(lambda n: st.tuples(*(hnp.arrays(np.float64, n, elements=element)
                                                           for _ in range(2)))).filter(
        lambda ab: np.all(np.abs(ab[0] / ab[1] - np.round(ab[0] / ab[1])) > 1e-6))


DIFFERENTIABLE = {
    "a % b": BINARY["a % b"], "remainder": BINARY["remainder"], "fmod": BINARY["fmod"],
    "div trunc": BINARY["div trunc"], "div floor": BINARY["div floor"],
    "a % 2.5": lambda lib, a, b: a % 2.5 + b, "fmod(a, -1.5)": lambda lib, a, b: lib.fmod(a, -1.5) * b,
}


@pytest.mark.parametrize("op", sorted(DIFFERENTIABLE))
@given(ab=grad_pairs())
def test_gradients_match_torch(op, ab):
    a, b = ab
    run_both(DIFFERENTIABLE[op], [a, b], np.float64)


def structure(node):
    if node is None:
        return None
    return (node.name(), [structure(n) for n, _ in node.next_functions])


NODES = {
    "x // y": lambda lib, x, y: x // y, "x // 2": lambda lib, x, y: x // 2, "2 // x": lambda lib, x, y: 2 // x,
    "x % y": lambda lib, x, y: x % y, "x % 2": lambda lib, x, y: x % 2, "2 % x": lambda lib, x, y: 2 % x,
    "fmod(x, y)": lambda lib, x, y: lib.fmod(x, y), "fmod(x, 2)": lambda lib, x, y: lib.fmod(x, 2),
    "div(x, y, floor)": lambda lib, x, y: lib.div(x, y, rounding_mode="floor"),
    "div(x, 2, trunc)": lambda lib, x, y: lib.div(x, 2, rounding_mode="trunc"),
}


@pytest.mark.parametrize("expr", sorted(NODES))
def test_grad_fn_nodes_and_backward_errors_like_torch(expr):
    results = []
    for lib in LIBS:
        x = lib.tensor([7.5, -3.2], requires_grad=True)
        y = lib.tensor([2.0, 1.5], requires_grad=True)
        out = NODES[expr](lib, x, y)
        results.append((structure(out.grad_fn), outcome(lambda: out.sum().backward())))
    assert results[0] == results[1]
    assert ("RuntimeError", "derivative for aten::floor_divide is not implemented") == results[0][1] or "//" not in expr


# --- out= is an in-place write: the version counter moves ------------------------------------------------------
@pytest.mark.parametrize("shape", [(3,), (5,)], ids=["same shape", "resized"])
def test_out_bumps_the_version_counter_like_torch(shape):
    versions = []
    for lib in LIBS:
        out = lib.zeros(*shape)
        before = out._version
        with pytest.warns(UserWarning) if (lib is torch and shape == (5,)) else _nothing():
            lib.add(lib.ones(3), 1, out=out)
        versions.append((before, out._version))
    assert versions[0] == versions[1] == (0, 1)


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.mark.parametrize("name", ["add", "mul", "div", "remainder", "matmul"])
def test_out_into_a_tensor_a_pending_backward_saved_raises_at_backward_like_torch(name):
    messages = []
    for lib in LIBS:
        x = lib.ones(3, 3, requires_grad=True)
        c = lib.full((3, 3), 2.0)
        y = (x @ c) if name == "matmul" else x * c  # both save c (x's gradient needs it)
        getattr(lib, name)(c, lib.ones(3, 3), out=c)
        msg = outcome(lambda: y.sum().backward())
        messages.append(msg[1].split(" is at version")[1][:30] if isinstance(msg, tuple) else msg)
    assert messages[0] == messages[1], messages
