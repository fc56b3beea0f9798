"""Layers against torch: Linear, Conv2d, MaxPool2d, ReLU, Flatten (forward, input/weight/bias grads),
plus default initialisation, parameter names and repr strings.

Hypothesis draws shapes, strides, paddings, dilations, groups, bias, ceil_mode, dtype and the values
of the input and of the upstream gradient (``strategies.values``: ties, ±0, ±inf, NaN, subnormals,
huge and tiny magnitudes among ordinary numbers; torch decides what is right); our weights are
copied into the torch layer; the torch side runs on the ``device`` fixture (cuda is skipped when
absent) and ours under each kernel ``backend``.  ``@example`` rows pin the edges that planted bugs
slipped through (tied and NaN windows of the 2×2 pool fast path).
"""
from __future__ import annotations

import json
import math
import os
import sys
import tempfile

if __name__ == "__main__":  # run as a script: make the checkout and tests/ importable
    sys.path[:0] = [os.path.dirname(os.path.dirname(os.path.abspath(__file__))), os.path.dirname(os.path.abspath(__file__))]

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import minitorch_cnn as mt
from minitorch_cnn import nn
from minitorch_cnn.kernels.pool import pool_output_size, windows_with_taps

from conftest import tol
from strategies import seeded_array, seeds, values

FIXTURES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])
dtypes = st.sampled_from([np.float64, np.float32])
TDTYPE = {np.float64: torch.float64, np.float32: torch.float32}


def to_torch(a: np.ndarray, device: str, requires_grad: bool = False) -> torch.Tensor:
    return torch.tensor(np.array(a), device=device, requires_grad=requires_grad)


def record_error(name: str, ours: np.ndarray, theirs: np.ndarray) -> None:
    """When ``MT_PARITY_LOG`` names a file, append this comparison's error to it (see ``__main__``)."""
    path = os.environ.get("MT_PARITY_LOG")
    if path and ours.size:
        finite = np.isfinite(theirs)
        scale = float(np.max(np.abs(theirs[finite]), initial=0.0))
        err = float(np.max(np.abs(ours[finite] - theirs[finite]), initial=0.0))
        with open(path, "a") as f:
            f.write(json.dumps([name, ours.dtype.name, err, err / scale if scale else err]) + "\n")


def unit_scale(ours: np.ndarray, theirs: np.ndarray):
    """Both arrays times the same power of two that brings torch's largest finite magnitude to
    [0.5, 1) — only when it is above 2⁸ (drawn huge values).

    Exact (a power of two), so ties, zeros, NaN and ±inf are unchanged; the rounding of huge values
    (cancellation leaves errors of ε·scale) is then judged against the dtype's absolute floor relative
    to the data's scale. Tiny outputs are not scaled up: a tiny output can be pure cancellation noise
    (probabilities minus an equal target), whose relative error means nothing.
    """
    finite = np.isfinite(theirs)
    big = float(np.max(np.abs(theirs[finite]), initial=0.0))
    if big <= 2.0**8:
        return ours, theirs
    exponent = -int(np.frexp(big)[1])
    return np.ldexp(ours.astype(np.float64), exponent), np.ldexp(theirs.astype(np.float64), exponent)


def check(name: str, ours, theirs, dtype) -> None:
    """``ours`` (ndarray or Tensor) equals ``theirs`` (torch tensor) within the dtype's parity tolerance:
    same shape, dtype, NaN positions, infinities (with sign), and finite values within tolerance."""
    ours = ours.array if isinstance(ours, mt.Tensor) else np.asarray(ours)
    theirs = theirs.detach().cpu().numpy()
    assert ours.shape == theirs.shape, f"{name}: shape {ours.shape} != torch's {theirs.shape}"
    assert ours.dtype == theirs.dtype, f"{name}: dtype {ours.dtype} != torch's {theirs.dtype}"
    record_error(name, ours, theirs)
    a, b = unit_scale(ours, theirs)
    np.testing.assert_allclose(a, b, **tol(dtype), err_msg=name)


