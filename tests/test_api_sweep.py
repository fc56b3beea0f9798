"""Every Tensor method that torch also has, called the same ways on both engines.

The hand-written parity tests call each method the way programs usually do. This sweep calls every
public method of ``minitorch_cnn.Tensor`` that ``torch.Tensor`` also has, on inputs of several dtypes and
shapes (a 0-d tensor, an empty one, uint8, bool, NaN and ±0, a transposed view, a size-1 dim), with the
same short list of arguments each
time: none, a dim (0, -1, out of range), ``dim=1, keepdim=True``, numbers (2, 1.5, a bool), tensors
(float and int64) and pairs ((0, 1), (-1, -1), a dim with keepdim or descending). Whatever torch does, ours must do:

- torch returns → we return the same: the same kind, for tensors the same dtype, shape and values;
- torch raises → we raise an exception of the same type (or a subclass of it).

A second pass runs each method on float64 inputs that require a gradient (ties included) and compares
the gradient that reaches every input after ``(y · w).sum().backward()``, ``w`` = 1, 2, 3 … over ``y``.

The operators (``+ - * / // % ** @ & | ^ << >>``, comparisons, their reflected and in-place forms,
indexing, ``in``, unary ``- + abs ~``) are swept the same way, through Python's ``operator`` module, with
numbers, tensors, ``None``, slices, tuples, lists and ``...`` on the other side, and with gradients for the
arithmetic ones. The same sweep runs over the functions (``minitorch_cnn.sum(x, …)`` against ``torch.sum(x, …)``), with
factory-style arguments too (sizes, ranges, dtypes). A method or function added to the engine later is
swept without anyone listing it. What the sweep found when it was
written (bool dims read as ints, ``uint8 > -1`` compared with −1 where torch wraps it to 255, ``x.long()``
of a parameter refused, ``t.max(other)`` read as a dim, NumPy's errors leaking out …) is fixed, so the
only differences left are the deliberate ones in ``DIFFERENT``, each with its reason.
"""
from __future__ import annotations

import math
import operator

import numpy as np
import pytest

import minitorch_cnn as mt

torch = pytest.importorskip("torch")
# both engines warn on the degenerate calls (std of one element, NaN casts): the outcomes are compared
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::RuntimeWarning")

# Methods not swept, and why (each is a torch method, so the list cannot hide a typo).
SKIP = {
    # gradients and hooks: what they do is a graph, compared in test_autograd*.py
    "backward", "register_hook", "retain_grad", "register_post_accumulate_grad_hook",
    # random fills: different generators by design (tests/test_random*.py compares their distributions)
    "uniform_", "normal_", "random_", "exponential_", "bernoulli_", "geometric_", "cauchy_", "log_normal_",
    "bernoulli", "multinomial",
    # memory identity, devices and legacy type names: no value to compare (test_api_program_gaps.py,
    # test_probe_api.py)
    "data_ptr", "storage", "untyped_storage", "share_memory_", "pin_memory", "record_stream", "type", "new",
    "cuda", "to",
}

INPUTS = {
    "f32 2x3": lambda T: T.tensor([[1.5, -2.0, 0.0], [float("nan"), 3.0, -0.0]]),
    "f32 0d": lambda T: T.tensor(-2.5),
    "f32 empty": lambda T: T.zeros(0, 3),
    "i64 2x3": lambda T: T.tensor([[1, -2, 0], [4, 3, 3]]),
    "bool 2x3": lambda T: T.tensor([[True, False, True], [False, False, True]]),
    "u8 3": lambda T: T.tensor([0, 200, 7], dtype=T.uint8),
    "f64 3": lambda T: T.tensor([0.25, -1.0, 1e300], dtype=T.float64),
    "f32 4": lambda T: T.tensor([0.5, 2.0, -1.0, 4.0]),
    # memory that is not row-major (a transpose: views must refuse what they cannot show) and a size-1 dim
    "f32 transposed": lambda T: T.tensor([[1.5, -2.0], [0.0, 4.0], [3.0, -1.0]]).t(),
    "f32 2x1x3": lambda T: T.tensor([[[-2.5, -1.5, -0.5]], [[0.5, 1.5, 2.5]]]),
}
OTHERS = {
    "float (3,)": lambda T: T.tensor([0.5, -1.5, 2.0]),
    "int (3,)": lambda T: T.tensor([1, 0, -3]),
}
ARGS = [((), {}), ((0,), {}), ((-1,), {}), ((), {"dim": 1, "keepdim": True}), ((2,), {}), ((1.5,), {}),
        ((True,), {}), (("float (3,)",), {}), (("int (3,)",), {}), ((6,), {})]
