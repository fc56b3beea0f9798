"""Tensor ops against torch: forward values AND gradients, float64 and float32.

Each op is written once as a function of the module imported as ``torch`` (``lib``), so the same
expression runs on minitorch_cnn and on torch (``op(mt, *xs)`` vs ``op(torch, *xs)``). Hypothesis
draws the shapes and a seed for the values; the gradient of ``sum(out * G)`` for a random ``G`` is
compared for every floating input.

Tolerances come from conftest's ``tol`` (float64: 1e-10 relative; float32: 1e-4 relative with a
small absolute floor). The worst relative error seen per dtype is printed at the end of the module
(run with ``-s`` to see it).
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_cnn as mt
from conftest import tol
from strategies import DTYPES, seeded_array, seeds

WORST = {np.float64: 0.0, np.float32: 0.0}


@pytest.fixture(scope="module", autouse=True)
def _report_worst():
    yield
    print("\nworst relative error vs torch (tensor ops):",
          {np.dtype(k).name: f"{v:.2e}" for k, v in WORST.items()})


def _record(ours: np.ndarray, theirs: np.ndarray, dtype) -> None:
    scale = np.maximum(np.abs(theirs), 1.0 if np.dtype(dtype) == np.float32 else 1e-300)
    if ours.size:
        err = float(np.max(np.abs(ours.astype(np.float64) - theirs.astype(np.float64)) / scale))
        key = np.dtype(dtype).type
        WORST[key] = max(WORST[key], err)


def assert_close(ours, theirs, dtype, what: str) -> None:
    ours = ours.detach().numpy() if isinstance(ours, mt.Tensor) else np.asarray(ours)
    theirs = theirs.detach().cpu().numpy() if isinstance(theirs, torch.Tensor) else np.asarray(theirs)
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape}, torch gives {theirs.shape}"
    assert ours.dtype == theirs.dtype, f"{what}: dtype {ours.dtype}, torch gives {theirs.dtype}"
    if ours.dtype.kind == "f":
        _record(ours, theirs, dtype)
        np.testing.assert_allclose(ours, theirs, **tol(dtype), err_msg=what)
    else:
        np.testing.assert_array_equal(ours, theirs, err_msg=what)


def run_both(op, arrays, dtype, seed: int, grad: bool = True):
    """Run ``op(lib, *tensors)`` on both engines, compare output and input gradients."""
    ours_in = [mt.tensor(a, requires_grad=grad and a.dtype.kind == "f") for a in arrays]
    theirs_in = [torch.tensor(a, requires_grad=grad and a.dtype.kind == "f") for a in arrays]
    ours, theirs = op(mt, *ours_in), op(torch, *theirs_in)
    if isinstance(ours, tuple):  # max/min with dim: (values, indices)
        assert_close(ours[1], theirs[1], dtype, "indices")
        ours, theirs = ours[0], theirs[0]
    assert_close(ours, theirs, dtype, "forward")
    if not (grad and ours.requires_grad):
        return
    g = seeded_array(tuple(ours.shape), seed + 1, dtype)
    (ours * mt.tensor(g)).sum().backward()
    (theirs * torch.tensor(g)).sum().backward()
    for i, (a, b) in enumerate(zip(ours_in, theirs_in)):
        if b.requires_grad:
            assert b.grad is not None and a.grad is not None, f"input {i}: grad missing"
            assert_close(a.grad, b.grad, dtype, f"grad of input {i}")


shapes = st.lists(st.integers(1, 4), min_size=0, max_size=4).map(tuple)
nonempty_shapes = st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple)


@st.composite
def broadcast_pair(draw):
    """Two shapes that broadcast together (size-1 axes and missing leading axes on either side)."""
    out = draw(st.lists(st.integers(1, 4), min_size=0, max_size=4))
    def side():
        keep = draw(st.integers(0, len(out)))
        return tuple(1 if draw(st.booleans()) else n for n in out[len(out) - keep:])
    return side(), side()


# --- elementwise binary ops, with broadcasting -------------------------------------------------
BINARY = {
    "add": lambda lib, a, b: a + b,
    "sub": lambda lib, a, b: a - b,
    "mul": lambda lib, a, b: a * b,
    "div": lambda lib, a, b: a / b,
    "add_alpha": lambda lib, a, b: a.add(b, alpha=0.5),
    "mixed": lambda lib, a, b: (a * b - a / b) * a + b,
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(BINARY))
@given(shapes=broadcast_pair(), seed=seeds)
def test_binary_broadcast(name, dtype, shapes, seed):
    a = seeded_array(shapes[0], seed, dtype)
    b = seeded_array(shapes[1], seed + 7, dtype)
    if name in ("div", "mixed"):  # keep divisors away from 0
        b = (np.sign(b) + (b == 0)) * (np.abs(b) + 0.5)
    run_both(BINARY[name], [a, b.astype(dtype)], dtype, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@given(shape=shapes, seed=seeds, s=st.floats(-2, 2).filter(lambda v: abs(v) > 0.1))
def test_scalar_and_reflected(dtype, shape, seed, s):
    x = seeded_array(shape, seed, dtype)
    pos = np.abs(x) + 0.5
    run_both(lambda lib, a: a + s, [x], dtype, seed)
    run_both(lambda lib, a: s + a, [x], dtype, seed)
    run_both(lambda lib, a: a - s, [x], dtype, seed)
    run_both(lambda lib, a: s - a, [x], dtype, seed)
    run_both(lambda lib, a: a * s, [x], dtype, seed)
    run_both(lambda lib, a: s * a, [x], dtype, seed)
    run_both(lambda lib, a: a / s, [x], dtype, seed)
    run_both(lambda lib, a: s / a, [pos], dtype, seed)
    run_both(lambda lib, a: -a, [x], dtype, seed)
    run_both(lambda lib, a: a ** 2, [x], dtype, seed)
    run_both(lambda lib, a: a ** 3, [x], dtype, seed)
    run_both(lambda lib, a: a ** s, [pos], dtype, seed)
    run_both(lambda lib, a: abs(s) ** a, [x], dtype, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@given(shapes=broadcast_pair(), seed=seeds)
def test_tensor_pow_tensor(dtype, shapes, seed):
    a = np.abs(seeded_array(shapes[0], seed, dtype)) + 0.5
    b = seeded_array(shapes[1], seed + 3, dtype)
    run_both(lambda lib, x, y: x ** y, [a.astype(dtype), b], dtype, seed)


# --- matmul --------------------------------------------------------------------------------------
@st.composite
def matmul_shapes(draw):
    n, k, m = draw(st.integers(1, 5)), draw(st.integers(1, 5)), draw(st.integers(1, 5))
    kind = draw(st.sampled_from(["vv", "mv", "vm", "mm", "bmm", "bcast", "vb", "bv"]))
    batch = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
    if kind == "vv":
        return (k,), (k,)
    if kind == "mv":
        return (n, k), (k,)
    if kind == "vm":
        return (k,), (k, m)
    if kind == "mm":
        return (n, k), (k, m)
    if kind == "bmm":
        return batch + (n, k), batch + (k, m)
    if kind == "bcast":  # batched times a plain matrix, or size-1 batch axes
        return batch + (n, k), (1,) * draw(st.integers(0, 1)) + (k, m)
    if kind == "vb":
        return (k,), batch + (k, m)
    return batch + (n, k), (k,)


@pytest.mark.parametrize("dtype", DTYPES)
@given(shapes=matmul_shapes(), seed=seeds)
def test_matmul(dtype, shapes, seed):
    a = seeded_array(shapes[0], seed, dtype)
    b = seeded_array(shapes[1], seed + 1, dtype)
    run_both(lambda lib, x, y: x @ y, [a, b], dtype, seed)
    run_both(lambda lib, x, y: lib.matmul(x, y), [a, b], dtype, seed)


# --- elementwise unary ops -----------------------------------------------------------------------
UNARY = {
    "exp": (lambda lib, a: a.exp(), None),
    "log": (lambda lib, a: a.log(), "pos"),
    "sqrt": (lambda lib, a: a.sqrt(), "pos"),
    "abs": (lambda lib, a: a.abs(), None),
    "tanh": (lambda lib, a: a.tanh(), None),
    "sigmoid": (lambda lib, a: a.sigmoid(), None),
    "relu": (lambda lib, a: a.relu(), None),
    "fn_exp": (lambda lib, a: lib.exp(a), None),
    "fn_log": (lambda lib, a: lib.log(a), "pos"),
    "fn_sqrt": (lambda lib, a: lib.sqrt(a), "pos"),
    "fn_abs": (lambda lib, a: lib.abs(a), None),
    "fn_tanh": (lambda lib, a: lib.tanh(a), None),
    "fn_sigmoid": (lambda lib, a: lib.sigmoid(a), None),
    "fn_relu": (lambda lib, a: lib.relu(a), None),
    "clone": (lambda lib, a: a.clone() * 2, None),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(UNARY))
@given(shape=shapes, seed=seeds)
def test_unary(name, dtype, shape, seed):
    op, domain = UNARY[name]
    x = seeded_array(shape, seed, dtype, scale=2.0)
    if domain == "pos":
        x = np.abs(x) + 0.1
    run_both(op, [x.astype(dtype)], dtype, seed)


# --- reductions ------------------------------------------------------------------------------------
@st.composite
def shape_and_dim(draw, allow_tuple=True):
    shape = draw(nonempty_shapes)
    nd = len(shape)
    if allow_tuple and draw(st.booleans()):
        dims = draw(st.lists(st.integers(-nd, nd - 1), min_size=1, max_size=nd,
                             unique_by=lambda d: d % nd))
        return shape, tuple(dims)
    return shape, draw(st.integers(-nd, nd - 1))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("red", ["sum", "mean"])
@given(sd=shape_and_dim(), keepdim=st.booleans(), seed=seeds)
def test_sum_mean(red, dtype, sd, keepdim, seed):
    shape, dim = sd
    x = seeded_array(shape, seed, dtype)
    run_both(lambda lib, a: getattr(a, red)(dim=dim, keepdim=keepdim), [x], dtype, seed)
    run_both(lambda lib, a: getattr(a, red)(), [x], dtype, seed)
    run_both(lambda lib, a: getattr(a, red)(dim), [x], dtype, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("red", ["max", "min"])
@given(sd=shape_and_dim(allow_tuple=False), keepdim=st.booleans(), seed=seeds)
def test_max_min(red, dtype, sd, keepdim, seed):
    shape, dim = sd
    x = seeded_array(shape, seed, dtype)  # continuous values: no ties
    run_both(lambda lib, a: tuple(getattr(a, red)(dim, keepdim=keepdim)), [x], dtype, seed)
    run_both(lambda lib, a: getattr(a, red)(), [x], dtype, seed)
    run_both(lambda lib, a: a.argmax(dim, keepdim=keepdim), [x], dtype, seed)
    run_both(lambda lib, a: a.argmax(), [x], dtype, seed)
    run_both(lambda lib, a: lib.argmax(a, dim=dim), [x], dtype, seed)


def test_max_all_ties_share_gradient():
    x = [[1.0, 3.0], [3.0, 0.0]]
    a, b = mt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    a.max().backward()
    b.max().backward()
    assert_close(a.grad, b.grad, np.float32, "tied max grad")


def test_max_dim_returns_named_pair():
    x = mt.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 1.0]])
    values, indices = x.max(1)
    assert x.max(dim=1).values.tolist() == values.tolist() == [5.0, 7.0]
    assert x.max(dim=1).indices.tolist() == indices.tolist() == [1, 0]
    assert indices.dtype == mt.int64


# --- shape operations --------------------------------------------------------------------------
@st.composite
def shape_and_view(draw):
    shape = draw(nonempty_shapes)
    n = int(np.prod(shape))
    factors = [d for d in range(1, n + 1) if n % d == 0]
    a = draw(st.sampled_from(factors))
    new = [a, n // a]
    new[draw(st.integers(0, 1))] = -1
    if draw(st.booleans()):
        new = [n] if draw(st.booleans()) else [-1]
    return shape, tuple(new)


@pytest.mark.parametrize("dtype", DTYPES)
@given(sv=shape_and_view(), seed=seeds)
def test_view_reshape(dtype, sv, seed):
    shape, new = sv
    x = seeded_array(shape, seed, dtype)
    run_both(lambda lib, a: a.view(*new), [x], dtype, seed)
    run_both(lambda lib, a: a.view(new), [x], dtype, seed)
    run_both(lambda lib, a: a.reshape(*new), [x], dtype, seed)
    run_both(lambda lib, a: a.view(-1), [x], dtype, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@given(shape=shapes, seed=seeds, data=st.data())
def test_unsqueeze_squeeze_flatten(dtype, shape, seed, data):
    x = seeded_array(shape, seed, dtype)
    nd = len(shape)
    d = data.draw(st.integers(-nd - 1, nd), label="unsqueeze dim")
    run_both(lambda lib, a: a.unsqueeze(d), [x], dtype, seed)
    run_both(lambda lib, a: a.unsqueeze(d).squeeze(), [x], dtype, seed)
    run_both(lambda lib, a: a.unsqueeze(d).squeeze(d), [x], dtype, seed)
    run_both(lambda lib, a: a.squeeze(), [x], dtype, seed)
    run_both(lambda lib, a: a.flatten(), [x], dtype, seed)
    if nd:
        s = data.draw(st.integers(-nd, nd - 1), label="start_dim")
        e = data.draw(st.integers(s % nd, nd - 1), label="end_dim")
        run_both(lambda lib, a: a.flatten(s, e), [x], dtype, seed)
        run_both(lambda lib, a: a.squeeze(s), [x], dtype, seed)
        run_both(lambda lib, a: lib.flatten(a, start_dim=s), [x], dtype, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@given(shape=nonempty_shapes, seed=seeds, data=st.data())
def test_permute_transpose(dtype, shape, seed, data):
    x = seeded_array(shape, seed, dtype)
    nd = len(shape)
    order = data.draw(st.permutations(range(nd)), label="order")
    neg = [d - nd if data.draw(st.booleans()) else d for d in order]
    run_both(lambda lib, a: a.permute(*order), [x], dtype, seed)
    run_both(lambda lib, a: a.permute(neg), [x], dtype, seed)
    d0 = data.draw(st.integers(-nd, nd - 1), label="d0")
    d1 = data.draw(st.integers(-nd, nd - 1), label="d1")
    run_both(lambda lib, a: a.transpose(d0, d1), [x], dtype, seed)
    run_both(lambda lib, a: a.permute(*order).reshape(-1) * 2, [x], dtype, seed)
    if nd <= 2:
        run_both(lambda lib, a: a.t(), [x], dtype, seed)
    run_both(lambda lib, a: a.T if nd <= 2 else a.permute(*reversed(range(nd))), [x], dtype, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@given(shape=shapes, seed=seeds, data=st.data())
def test_expand_repeat(dtype, shape, seed, data):
    x = seeded_array(shape, seed, dtype)
    lead = data.draw(st.integers(0, 2), label="new leading dims")
    target = tuple(data.draw(st.integers(1, 3)) for _ in range(lead)) + tuple(
        data.draw(st.integers(1, 3)) if n == 1 else (n if data.draw(st.booleans()) else -1) for n in shape)
    run_both(lambda lib, a: a.expand(target), [x], dtype, seed)
    if target:
        run_both(lambda lib, a: a.expand(*target), [x], dtype, seed)
    reps = tuple(data.draw(st.integers(1, 3)) for _ in range(len(shape) + lead))
    run_both(lambda lib, a: a.repeat(reps), [x], dtype, seed)
    if reps:
        run_both(lambda lib, a: a.repeat(*reps), [x], dtype, seed)


@st.composite
def index_case(draw):
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
    items = []
    for n in shape[: draw(st.integers(1, len(shape)))]:
        kind = draw(st.sampled_from(["int", "slice", "none", "ellipsis_free"]))
        if kind == "int":
            items.append(draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            lo = draw(st.integers(-n, n))
            hi = draw(st.integers(-n, n))
            step = draw(st.sampled_from([None, 1, 2]))
            items.append(slice(lo, hi, step))
        elif kind == "none":
            items.append(None)
            items.append(slice(None))
        else:
            items.append(slice(None))
    return shape, tuple(items)


@pytest.mark.parametrize("dtype", DTYPES)
@given(case=index_case(), seed=seeds)
def test_getitem_basic(dtype, case, seed):
    shape, index = case
    x = seeded_array(shape, seed, dtype)
    run_both(lambda lib, a: a[index] * 3, [x], dtype, seed)
    run_both(lambda lib, a: a[index[0]], [x], dtype, seed)
    run_both(lambda lib, a: a[..., 0], [x], dtype, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@given(shape=nonempty_shapes, seed=seeds, data=st.data())
def test_getitem_advanced(dtype, shape, seed, data):
    """Integer-array indices (with repeats: their gradients add up) and boolean masks."""
    x = seeded_array(shape, seed, dtype)
    idx = data.draw(st.lists(st.integers(-shape[0], shape[0] - 1), min_size=1, max_size=6), label="idx")
    run_both(lambda lib, a: a[idx], [x], dtype, seed)
    run_both(lambda lib, a: a[lib.tensor(idx)], [x], dtype, seed)
    if len(shape) >= 2:
        idx2 = data.draw(st.lists(st.integers(0, shape[1] - 1), min_size=len(idx), max_size=len(idx)))
        run_both(lambda lib, a: a[idx, idx2], [x], dtype, seed)
        run_both(lambda lib, a: a[:, idx2], [x], dtype, seed)
    run_both(lambda lib, a: a[a > 0], [x], dtype, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@given(shape=shapes, n=st.integers(1, 4), seed=seeds, data=st.data())
def test_stack_cat(dtype, shape, n, seed, data):
    arrays = [seeded_array(shape, seed + i, dtype) for i in range(n)]
    nd = len(shape)
    d = data.draw(st.integers(-nd - 1, nd), label="stack dim")
    run_both(lambda lib, *xs: lib.stack(list(xs), dim=d), arrays, dtype, seed)
    if nd:
        c = data.draw(st.integers(-nd, nd - 1), label="cat dim")
        sizes = [data.draw(st.integers(1, 3)) for _ in range(n)]
        parts = []
        for i, k in enumerate(sizes):
            s = list(shape)
            s[c] = k
            parts.append(seeded_array(tuple(s), seed + 10 + i, dtype))
        run_both(lambda lib, *xs: lib.cat(xs, dim=c), parts, dtype, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@given(shape=shapes, seed=seeds)
def test_casts_are_differentiable(dtype, shape, seed):
    x = seeded_array(shape, seed, dtype)
    run_both(lambda lib, a: a.double() * 2, [x], dtype, seed)
    run_both(lambda lib, a: a.float() * 2, [x], dtype, seed)
    run_both(lambda lib, a: a.to(lib.float64).sum(), [x], dtype, seed)
    run_both(lambda lib, a: a.to(dtype=lib.float32) + 1, [x], dtype, seed)
    run_both(lambda lib, a: a.long(), [x * 3], dtype, seed, grad=False)
    run_both(lambda lib, a: a.to(lib.uint8), [np.abs(x) * 50], dtype, seed, grad=False)
    run_both(lambda lib, a: a.bool(), [np.round(x)], dtype, seed, grad=False)


# --- dtype promotion ---------------------------------------------------------------------------------
DT_PAIRS = [("float32", "mt"), ("float64", "mt"), ("int64", "mt"), ("int32", "mt"),
            ("uint8", "mt"), ("bool", "mt")]
ALL_DTYPES = ["float32", "float64", "int64", "int32", "uint8", "bool"]


def _make(lib, dtype_name, shape):
    arr = np.arange(1, 1 + int(np.prod(shape)), dtype=np.float64).reshape(shape) % 3 + 1
    return lib.tensor(arr.astype(dtype_name))


@pytest.mark.parametrize("da", ALL_DTYPES)
@pytest.mark.parametrize("db", ALL_DTYPES)
@pytest.mark.parametrize("shapes", [((3,), (3,)), ((3,), ()), ((), (2, 2))], ids=["dims", "zero-dim-b", "zero-dim-a"])
def test_promotion_tensor_tensor(da, db, shapes):
    """torch's rules, including that 0-d tensors only win when they are of a higher category."""
    for name, op in {"add": lambda a, b: a + b, "mul": lambda a, b: a * b, "div": lambda a, b: a / b}.items():
        ours = op(_make(mt, da, shapes[0]), _make(mt, db, shapes[1]))
        theirs = op(_make(torch, da, shapes[0]), _make(torch, db, shapes[1]))
        assert_close(ours, theirs, np.float32, f"{da} {name} {db}")


