"""The autograd graph as torch shows it: grad_fn node names and ``next_functions``, freeing saved tensors
after backward (``retain_graph``), ``autograd.grad``, ``backward(gradient=)``, ``retain_grad``, ``detach``.

Expressions are written once and run on both libraries (``lib`` is ``torch`` or ``minitorch_cnn``).
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import numpy as np
import pytest
import torch

import minitorch_cnn as mt
from minitorch_cnn.autograd.function import Function as EngineFunction

LIBS = (mt, torch)


def leaves(lib):
    rng = np.random.default_rng(1)
    x = lib.tensor(rng.uniform(0.5, 2, 3), requires_grad=True)
    w = lib.tensor(rng.uniform(0.5, 2, 3), requires_grad=True)
    m = lib.tensor(rng.standard_normal((3, 3)), requires_grad=True)
    b = lib.tensor(rng.standard_normal((2, 3, 3)), requires_grad=True)
    img = lib.tensor(rng.standard_normal((1, 2, 4, 4)), requires_grad=True)
    ker = lib.tensor(rng.standard_normal((3, 2, 2, 2)), requires_grad=True)
    return x, w, m, b, img, ker


# expressions whose node structure is the same in both libraries (names of the node and of its inputs)
EXPRS = {
    "x+w": lambda lib, x, w, m, b, i, k: x + w,
    "x+2": lambda lib, x, w, m, b, i, k: x + 2,
    "2+x": lambda lib, x, w, m, b, i, k: 2 + x,
    "x-w": lambda lib, x, w, m, b, i, k: x - w,
    "x-2": lambda lib, x, w, m, b, i, k: x - 2,
    "x*w": lambda lib, x, w, m, b, i, k: x * w,
    "x*2": lambda lib, x, w, m, b, i, k: x * 2,
    "x/w": lambda lib, x, w, m, b, i, k: x / w,
    "x/2": lambda lib, x, w, m, b, i, k: x / 2,
    "-x": lambda lib, x, w, m, b, i, k: -x,
    "x**2": lambda lib, x, w, m, b, i, k: x ** 2,
    "x**w": lambda lib, x, w, m, b, i, k: x ** w,
    "m@m": lambda lib, x, w, m, b, i, k: m @ m,
    "x@x": lambda lib, x, w, m, b, i, k: x @ x,
    "m@x": lambda lib, x, w, m, b, i, k: m @ x,
    "exp": lambda lib, x, w, m, b, i, k: x.exp(),
    "log": lambda lib, x, w, m, b, i, k: x.log(),
    "sqrt": lambda lib, x, w, m, b, i, k: x.sqrt(),
    "abs": lambda lib, x, w, m, b, i, k: x.abs(),
    "tanh": lambda lib, x, w, m, b, i, k: x.tanh(),
    "sigmoid": lambda lib, x, w, m, b, i, k: x.sigmoid(),
    "relu": lambda lib, x, w, m, b, i, k: x.relu(),
    "double": lambda lib, x, w, m, b, i, k: x.float(),
    "clone": lambda lib, x, w, m, b, i, k: x.clone(),
    "sum": lambda lib, x, w, m, b, i, k: x.sum(),
    "sum(dim)": lambda lib, x, w, m, b, i, k: m.sum(0),
    "mean": lambda lib, x, w, m, b, i, k: x.mean(),
    "mean(dim)": lambda lib, x, w, m, b, i, k: m.mean(1, keepdim=True),
    "max": lambda lib, x, w, m, b, i, k: x.max(),
    "max(dim)": lambda lib, x, w, m, b, i, k: m.max(0)[0],
    "min": lambda lib, x, w, m, b, i, k: x.min(),
    "min(dim)": lambda lib, x, w, m, b, i, k: m.min(1).values,
    "view": lambda lib, x, w, m, b, i, k: m.view(9),
    "reshape": lambda lib, x, w, m, b, i, k: m.reshape(-1),
    "flatten": lambda lib, x, w, m, b, i, k: m.flatten(),
    "unsqueeze": lambda lib, x, w, m, b, i, k: x.unsqueeze(0),
    "squeeze": lambda lib, x, w, m, b, i, k: x.view(1, 3).squeeze(),
    "squeeze(dim)": lambda lib, x, w, m, b, i, k: x.view(1, 3).squeeze(0),
    "permute": lambda lib, x, w, m, b, i, k: m.permute(1, 0),
    "transpose": lambda lib, x, w, m, b, i, k: m.transpose(0, 1),
    ".T": lambda lib, x, w, m, b, i, k: m.T,
    ".t()": lambda lib, x, w, m, b, i, k: m.t(),
    "expand": lambda lib, x, w, m, b, i, k: x.expand(2, 3),
    "repeat": lambda lib, x, w, m, b, i, k: x.repeat(2),
    "m[0]": lambda lib, x, w, m, b, i, k: m[0],
    "m[1:]": lambda lib, x, w, m, b, i, k: m[1:],
    "m[:, 0]": lambda lib, x, w, m, b, i, k: m[:, 0],
    "x[[0, 2]]": lambda lib, x, w, m, b, i, k: x[[0, 2]],
    "x[None]": lambda lib, x, w, m, b, i, k: x[None],
    "stack": lambda lib, x, w, m, b, i, k: lib.stack([x, w]),
    "cat": lambda lib, x, w, m, b, i, k: lib.cat([x, w]),
    "mse_loss": lambda lib, x, w, m, b, i, k: lib.nn.functional.mse_loss(x, w),
    "log_softmax": lambda lib, x, w, m, b, i, k: lib.nn.functional.log_softmax(m, dim=1),
    "softmax": lambda lib, x, w, m, b, i, k: lib.nn.functional.softmax(m, dim=1),
    "conv2d": lambda lib, x, w, m, b, i, k: lib.nn.functional.conv2d(i, k, x),
    "conv2d no bias": lambda lib, x, w, m, b, i, k: lib.nn.functional.conv2d(i, k),
    "max_pool2d": lambda lib, x, w, m, b, i, k: lib.nn.functional.max_pool2d(i, 2),
    "nn.Flatten": lambda lib, x, w, m, b, i, k: lib.nn.Flatten()(i),
    "chain": lambda lib, x, w, m, b, i, k: ((x * w + 1).exp().sum() - x.mean()) / 2,
    # linear is t() + addmm/mm (+ views for other ranks), as torch builds it
    "linear": lambda lib, x, w, m, b, i, k: lib.nn.functional.linear(m, m, x),
    "linear no bias": lambda lib, x, w, m, b, i, k: lib.nn.functional.linear(m, m),
    "linear 1-d": lambda lib, x, w, m, b, i, k: lib.nn.functional.linear(x, m, w),
    "linear 1-d no bias": lambda lib, x, w, m, b, i, k: lib.nn.functional.linear(x, m),
    "linear 3-d": lambda lib, x, w, m, b, i, k: lib.nn.functional.linear(b, m, x),
    "linear 3-d no bias": lambda lib, x, w, m, b, i, k: lib.nn.functional.linear(b, m),
    "linear constant input": lambda lib, x, w, m, b, i, k: lib.nn.functional.linear(m.detach(), m, x),
    "linear only bias": lambda lib, x, w, m, b, i, k: lib.nn.functional.linear(b.detach(), m.detach(), x),
    "linear only input": lambda lib, x, w, m, b, i, k: lib.nn.functional.linear(b, m.detach(), x.detach()),
    "nn.Linear": lambda lib, x, w, m, b, i, k: lib.nn.functional.relu(lib.nn.Linear(3, 2).double()(m)),
}
# fused in this engine: torch builds these from several nodes (matmul with a batch = bmm + view, cross_entropy = log_softmax + nll_loss, m[0, 1:] = select + slice, ...); the node on top
# has torch's name, the inputs below it differ
NAME_ONLY = {
    "b@b": lambda lib, x, w, m, b, i, k: b @ b,
    "x@m": lambda lib, x, w, m, b, i, k: x @ m,
    "2-x": lambda lib, x, w, m, b, i, k: 2 - x,
    "m[0, 1:]": lambda lib, x, w, m, b, i, k: m[0, 1:],
    "cross_entropy": lambda lib, x, w, m, b, i, k: lib.nn.functional.cross_entropy(m, lib.tensor([0, 1, 2])),
}


ALL = {**EXPRS, **NAME_ONLY}


def structure(node, depth=3):
    """(name, [structure of each next function]) down to ``depth``; AccumulateGrad leaves by name."""
    if node is None:
        return None
    if depth == 0 or not node.next_functions:
        return node.name()
    return (node.name(), [(structure(n, depth - 1), i) for n, i in node.next_functions])


@pytest.mark.parametrize("name", sorted(EXPRS))
def test_grad_fn_names_and_next_functions_like_torch(name):
    ours, theirs = (structure(EXPRS[name](lib, *leaves(lib)).grad_fn) for lib in LIBS)
    assert ours == theirs


@pytest.mark.parametrize("name", sorted(NAME_ONLY))
def test_grad_fn_name_of_fused_ops_like_torch(name):
    ours, theirs = (NAME_ONLY[name](lib, *leaves(lib)).grad_fn.name() for lib in LIBS)
    assert ours == theirs


def test_accumulate_grad_holds_the_leaf_and_is_one_object_per_leaf():
    for lib in LIBS:
        x = lib.ones(2, requires_grad=True)
        a, b = (x * 2).grad_fn.next_functions[0][0], (x + 1).grad_fn.next_functions[0][0]
        assert a.variable is x and a is b
        assert a.name() == "torch::autograd::AccumulateGrad"
        assert a.next_functions == ()


def test_grad_fn_printing_like_torch():
    for lib in LIBS:
        x = lib.ones(2, requires_grad=True)
        y = x * 2
        assert re.fullmatch(r"<MulBackward0 object at 0x[0-9a-f]+>", repr(y.grad_fn))
        assert repr(y).endswith("grad_fn=<MulBackward0>)")
        assert y.grad_fn.next_functions[0][0].__class__.__name__ == "AccumulateGrad"


def _engine_function_classes():
    for info in pkgutil.walk_packages(mt.__path__, "minitorch_cnn."):
        if info.name.split(".")[-1] in ("__main__", "cli", "viz", "train") or ".training" in info.name:
            continue
        try:
            importlib.import_module(info.name)
        except ImportError:
            continue

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return sorted({c for c in subclasses(EngineFunction) if c.__module__.startswith("minitorch_cnn.")},
                  key=lambda c: c.__qualname__)


def test_every_engine_function_names_its_node_like_torch():
    """A new op must say what torch calls its node (``node_name = "AddBackward0"``), or, where torch has
    no such op, a name of the same form; tests above compare the names with torch's."""
    classes = _engine_function_classes()
    assert len(classes) >= 20
    # torch's form (AddBackward0); a few of its names end in _copy (diag of a matrix: DiagonalBackward0_copy)
    form = re.compile(r"[A-Z][A-Za-z0-9]*Backward\d*(_copy)?|torch::autograd::(CopySlices|CopyBackwards|NotImplemented)")
    bad = [c.__qualname__ for c in classes if "node_name" not in vars(c) or not form.fullmatch(vars(c)["node_name"])]
    assert not bad, f"Function subclasses without a torch-style node_name class attribute: {bad}"