def copy_params(ours: mt.nn.Module, theirs: torch.nn.Module) -> None:
    with torch.no_grad():
        for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
            assert name == tname
            tp.copy_(torch.from_numpy(np.array(p.array)))


def run_both(ours, theirs, x: np.ndarray, data, device: str):
    """Forward both on ``x``, backward a drawn upstream gradient; return the outputs and input leaves."""
    xm = mt.tensor(x, requires_grad=True)
    xt = to_torch(x, device, requires_grad=True)
    ym, yt = ours(xm), theirs(xt)
    g = data.draw(values(tuple(ym.shape), x.dtype), label="upstream gradient")
    ym.backward(mt.tensor(g))
    yt.backward(to_torch(g, device))
    return ym, yt, xm, xt


def compare_grads(ours, theirs, xm, xt, dtype, name):
    check(f"{name} input grad", xm.grad, xt.grad, dtype)
    for (pname, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        check(f"{name} {pname} grad", p.grad, tp.grad, dtype)


# ---------------------------------------------------------------------------------------------
# Linear
# ---------------------------------------------------------------------------------------------
@FIXTURES
@given(dtype=dtypes, in_f=st.integers(1, 9), out_f=st.integers(1, 9), lead=st.lists(st.integers(1, 4), max_size=2),
       bias=st.booleans(), data=st.data())
def test_linear_matches_torch(backend, device, dtype, in_f, out_f, lead, bias, data):
    ours = nn.Linear(in_f, out_f, bias=bias, dtype=dtype)
    theirs = torch.nn.Linear(in_f, out_f, bias=bias, dtype=TDTYPE[dtype]).to(device)
    copy_params(ours, theirs)
    x = data.draw(values(tuple(lead) + (in_f,), dtype), label="x")
    ym, yt, xm, xt = run_both(ours, theirs, x, data, device)
    check("Linear output", ym, yt, dtype)
    compare_grads(ours, theirs, xm, xt, dtype, "Linear")


# ---------------------------------------------------------------------------------------------
# Conv2d
# ---------------------------------------------------------------------------------------------
@st.composite
def conv_configs(draw):
    groups = draw(st.integers(1, 3))
    cin, cout = groups * draw(st.integers(1, 3)), groups * draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    dil = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    mode = draw(st.sampled_from(["int", "pair", "same", "valid"]))
    if mode == "same":
        stride, padding = (1, 1), "same"
        pad = (0, 0)
    else:
        stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
        if mode == "valid":
            padding, pad = "valid", (0, 0)
        elif mode == "int":
            p = draw(st.integers(0, 3))
            padding, pad = p, (p, p)
        else:
            pad = (draw(st.integers(0, 3)), draw(st.integers(0, 3)))
            padding = pad
    eff = (dil[0] * (kh - 1) + 1, dil[1] * (kw - 1) + 1)
    h = draw(st.integers(max(1, eff[0] - 2 * pad[0]), max(1, eff[0] - 2 * pad[0]) + 6))
    w = draw(st.integers(max(1, eff[1] - 2 * pad[1]), max(1, eff[1] - 2 * pad[1]) + 6))
    batch = draw(st.sampled_from([None, 1, 2, 3]))  # None: unbatched (C, H, W)
    return dict(cin=cin, cout=cout, kernel=(kh, kw), stride=stride, padding=padding, dilation=dil,
                groups=groups, bias=draw(st.booleans())), ((cin, h, w) if batch is None else (batch, cin, h, w))


@FIXTURES
@given(cfg=conv_configs(), dtype=dtypes, data=st.data())
def test_conv2d_matches_torch(backend, device, cfg, dtype, data):
    kw, shape = cfg
    args = dict(stride=kw["stride"], padding=kw["padding"], dilation=kw["dilation"], groups=kw["groups"], bias=kw["bias"])
    ours = nn.Conv2d(kw["cin"], kw["cout"], kw["kernel"], dtype=dtype, **args)
    theirs = torch.nn.Conv2d(kw["cin"], kw["cout"], kw["kernel"], dtype=TDTYPE[dtype],
                             **args).to(device)
    copy_params(ours, theirs)
    x = data.draw(values(shape, dtype), label="x")
    ym, yt, xm, xt = run_both(ours, theirs, x, data, device)
    check("Conv2d output", ym, yt, dtype)
    compare_grads(ours, theirs, xm, xt, dtype, "Conv2d")


# ---------------------------------------------------------------------------------------------
# MaxPool2d
# ---------------------------------------------------------------------------------------------
@st.composite
def pool_configs(draw):
    if draw(st.integers(0, 2)) == 0:  # the lecture's MaxPool2d(2): the Numba backend's 2×2 fast path
        k, stride, pad, dil = (2, 2), draw(st.sampled_from([None, (2, 2), (1, 1), (1, 2)])), (0, 0), (1, 1)
    else:
        k = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
        stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
        pad = (draw(st.integers(0, k[0] // 2)), draw(st.integers(0, k[1] // 2)))
        dil = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    ceil_mode = draw(st.booleans())
    eff = (dil[0] * (k[0] - 1) + 1, dil[1] * (k[1] - 1) + 1)
    h = draw(st.integers(max(1, eff[0] - 2 * pad[0]), max(1, eff[0] - 2 * pad[0]) + 6))
    w = draw(st.integers(max(1, eff[1] - 2 * pad[1]), max(1, eff[1] - 2 * pad[1]) + 6))
    s = stride or k
    if min(pool_output_size(h, k[0], s[0], pad[0], dil[0], ceil_mode),
           pool_output_size(w, k[1], s[1], pad[1], dil[1], ceil_mode)) < 1:
        h, w = h + eff[0], w + eff[1]
    batch = draw(st.sampled_from([None, 1, 2]))
    c = draw(st.integers(1, 3))
    shape = (c, h, w) if batch is None else (batch, c, h, w)
    return dict(kernel_size=k, stride=stride, padding=pad, dilation=dil, ceil_mode=ceil_mode), shape


def pool_out_shape(kw, shape):
    k, s = kw["kernel_size"], kw["stride"] or kw["kernel_size"]
    return shape[:-2] + tuple(pool_output_size(shape[-2 + i], k[i], s[i], kw["padding"][i], kw["dilation"][i],
                                               kw["ceil_mode"]) for i in range(2))


@st.composite
def pool_cases(draw):
    """(pool arguments, input x, upstream gradient g): values drawn by ``strategies.values``."""
    kw, shape = draw(pool_configs())
    dtype = draw(dtypes)
    x = draw(values(shape, dtype), label="x")
    g = draw(values(pool_out_shape(kw, shape), dtype, nonfinite=False), label="upstream gradient")
    return kw, x, g


def _lecture_pool(x):
    x = np.array(x, dtype=np.float64).reshape(1, 1, *np.shape(x))
    return dict(kernel_size=(2, 2), stride=None, padding=(0, 0), dilation=(1, 1), ceil_mode=False), x, \
        np.arange(1.0, 1.0 + x.size // 4).reshape(pool_out_shape(dict(kernel_size=(2, 2), stride=None, padding=(0, 0),
                                                                        dilation=(1, 1), ceil_mode=False), x.shape))


@FIXTURES
@given(case=pool_cases())
# MaxPool2d(2) on ties: the first maximum in row-major window order wins (a `>=` picks the last)
@example(case=_lecture_pool([[1.0, 1.0, 0.0, 2.0], [1.0, 1.0, 2.0, 2.0]]))
# ... and NaN propagates from any tap (a `>` without the NaN test keeps the finite maximum)
@example(case=_lecture_pool([[np.nan, 1.0, 3.0, 0.0], [0.0, 2.0, 1.0, np.nan]]))
def test_maxpool2d_matches_torch(backend, device, case):
    kw, x, g = case
    dtype = x.dtype.type
    ours, theirs = nn.MaxPool2d(**kw), torch.nn.MaxPool2d(**kw)
    xm, xt = mt.tensor(x, requires_grad=True), to_torch(x, device, requires_grad=True)
    ym, yt = ours(xm), theirs(xt)
    check("MaxPool2d output", ym, yt, dtype)
    ym.backward(mt.tensor(g))
    # With dilation a window can lie wholly in the padding: its output is −∞ and it has no input to
    # send a gradient to. torch still scatters it to a flat index past the window's plane (into the
    # next channel); we send nothing. So torch gets a zero upstream gradient for those windows.
    h, w = x.shape[-2:]
    k, s = kw["kernel_size"], kw["stride"] or kw["kernel_size"]
    rows = windows_with_taps(h, ym.shape[-2], k[0], s[0], kw["padding"][0], kw["dilation"][0])
    cols = windows_with_taps(w, ym.shape[-1], k[1], s[1], kw["padding"][1], kw["dilation"][1])
    yt.backward(to_torch(g * (rows[:, None] & cols[None, :]), device))
    check("MaxPool2d input grad", xm.grad, xt.grad, dtype)
    import minitorch_cnn.nn.functional as F

    _, idx = F.max_pool2d(mt.tensor(x), return_indices=True, **kw)
    _, tidx = torch.nn.functional.max_pool2d(to_torch(x, device), return_indices=True, **kw)
    np.testing.assert_array_equal(idx.array, tidx.cpu().numpy(), err_msg="MaxPool2d indices")


# ---------------------------------------------------------------------------------------------
# ReLU, Flatten
# ---------------------------------------------------------------------------------------------
@FIXTURES
@given(shape=st.lists(st.integers(1, 5), min_size=0, max_size=4), dtype=dtypes, data=st.data())
def test_relu_matches_torch(backend, device, shape, dtype, data):
    x = data.draw(values(tuple(shape), dtype), label="x")  # ±0 among them: the gradient there is 0 in both
    ym, yt, xm, xt = run_both(nn.ReLU(), torch.nn.ReLU(), x, data, device)
    check("ReLU output", ym, yt, dtype)
    check("ReLU input grad", xm.grad, xt.grad, dtype)


@FIXTURES
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=5), data=st.data(), dtype=dtypes)
def test_flatten_matches_torch(device, shape, data, dtype):
    n = len(shape)
    start = data.draw(st.integers(-n, n - 1))
    end = data.draw(st.integers(start % n - n, -1) | st.integers(start % n, n - 1))
    x = data.draw(values(tuple(shape), dtype), label="x")
    ym, yt, xm, xt = run_both(nn.Flatten(start, end), torch.nn.Flatten(start, end), x, data, device)
    check("Flatten output", ym, yt, dtype)
    check("Flatten input grad", xm.grad, xt.grad, dtype)