@pytest.mark.parametrize("da", ALL_DTYPES)
@pytest.mark.parametrize("scalar", [2, 2.5, True], ids=["int", "float", "bool"])
def test_promotion_tensor_scalar(da, scalar):
    for name, op in {"add": lambda a, b: a + b, "radd": lambda a, b: b + a, "mul": lambda a, b: a * b,
                     "div": lambda a, b: a / b, "rsub": lambda a, b: b - a}.items():
        if name == "rsub" and (da == "bool" or scalar is True):
            continue  # torch refuses `-` on bool tensors
        ours = op(_make(mt, da, (3,)), scalar)
        theirs = op(_make(torch, da, (3,)), scalar)
        assert_close(ours, theirs, np.float32, f"{da} {name} {scalar!r}")


def test_promotion_lecture_cases():
    assert (mt.tensor([1, 2]) + 1.5).dtype == mt.float32  # int tensor + float scalar → float32
    assert (mt.ones(2) + mt.ones(2, dtype=mt.float64)).dtype == mt.float64
    assert (mt.tensor([3]) / mt.tensor([2])).dtype == mt.float32  # int / int → float
    assert (mt.tensor([3]) / mt.tensor([2])).item() == 1.5
    assert mt.tensor([1.0]).dtype == mt.float32 and mt.tensor([1]).dtype == mt.int64


