"""The engine off the happy path (issue 9 §2): NaN through ReLU, crafted optimizer state, kernel
entry checks. Each compares with torch where torch decides the answer. The wide table of bad inputs
run on both engines is tests/robustness/."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch

import minitorch_cnn as mt
from minitorch_cnn import nn, optim
from minitorch_cnn.kernels import activation as A
from minitorch_cnn.kernels import optim_kernels as OK

ODD = [np.nan, -0.0, 0.0, -1.5, 2.0, np.inf, -np.inf, 1e-45, -1e-45]


# ---------------------------------------------------------------------------------------------
# ReLU: NaN propagates (forward), the gradient at NaN passes (backward), -0.0 is kept — as torch
@pytest.mark.parametrize("backend", ["numba", "numpy"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [len(ODD), 1000])  # 1000: torch's vectorized loop too
def test_relu_odd_values_forward_and_backward_equal_torch(backend, dtype, n):
    a = np.resize(np.array(ODD, dtype=dtype), n)
    g = np.resize(np.array([1.0, 2.0, np.nan, -3.0], dtype=dtype), n)
    t = torch.tensor(a, requires_grad=True)
    ty = torch.relu(t)
    ty.backward(torch.tensor(g))
    with mt.backend(backend):
        x = mt.tensor(a, requires_grad=True)
        y = mt.relu(x)
        y.backward(mt.tensor(g))
    np.testing.assert_array_equal(y.detach().numpy(), ty.detach().numpy())  # NaN == NaN here
    np.testing.assert_array_equal(np.signbit(y.detach().numpy()), np.signbit(ty.detach().numpy()))
    np.testing.assert_array_equal(x.grad.numpy(), t.grad.numpy())
    np.testing.assert_array_equal(np.signbit(x.grad.numpy()), np.signbit(t.grad.numpy()))


def test_relu_twins_agree_on_nan():
    a = np.array(ODD * 3, dtype=np.float32).reshape(3, -1)
    np.testing.assert_array_equal(A.relu_forward_numba(a), A.relu_forward(a))
    y = A.relu_forward(a)
    g = np.full_like(a, 7.0)
    np.testing.assert_array_equal(A.relu_backward_numba(y, g), A.relu_backward(y, g))
    assert np.isnan(y[0, 0]) and A.relu_backward(y, g)[0, 0] == 7.0


def test_nan_weights_give_a_nan_loss_through_the_cnn():
    """All-NaN conv weights used to give a finite loss (ReLU ate the NaN), so training 'completed'."""
    from minitorch_cnn.models import SimpleCNN

    model = SimpleCNN()
    with mt.no_grad():
        model.conv1.weight[...] = float("nan")
    loss = nn.CrossEntropyLoss()(model(mt.rand(4, 1, 28, 28)), mt.tensor([0, 1, 2, 3]))
    assert np.isnan(loss.item())


# ---------------------------------------------------------------------------------------------
# Optimizer.load_state_dict: crafted state is refused before any kernel sees it
SEGFAULT_REPRO = """
import numpy as np, minitorch_cnn as mt
from minitorch_cnn import nn, optim
lin = nn.Linear(256, 256)
opt = optim.Adam(lin.parameters(), lr=1e-3)
lin(mt.randn(4, 256)).sum().backward()
opt.step()
sd = opt.state_dict()
sd["state"][0]["exp_avg"] = np.zeros((2, 2), np.float32)
try:
    opt.load_state_dict(sd)
except RuntimeError as e:
    print("refused:", e)
    raise SystemExit(0)
