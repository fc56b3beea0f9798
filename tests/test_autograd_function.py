"""The public ``autograd.Function`` (torch's contract) and ``autograd.gradcheck``.

A student writes a custom op once; the same source runs as a ``torch.autograd.Function`` and as a
``minitorch_cnn.autograd.Function`` (each class below is built by a factory taking the library), and
both must give the same values, gradients, ``needs_input_grad`` and errors. ``gradcheck`` must accept
a correct backward and reject a wrong one, as torch's does.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_cnn as mt

LIBS = (mt, torch)


def make_ops(lib):
    """The student-style custom Functions, written once for either library."""

    class MyExp(lib.autograd.Function):
        """y = e^x; dy/dx = y (saves its output)."""

        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad):
            (y,) = ctx.saved_tensors
            return grad * y

    class MyClamp(lib.autograd.Function):
        """y = clamp(x, lo, hi); the gradient passes where lo < x < hi. Non-tensor args get None."""

        @staticmethod
        def forward(ctx, x, lo, hi):
            ctx.save_for_backward(x)
            ctx.lo, ctx.hi = lo, hi
            inside = (x > lo) * (x < hi)
            return x * inside + lo * (x <= lo) + hi * (x >= hi)

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            inside = (x > ctx.lo) * (x < ctx.hi)
            return grad * inside, None, None

    class MulAdd(lib.autograd.Function):
        """(a*b + c, a - b): two inputs needing grad or not, two outputs."""

        @staticmethod
        def forward(ctx, a, b, c):
            ctx.save_for_backward(a, b)
            ctx.flags = tuple(ctx.needs_input_grad)
            return a * b + c, a - b

        @staticmethod
        def backward(ctx, g1, g2):
            a, b = ctx.saved_tensors
            ga = g1 * b + g2 if ctx.needs_input_grad[0] else None
            gb = g1 * a - g2 if ctx.needs_input_grad[1] else None
            gc = g1 if ctx.needs_input_grad[2] else None
            return ga, gb, gc

    class WrongExp(lib.autograd.Function):
        """A bug gradcheck must catch: the derivative of e^x taken as x."""

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.exp()

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * x

    class ArgMaxOut(lib.autograd.Function):
        """Returns (values, indices) with the indices marked non-differentiable."""

        @staticmethod
        def forward(ctx, x):
            values = x * 2
            idx = x.argmax(0, keepdim=True)
            ctx.mark_non_differentiable(idx)
            return values, idx

        @staticmethod
        def backward(ctx, g, g_idx):
            return g * 2

    return dict(MyExp=MyExp, MyClamp=MyClamp, MulAdd=MulAdd, WrongExp=WrongExp, ArgMaxOut=ArgMaxOut)


OPS = {lib: make_ops(lib) for lib in LIBS}
finite = st.floats(-2, 2, allow_nan=False, width=64)
vec4 = st.lists(finite, min_size=4, max_size=4)


def grads_of(lib, program, *values, requires=None):
    ts = [lib.tensor(v, dtype=lib.float64, requires_grad=True if requires is None else r)
          for v, r in zip(values, requires or [True] * len(values))]
    out = program(lib, *ts)
    outs = out if isinstance(out, tuple) else (out,)
    total = sum(((o * (i + 1)) ** 2).sum() for i, o in enumerate(outs) if o.requires_grad)
    total.backward()
    return [o.detach().numpy().copy() for o in outs], [None if t.grad is None else t.grad.numpy().copy() for t in ts]


def same_results(a, b):
    (oa, ga), (ob, gb) = a, b
    for x, y in zip(oa + ga, ob + gb):
        assert (x is None) == (y is None)
        if x is not None:
            np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-14)


@given(vec4)
def test_custom_exp_like_torch(xs):
    program = lambda lib, x: OPS[lib]["MyExp"].apply(x)
    same_results(*(grads_of(lib, program, xs) for lib in LIBS))


@given(vec4, st.floats(-1, 0), st.floats(0.1, 1))
def test_custom_clamp_with_non_tensor_args_like_torch(xs, lo, hi):
    program = lambda lib, x: OPS[lib]["MyClamp"].apply(x, lo, hi)
    same_results(*(grads_of(lib, program, xs) for lib in LIBS))


@given(vec4, vec4, vec4, st.lists(st.booleans(), min_size=3, max_size=3).filter(any))
def test_two_outputs_and_needs_input_grad_like_torch(a, b, c, requires):
    def program(lib, *ts):
        return OPS[lib]["MulAdd"].apply(*ts)

    same_results(*(grads_of(lib, program, a, b, c, requires=requires) for lib in LIBS))


def test_next_functions_list_only_tensor_arguments_like_torch():
    """A None or a number passed to a custom Function is not an input slot (unlike a built-in op's absent
    bias): next_functions has one entry per Tensor argument, (None, 0) for one that needs no gradient."""

    def pattern(lib, make_args):
        class AddMaybe(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, extra, k):
                return x * k if extra is None else x * k + extra

            @staticmethod
            def backward(ctx, g):
                return g * 2, None, None

        x = lib.ones(2, requires_grad=True)
        node = AddMaybe.apply(*make_args(lib, x)).grad_fn
        return [None if n is None else n.name() for n, _ in node.next_functions], node.needs_input_grad

    for make_args in (
        lambda lib, x: (x, None, 2.0),
        lambda lib, x: (x, None, 3),
        lambda lib, x: (x, lib.ones(2), 2.0),
        lambda lib, x: (x, x * 1, 2.0),
    ):
        assert pattern(mt, make_args) == pattern(torch, make_args)


def test_ctx_needs_input_grad_and_names_like_torch():
    for lib in LIBS:
        a = lib.ones(2, requires_grad=True)
        out = OPS[lib]["MulAdd"].apply(a, lib.ones(2), 3.0 * lib.ones(2, requires_grad=True))
        node = out[0].grad_fn
        assert node.name() == "MulAddBackward"
        assert out[1].grad_fn is node
        assert node.needs_input_grad == (True, False, True)
        assert [n is None for n, _ in node.next_functions] == [False, True, False]
        with lib.no_grad():
            plain = OPS[lib]["MyExp"].apply(a)
        assert plain.grad_fn is None and not plain.requires_grad
        unneeded = OPS[lib]["MyExp"].apply(lib.ones(2))
        assert unneeded.grad_fn is None and not unneeded.requires_grad


def test_mark_non_differentiable_like_torch():
    for lib in LIBS:
        x = lib.tensor([1.0, 3.0, 2.0], requires_grad=True)
        values, idx = OPS[lib]["ArgMaxOut"].apply(x)
        assert values.requires_grad and not idx.requires_grad
        values.sum().backward()
        assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_forward_runs_without_recording():
    seen = {}
    for lib in LIBS:
        class Peek(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                y = x * 2
                seen[lib] = (lib.is_grad_enabled(), y.requires_grad)
                return y

            @staticmethod
            def backward(ctx, g):
                return g * 2

        Peek.apply(lib.ones(2, requires_grad=True))
    assert seen[mt] == seen[torch] == (False, False)


def _error(lib, backward_result, x_shape=(3,)):
    class Bad(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, g):
            return backward_result(lib, g)

    x = lib.ones(*x_shape, requires_grad=True)
    try:
        Bad.apply(x, 2.0).sum().backward()
    except RuntimeError as exc:
        return str(exc)
    return "ok"


@pytest.mark.parametrize("case,result", [
    ("too few", lambda lib, g: g),
    ("too many", lambda lib, g: (g, None, g)),
    ("extra None", lambda lib, g: (g, None, None)),
    ("wrong shape", lambda lib, g: (lib.ones(4), None)),
])
def test_backward_returning_the_wrong_gradients_is_an_error_like_torch(case, result):
    ours, theirs = (_error(lib, result) for lib in LIBS)
    assert (ours == "ok") == (theirs == "ok"), (ours, theirs)
    if theirs != "ok":
        key = "incorrect number of gradients" if "number" in theirs else "invalid gradient at index 0"
        assert key in theirs and key in ours, (ours, theirs)


def test_saved_tensors_follow_version_counter_and_retain_graph_like_torch():
    for lib in LIBS:
        x = lib.ones(3, requires_grad=True)
        y = OPS[lib]["MyExp"].apply(x * 1)
        y.add_(1)  # MyExp saved y: backward must refuse
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()
        z = OPS[lib]["MyExp"].apply(x * 1).sum()
        z.backward()
        with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
            z.backward()


# --- gradcheck ---------------------------------------------------------------------------------------
def _gradcheck(lib, name, *inputs, **kw):
    fn = OPS[lib][name].apply
    ts = tuple(lib.tensor(v, dtype=lib.float64, requires_grad=True) if isinstance(v, list) else v for v in inputs)
    return lib.autograd.gradcheck(fn, ts, raise_exception=False, **kw)


@pytest.mark.parametrize("name,inputs", [
    ("MyExp", ([0.3, -1.2, 0.7],)),
    ("MyClamp", ([0.3, -1.2, 0.7, 2.0], -1.0, 1.0)),
    ("MulAdd", ([0.3, -1.2], [0.5, 1.5], [2.0, -0.25])),
    ("WrongExp", ([0.3, -1.2, 0.7],)),
])
def test_gradcheck_agrees_with_torch(name, inputs):
    ours, theirs = (_gradcheck(lib, name, *inputs) for lib in LIBS)
    assert ours == theirs == (name != "WrongExp")


def test_gradcheck_on_plain_tensor_code_and_engine_ops():
    x = mt.tensor([[0.5, -1.0], [2.0, 0.25]], dtype=mt.float64, requires_grad=True)
    w = mt.tensor([[1.5, -0.5], [0.1, 0.3]], dtype=mt.float64, requires_grad=True)
    assert mt.autograd.gradcheck(lambda a, b: ((a @ b).tanh() * a).sum(1), (x, w))
    assert mt.autograd.gradcheck(lambda a: mt.nn.functional.log_softmax(a, dim=1), x)


def test_gradcheck_failure_message_names_the_input_and_the_mismatch():
    x = mt.tensor([0.3, -1.2, 0.7], dtype=mt.float64, requires_grad=True)
    with pytest.raises(mt.autograd.GradcheckError, match=r"Jacobian mismatch for output 0 with respect to input 0") as info:
        mt.autograd.gradcheck(OPS[mt]["WrongExp"].apply, (x,))
    assert isinstance(info.value, RuntimeError)
    assert "numerical" in str(info.value) and "analytical" in str(info.value)


def test_gradcheck_rejects_a_gradient_that_is_missing():
    def drops_second(a, b):
        return a * 2 + b.detach()

    for lib in LIBS:
        ts = tuple(lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True) for _ in range(2))
        assert lib.autograd.gradcheck(drops_second, ts, raise_exception=False) is False