@pytest.mark.parametrize("fn", ["exp", "log", "sqrt", "tanh", "sigmoid"])
@pytest.mark.parametrize("dtype", ["int64", "uint8", "bool"])
def test_float_functions_of_int_tensors(fn, dtype):
    """torch computes exp/log/… of an integer tensor in the default float dtype."""
    ours = getattr(_make(mt, dtype, (4,)), fn)()
    theirs = getattr(_make(torch, dtype, (4,)), fn)()
    assert_close(ours, theirs, np.float32, f"{fn} of {dtype}")


def test_default_dtype_switch():
    prev = mt.get_default_dtype()
    try:
        mt.set_default_dtype(mt.float64)
        assert mt.tensor([1.0]).dtype == mt.float64
        assert (mt.tensor([1]) * 0.5).dtype == mt.float64
    finally:
        mt.set_default_dtype(prev)
    assert mt.tensor([1.0]).dtype == mt.float32


# --- bad inputs: clear errors naming expected and actual ---------------------------------------------
def test_impossible_view_names_shapes():
    with pytest.raises(RuntimeError, match=r"\[5, -1\].*size 12"):
        mt.zeros(3, 4).view(5, -1)
    with pytest.raises(RuntimeError, match=r"\[5, 3\].*size 12"):
        mt.zeros(3, 4).view(5, 3)
    with pytest.raises(RuntimeError, match="only one dimension can be inferred"):
        mt.zeros(3, 4).view(-1, -1)
    with pytest.raises(RuntimeError):  # torch raises too
        torch.zeros(3, 4).view(5, -1)