# --- retain_graph and freeing saved tensors ----------------------------------------------------------------
def _second_backward(lib, name, retain):
    y = ALL[name](lib, *leaves(lib))
    loss = y.sum() if y.ndim else y
    loss.backward(retain_graph=retain)
    try:
        loss.backward()
    except RuntimeError as exc:
        return str(exc)
    return "ok"


SECOND_MSG = ("Trying to backward through the graph a second time (or directly access saved tensors after they "
              "have already been freed). Saved intermediate values of the graph are freed when you call "
              ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
              "graph a second time or if you need to access saved tensors after calling backward.")


@pytest.mark.parametrize("name", sorted(ALL))
def test_second_backward_raises_exactly_when_torch_does(name):
    ours, theirs = (_second_backward(lib, name, False) for lib in LIBS)
    assert (ours == "ok") == (theirs == "ok"), (ours, theirs)
    if theirs != "ok":
        assert ours == SECOND_MSG


@pytest.mark.parametrize("name", ["x*w", "chain", "conv2d", "cross_entropy", "max_pool2d", "m@m"])
def test_retain_graph_allows_a_second_backward_that_accumulates_like_torch(name):
    grads = []
    for lib in LIBS:
        ls = leaves(lib)
        y = ALL[name](lib, *ls)
        loss = y.sum() if y.ndim else y
        loss.backward(retain_graph=True)
        loss.backward(retain_graph=True)
        loss.backward()
        grads.append([None if t.grad is None else t.grad.detach().numpy().copy() for t in ls])
    for a, b in zip(*grads):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-10)