def test_small_cnn_matches_torch(backend, device):
    """A lecture-sized CNN end to end: conv → relu → pool → conv → relu → pool → flatten → linear → CE."""
    mt.manual_seed(3)
    ours = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(4, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(8 * 7 * 7, 10)).double()
    theirs = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                 torch.nn.Conv2d(4, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                 torch.nn.Flatten(), torch.nn.Linear(8 * 7 * 7, 10)).double().to(device)
    copy_params(ours, theirs)
    x = seeded_array((5, 1, 28, 28), 11)
    y = np.random.default_rng(12).integers(0, 10, 5)
    lm = nn.CrossEntropyLoss()(ours(mt.tensor(x)), mt.tensor(y))
    lt = torch.nn.CrossEntropyLoss()(theirs(to_torch(x, device)), to_torch(y, device))
    lm.backward()
    lt.backward()
    check("CNN loss", lm, lt, np.float64)
    for (name, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        check(f"CNN {name} grad", p.grad, tp.grad, np.float64)


# ---------------------------------------------------------------------------------------------
# default initialisation, parameters, repr
# ---------------------------------------------------------------------------------------------
INIT_CASES = [
    (lambda m: m.Linear(48, 3), "Linear(48, 3)"),
    (lambda m: m.Linear(7, 200, bias=True), "Linear(7, 200)"),
    (lambda m: m.Conv2d(1, 16, 3, padding=1), "Conv2d(1, 16, 3)"),
    (lambda m: m.Conv2d(6, 12, (3, 2), groups=3), "Conv2d(6, 12, (3, 2), groups=3)"),
    (lambda m: m.Conv2d(16, 32, 5, bias=False), "Conv2d(16, 32, 5, bias=False)"),
]


@pytest.mark.parametrize("make,label", INIT_CASES, ids=[c[1] for c in INIT_CASES])
def test_default_init_follows_torch(make, label):
    ours, theirs = make(nn), make(torch.nn)
    fan_in, _ = torch.nn.init._calculate_fan_in_and_fan_out(theirs.weight)
    assert nn.init._calculate_fan_in_and_fan_out(ours.weight) == (fan_in, _)
    bound = 1 / math.sqrt(fan_in)  # kaiming_uniform(a=√5): √3·√(2/6)/√fan_in
    for name, p in ours.named_parameters():
        tp = dict(theirs.named_parameters())[name]
        assert p.shape == tuple(tp.shape) and p.dtype == np.float32, name
        assert np.all(np.abs(p.array) <= bound), f"{label}.{name}: a value exceeds the bound {bound}"
        # torch's own draws obey the same bound (checks the formula, not just our code)
        assert torch.all(tp.abs() <= bound + 1e-7)
    # with enough values the draws fill the interval: uniform on [-b, b] has std b/√3
    w = ours.weight.array
    if w.size >= 100:
        assert np.abs(w).max() > 0.9 * bound
        assert abs(w.std() - bound / math.sqrt(3)) < 0.25 * bound / math.sqrt(3)
    if ours.bias is None:
        assert theirs.bias is None


def test_init_reproducible_under_manual_seed():
    mt.manual_seed(123)
    a = nn.Conv2d(3, 8, 3)
    mt.manual_seed(123)
    b = nn.Conv2d(3, 8, 3)
    mt.manual_seed(124)
    c = nn.Conv2d(3, 8, 3)
    np.testing.assert_array_equal(a.weight.array, b.weight.array)
    np.testing.assert_array_equal(a.bias.array, b.bias.array)
    assert not np.array_equal(a.weight.array, c.weight.array)


def test_init_functions_match_torch_bounds():
    """kaiming/xavier bounds from the same fan and gain formulas as torch (same shapes, compared by range)."""
    for nonlinearity, a in [("relu", 0), ("leaky_relu", 0.2), ("tanh", 0), ("linear", 0)]:
        assert nn.init.calculate_gain(nonlinearity, a) == pytest.approx(torch.nn.init.calculate_gain(nonlinearity, a))
    mt.manual_seed(0)
    t = mt.zeros(64, 32, 3, 3)
    nn.init.kaiming_uniform_(t, a=0, mode="fan_out", nonlinearity="relu")
    bound = math.sqrt(6 / (64 * 9))
    assert np.abs(t.array).max() <= bound and np.abs(t.array).max() > 0.95 * bound
    nn.init.xavier_uniform_(t)
    bound = math.sqrt(6 / (32 * 9 + 64 * 9))
    assert np.abs(t.array).max() <= bound and np.abs(t.array).max() > 0.95 * bound
    nn.init.zeros_(t)
    assert not t.array.any()
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init.kaiming_uniform_(mt.zeros(5))


REPR_CASES = [
    "Conv2d(1, 16, 3, padding=1)",
    "Conv2d(1, 16, kernel_size=3, stride=1, padding=1)",
    "Conv2d(4, 6, (3, 2), stride=2, padding=(1, 0), dilation=2, groups=2, bias=False)",
    "Conv2d(3, 8, 5, padding='same')",
    "Conv2d(3, 8, 5, padding='valid')",
    "Conv2d(3, 8, 3, stride=(2, 1), dilation=(1, 3))",
    "Linear(48, 3)",
    "Linear(in_features=10, out_features=2, bias=False)",
    "MaxPool2d(2)",
    "MaxPool2d(2, 2)",
    "MaxPool2d((2, 3), stride=(1, 2), padding=1, dilation=(1, 2), ceil_mode=True)",
    "MaxPool2d(kernel_size=3, stride=1, padding=1)",
    "ReLU()",
    "ReLU(inplace=True)",
    "Flatten()",
    "Flatten(0, 2)",
    "MSELoss()",
    "CrossEntropyLoss(label_smoothing=0.1)",
    "Sequential(Conv2d(1, 16, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(), Linear(16 * 14 * 14, 10))",
]


@pytest.mark.parametrize("expr", REPR_CASES)
def test_repr_matches_torch(expr):
    ours = eval(expr, {}, vars(nn))
    theirs = eval(expr, {}, vars(torch.nn))
    assert repr(ours) == repr(theirs)


def test_parameter_names_and_shapes_match_torch():
    expr = "Sequential(Conv2d(1, 16, 3, padding=1), ReLU(), MaxPool2d(2), Conv2d(16, 8, 3, bias=False), Flatten(), Linear(8, 3))"
    ours, theirs = eval(expr, {}, vars(nn)), eval(expr, {}, vars(torch.nn))
    assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]