def test_matmul_mismatch_names_shapes():
    with pytest.raises((RuntimeError, ValueError), match=r"\(2, 3\).*\(4, 5\).*3.*4"):
        mt.zeros(2, 3) @ mt.zeros(4, 5)
    with pytest.raises((RuntimeError, ValueError), match=r"\(3,\).*\(4,\)"):
        mt.zeros(3) @ mt.zeros(4)
    with pytest.raises(RuntimeError, match="1 dimension"):
        mt.tensor(2.0) @ mt.zeros(3)


def test_bad_permute_and_dims():
    with pytest.raises(RuntimeError, match=r"\(0, 0, 1\).*\(2, 3, 4\)"):
        mt.zeros(2, 3, 4).permute(0, 0, 1)
    with pytest.raises(RuntimeError, match=r"\(1, 0\).*\(2, 3, 4\)"):
        mt.zeros(2, 3, 4).permute(1, 0)
    with pytest.raises(IndexError, match=r"\[-2, 1\].*got 2"):
        mt.zeros(2, 3).sum(dim=2)
    with pytest.raises(IndexError, match=r"got 3"):
        mt.zeros(2, 3).unsqueeze(3)
    with pytest.raises(RuntimeError, match="equal size"):
        mt.stack([mt.zeros(2), mt.zeros(3)])
    with pytest.raises(RuntimeError, match=r"\(2, 3\).*\(2, 4\)"):
        mt.cat([mt.zeros(2, 3), mt.zeros(2, 4)], dim=0)
    with pytest.raises(RuntimeError, match=r"size of the tensor \(4\).*existing size \(2\).*dimension 0.*\[4, 3\].*"
                                           r"\[2, 3\]"):   # torch's words: the sizes, the dim, both shapes
        mt.zeros(2, 3).expand(4, 3)


