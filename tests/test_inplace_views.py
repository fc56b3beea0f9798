"""In-place changes through views of graph tensors, as torch records them (autograd/views.py): the base's
``grad_fn`` becomes ``CopySlices``, views read their history from the base (``AsStridedBackward0``), and
the gradients, values and node chains equal torch's.

Each program is written once and run on both libraries from the same values; it returns the tensor to
differentiate and one more tensor whose ``grad_fn`` chain is compared (a view, usually).
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minitorch_cnn as mt

LIBS = (mt, torch)


def chain(node, depth=5):
    """(name, [chain of each next function]) down to ``depth``; the leaves' AccumulateGrad by name."""
    if node is None:
        return None
    if depth == 0 or not node.next_functions:
        return node.name()
    return (node.name(), [chain(n, depth - 1) for n, _ in node.next_functions])


PROGRAMS = {
    # the two the issue names
    "x = a.clone(); x[0].mul_(2)": lambda lib, a, b: (lambda x: (x[0].mul_(2), (x, x[0]))[1])(a.clone()),
    "y = a * 1; y[:, 1] += b": lambda lib, a, b: _col_iadd(a, b),
    "a buffer's slice adds a graph tensor": lambda lib, a, b: _buffer(lib, a, b),
    "an old view of a buffer that became part of the graph": lambda lib, a, b: _old_view(lib, a, b),
    "view(12).exp_()": lambda lib, a, b: _then(a.clone(), lambda x: x.view(12).exp_()),
    "t().add_(1)": lambda lib, a, b: _then(a.clone(), lambda x: x.t().add_(1), lambda x: x * x.t().t()),
    "the base changes, then its old view is used": lambda lib, a, b: _base_then_view(a),
    "x[0] = b.sum()": lambda lib, a, b: _then(a.clone(), lambda x: x.__setitem__(0, b.sum())),
    "x[1:] *= 3": lambda lib, a, b: _then(a.clone(), lambda x: x[1:].__imul__(3), lambda x: x.exp()),
    "a view of a view, times a tensor": lambda lib, a, b: _nested(a, b),
    "x.t()[1].sigmoid_()": lambda lib, a, b: _then(a.clone(), lambda x: x.t()[1].sigmoid_()),
    "x[2].unsqueeze(0).copy_(...)": lambda lib, a, b: _then(a.clone(), lambda x: x[2].unsqueeze(0).copy_(b[:1].unsqueeze(0) * 4)),
    "row = y[0]; row[1] = 5 b[0]": lambda lib, a, b: _row_setitem(a, b),
    "y[1].zero_()": lambda lib, a, b: _then(a + 0, lambda y: y[1].zero_(), lambda y: y * b[:1]),
    "x[::2, 1:3].div_(b)": lambda lib, a, b: _then(a * 3, lambda x: x[::2, 1:3].div_(b[:2] + 2)),
    "x[:, -1].clamp_(-0.5, 0.5)": lambda lib, a, b: _then(a.clone(), lambda x: x[:, -1].clamp_(-0.5, 0.5)),
    "two views, one written": lambda lib, a, b: _two_views(a, b),
    "the written view used after": lambda lib, a, b: _view_used_after(a, b),
}


def _then(x, change, use=lambda x: x):
    change(x)
    return use(x), x


def _col_iadd(a, b):
    y = a * 1
    y[:, 1] += b
    return y * y, y


def _buffer(lib, a, b):
    z = lib.zeros(3, dtype=a.dtype)
    z[:2].add_(b[:2])
    return z, z


def _old_view(lib, a, b):
    z = lib.zeros(3, dtype=a.dtype)
    u = z[:2]
    z.add_(b)
    return u * 3, u


def _base_then_view(a):
    x = a.clone()
    v = x[0]
    x.mul_(2)
    return v * x[1], v


def _nested(a, b):
    x = a * 2
    s = x[1][1:3]
    s.mul_(b[:2])
    return x.sin(), s


def _row_setitem(a, b):
    y = a * 1
    row = y[0]
    row[1] = b[0] * 5
    return y, row


def _two_views(a, b):
    x = a.exp() + 0
    left, right = x[:, :2], x[:, 2:]
    left.mul_(b[:1])
    return left * right, right


def _view_used_after(a, b):
    x = a.tanh() * 1
    v = x[1:]
    v.add_(b[:1])
    return (v * v).sum(0), v