def test_backward_frees_what_the_nodes_saved():
    x = mt.ones(4, 5, requires_grad=True)
    y = (x.exp() * x).sum()
    mul = y.grad_fn.next_functions[0][0]
    assert any(isinstance(v, np.ndarray) for v in vars(mul).values())
    y.backward()
    assert not any(isinstance(v, np.ndarray) for v in vars(mul).values())


# --- autograd.grad -------------------------------------------------------------------------------------
def _grad_program(lib, **kwargs):
    x, w, m, *_ = leaves(lib)
    h = (m @ x).tanh()
    h.retain_grad()
    y = (h * w).sum() + (x ** 2).sum()
    g = lib.autograd.grad(y, [x, h, w], **kwargs)
    return g, [t.grad for t in (x, w, m)], h.grad


def test_autograd_grad_like_torch_and_leaves_leaf_grads_alone():
    (g_ours, dot_ours, h_ours), (g_theirs, dot_theirs, h_theirs) = (_grad_program(lib) for lib in LIBS)
    assert len(g_ours) == 3 and isinstance(g_ours, tuple)
    for a, b in zip(g_ours, g_theirs):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10)
    assert dot_ours == [None, None, None] and dot_theirs == [None, None, None]
    np.testing.assert_allclose(h_ours.numpy(), h_theirs.numpy(), rtol=1e-10)  # retain_grad() still fills .grad


