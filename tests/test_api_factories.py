"""Factories and devices against torch: shapes, dtypes (the inference rules included), values where
they are deterministic, ``requires_grad=``, ``device="cpu"``; the ``*_like`` and ``new_*`` families;
and the device-selection lines of the tutorials, which must choose "cpu"."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_cnn as mt
from api_helpers import assert_close

size_lists = st.lists(st.integers(0, 4), min_size=0, max_size=3).map(tuple)
DT = {"float32": (mt.float32, torch.float32), "float64": (mt.float64, torch.float64),
      "int64": (mt.int64, torch.int64), "int32": (mt.int32, torch.int32), "uint8": (mt.uint8, torch.uint8),
      "bool": (mt.bool, torch.bool), None: (None, None)}


def both(fn, *args, dtype=None, **kwargs):
    """``fn(lib, *args, dtype=..., **kwargs)`` on both engines (the dtype translated per library)."""
    ours_dt, theirs_dt = DT[dtype]
    extra_o = {} if dtype is None else {"dtype": ours_dt}
    extra_t = {} if dtype is None else {"dtype": theirs_dt}
    return fn(mt, *args, **kwargs, **extra_o), fn(torch, *args, **kwargs, **extra_t)


@pytest.mark.parametrize("dtype", [None, "float32", "float64", "int64", "uint8", "bool"])
@given(size=size_lists)
def test_deterministic_factories(dtype, size):
    for name in ("zeros", "ones"):
        if size:  # torch.zeros() without a size is an error; zeros(()) is a 0-d tensor
            o, t = both(lambda lib, *a, **k: getattr(lib, name)(*a, **k), *size, dtype=dtype)
            assert_close(o, t, np.float32, f"{name}{size} (varargs)")
        o, t = both(lambda lib, *a, **k: getattr(lib, name)(*a, **k), size, dtype=dtype)
        assert_close(o, t, np.float32, f"{name}({size}) (a tuple)")
    o, t = both(lambda lib, **k: lib.empty(size, **k), dtype=dtype)
    assert o.shape == t.shape and str(o.dtype) == str(t.dtype).replace("torch.", "")
    o, t = both(lambda lib, **k: lib.full(size, 3, **k), dtype=dtype)
    assert_close(o, t, np.float32, f"full({size}, 3)")


@pytest.mark.parametrize("fill", [7, 2.5, True, -1])
def test_full_infers_dtype_from_fill(fill):
    assert_close(mt.full((2, 3), fill), torch.full((2, 3), fill), np.float32, f"full(.., {fill!r})")


@pytest.mark.parametrize("dtype", [None, "float32", "float64", "int64", "uint8", "bool"])
@pytest.mark.parametrize("n,m", [(3, None), (2, 4), (4, 2), (0, 3), (1, 1)])
def test_eye(n, m, dtype):
    args = (n,) if m is None else (n, m)
    o, t = both(lambda lib, *a, **k: lib.eye(*a, **k), *args, dtype=dtype)
    assert_close(o, t, np.float32, f"eye{args}")


@pytest.mark.parametrize("dtype", [None, "float32", "float64", "int64"])
@pytest.mark.parametrize("args", [(5,), (5.0,), (1, 4), (0, 1, 0.25), (-3, 3, 2), (10, 0, -3), (0.5, 2.5),
                                  (1, 2.1, 0.3), (-3.7, 3, 2), (0, 5, -1)])
def test_arange(args, dtype):
    try:
        t = torch.arange(*args, **({} if dtype is None else {"dtype": DT[dtype][1]}))
    except (RuntimeError, ValueError) as exc:   # (10, 0, 1) and a step that an int dtype makes 0
        with pytest.raises(type(exc), match="step"):
            mt.arange(*args, **({} if dtype is None else {"dtype": DT[dtype][0]}))
        return
    o, t = both(lambda lib, *a, **k: lib.arange(*a, **k), *args, dtype=dtype)
    assert_close(o, t, np.float32, f"arange{args}")


@pytest.mark.parametrize("dtype", [None, "float32", "float64", "int64"])
@pytest.mark.parametrize("args", [(0, 1, 5), (-2.5, 7, 11), (3, 3, 1), (0, 10, 3), (1, 0, 4), (0, 1, 0)])
def test_linspace(args, dtype):
    o, t = both(lambda lib, *a, **k: lib.linspace(*a, **k), *args, dtype=dtype)
    assert_close(o, t, np.float32, f"linspace{args}")
    o, t = both(lambda lib, **k: lib.linspace(args[0], args[1], steps=args[2], **k), dtype=dtype)
    assert_close(o, t, np.float32, f"linspace{args} (steps=)")


SRC = {"float32": np.array([[1.5, -2.0, 0.0]], np.float32), "float64": np.array([1.5, 2.0]),
       "int64": np.array([[1, 2], [3, 4]]), "uint8": np.array([3, 0], np.uint8), "bool": np.array([True, False])}


@pytest.mark.parametrize("src", list(SRC))
@pytest.mark.parametrize("dtype", [None, "float32", "float64", "int64", "bool"])
def test_like_factories_keep_shape_and_dtype(src, dtype):
    a = SRC[src]
    for name in ("zeros_like", "ones_like", "empty_like"):
        o, t = both(lambda lib, **k: getattr(lib, name)(lib.tensor(a), **k), dtype=dtype)
        if name == "empty_like":
            assert o.shape == t.shape and str(o.dtype) == str(t.dtype).replace("torch.", "")
        else:
            assert_close(o, t, np.float32, f"{name} of {src} -> {dtype}")
    o, t = both(lambda lib, **k: lib.full_like(lib.tensor(a), 2.7, **k), dtype=dtype)
    assert_close(o, t, np.float32, f"full_like of {src} -> {dtype}")
    for name in ("rand_like", "randn_like"):
        try:
            t = getattr(torch, name)(torch.tensor(a), **({} if dtype is None else {"dtype": DT[dtype][1]}))
        except (RuntimeError, NotImplementedError) as exc:  # torch: no random floats of an int dtype
            with pytest.raises(type(exc), match=name.split("_")[0]):
                getattr(mt, name)(mt.tensor(a), **({} if dtype is None else {"dtype": DT[dtype][0]}))
            continue
        o = getattr(mt, name)(mt.tensor(a), **({} if dtype is None else {"dtype": DT[dtype][0]}))
        assert o.shape == t.shape and str(o.dtype) == str(t.dtype).replace("torch.", "")
        if name == "rand_like" and o.numel():
            assert 0 <= o.min().item() and o.max().item() < 1


def test_random_like_draws_from_the_global_generator():
    x = mt.zeros(1000)
    mt.manual_seed(3)
    a = mt.rand_like(x)
    mt.manual_seed(3)
    assert np.array_equal(a.numpy(), mt.rand_like(x).numpy())
    n = mt.randn_like(mt.zeros(20000, dtype=mt.float64)).numpy()
    assert abs(n.mean()) < 0.05 and abs(n.std() - 1) < 0.05
    assert n.dtype == np.float64


def test_new_factories_keep_dtype():
    for a in SRC.values():
        for fn in (lambda lib, x: x.new_ones(2, 3), lambda lib, x: x.new_zeros((2,)),
                   lambda lib, x: x.new_full((2,), 3.5), lambda lib, x: x.new_tensor([1.5, 2]),
                   lambda lib, x: x.new_ones(2, dtype=lib.float64)):
            assert_close(fn(mt, mt.tensor(a)), fn(torch, torch.tensor(a)), np.float32, f"new_* of {a.dtype}")
        assert mt.tensor(a).new_empty(2, 1).shape == (2, 1)


@pytest.mark.parametrize("make", [
    lambda lib, **k: lib.zeros(2, 3, **k), lambda lib, **k: lib.ones((2,), **k), lambda lib, **k: lib.empty(2, **k),
    lambda lib, **k: lib.full((2,), 1.0, **k), lambda lib, **k: lib.eye(2, **k), lambda lib, **k: lib.arange(3.0, **k),
    lambda lib, **k: lib.linspace(0, 1, 3, **k), lambda lib, **k: lib.rand(2, **k), lambda lib, **k: lib.randn(2, **k),
    lambda lib, **k: lib.zeros_like(lib.ones(2), **k), lambda lib, **k: lib.ones_like(lib.ones(2), **k),
    lambda lib, **k: lib.full_like(lib.ones(2), 3.0, **k), lambda lib, **k: lib.rand_like(lib.ones(2), **k),
    lambda lib, **k: lib.randn_like(lib.ones(2), **k), lambda lib, **k: lib.empty_like(lib.ones(2), **k),
    lambda lib, **k: lib.tensor([1.0], **k),
])
def test_every_factory_takes_requires_grad_and_cpu(make):
    for rg in (False, True):
        o = make(mt, requires_grad=rg, device="cpu")
        t = make(torch, requires_grad=rg, device="cpu")
        assert o.requires_grad == t.requires_grad == rg and o.is_leaf
        o = make(mt, device=mt.device("cpu"))
        assert o.device == mt.device("cpu") and str(o.device) == "cpu"
    for bad in ("cuda", "cuda:0", "mps", "xla"):
        with pytest.raises(RuntimeError, match="CPU only.*reference"):
            make(mt, device=bad)


def test_requires_grad_needs_a_float_dtype():
    with pytest.raises(RuntimeError, match="floating point"):
        torch.ones(2, dtype=torch.int64, requires_grad=True)
    with pytest.raises(RuntimeError, match="floating point"):
        mt.ones(2, dtype=mt.int64, requires_grad=True)


def test_tutorial_device_selection_picks_cpu():
    for lib in (mt, torch):  # torch on this machine also has no accelerator: both pick "cpu"
        device = ("cuda" if lib.cuda.is_available() else "mps" if lib.backends.mps.is_available() else "cpu")
        assert device == "cpu"
        device = lib.accelerator.current_accelerator().type if lib.accelerator.is_available() else "cpu"
        assert device == "cpu"
        assert lib.device("cuda:0" if lib.cuda.is_available() else "cpu").type == "cpu"
    assert mt.accelerator.current_accelerator() is None is torch.accelerator.current_accelerator()
    assert mt.cuda.device_count() == 0 and mt.backends.mps.is_built() is False
    assert mt.accelerator.device_count() == 0


def test_default_device():
    assert str(mt.get_default_device()) == "cpu"
    mt.set_default_device("cpu")
    mt.set_default_device(None)
    assert str(mt.get_default_device()) == "cpu"
    with pytest.raises(RuntimeError, match="CPU only.*reference"):
        mt.set_default_device("cuda")


def test_cuda_device_anywhere_is_a_clear_error():
    x = mt.ones(2)
    for call in (lambda: x.to("cuda"), lambda: x.cuda(), lambda: mt.device("mps"),
                 lambda: mt.nn.Linear(2, 2).to("cuda"), lambda: mt.nn.Linear(2, 2).cuda()):
        with pytest.raises(RuntimeError, match="CPU only.*reference"):
            call()
    assert x.to("cpu") is x and x.cpu() is x
    assert x.to("cpu", mt.float64).dtype == mt.float64
