"""Helpers for the API-breadth tests (test_api_*.py, test_tutorial_*.py): run one expression on
minitorch_cnn and on torch and compare values, dtypes, shapes and gradients.

An expression is written once as a function of the library (``op(lib, *tensors)``), so the very same
code runs on both engines, the way a torch program runs here with only its imports changed.
"""
from __future__ import annotations

import re

import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minitorch_cnn as mt
from conftest import tol

SPECIAL = [0.0, -0.0, 1.0, -1.0, float("inf"), float("-inf"), float("nan")]


def wild_floats(lo: float = -50.0, hi: float = 50.0, special: bool = True):
    """Finite values in [lo, hi], and, when ``special``, zeros of both signs, ±1, ±inf and NaN:
    torch decides what the right answer is at those points."""
    finite = st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=64)
    return st.one_of(finite, st.sampled_from(SPECIAL)) if special else finite


def value_arrays(shape, dtype, lo: float = -50.0, hi: float = 50.0, special: bool = True):
    """An array of ``shape`` whose every element hypothesis draws (so it can shrink to the one
    value that differs), cast to ``dtype``."""
    return hnp.arrays(np.float64, shape, elements=wild_floats(lo, hi, special)).map(lambda a: a.astype(dtype))


def to_numpy(x) -> np.ndarray:
    if isinstance(x, mt.Tensor):
        return x.detach().numpy()
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def assert_close(ours, theirs, dtype, what: str) -> None:
    """Same shape, same dtype, values within the dtype's parity tolerance (NaN where torch has NaN,
    infinities of the same sign)."""
    assert isinstance(ours, mt.Tensor), f"{what}: expected a minitorch_cnn Tensor, got {type(ours).__name__}"
    o, t = to_numpy(ours), to_numpy(theirs)
    assert o.shape == t.shape, f"{what}: shape {o.shape}, torch gives {t.shape}"
    assert o.dtype == t.dtype, f"{what}: dtype {o.dtype}, torch gives {t.dtype}"
    if o.dtype.kind == "f":
        np.testing.assert_allclose(o, t, **tol(dtype), equal_nan=True, err_msg=what)
    else:
        np.testing.assert_array_equal(o, t, err_msg=what)


def run_both(op, args, dtype, seed: int = 0, grad: bool = True):
    """``op(lib, *args)`` on both engines; ndarray args become tensors (floating ones requiring grad
    when ``grad``), other args pass through unchanged. Compares the output and the gradient of
    ``sum(out * G)`` for a fixed random ``G`` with respect to every floating input."""
    def make(lib, a):
        if isinstance(a, np.ndarray):
            return lib.tensor(a, requires_grad=grad and a.dtype.kind == "f")
        return a

    ours_in = [make(mt, a) for a in args]
    theirs_in = [make(torch, a) for a in args]
    ours, theirs = op(mt, *ours_in), op(torch, *theirs_in)
    assert_close(ours, theirs, dtype, "forward")
    if not (grad and theirs.requires_grad):
        assert not ours.requires_grad, "forward: ours requires grad where torch's does not"
        return ours, theirs
    assert ours.requires_grad, "forward: torch's result requires grad, ours does not"
    g = np.random.default_rng(seed).standard_normal(tuple(theirs.shape)).astype(to_numpy(theirs).dtype)
    (ours * mt.tensor(g)).sum().backward()
    (theirs * torch.tensor(g)).sum().backward()
    for i, (a, b) in enumerate(zip(ours_in, theirs_in)):
        if isinstance(b, torch.Tensor) and b.requires_grad:
            assert b.grad is not None and a.grad is not None, f"input {i}: grad missing"
            assert_close(a.grad, b.grad, dtype, f"grad of input {i}")
    return ours, theirs


_DTYPE = re.compile(r"(?<![\w=])torch\.(float16|float32|float64|int8|int16|int32|int64|uint8|bool)\b")


def torch_text_as_ours(text: str) -> str:
    """torch's printed text in our spelling: ``torch.Size([2])`` → ``Size([2])``, a bare dtype
    ``torch.float32`` → ``float32`` (our dtypes are NumPy's), ``dtype=torch.float64`` →
    ``dtype=minitorch_cnn.float64``, ``torch.return_types.max`` → ``minitorch_cnn.return_types.max``."""
    text = text.replace("torch.Size(", "Size(")
    text = _DTYPE.sub(r"\1", text)
    return text.replace("torch.", "minitorch_cnn.")


_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[-+]?inf|nan")


def same_printout(ours: str, theirs: str, rtol: float = 1e-4, atol: float = 1e-5) -> None:
    """Two programs' printed output agree: the same text between the numbers (torch's module name
    written as ours), and every number within float32 tolerance."""
    theirs = torch_text_as_ours(theirs)
    o_lines, t_lines = ours.splitlines(), theirs.splitlines()
    assert len(o_lines) == len(t_lines), f"we print {len(o_lines)} lines, torch {len(t_lines)}:\n{ours}\n---\n{theirs}"
    for n, (o, t) in enumerate(zip(o_lines, t_lines), 1):
        assert _NUMBER.split(o) == _NUMBER.split(t), f"line {n} differs:\nours:  {o}\ntorch: {t}"
        for a, b in zip(_NUMBER.findall(o), _NUMBER.findall(t)):
            fa, fb = float(a), float(b)
            # a printed number is rounded: values within tolerance may still round to neighbouring
            # last digits (0.09665 → 0.0967 or 0.0966), so one unit in the last printed place is allowed
            mant, _, exp = b.lower().partition("e")
            ulp = 10.0 ** (-len(mant.partition(".")[2]) + (int(exp) if exp else 0)) if "." in mant else 0.0
            assert (np.isnan(fa) and np.isnan(fb)) or abs(fa - fb) <= atol + rtol * abs(fb) + ulp, (
                f"line {n}: {a} vs torch {b}\nours:  {o}\ntorch: {t}")