opt.step()
print("stepped")
"""


def test_wrong_state_shape_on_a_256x256_linear_is_an_error_not_a_segfault():
    res = subprocess.run([sys.executable, "-c", SEGFAULT_REPRO], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, (res.returncode, res.stderr[-2000:])  # a segfault is -11
    assert "refused:" in res.stdout and "'exp_avg' has shape (2, 2), expected (256, 256)" in res.stdout


def _stepped(cls=optim.Adam, shapes=((3, 4), (3,)), **kw):
    params = [nn.Parameter(mt.Tensor(np.ones(s, np.float32))) for s in shapes]
    opt = cls(params, **kw)
    for p in params:
        p.grad = mt.Tensor(np.full(p.shape, 0.5, np.float32))
    opt.step()
    return params, opt


def _torch_stepped(cls=torch.optim.Adam, shapes=((3, 4), (3,)), **kw):
    params = [torch.nn.Parameter(torch.ones(s)) for s in shapes]
    opt = cls(params, **kw)
    for p in params:
        p.grad = torch.full(p.shape, 0.5)
    opt.step()
    return params, opt


# Where torch fails by accident on a value of the wrong type (``AttributeError: 'list' object has no
# attribute 'items'``), we raise the TypeError that names what was expected: a deliberate difference.
COMPATIBLE = {AttributeError: (TypeError,)}


def _raises_like_torch(ours, theirs):
    """Both raise, and our exception is an instance of torch's type (or a compatible one)."""
    with pytest.raises(Exception) as t_err:
        theirs()
    with pytest.raises(Exception) as o_err:
        ours()
    allowed = (type(t_err.value), *COMPATIBLE.get(type(t_err.value), ()))
    assert isinstance(o_err.value, allowed), (o_err.value, t_err.value)
    return o_err.value


CRAFTED = {
    # name: (edit of our state_dict, edit of torch's state_dict); torch raises at load or at step
    "exp_avg of another shape": (lambda sd: sd["state"][0].__setitem__("exp_avg", np.zeros((5, 5), np.float32)),
                                 lambda sd: sd["state"][0].__setitem__("exp_avg", torch.zeros(5, 5))),
    "bias state of weight's shape": (
        lambda sd: sd["state"][1].__setitem__("exp_avg_sq", np.zeros((3, 4), np.float32)),
        lambda sd: sd["state"][1].__setitem__("exp_avg_sq", torch.zeros(3, 4))),
    "exp_avg missing": (lambda sd: sd["state"][0].pop("exp_avg"), lambda sd: sd["state"][0].pop("exp_avg")),
    "step missing": (lambda sd: sd["state"][0].pop("step"), lambda sd: sd["state"][0].pop("step")),
    "two groups": (lambda sd: sd["param_groups"].append(dict(sd["param_groups"][0])),
                   lambda sd: sd["param_groups"].append(dict(sd["param_groups"][0]))),
    "one param id": (lambda sd: sd["param_groups"][0].__setitem__("params", [0]),
                     lambda sd: sd["param_groups"][0].__setitem__("params", [0])),
    "betas missing": (lambda sd: sd["param_groups"][0].pop("betas"), lambda sd: sd["param_groups"][0].pop("betas")),
    "no state entry": (lambda sd: sd.pop("state"), lambda sd: sd.pop("state")),
    "no param_groups entry": (lambda sd: sd.pop("param_groups"), lambda sd: sd.pop("param_groups")),
    "state is a list": (lambda sd: sd.__setitem__("state", [1]), lambda sd: sd.__setitem__("state", [1])),
}


@pytest.mark.parametrize("case", list(CRAFTED))
def test_crafted_state_dict_raises_like_torch(case):
    edit_ours, edit_theirs = CRAFTED[case]
    params, ours = _stepped()
    before = [p.detach().numpy().copy() for p in params]
    sd = ours.state_dict()
    edit_ours(sd)
    tparams, theirs = _torch_stepped()
    tsd = theirs.state_dict()
    edit_theirs(tsd)

    def torch_load_and_step():
        theirs.load_state_dict(tsd)
        theirs.step()

    def our_load_and_step():
        ours.load_state_dict(sd)
        ours.step()

    _raises_like_torch(our_load_and_step, torch_load_and_step)
    for p, b in zip(params, before):  # refused before any parameter moved
        np.testing.assert_array_equal(p.detach().numpy(), b)