# methods also get two arguments: dims, a dim and a size, a keyword after a positional (transpose(0, 1),
# sort(1, descending=True)…); the functions' own positional overloads (torch.add(x, other, alpha)) differ
METHOD_ARGS = ARGS + [((0, 1), {}), ((0, 2), {}), ((-1, -1), {}), ((), {"dim": -1}), ((0,), {"keepdim": True}),
                      ((1,), {"descending": True}), ((2,), {"dim": 0})]

GRAD_INPUTS = {
    "ties 2x3": np.array([[1.5, -2.0, 0.5], [4.0, 4.0, -1.0]]),
    "0d": np.array(-2.5),
    "(4,)": np.array([0.25, -1.0, 3.0, 0.0]),
}
GRAD_OTHERS = {"float (3,)": np.array([0.5, -1.5, 2.0]), "float 0d": np.array(-0.75)}
GRAD_ARGS = [((), {}), ((0,), {}), ((-1,), {}), ((), {"dim": 1, "keepdim": True}), ((2,), {}), ((1.5,), {}),
             (("float (3,)",), {}), (("float 0d",), {})]

# Functions not swept: random draws, global settings, files, and objects without values to compare.
FUNCTION_SKIP = {
    "manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state", "rand", "randn", "randint", "randperm",
    "rand_like", "randn_like", "randint_like", "normal", "bernoulli", "multinomial", "empty", "empty_like",
    "set_default_dtype", "get_default_dtype", "set_default_device", "get_default_device", "set_num_threads",
    "get_num_threads", "set_printoptions", "use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
    "save", "load", "from_numpy", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
    "compile", "device", "is_tensor", "is_storage", "typename",
}
FACTORY_ARGS = [((), {}), ((3,), {}), ((2, 3), {}), (((2, 3),), {}), ((0,), {}), ((-1,), {}), ((2.5,), {}),
                ((True,), {}), ((3,), {"dtype": "int64"}), ((2, 3), {"dtype": "bool"}), ((1, 4, 0.5), {}),
                ((5, 1, -1), {}), ((3, 3.5), {})]
# torch's exception → ours may also be one of these (torch's was an accident of its Python layer:
# torch.norm(2) calls 2.norm and fails with AttributeError; we name what was expected, a Tensor)
COMPATIBLE = {AttributeError: TypeError}

# (name, arguments) → why ours differs from torch there on purpose, and one call that shows it (a test
# checks that each still differs, so the list stays true).
DIFFERENT = {
    ("split", ("float 0d",)): ("torch truncates a float tensor given as split_size (-0.75 → 0); we refuse a "
                               "non-integer tensor where an int is expected (TypeError), as everywhere else",
                               lambda T: T.tensor([0.25, -1.0, 3.0]).split(T.tensor(-0.75))),
}
for _name in ("add", "sub", "subtract"):
    for _args in ((1, 4, 0.5), (5, 1, -1)):
        DIFFERENT[(_name, _args)] = (f"torch's deprecated {_name}(input, alpha, other) overload of three numbers; "
                                     f"ours takes alpha= only", lambda T, n=_name, a=_args: getattr(T, n)(*a))


METHODS = sorted(n for n in dir(mt.Tensor) if not n.startswith("_") and hasattr(torch.Tensor, n)
                 and n not in SKIP and callable(getattr(mt.Tensor, n)))
FUNCTIONS = sorted(n for n in dir(mt) if not n.startswith("_") and hasattr(torch, n) and n not in FUNCTION_SKIP
                   and callable(getattr(mt, n)) and not isinstance(getattr(mt, n), type))
GRAD_METHODS = [n for n in METHODS if not n.endswith("_")]


def _encode(r):
    """A result as plain data: tensors and arrays as (dtype, shape, array), sequences element-wise."""
    if isinstance(r, (torch.Tensor, mt.Tensor)):
        return ("tensor", str(r.dtype).rsplit(".", 1)[-1], tuple(r.shape), np.asarray(r.detach().numpy()))
    if isinstance(r, np.ndarray):
        return ("tensor", r.dtype.name, r.shape, r)
    if isinstance(r, (list, tuple)):  # named tuples (max's values/indices) too
        return ("seq", [_encode(x) for x in r])
    if isinstance(r, (torch.dtype, np.dtype)):
        return ("dtype", str(r).rsplit(".", 1)[-1])
    if isinstance(r, (int, float, bool, str, type(None))):
        return r
    return ("object", type(r).__name__)