def test_broadcast_mismatch_names_shapes():
    with pytest.raises((RuntimeError, ValueError), match=r"\(2, 3\).*\(4,\)"):
        mt.zeros(2, 3) + mt.zeros(4)


def test_index_out_of_range_names_shape():
    with pytest.raises(IndexError, match=r"\(2, 3\)"):
        mt.zeros(2, 3)[5]


def test_item_and_requires_grad_errors():
    with pytest.raises(RuntimeError, match="3 elements"):
        mt.zeros(3).item()
    with pytest.raises(RuntimeError, match="floating point"):
        mt.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="detach"):
        mt.zeros(2, requires_grad=True).numpy()


@pytest.mark.parametrize("shape, sizes", [
    ((3,), (-1, 3)), ((3,), (2, 3)), ((3,), (2, -1)), ((3,), (3, 1)), ((1, 3), (4, 3)), ((2, 3), (3,)),
])
def test_expand_accepts_and_refuses_what_torch_does(shape, sizes):
    try:
        expected = tuple(torch.ones(shape).expand(*sizes).shape)
    except RuntimeError:
        with pytest.raises(RuntimeError, match="expand"):
            mt.ones(*shape).expand(*sizes)
    else:
        assert tuple(mt.ones(*shape).expand(*sizes).shape) == expected