def test_refused_load_leaves_the_optimizer_as_it_was():
    params, opt = _stepped()
    sd = opt.state_dict()
    good = opt.state_dict()
    sd["param_groups"][0]["lr"] = 0.5
    sd["state"][1]["exp_avg"] = np.zeros(7, np.float32)
    with pytest.raises(RuntimeError, match=r"parameter 1 .*'exp_avg' has shape \(7,\), expected \(3,\)"):
        opt.load_state_dict(sd)
    assert opt.param_groups[0]["lr"] == good["param_groups"][0]["lr"]
    np.testing.assert_array_equal(opt.state[params[1]]["exp_avg"], good["state"][1]["exp_avg"])


@pytest.mark.parametrize("value, error", [
    (np.array(["a", "b", "c"], dtype=object), TypeError),
    (np.zeros(3, dtype="datetime64[s]"), TypeError),
    ("zeros", TypeError),
])
def test_state_values_of_the_wrong_kind_are_refused(value, error):
    params, opt = _stepped()
    sd = opt.state_dict()
    sd["state"][1]["exp_avg"] = value
    with pytest.raises(error, match="'exp_avg'"):
        opt.load_state_dict(sd)


def test_state_arrays_are_cast_to_the_parameter_dtype_and_tensors_accepted():
    params, opt = _stepped()
    sd = opt.state_dict()
    sd["state"][0]["exp_avg"] = mt.tensor(np.full((3, 4), 2, dtype=np.int64))
    sd["state"][0]["step"] = np.array(1.0)
    opt.load_state_dict(sd)
    assert opt.state[params[0]]["exp_avg"].dtype == np.float32 and opt.state[params[0]]["step"] == 1.0
    opt.step()


OPTIMIZERS = [
    (optim.SGD, dict(lr=0.1, momentum=0.9)), (optim.Adagrad, {}), (optim.RMSprop, dict(momentum=0.5, centered=True)),
    (optim.Adam, dict(amsgrad=True)), (optim.AdamW, {}), (optim.Adadelta, {}), (optim.NAdam, {}), (optim.RAdam, {}),
    (optim.Adafactor, {}), (optim.Lion, {}), (optim.LAMB, {}),
]


@pytest.mark.parametrize("cls, kw", OPTIMIZERS, ids=[c.__name__ for c, _ in OPTIMIZERS])
def test_every_optimizer_refuses_a_state_array_of_the_wrong_shape(cls, kw):
    params, opt = _stepped(cls, shapes=((4, 6),), **kw)
    sd = opt.state_dict()
    name = next(k for k, v in sd["state"][0].items() if isinstance(v, np.ndarray))
    sd["state"][0][name] = np.zeros((2, 2), np.float32)
    with pytest.raises(RuntimeError, match=f"'{name}' has shape \\(2, 2\\)"):
        opt.load_state_dict(sd)
    opt.load_state_dict(opt.state_dict())  # its own state still loads
    opt.step()


# ---------------------------------------------------------------------------------------------
# kernel entries: wrong shapes/dtypes are refused even when the state is mutated directly
@pytest.mark.parametrize("cls, kw", OPTIMIZERS, ids=[c.__name__ for c, _ in OPTIMIZERS])
def test_fused_updates_check_their_arrays(cls, kw):
    params, opt = _stepped(cls, shapes=((4, 6),), **kw)
    state = opt.state[params[0]]
    name = next(k for k, v in state.items() if isinstance(v, np.ndarray))
    good = state[name]
    state[name] = np.zeros(3, np.float32)  # too small: the fused loop would run past its end
    before = params[0].detach().numpy().copy()
    with mt.backend("numba"), pytest.raises(RuntimeError, match=f"{name} has shape \\(3,\\)"):
        opt.step()
    state[name] = good.astype(np.float64)  # the wrong dtype
    with mt.backend("numba"), pytest.raises(TypeError, match=f"{name} has dtype float64"):
        opt.step()
    np.testing.assert_array_equal(params[0].detach().numpy(), before)