def _same(a, b) -> bool:
    if isinstance(a, tuple) and a[:1] == ("tensor",):
        if not (isinstance(b, tuple) and b[:1] == ("tensor",) and a[1:3] == b[1:3]):
            return False
        x, y = a[3], b[3]
        if x.dtype.kind in "fc":
            return bool(np.allclose(x.astype(np.float64), y.astype(np.float64), rtol=1e-4, atol=1e-5, equal_nan=True)
                        and np.array_equal(np.isinf(x) & (x > 0), np.isinf(y) & (y > 0)))
        return bool(np.array_equal(x, y))
    if isinstance(a, tuple) and a[:1] == ("seq",):
        return (isinstance(b, tuple) and b[:1] == ("seq",) and len(a[1]) == len(b[1])
                and all(map(_same, a[1], b[1])))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return type(a) is type(b) and a == b


def _outcome(call):
    try:
        return _encode(call())
    except Exception as e:  # noqa: BLE001 - any exception is an outcome to compare
        return ("raised", type(e))


def _differs(theirs, ours) -> bool:
    """True when the outcomes differ: torch raised and we did not raise a subclass of its exception, or
    torch returned and we did not return the same."""
    if isinstance(theirs, tuple) and theirs[:1] == ("raised",):
        return not (isinstance(ours, tuple) and ours[:1] == ("raised",)
                    and issubclass(ours[1], (theirs[1], COMPATIBLE.get(theirs[1], theirs[1]))))
    return not _same(theirs, ours)


def _show(outcome) -> str:
    if isinstance(outcome, tuple) and outcome[:1] == ("tensor",):
        return f"tensor {outcome[1]} {outcome[2]} {outcome[3].ravel()[:6].tolist()}"
    if isinstance(outcome, tuple) and outcome[:1] == ("raised",):
        return f"raised {outcome[1].__name__}"
    return str(outcome)[:200]


def _label(args, kw) -> str:
    return ", ".join([repr(a) if not isinstance(a, str) else a for a in args] + [f"{k}={v}" for k, v in kw.items()])


def test_skip_list_names_torch_methods():
    """The SKIP list names torch methods (a typo would leave one swept that was meant not to be, or
    hide nothing); the sweep covers the Tensor API, not a handful of methods."""
    assert sorted(n for n in SKIP if not hasattr(torch.Tensor, n)) == []
    assert sorted(n for n in FUNCTION_SKIP if not hasattr(torch, n)) == []
    assert len(METHODS) >= 200, f"only {len(METHODS)} methods swept"
    assert len(FUNCTIONS) >= 140, f"only {len(FUNCTIONS)} functions swept"


@pytest.mark.parametrize("key", sorted(DIFFERENT, key=str), ids=str)
def test_deliberate_differences_still_differ(key):
    reason, call = DIFFERENT[key]
    assert _differs(*(_outcome(lambda: call(T)) for T in (torch, mt))), f"{key} no longer differs: {reason}"


