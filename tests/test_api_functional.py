"""Functional forms and small modules against torch: ``torch.add/sub/mul/div/pow/matmul/mm`` (with
``out=``), ``torch.sum/mean/max/min/argmax/argmin/flatten`` as functions (``max(x, dim)`` gives the
(values, indices) pair), the binary cross-entropy losses (weight, pos_weight, every reduction, the
gradients of input and target), ``F.sigmoid/tanh/relu/softmax/log_softmax/max_pool2d`` and
``nn.Softmax/LogSoftmax/NLLLoss/Sigmoid/Tanh/Identity/Flatten/BCELoss/BCEWithLogitsLoss``."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, strategies as st

import minitorch_cnn as mt
import minitorch_cnn.nn as mnn
import minitorch_cnn.nn.functional as MF
from api_helpers import assert_close, run_both, value_arrays
from strategies import DTYPES, seeded_array, seeds

LIBS = {mt: (mnn, MF), torch: (torch.nn, TF)}
shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)


# --- arithmetic functions and out= -----------------------------------------------------------------
BINARY = {
    "add": lambda lib, a, b: lib.add(a, b), "add_alpha": lambda lib, a, b: lib.add(a, b, alpha=2.5),
    "sub": lambda lib, a, b: lib.sub(a, b), "sub_alpha": lambda lib, a, b: lib.sub(a, b, alpha=-1),
    "mul": lambda lib, a, b: lib.mul(a, b), "div": lambda lib, a, b: lib.div(a, b),
    "pow": lambda lib, a, b: lib.pow(lib.abs(a) + 0.5, b), "true_divide": lambda lib, a, b: lib.true_divide(a, b),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(BINARY))
@given(shape=shapes, seed=seeds)
def test_binary_functions(name, dtype, shape, seed):
    a, b = seeded_array(shape, seed, dtype), seeded_array(shape[-1:], seed + 1, dtype) + dtype(3.5)
    run_both(BINARY[name], [a, b], dtype, seed)
    run_both(lambda lib, x: BINARY[name](lib, x, 2), [a], dtype, seed)


@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "matmul", "mm"])
def test_out_argument_writes_into_the_given_tensor(name):
    a = np.arange(1.0, 7.0, dtype=np.float32).reshape(2, 3)
    b = (np.arange(6.0, dtype=np.float32).reshape(3, 2) + 1) if name in ("matmul", "mm") else a[::-1].copy()
    for shape in ((2, 3) if name not in ("matmul", "mm") else (2, 2), (0,)):   # the right size, and one to resize
        out_o, out_t = mt.zeros(shape), torch.zeros(shape)
        r_o = getattr(mt, name)(mt.tensor(a), mt.tensor(b), out=out_o)
        r_t = getattr(torch, name)(torch.tensor(a), torch.tensor(b), out=out_t)
        assert r_o is out_o
        assert_close(out_o, r_t, np.float32, f"{name}(out=) into shape {shape}")
    # the tensor given as out= is written in place: a NumPy view of it sees the result
    out = mt.zeros(2, 2) if name in ("matmul", "mm") else mt.zeros(2, 3)
    view = out.numpy()
    getattr(mt, name)(mt.tensor(a), mt.tensor(b), out=out)
    assert np.array_equal(view, out.numpy())


def test_out_refuses_what_torch_refuses():
    a = mt.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="out=.*automatic differentiation"):
        mt.mul(a, a, out=mt.zeros(2))
    with pytest.raises(RuntimeError, match="can't be cast"):
        mt.add(mt.ones(2), mt.ones(2), out=mt.zeros(2, dtype=mt.int64))
    with mt.no_grad():
        assert mt.mul(a, a, out=mt.zeros(2)).requires_grad is False


@pytest.mark.parametrize("dtype", DTYPES)
@given(n=st.integers(1, 4), k=st.integers(1, 4), m=st.integers(1, 4), seed=seeds)
def test_mm(dtype, n, k, m, seed):
    a, b = seeded_array((n, k), seed, dtype), seeded_array((k, m), seed + 1, dtype)
    run_both(lambda lib, x, y: lib.mm(x, y), [a, b], dtype, seed)
    run_both(lambda lib, x, y: x.mm(y), [a, b], dtype, seed)
    with pytest.raises(RuntimeError, match="mm"):
        mt.mm(mt.tensor(a), mt.tensor(a).sum(0))  # a vector is not a matrix
    if k != n:
        with pytest.raises(RuntimeError, match="cannot be multiplied"):
            mt.tensor(a).mm(mt.tensor(a))


# --- reductions as functions -----------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data(), shape=shapes, seed=seeds, keepdim=st.booleans())
def test_reductions_as_functions(dtype, data, shape, seed, keepdim):
    x = data.draw(value_arrays(shape, dtype, -5, 5, special=False), label="x")
    d = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    run_both(lambda lib, a: lib.sum(a), [x], dtype, seed)
    run_both(lambda lib, a: lib.sum(a, d, keepdim), [x], dtype, seed)
    run_both(lambda lib, a: lib.sum(a, dim=d, keepdim=keepdim), [x], dtype, seed)
    run_both(lambda lib, a: lib.mean(a), [x], dtype, seed)
    run_both(lambda lib, a: lib.mean(a, d, keepdim=keepdim), [x], dtype, seed)
    run_both(lambda lib, a: lib.argmax(a, d, keepdim), [x], dtype, seed, grad=False)
    run_both(lambda lib, a: lib.argmin(a, dim=d), [x], dtype, seed, grad=False)
    run_both(lambda lib, a: lib.flatten(a, min(1, len(shape) - 1)), [x], dtype, seed)
    for fn in ("max", "min"):
        run_both(lambda lib, a: getattr(lib, fn)(a), [x], dtype, seed)
        for form in (lambda lib, a: getattr(lib, fn)(a, d, keepdim), lambda lib, a: getattr(lib, fn)(a, dim=d)):
            ours, theirs = form(mt, mt.tensor(x)), form(torch, torch.tensor(x))
            assert type(ours).__name__ == fn
            assert_close(ours.values, theirs.values, dtype, f"{fn} values")
            assert_close(ours.indices, theirs.indices, dtype, f"{fn} indices")
            o_vals, o_idx = ours  # it unpacks like a tuple: `_, predicted = torch.max(outputs, 1)`
            assert o_idx is ours.indices


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data(), shape=shapes, seed=seeds, keepdim=st.booleans())
def test_norm(dtype, data, shape, seed, keepdim):
    x = data.draw(value_arrays(shape, dtype, -5, 5, special=False), label="x")
    # values whose squares underflow (|x| below √tiny: 1e-154 in float64, 1e-19 in float32) are left out:
    # torch's result there depends on how many elements are reduced (one tiny element keeps its size, two
    # underflow to a zero norm). The bound was 1e-30 for both dtypes, which let float32 underflow through.
    x = np.where(np.abs(x) < np.sqrt(np.finfo(dtype).tiny), 0, x)
    x = np.where(data.draw(st.booleans(), label="zeros"), 0, x).astype(dtype)   # the norm's kink at 0
    d = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    run_both(lambda lib, a: a.norm(), [x], dtype, seed)
    run_both(lambda lib, a: a.norm(dim=d, keepdim=keepdim), [x], dtype, seed)
    if len(shape) > 1:
        run_both(lambda lib, a: a.norm(2, (0, -1)), [x], dtype, seed)
    else:
        # torch: "dim 0 appears multiple times in the list of dims"
        with pytest.raises(RuntimeError, match="appears multiple times"):
            mt.tensor(x).norm(2, (0, -1))


def test_sum_of_ints_and_bools_is_int64():
    for a in (np.array([True, False, True]), np.array([1, 2], np.int32), np.array([3], np.uint8)):
        assert_close(mt.sum(mt.tensor(a)), torch.sum(torch.tensor(a)), np.float32, f"sum of {a.dtype}")


# --- binary cross-entropy ----------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@given(data=st.data(), shape=shapes, seed=seeds, weighted=st.booleans())
def test_binary_cross_entropy(dtype, reduction, data, shape, seed, weighted):
    p = data.draw(value_arrays(shape, dtype, 0.0, 1.0, special=False), label="probabilities")
    p = np.where(data.draw(st.booleans(), label="hit the ends"), np.round(p), p).astype(dtype)  # 0 and 1 too
    t = data.draw(value_arrays(shape, dtype, 0.0, 1.0, special=False), label="target")
    w = np.abs(seeded_array(shape[-1:], seed, dtype)) if weighted else None

    def op(lib, x, y):
        weight = None if w is None else lib.tensor(w)
        return LIBS[lib][1].binary_cross_entropy(x, y, weight=weight, reduction=reduction)

    run_both(op, [p, t], dtype, seed)
    run_both(lambda lib, x, y: LIBS[lib][0].BCELoss(reduction=reduction)(x, y), [p, t], dtype, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@given(data=st.data(), shape=shapes, seed=seeds, weighted=st.booleans(), pos=st.booleans())
def test_binary_cross_entropy_with_logits(dtype, reduction, data, shape, seed, weighted, pos):
    z = data.draw(value_arrays(shape, dtype, -100.0, 100.0, special=False), label="logits")
    t = data.draw(value_arrays(shape, dtype, 0.0, 1.0, special=False), label="target")
    w = np.abs(seeded_array(shape, seed, dtype)) if weighted else None
    pw = np.abs(seeded_array(shape[-1:], seed + 2, dtype)) * 3 if pos else None

    def op(lib, x, y):
        kw = dict(weight=None if w is None else lib.tensor(w), pos_weight=None if pw is None else lib.tensor(pw))
        return LIBS[lib][1].binary_cross_entropy_with_logits(x, y, reduction=reduction, **kw)

    def module(lib, x, y):
        kw = dict(weight=None if w is None else lib.tensor(w), pos_weight=None if pw is None else lib.tensor(pw))
        return LIBS[lib][0].BCEWithLogitsLoss(reduction=reduction, **kw)(x, y)

    run_both(op, [z, t], dtype, seed)
    run_both(module, [z, t], dtype, seed)


def test_bce_errors_like_torch():
    x, t = mt.tensor([0.2, 1.5]), mt.tensor([0.0, 1.0])
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        MF.binary_cross_entropy(x, t)
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        MF.binary_cross_entropy(mt.tensor([float("nan")]), mt.tensor([1.0]))
    with pytest.raises(ValueError, match=r"target size.*\(2, 1\).*\(2,\)"):
        MF.binary_cross_entropy(mt.tensor([0.5, 0.5]), mt.tensor([[1.0], [0.0]]))
    with pytest.raises(ValueError, match=r"\(2, 1\).*\(2,\)"):
        mnn.BCEWithLogitsLoss()(mt.tensor([0.5, 0.5]), mt.tensor([[1.0], [0.0]]))
    with pytest.raises(ValueError, match="reduction"):
        mnn.BCELoss(reduction="avg")
    with pytest.raises(RuntimeError, match=r"pos_weight.*\(3,\).*\(2,\)"):  # torch: a RuntimeError too
        MF.binary_cross_entropy_with_logits(mt.zeros(2), mt.zeros(2), pos_weight=mt.ones(3))
    with pytest.raises(RuntimeError):
        torch.nn.functional.binary_cross_entropy_with_logits(torch.zeros(2), torch.zeros(2), pos_weight=torch.ones(3))


# --- small modules and F.* -----------------------------------------------------------------------------
MODULES = {
    "Softmax": lambda nn, F, x: nn.Softmax(dim=1)(x), "LogSoftmax": lambda nn, F, x: nn.LogSoftmax(dim=-1)(x),
    "Sigmoid": lambda nn, F, x: nn.Sigmoid()(x), "Tanh": lambda nn, F, x: nn.Tanh()(x),
    "Identity": lambda nn, F, x: nn.Identity(54, unused=True)(x) * 2,
    "Flatten": lambda nn, F, x: nn.Flatten()(x), "Flatten02": lambda nn, F, x: nn.Flatten(0, 2)(x),
    "Flatten_1": lambda nn, F, x: nn.Flatten(start_dim=-2)(x),
    "F.sigmoid": lambda nn, F, x: F.sigmoid(x), "F.tanh": lambda nn, F, x: F.tanh(x),
    "F.relu": lambda nn, F, x: F.relu(x), "F.softmax": lambda nn, F, x: F.softmax(x, dim=0),
    "F.log_softmax": lambda nn, F, x: F.log_softmax(x, 1),
    "F.max_pool2d": lambda nn, F, x: F.max_pool2d(x, (2, 2)), "F.max_pool2d_int": lambda nn, F, x: F.max_pool2d(x, 2),
    "NLLLoss": lambda nn, F, x: nn.NLLLoss()(nn.LogSoftmax(dim=1)(x.flatten(1)), x.flatten(1).argmax(1).detach()),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(MODULES))
@given(seed=seeds, n=st.integers(1, 3), c=st.integers(1, 3))
def test_small_modules(name, dtype, seed, n, c):
    x = seeded_array((n, c, 4, 4), seed, dtype, scale=3.0)
    run_both(lambda lib, a: MODULES[name](*LIBS[lib], a), [x], dtype, seed)


def test_module_reprs_match_torch():
    for make in (lambda nn: nn.Softmax(dim=1), lambda nn: nn.LogSoftmax(dim=0), lambda nn: nn.Sigmoid(),
                 lambda nn: nn.Tanh(), lambda nn: nn.Identity(), lambda nn: nn.Flatten(0, 2), lambda nn: nn.BCELoss(),
                 lambda nn: nn.BCEWithLogitsLoss(), lambda nn: nn.NLLLoss()):
        assert repr(make(mnn)) == repr(make(torch.nn))