def test_module_dtype_and_default():
    assert nn.Linear(3, 2).weight.dtype == np.float32
    assert nn.Conv2d(3, 2, 3, dtype=mt.float64).weight.dtype == np.float64
    assert nn.Conv2d(3, 2, 3).double().bias.dtype == np.float64


def test_maxpool_return_indices_module_and_unbatched():
    x = seeded_array((2, 5, 6), 4)
    out, idx = nn.MaxPool2d(2, return_indices=True)(mt.tensor(x))
    tout, tidx = torch.nn.MaxPool2d(2, return_indices=True)(torch.from_numpy(x))
    check("MaxPool2d unbatched output", out, tout, np.float64)
    np.testing.assert_array_equal(idx.array, tidx.numpy())


if __name__ == "__main__":
    # Worst error against torch per layer/loss and dtype over the dev profile's examples:
    #   python tests/test_layers.py
    # (normwise relative error max|ours − torch| / max|torch| and the max absolute error)
    import collections

    here = os.path.dirname(os.path.abspath(__file__))
    log = tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False).name
    os.environ["MT_PARITY_LOG"] = log
    os.environ.setdefault("HYPOTHESIS_PROFILE", "dev")
    code = pytest.main([os.path.join(here, "test_layers.py"), os.path.join(here, "test_losses.py"),
                        "-q", "-p", "no:cacheprovider", "-W", "ignore"])
    worst = collections.defaultdict(lambda: [0.0, 0.0, 0])
    with open(log) as f:
        for line in f:
            name, dt, err, rel = json.loads(line)
            w = worst[(name, dt)]
            w[0], w[1], w[2] = max(w[0], rel), max(w[1], err), w[2] + 1
    os.unlink(log)
    print(f"\n{'quantity':<38}{'dtype':<9}{'n':>6}{'max rel (normwise)':>20}{'max abs':>12}")
    for (name, dt), (rel, err, n) in sorted(worst.items()):
        print(f"{name:<38}{dt:<9}{n:>6}{rel:>20.2e}{err:>12.2e}")
    sys.exit(code)