def test_autograd_grad_options_and_errors_like_torch():
    for lib in LIBS:
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        w = lib.tensor([1.0, 1.0, 1.0], requires_grad=True)
        y = x * x
        (gx,) = lib.autograd.grad(y, x, grad_outputs=lib.tensor([1.0, 0.5, 0.0]), retain_graph=True)
        assert gx.tolist() == [2.0, 2.0, 0.0]
        with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
            lib.autograd.grad(y, x, retain_graph=True)
        with pytest.raises(RuntimeError, match="The differentiated Tensor at index 1 appears to not have been used in the graph. Set allow_unused=True"):
            lib.autograd.grad(y.sum(), [x, w], retain_graph=True)
        gx, gw = lib.autograd.grad(y.sum(), [x, w], allow_unused=True, retain_graph=True)
        assert gx.tolist() == [2.0, 4.0, 6.0] and gw is None
        gx, gw = lib.autograd.grad(y.sum(), [x, w], allow_unused=True, materialize_grads=True, retain_graph=True)
        assert gw.tolist() == [0.0, 0.0, 0.0]
        with pytest.raises(RuntimeError, match="One of the differentiated Tensors does not require grad"):
            lib.autograd.grad(y.sum(), [lib.ones(3)], retain_graph=True)
        with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad and does not have a grad_fn"):
            lib.autograd.grad(lib.ones(3).sum(), [x])
        lib.autograd.grad(y.sum(), [x])
        with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
            lib.autograd.grad(y.sum(), [x])
        (gx,) = lib.autograd.grad([(x * 2).sum(), (x * 3).sum()], [x])  # several outputs add up
        assert gx.tolist() == [5.0, 5.0, 5.0]
    with pytest.raises(NotImplementedError, match="create_graph"):
        mt.autograd.grad((mt.ones(2, requires_grad=True) * 2).sum(), [], create_graph=True)


# --- backward(gradient=), retain_grad, requires_grad_, detach ------------------------------------------------
def test_backward_with_gradient_and_its_errors_like_torch():
    results = []
    for lib in LIBS:
        x = lib.tensor([1.0, -2.0, 3.0], dtype=lib.float64, requires_grad=True)
        y = x.exp() * 2
        y.backward(gradient=lib.tensor([1.0, 0.5, -1.0], dtype=lib.float64))
        results.append(x.grad.numpy().copy())
        with pytest.raises(RuntimeError, match=re.escape("Mismatch in shape: grad_output[0] has a shape of")):
            (x * 2).backward(lib.ones(2, dtype=lib.float64))
        with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
            (x * 2).backward()
        z = (x * 3).sum()
        z.backward(inputs=[x])
    np.testing.assert_allclose(*results, rtol=1e-12)


def test_retain_grad_on_intermediates_like_torch():
    results = []
    for lib in LIBS:
        x = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64, requires_grad=True)
        h = x * x
        h.retain_grad()
        h.retain_grad()  # twice is fine
        assert h.retains_grad and not x.retains_grad
        u = h.sigmoid()
        u.retain_grad()
        (u.sum() * h.sum()).backward()
        results.append([h.grad.numpy().copy(), u.grad.numpy().copy(), x.grad.numpy().copy()])
        x.retain_grad()  # a leaf: a no-op
        with pytest.raises(RuntimeError, match="can't retain_grad on Tensor that has requires_grad=False"):
            lib.ones(2).retain_grad()
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_retained_grad_follows_an_inplace_op_like_torch():
    results = []
    for lib in LIBS:
        x = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64, requires_grad=True)
        h = x * 2
        h.retain_grad()
        h.mul_(x)
        (h * h).sum().backward()
        results.append([h.grad.numpy().copy(), x.grad.numpy().copy()])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_requires_grad_and_detach_rules_like_torch():
    for lib in LIBS:
        x = lib.ones(3, requires_grad=True)
        y = x * 2
        with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf variables"):
            y.requires_grad_(False)
        y.requires_grad_(True)  # allowed: already requires grad
        d = y.detach()
        assert d.is_leaf and not d.requires_grad and d.grad_fn is None
        d.requires_grad_()
        (d * 3).sum().backward()
        assert x.grad is None and d.grad.tolist() == [3.0, 3.0, 3.0]