def test_fused_update_refuses_a_grad_of_another_shape():
    p = np.ones((4, 4), np.float32)
    with pytest.raises(RuntimeError, match=r"grad has shape \(2,\)"):
        OK.lion_update_numba(p, np.ones(2, np.float32), np.zeros_like(p), lr=0.1, beta1=0.9, beta2=0.99,
                       weight_decay=0.0, maximize=False)


# ---------------------------------------------------------------------------------------------
# parameter groups: torch's errors for a non-leaf tensor; a string hyperparameter in a group
def test_non_leaf_tensor_is_refused_as_torch_refuses_it():
    w = nn.Parameter(mt.ones(2))
    tw = torch.nn.Parameter(torch.ones(2))
    for build in (lambda: optim.SGD([w * 2], lr=0.1), lambda: optim.Adam([{"params": [w * 2]}])):
        with pytest.raises(ValueError, match="^can't optimize a non-leaf Tensor$"):
            build()
    with pytest.raises(ValueError, match="^can't optimize a non-leaf Tensor$"):
        torch.optim.SGD([tw * 2], lr=0.1)


@pytest.mark.parametrize("key, value", [("lr", "0.1"), ("lr", None), ("momentum", "0.9"), ("weight_decay", [0.1])])
def test_a_group_hyperparameter_of_the_wrong_type_raises_a_type_error(key, value):
    """torch builds the optimizer and raises TypeError at a later step (momentum: the second,
    when the buffer exists); we raise it at once."""
    tw = torch.nn.Parameter(torch.ones(2))
    tw.grad = torch.ones(2)
    theirs = torch.optim.SGD([{"params": [tw], key: value}], lr=0.1, momentum=0.5)
    with pytest.raises(TypeError):
        theirs.step()
        theirs.step()
    w = nn.Parameter(mt.ones(2))
    with pytest.raises(TypeError, match=f"param group's '{key}' must be a number"):
        optim.SGD([{"params": [w], key: value}], lr=0.1, momentum=0.5)
    opt = optim.SGD([w], lr=0.1)
    with pytest.raises(TypeError, match=f"'{key}'"):
        opt.add_param_group({"params": [nn.Parameter(mt.ones(1))], key: value})
    assert len(opt.param_groups) == 1


def test_a_group_betas_of_the_wrong_form_raises_a_type_error():
    w = nn.Parameter(mt.ones(2))
    for betas in ["ab", (0.9,), (0.9, "0.99")]:
        with pytest.raises(TypeError, match="'betas' must be a tuple of 2 numbers"):
            optim.Adam([{"params": [w], "betas": betas}])
    sd = optim.Adam([w]).state_dict()
    sd["param_groups"][0]["lr"] = "1e-3"
    with pytest.raises(TypeError, match="'lr' must be a number"):
        optim.Adam([w]).load_state_dict(sd)


# ---------------------------------------------------------------------------------------------
# tensor() / from_numpy(): what a Tensor cannot hold is refused with torch's exception type
BAD_ARRAYS = {
    "object": np.array([1, "a"], dtype=object),
    "object of numbers": np.array([1.0, 2.0], dtype=object),
    "datetime": np.array(["2020-01-01"], dtype="datetime64[D]"),
    "timedelta": np.array([1], dtype="timedelta64[s]"),
    "str": np.array(["a", "b"]),
    "record": np.zeros(2, dtype=[("a", "f4")]),
    "big-endian float32": np.array([1.0, 2.0], dtype=">f4"),
    "big-endian int64": np.array([1, 2], dtype=">i8"),
}