VIEWS = {
    "x[1]": lambda x: x[1], "x[:, 2]": lambda x: x[:, 2], "x[1:]": lambda x: x[1:], "x.t()": lambda x: x.t(),
    "x.view(-1)": lambda x: x.view(-1), "x[::2]": lambda x: x[::2], "x[0, 1:3]": lambda x: x[0, 1:3],
    "x.permute(1, 0)[2]": lambda x: x.permute(1, 0)[2],
}
OPS = {
    "mul_(2)": lambda v, b: v.mul_(2), "add_(b)": lambda v, b: v.add_(b.sum()), "exp_()": lambda v, b: v.exp_(),
    "mul_(b)": lambda v, b: v.mul_(b.sum().tanh()), "zero_()": lambda v, b: v.zero_(),
    "copy_": lambda v, b: v.copy_(b.sum().expand(*v.shape)), "-= 1": lambda v, b: v.__isub__(1),
    "pow_(2)": lambda v, b: v.pow_(2),
}


def run(lib, program, A, B):
    a = lib.tensor(A, requires_grad=True)
    b = lib.tensor(B, requires_grad=True)
    out, probe = program(lib, a, b)
    structure = (chain(out.grad_fn), chain(probe.grad_fn), probe.requires_grad, probe.is_leaf)
    g = np.random.default_rng(1).standard_normal(tuple(out.shape))
    (out * lib.tensor(g)).sum().backward()
    grads = [None if t.grad is None else t.grad.numpy().copy() for t in (a, b)]
    return (structure, out.detach().numpy().copy(), *grads)


def values():
    rng = np.random.default_rng(0)
    return rng.standard_normal((3, 4)), rng.standard_normal(3)


@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("op", sorted(OPS))
def test_every_view_and_op_records_what_torch_records(view, op):
    def program(lib, a, b):
        x = (a * 1.5).tanh() * 1
        v = VIEWS[view](x)
        OPS[op](v, b)
        return (x * x).sum(1), v  # v's grad_fn: AsStridedBackward0 on top of x's CopySlices

    A, B = values()
    ours, theirs = (run(lib, program, A, B) for lib in LIBS)
    assert ours[0] == theirs[0], "grad_fn chains differ"
    for o, t in zip(ours[1:], theirs[1:]):
        assert (o is None) == (t is None)
        if t is not None:
            np.testing.assert_allclose(o, t, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_in_place_through_a_view_records_what_torch_records(name):
    A, B = values()
    ours, theirs = (run(lib, PROGRAMS[name], A, B) for lib in LIBS)
    assert ours[0] == theirs[0], "grad_fn chains differ"
    for what, o, t in zip(("output", "a.grad", "b.grad"), ours[1:], theirs[1:]):
        assert (o is None) == (t is None), what
        if t is not None:
            np.testing.assert_allclose(o, t, rtol=1e-12, atol=1e-14, err_msg=what)


@given(view=st.sampled_from(sorted(VIEWS)), op=st.sampled_from(sorted(OPS)),
       ab=st.tuples(hnp.arrays(np.float64, (3, 4), elements=st.floats(-2, 2)),
                    hnp.arrays(np.float64, (3,), elements=st.floats(-2, 2))))
def test_drawn_values_views_and_ops_give_torchs_gradients(view, op, ab):
    def program(lib, a, b):
        x = (a * 1.5).tanh() * 1       # a graph tensor (one that no node saved): the base
        OPS[op](VIEWS[view](x), b)     # changed in place through a view
        return (x * x).sum(1), x

    ours, theirs = (run(lib, program, *ab) for lib in LIBS)
    assert ours[0] == theirs[0]
    for o, t in zip(ours[1:], theirs[1:]):
        assert (o is None) == (t is None)
        if t is not None:
            np.testing.assert_allclose(o, t, rtol=1e-10, atol=1e-12)


def test_a_view_of_a_leaf_that_requires_grad_still_refuses_in_place():
    for lib in LIBS:
        w = lib.ones(3, requires_grad=True)
        with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
            w[:2].mul_(2)


def test_without_recording_views_are_written_like_arrays():
    results = []
    for lib in LIBS:
        x = lib.ones(3, requires_grad=True)
        y = x * 2
        with lib.no_grad():
            y[:2].mul_(3)
        y.sum().backward()
        results.append((y.tolist(), x.grad.tolist(), y.grad_fn.name()))
    assert results[0] == results[1]


def test_a_pending_backward_that_saved_the_base_still_raises():
    """Writing through a view changes the base's memory: a node that saved the base must notice."""
    messages = []
    for lib in LIBS:
        a = lib.ones(2, 3, requires_grad=True)
        x = a.exp()              # ExpBackward saved its output, x
        x[0].mul_(2)
        try:
            x.sum().backward()
        except RuntimeError as exc:
            messages.append(str(exc).split(" is at version")[1][:28])
    assert len(messages) == 2 and messages[0] == messages[1]