@pytest.mark.parametrize("name", METHODS)
def test_method_matches_torch(name):
    found = []
    for label, make in INPUTS.items():
        for args, kw in METHOD_ARGS:
            outs = []
            for T in (torch, mt):
                real = [OTHERS[a](T) if isinstance(a, str) else a for a in args]
                outs.append(_outcome(lambda: getattr(make(T), name)(*real, **kw)))
            theirs, ours = outs
            if name == "new_empty" and theirs[:1] == ("tensor",) == ours[:1]:  # uninitialised memory
                theirs, ours = (o[:3] + (np.zeros(0),) for o in (theirs, ours))
            if _differs(theirs, ours) and (name, args) not in DIFFERENT:
                found.append(f"{label}.{name}({_label(args, kw)}): torch {_show(theirs)} | ours {_show(ours)}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_matches_torch(name):
    rows = [(label, make, args, kw) for label, make in INPUTS.items() for args, kw in ARGS]
    rows += [("no tensor", None, args, kw) for args, kw in FACTORY_ARGS]
    found = []
    for label, make, args, kw in rows:
        outs = []
        for T in (torch, mt):
            real = [OTHERS[a](T) if isinstance(a, str) else a for a in args]
            keywords = {k: getattr(T, v) if k == "dtype" else v for k, v in kw.items()}
            lead = [] if make is None else [make(T)]
            outs.append(_outcome(lambda: getattr(T, name)(*lead, *real, **keywords)))
        theirs, ours = outs
        if _differs(theirs, ours) and (name, args) not in DIFFERENT:
            found.append(f"{name}({label}, {_label(args, kw)}): torch {_show(theirs)} | ours {_show(ours)}")
    assert not found, "\n".join(found)


BINARY_OPERATORS = ["add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and_", "or_", "xor", "lshift",
                    "rshift", "lt", "le", "gt", "ge", "eq", "ne", "getitem", "contains"]
INPLACE_OPERATORS = ["iadd", "isub", "imul", "itruediv", "ifloordiv", "imod", "ipow", "iand", "ior", "ixor", "ilshift",
                     "irshift"]
UNARY_OPERATORS = ["neg", "pos", "abs", "invert", "not_", "index", "truth"]
OPERANDS = [0, -1, 2, 1.5, True, -3, -0.0, float("nan"), float("inf"), 2 ** 40, "float (3,)", "int (3,)", "bool (3,)",
            "f64 0d", None, slice(None, None, 2), (0, 1), [0, 1], Ellipsis]
OPERAND_TENSORS = dict(OTHERS, **{"bool (3,)": lambda T: T.tensor([True, False, True]),
                                  "f64 0d": lambda T: T.tensor(0.5, dtype=T.float64)})


@pytest.mark.parametrize("name", BINARY_OPERATORS + INPLACE_OPERATORS + UNARY_OPERATORS)
def test_operator_matches_torch(name):
    """``x ⊕ v`` and ``v ⊕ x`` (binary operators), ``x ⊕= v`` and ``⊕x`` against torch."""
    fn = getattr(operator, name)
    found = []
    for label, make in INPUTS.items():
        if name in UNARY_OPERATORS:
            calls = [("", lambda T: fn(make(T)))]
        else:
            calls = []
            for v in OPERANDS:
                value = (lambda T, v=v: OPERAND_TENSORS[v](T)) if isinstance(v, str) else (lambda T, v=v: v)
                calls.append((f" {v!r}", lambda T, value=value: fn(make(T), value(T))))
                if name in BINARY_OPERATORS and name not in ("getitem", "contains"):
                    calls.append((f" {v!r} reflected", lambda T, value=value: fn(value(T), make(T))))
        for what, call in calls:
            theirs, ours = (_outcome(lambda: call(T)) for T in (torch, mt))
            if _differs(theirs, ours):
                found.append(f"{name}({label}{what}): torch {_show(theirs)} | ours {_show(ours)}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("name", ["add", "sub", "mul", "truediv", "pow", "matmul", "floordiv", "mod"])
def test_operator_gradients_match_torch(name):
    """The gradients of ``x ⊕ y`` reaching both operands, broadcast ((2, 3) with (3,) and 0-d), both ways."""
    fn = getattr(operator, name)
    found = []
    for label, array in GRAD_INPUTS.items():
        for other in GRAD_OTHERS.values():
            for reflected in (False, True):
                def grads(T):
                    x = T.tensor(array.copy(), requires_grad=True)
                    y = T.tensor(other.copy(), requires_grad=True)
                    out = fn(y, x) if reflected else fn(x, y)
                    (out * T.tensor(np.arange(1.0, 1 + out.numel()).reshape(tuple(out.shape)))).sum().backward()
                    return [x.grad, y.grad]
                theirs, ours = (_outcome(lambda: grads(T)) for T in (torch, mt))
                if _differs(theirs, ours):
                    found.append(f"{label} {name} {other.tolist()} reflected={reflected}: torch {_show(theirs)} | "
                                 f"ours {_show(ours)}")
    assert not found, "\n".join(found)


def _float_outputs(r):
    if isinstance(r, (torch.Tensor, mt.Tensor)):
        return [r] if r.is_floating_point() and r.requires_grad else []
    if isinstance(r, (list, tuple)):
        return [x for y in r for x in _float_outputs(y)]
    return []


def _gradients(T, name, x_array, args, kw):
    x = T.tensor(x_array.copy(), requires_grad=True)
    others = [T.tensor(GRAD_OTHERS[a].copy(), requires_grad=True) for a in args if isinstance(a, str)]
    real = [others[0] if isinstance(a, str) else a for a in args]
    ys = _float_outputs(getattr(x, name)(*real, **kw))
    if not ys:
        return "no differentiable output"
    weights = [T.tensor(np.arange(1.0, 1 + y.numel()).reshape(tuple(y.shape))) for y in ys]
    sum(((y * w).sum() for y, w in zip(ys, weights)), T.tensor(0.0, dtype=T.float64)).backward()
    return [t.grad for t in [x, *others]]


@pytest.mark.parametrize("name", GRAD_METHODS)
def test_method_gradient_matches_torch(name):
    found = []
    for label, array in GRAD_INPUTS.items():
        for args, kw in GRAD_ARGS:
            theirs, ours = (_outcome(lambda: _gradients(T, name, array, args, kw)) for T in (torch, mt))
            if _differs(theirs, ours) and (name, args) not in DIFFERENT:
                found.append(f"{label}.{name}({_label(args, kw)}) gradients: torch {_show(theirs)} | ours {_show(ours)}")
    assert not found, "\n".join(found)