@pytest.mark.parametrize("name", list(BAD_ARRAYS))
@pytest.mark.parametrize("make", ["from_numpy", "tensor", "as_tensor"])
def test_arrays_a_tensor_cannot_hold_raise_like_torch(name, make):
    a = BAD_ARRAYS[name]
    err = _raises_like_torch(lambda: getattr(mt, make)(a), lambda: getattr(torch, make)(a))
    assert ("byte order" in str(err)) == name.startswith("big-endian")


BAD_DATA = {
    "ragged": [[1, 2], [3]],
    "ragged arrays": [np.ones(2), np.ones(3)],
    "None": None,
    "a None inside": [1.0, None],
    "datetime": [__import__("datetime").datetime(2020, 1, 1)],
    "dict": {"a": 1},
    "set": {1, 2},
    "Decimal": [__import__("decimal").Decimal("1.5")],
    "generator": (i for i in range(3)),
    "str": "abc",
    "list of str": ["a", "b"],
    "bytes": b"ab",
    "int beyond int64": [2**70],
}


@pytest.mark.parametrize("name", list(BAD_DATA))
def test_python_data_a_tensor_cannot_hold_raises_like_torch(name):
    data = BAD_DATA[name]
    if name == "generator":  # one generator per engine
        _raises_like_torch(lambda: mt.tensor(i for i in range(3)), lambda: torch.tensor(i for i in range(3)))
    else:
        _raises_like_torch(lambda: mt.tensor(data), lambda: torch.tensor(data))


def test_big_endian_data_converted_first_reaches_the_kernels():
    a = np.linspace(-2, 2, 12, dtype=">f4").reshape(3, 4)
    with pytest.raises(ValueError, match="byte order"):
        mt.from_numpy(a)
    native = a.astype(a.dtype.newbyteorder("="))
    with mt.backend("numba"):
        y = mt.relu(mt.from_numpy(native))
    np.testing.assert_array_equal(y.numpy(), torch.relu(torch.from_numpy(native)).numpy())


# ---------------------------------------------------------------------------------------------
# layer kernels reachable with arrays of the caller's making refuse those they would overrun
def test_layer_kernel_entries_refuse_arrays_they_would_overrun():
    from minitorch_cnn.kernels import im2col as IM
    from minitorch_cnn.kernels import pool as P
    from minitorch_cnn.kernels import softmax_ce as SC

    g = np.ones((1, 1, 2, 2), np.float32)
    with pytest.raises(IndexError, match="outside the h\\*w"):
        P.max_pool2d_backward_numba(g, np.full((1, 1, 2, 2), 99, np.int64), 4, 4)
    with pytest.raises(ValueError, match="indices must have"):
        P.max_pool2d_backward_numba(g, np.zeros((1, 1, 1, 1), np.int64), 4, 4)
    with pytest.raises(ValueError, match="2×2 windows of stride \\(2, 2\\) do not fit a 3×3 image"):
        P.max_pool2d_forward_2x2_numba(np.zeros((1, 1, 3, 3), np.float32), 2, 2, 2, 2)  # would read row 3
    with pytest.raises(ValueError, match="cols must have shape"):
        IM.col2im_numba(np.ones((9, 3), np.float32), 1, 1, 4, 4, 3, 3, 1, 1, 0, 0, 1, 1)
    x = np.zeros((2, 3), np.float32)
    with pytest.raises(IndexError, match="target 3 is out of bounds"):
        SC.softmax_ce_forward_numba(x, np.array([0, 3]), np.ones(3, np.float32), -100, 0.0)
    with pytest.raises(ValueError, match="expected y of shape"):
        SC.softmax_ce_forward_numba(x, np.array([0]), np.ones(3, np.float32), -100, 0.0)
    # the valid calls still agree with the NumPy versions
    y, i = P.max_pool2d_forward_numba(np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4), 2, 2, 2, 2, 0, 0, 1, 1, 2, 2)
    np.testing.assert_array_equal(P.max_pool2d_backward_numba(g, i, 4, 4), P.max_pool2d_backward(g, i, 4, 4))
