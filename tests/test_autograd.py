"""Autograd behaviour against torch: graph shapes that trip learners, accumulation, grad mode,
detach, in-place rules, and ``.grad`` assignment.

Random expression graphs (drawn by hypothesis, with nodes reused as operands of several later nodes)
are run on both engines from the same values; every leaf gradient must agree. A central finite
difference (a test tool only; the engine never differentiates numerically) checks one composite
expression independently of torch.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_cnn as mt
from conftest import tol
from strategies import DTYPES, seeded_array, seeds


def close(ours, theirs, dtype, what=""):
    ours = ours.detach().numpy() if isinstance(ours, mt.Tensor) else np.asarray(ours)
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else np.asarray(theirs)
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape} vs torch {theirs.shape}"
    np.testing.assert_allclose(ours, theirs, **tol(dtype), err_msg=what)


# --- random graphs with shared subexpressions ----------------------------------------------------------
OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 1),
    "tanh_mix": lambda a, b: (a * 0.5).tanh() + b,
    "sig": lambda a, b: a.sigmoid() * b,
    "exp": lambda a, b: (a * 0.1).exp() - b,
    "relu": lambda a, b: a.relu() + b.abs(),
    "pow": lambda a, b: a ** 2 - b,
    "bcast_sum": lambda a, b: a + b.sum(dim=-1, keepdim=True),
    "bcast_mean": lambda a, b: a * b.mean(dim=0, keepdim=True),
}


@st.composite
def graphs(draw):
    """A list of (op, i, j): node k = op(node i, node j) with i, j < k; nodes 0..2 are leaves."""
    steps = []
    for k in range(3, 3 + draw(st.integers(2, 10))):
        steps.append((draw(st.sampled_from(sorted(OPS))), draw(st.integers(0, k - 1)), draw(st.integers(0, k - 1))))
    return steps


def build(lib, leaves, steps):
    nodes = list(leaves)
    for op, i, j in steps:
        nodes.append(OPS[op](nodes[i], nodes[j]))
    # the loss uses every node, so inner nodes are shared by several consumers
    total = nodes[0].sum() * 0
    for n in nodes:
        total = total + (n * n).mean()
    return total


@pytest.mark.parametrize("dtype", DTYPES)
@given(steps=graphs(), seed=seeds, rows=st.integers(1, 3), cols=st.integers(1, 3))
def test_random_graph_gradients(dtype, steps, seed, rows, cols):
    arrays = [seeded_array((rows, cols), seed + i, dtype, scale=0.7) for i in range(3)]
    ours = [mt.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    lo, lt = build(mt, ours, steps), build(torch, theirs, steps)
    close(lo, lt, dtype, "loss")
    lo.backward()
    lt.backward()
    for k, (a, b) in enumerate(zip(ours, theirs)):
        close(a.grad, b.grad, dtype, f"leaf {k} grad, graph {steps}")


def test_reused_node_gets_both_contributions():
    """y = x*x; z = y + y: dz/dx = 2 * 2x = 4x (micrograd #64: y's gradient must be complete
    before y passes it on, which the reverse topological order guarantees)."""
    for lib in (mt, torch):
        x = lib.tensor([3.0, -1.0], requires_grad=True)
        y = x * x
        z = y + y
        z.sum().backward()
        assert x.grad.tolist() == [12.0, -4.0]


def test_same_tensor_as_both_operands():
    for lib in (mt, torch):
        x = lib.tensor(2.0, requires_grad=True)
        (x * x * x).backward()  # d/dx x³ = 3x² = 12
        assert x.grad.item() == 12.0


def test_diamond_and_long_chain():
    x = mt.tensor([0.5], requires_grad=True, dtype=mt.float64)
    t = torch.tensor([0.5], requires_grad=True, dtype=torch.float64)
    a, b = x, t
    for _ in range(3000):  # deep graph: no recursion limit in the topological sort
        a = a * 1.0001 + a * 0.0
        b = b * 1.0001 + b * 0.0
    a.sum().backward()
    b.sum().backward()
    close(x.grad, t.grad, np.float64, "long chain")


@pytest.mark.parametrize("dtype", DTYPES)
@given(seed=seeds, shape=st.sampled_from([(3,), (2, 3), (4, 1, 3)]))
def test_broadcast_gradients_sum_back(dtype, seed, shape):
    x = seeded_array(shape, seed, dtype)
    bias = seeded_array((3,), seed + 1, dtype)
    col = seeded_array(shape[:-1] + (1,), seed + 2, dtype)
    ours = [mt.tensor(v, requires_grad=True) for v in (x, bias, col)]
    theirs = [torch.tensor(v, requires_grad=True) for v in (x, bias, col)]
    for lib, (a, b, c) in ((mt, ours), (torch, theirs)):
        ((a + b) * c - b / (c * c + 1)).sum().backward()
    for k, (a, b) in enumerate(zip(ours, theirs)):
        assert a.grad.shape == a.shape
        close(a.grad, b.grad, dtype, f"input {k}")


def test_finite_difference_check():
    """Independent of torch: autodiff vs central differences on a composite expression."""
    rng = np.random.default_rng(0)
    x0, w0 = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))

    def f(x, w):
        return ((x @ w).tanh() * (x.sum(dim=1, keepdim=True) / 4).exp()).relu().mean() + (w ** 2).sum().sqrt()

    x, w = mt.tensor(x0, requires_grad=True), mt.tensor(w0, requires_grad=True)
    f(x, w).backward()
    eps = 1e-6
    for arr, grad, name in ((x0, x.grad, "x"), (w0, w.grad, "w")):
        num = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            hi, lo = arr.copy(), arr.copy()
            hi[idx] += eps
            lo[idx] -= eps
            args_hi = (mt.tensor(hi), mt.tensor(w0)) if name == "x" else (mt.tensor(x0), mt.tensor(hi))
            args_lo = (mt.tensor(lo), mt.tensor(w0)) if name == "x" else (mt.tensor(x0), mt.tensor(lo))
            num[idx] = (f(*args_hi).item() - f(*args_lo).item()) / (2 * eps)
        np.testing.assert_allclose(grad.numpy(), num, rtol=1e-6, atol=1e-8, err_msg=f"d/d{name}")


# --- accumulation -------------------------------------------------------------------------------------
def test_gradients_accumulate_until_zeroed():
    grads = {}
    for lib in (mt, torch):
        w = lib.tensor([1.0, -2.0], requires_grad=True)
        x = lib.tensor([3.0, 4.0])
        seen = []
        for _ in range(2):  # two backward calls, no zeroing: the grads add up
            (w * x).sum().backward()
            seen.append(w.grad.tolist())
        w.grad = None  # zeroing the torch way (optimizer.zero_grad's default)
        (w * x * 2).sum().backward()
        seen.append(w.grad.tolist())
        w.grad.zero_()
        (w * x).sum().backward()
        seen.append(w.grad.tolist())
        grads[lib.__name__] = seen
    assert grads["minitorch_cnn"] == grads["torch"] == [[3.0, 4.0], [6.0, 8.0], [6.0, 8.0], [3.0, 4.0]]


def test_module_zero_grad():
    p = mt.nn.Parameter(mt.ones(3))
    m = mt.nn.Module()
    m.p = p
    (p * 2).sum().backward()
    m.zero_grad(set_to_none=False)
    assert p.grad is not None and p.grad.tolist() == [0.0, 0.0, 0.0]
    (p * 2).sum().backward()
    m.zero_grad()
    assert p.grad is None


def test_intermediate_grad_only_when_retained():
    for lib in (mt, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        z = x * 4
        z.retain_grad()
        (y * z).sum().backward()
        assert y.grad is None if lib is mt else True  # torch warns on a non-leaf .grad; both give None
        assert z.grad.tolist() == [3.0, 6.0]
        assert x.grad.tolist() == [24.0, 48.0]  # d/dx 12x² = 24x


# --- backward() arguments -----------------------------------------------------------------------------
def test_backward_on_non_scalar_raises_like_torch():
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (mt.ones(3, requires_grad=True) * 2).backward()
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (torch.ones(3, requires_grad=True) * 2).backward()


def test_backward_with_explicit_gradient():
    for lib in (mt, torch):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        (x * x).backward(lib.tensor([1.0, 0.5, -1.0]))
        assert x.grad.tolist() == [2.0, 2.0, -6.0]
    with pytest.raises(RuntimeError, match=r"Mismatch in shape: grad_output\[0\] has a shape of Size\(\[2\]\) and output\[0\] has a shape of Size\(\[3\]\)"):
        (mt.ones(3, requires_grad=True) * 2).backward(mt.ones(2))


def test_backward_without_grad_raises_like_torch():
    msg = "element 0 of tensors does not require grad and does not have a grad_fn"
    with pytest.raises(RuntimeError, match=msg):
        mt.ones(2).sum().backward()
    with pytest.raises(RuntimeError, match=msg):
        torch.ones(2).sum().backward()


# --- grad mode -----------------------------------------------------------------------------------------
def test_no_grad_records_nothing():
    for lib in (mt, torch):
        x = lib.ones(2, requires_grad=True)
        with lib.no_grad():
            y = x * 2
        assert not y.requires_grad and y.grad_fn is None
        z = x * 2
        assert z.requires_grad and z.grad_fn is not None and not z.is_leaf
        with lib.set_grad_enabled(False):
            assert not (x + 1).requires_grad
        assert lib.is_grad_enabled()


def test_no_grad_as_decorator_restores_mode_after_recursion():
    @mt.no_grad()
    def f(n, x):
        assert not mt.is_grad_enabled()
        return x * 2 if n == 0 else f(n - 1, x)

    x = mt.ones(2, requires_grad=True)
    assert not f(3, x).requires_grad
    assert mt.is_grad_enabled()
    assert (x * 2).requires_grad


def test_detach_shares_values_but_not_history():
    for lib in (mt, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        d = y.detach()
        assert not d.requires_grad and d.is_leaf and d.grad_fn is None
        with lib.no_grad():
            d[0] = 100.0  # shares memory with y, as in torch
        assert y[0].item() == 100.0
        (y.detach() * x).sum().backward()  # the detached factor is a constant
        assert x.grad.tolist() == [100.0, 6.0]


def test_requires_grad_flag_rules():
    x = mt.ones(2, requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad = False
    with pytest.raises(RuntimeError, match="floating point"):
        mt.tensor([1, 2]).requires_grad_()
    z = mt.ones(2).requires_grad_()
    assert z.requires_grad and z.is_leaf


# --- in-place operations -----------------------------------------------------------------------------
@pytest.mark.parametrize("op", ["add_", "mul_", "zero_", "fill_", "setitem", "copy_"])
def test_inplace_on_leaf_requiring_grad_raises(op):
    def do(lib, t):
        if op == "setitem":
            t[0] = 1.0
        elif op in ("zero_",):
            t.zero_()
        elif op == "copy_":
            t.copy_(lib.ones(3))
        else:
            getattr(t, op)(2.0)

    for lib in (mt, torch):
        t = lib.zeros(3, requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            do(lib, t)
        with lib.no_grad():  # allowed, as initialisers and the lecture do
            do(lib, t)
        assert t.requires_grad and t.is_leaf


def test_setitem_under_no_grad_sets_conv_style_weights():
    """The lecture's Laplacian demo: ``with torch.no_grad(): conv.weight[0, c] = kernel``."""
    kernel = [[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]]
    results = []
    for lib in (mt, torch):
        w = lib.nn.Parameter(lib.zeros(1, 3, 3, 3))
        with lib.no_grad():
            for c in range(3):
                w[0, c] = lib.tensor(kernel) / 3
            w[0, 0, 1, 1] = -1.0
        assert w.is_leaf and w.requires_grad and w.grad is None
        (w * w).sum().backward()
        results.append((w.detach().numpy().copy(), w.grad.numpy().copy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-7)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-7)


def test_item_assignment_on_plain_tensor():
    t, u = mt.zeros(2, 3), torch.zeros(2, 3)
    for x in (t, u):
        x[0] = 1.0
        x[1, 1:] = x[0, :2] * 2
        x[:, 0] = -x[:, 0]
    np.testing.assert_array_equal(t.numpy(), u.numpy())


# --- .grad assignment --------------------------------------------------------------------------------
def test_grad_assignment_checks():
    x = mt.zeros(3, requires_grad=True)
    x.grad = mt.ones(3)
    assert x.grad.tolist() == [1.0, 1.0, 1.0]
    (x * 2).sum().backward()  # accumulates into the assigned grad
    assert x.grad.tolist() == [3.0, 3.0, 3.0]
    x.grad = None
    assert x.grad is None
    for lib in (mt, torch):
        y = lib.zeros(3, requires_grad=True)
        with pytest.raises(RuntimeError, match="size"):
            y.grad = lib.zeros(4)
        with pytest.raises(RuntimeError, match="dtype"):
            y.grad = lib.zeros(3, dtype=lib.float64)
        with pytest.raises(TypeError, match="Tensor or None"):
            y.grad = [1.0, 2.0, 3.0]
