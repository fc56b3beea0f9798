"""What ``print`` shows, against torch: tensors (torch's number formatting: fixed, integer-valued and
scientific modes, column widths, line wrapping at 80 characters, summarising past 1000 elements,
empty tensors, dtype and requires_grad suffixes), Size, dtypes, the (values, indices) pair of
``max(dim)``, and ``format(t, spec)`` of a 0-d tensor.

torch's text is compared after writing its module name as ours (``torch_text_as_ours``):
``torch.Size([2])`` is ``Size([2])`` here and a dtype prints as ``float32`` (NumPy's dtype objects
are ours, and they cannot be renamed), while a repr's ``dtype=`` suffix reads ``dtype=minitorch_cnn.float64``.
"""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minitorch_cnn as mt
from api_helpers import torch_text_as_ours as _as_ours


def torch_text_as_ours(text: str) -> str:
    return _unwrap(_as_ours(text))


def _unwrap(text: str) -> str:
    """A suffix goes on its own line when it would pass column 80, and ``dtype=minitorch_cnn.float64``
    is 8 characters longer than torch's: compare with every suffix on the values' line."""
    return re.sub(r",\n *(dtype=|grad_fn=|requires_grad=|size=)", r", \1", text)

DTYPE_NAMES = ["float32", "float64", "int64", "int32", "uint8", "bool", "float16"]


def elements(dtype):
    if dtype == "bool":
        return st.booleans()
    if dtype.startswith(("int", "uint")):
        info = np.iinfo(dtype)
        return st.one_of(st.integers(-3, 12).filter(lambda v: info.min <= v <= info.max),
                         st.integers(int(info.min), int(info.max)))
    scale = st.sampled_from([1e-7, 1e-3, 0.1, 1.0, 10.0, 1e3, 1e5, 1e9])
    mant = st.one_of(st.integers(-9, 9).map(float), st.floats(-10, 10, allow_nan=False, width=32))
    return st.one_of(st.builds(lambda m, s: m * s, mant, scale),
                     st.sampled_from([0.0, -0.0, float("nan"), float("inf"), float("-inf"), 0.5, -1.0]))


@st.composite
def arrays(draw, max_side=5):
    dtype = draw(st.sampled_from(DTYPE_NAMES))
    shape = tuple(draw(st.lists(st.integers(0, max_side), min_size=0, max_size=3)))
    values = draw(hnp.arrays(object, shape, elements=elements(dtype)))
    with np.errstate(over="ignore", invalid="ignore"):
        return np.array(values.tolist() if shape else values.item(), dtype=dtype).reshape(shape)


@given(a=arrays())
def test_tensor_repr_matches_torch(a):
    ours, theirs = _unwrap(repr(mt.tensor(a))), repr(torch.tensor(a))
    assert ours == torch_text_as_ours(theirs), f"we print\n{ours}\ntorch prints\n{theirs}"
    assert _unwrap(str(mt.tensor(a))) == ours


@given(a=arrays(max_side=40))
def test_wide_and_long_tensors_wrap_like_torch(a):
    ours, theirs = _unwrap(repr(mt.tensor(a))), repr(torch.tensor(a))
    assert ours == torch_text_as_ours(theirs), f"we print\n{ours}\ntorch prints\n{theirs}"


@pytest.mark.parametrize("shape", [(2000,), (40, 40), (3, 400), (11, 11, 11), (1001,)])
def test_summarised_tensors(shape):
    a = (np.arange(int(np.prod(shape))) * 0.37).reshape(shape).astype(np.float32)
    assert _unwrap(repr(mt.tensor(a))) == torch_text_as_ours(repr(torch.tensor(a)))
    i = np.arange(int(np.prod(shape))).reshape(shape)
    assert _unwrap(repr(mt.tensor(i))) == torch_text_as_ours(repr(torch.tensor(i)))


def test_requires_grad_and_dtype_suffixes():
    for make in (lambda lib: lib.ones(2, 3, requires_grad=True),
                 lambda lib: lib.ones(2, dtype=lib.float64, requires_grad=True),
                 lambda lib: lib.zeros(0, 2, dtype=lib.int64), lambda lib: lib.ones(2, dtype=lib.float16),
                 lambda lib: lib.ones(70, dtype=lib.float64, requires_grad=True) * 1.5e-3):
        ours, theirs = _unwrap(repr(make(mt))), torch_text_as_ours(repr(make(torch)))
        if "grad_fn" in theirs:  # grad_fn names are the autograd helper's: compare the rest
            ours, theirs = ours.split("grad_fn")[0], theirs.split("grad_fn")[0]
        assert ours == theirs, f"we print\n{ours}\ntorch prints\n{theirs}"


def test_default_dtype_changes_the_suffix():
    prev = mt.get_default_dtype()
    mt.set_default_dtype(mt.float64)
    torch.set_default_dtype(torch.float64)
    try:
        for a in (np.ones(2), np.ones(2, np.float32)):
            assert _unwrap(repr(mt.tensor(a))) == torch_text_as_ours(repr(torch.tensor(a)))
    finally:
        mt.set_default_dtype(prev)
        torch.set_default_dtype(torch.float32)


def test_size_and_dtype_print_like_torch():
    x = mt.ones(3, 4)
    assert repr(x.shape) == str(x.shape) == "Size([3, 4])" == torch_text_as_ours(str(torch.ones(3, 4).shape))
    assert str(x.size()) == "Size([3, 4])" and str(mt.ones(()).shape) == "Size([])"
    assert f"{x.shape}" == "Size([3, 4])"
    assert str(x.dtype) == "float32" == torch_text_as_ours(str(torch.ones(1).dtype))
    assert str(mt.tensor([1]).dtype) == "int64"
    assert str(x.device) == "cpu" == str(torch.ones(1).device)


def test_max_with_dim_prints_as_a_named_pair():
    a = np.array([[1.0, 5.0], [3.0, 2.0]], np.float32)
    ours, theirs = mt.max(mt.tensor(a), dim=0), torch.max(torch.tensor(a), dim=0)
    assert repr(ours) == torch_text_as_ours(repr(theirs))
    values, indices = ours
    assert ours.values is values and ours.indices is indices


@pytest.mark.parametrize("value", [3.14159, -2, 0.0, 1e-8, True, 12345678.9])
@pytest.mark.parametrize("spec", ["", ".2f", "+.3e", ">10", "8.4f", "g", ">7f"])
def test_format_of_zero_dim_tensor(value, spec):
    for dtype in ("float32", "float64", None):
        if dtype and isinstance(value, bool):
            continue
        kw_t = {} if dtype is None else {"dtype": getattr(torch, dtype)}
        kw_o = {} if dtype is None else {"dtype": getattr(mt, dtype)}
        t = torch.tensor(value, **kw_t)
        try:
            expected = format(t, spec)
        except (TypeError, ValueError) as exc:
            with pytest.raises(type(exc)):
                format(mt.tensor(value, **kw_o), spec)
            continue
        assert format(mt.tensor(value, **kw_o), spec) == expected


def test_format_of_a_tensor_with_dimensions():
    assert f"{mt.ones(2)}" == str(mt.ones(2))
    with pytest.raises(TypeError, match="format"):
        f"{mt.ones(2):.2f}"
