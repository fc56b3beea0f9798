"""Factories: new tensors from data (tensor, as_tensor, from_numpy), filled (zeros, ones, full, …),
random (rand, randn, randint, randperm; seeded by ``manual_seed``) and ranges (arange, linspace).
"""
from __future__ import annotations

import numpy as np

from . import random as _random
from .device import check_device
from .dtypes import get_default_dtype, int64
from .tensor import Tensor, _size_args, _to_array


def tensor(data, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """Copy ``data`` into a new leaf Tensor (Python floats → float32, ints → int64, as torch)."""
    if device is not None:
        check_device(device)
    arr = np.array(_to_array(data, dtype), copy=True)
    return Tensor(arr, requires_grad=requires_grad)


def as_tensor(data, dtype=None) -> Tensor:
    if isinstance(data, Tensor) and (dtype is None or data.dtype == np.dtype(dtype)):
        return data
    return Tensor(_to_array(data, dtype))


def from_numpy(a: np.ndarray) -> Tensor:
    """Wrap a NumPy array without copying (changes to one show in the other)."""
    if not isinstance(a, np.ndarray):
        raise TypeError(f"from_numpy: expected np.ndarray (got {type(a).__name__})")
    return Tensor(a)


def _factory(fill, size, dtype, requires_grad):
    shape = _size_args(size)
    dt = np.dtype(dtype) if dtype is not None else get_default_dtype()
    return Tensor(fill(shape, dt), requires_grad=requires_grad)


def zeros(*size, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    return _factory(np.zeros, size, dtype, requires_grad)


def ones(*size, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    return _factory(np.ones, size, dtype, requires_grad)


def empty(*size, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    return _factory(np.zeros, size, dtype, requires_grad)


def full(size, fill_value, dtype=None, requires_grad: bool = False) -> Tensor:
    if dtype is None:
        dtype = _to_array(fill_value).dtype
    return Tensor(np.full(_size_args((size,)), fill_value, dtype=dtype), requires_grad=requires_grad)


def zeros_like(t: Tensor, dtype=None, requires_grad: bool = False) -> Tensor:
    return Tensor(np.zeros(t.shape, dtype=dtype or t.dtype), requires_grad=requires_grad)


def ones_like(t: Tensor, dtype=None, requires_grad: bool = False) -> Tensor:
    return Tensor(np.ones(t.shape, dtype=dtype or t.dtype), requires_grad=requires_grad)


def rand(*size, dtype=None, requires_grad: bool = False, generator=None) -> Tensor:
    """Uniform samples in [0, 1) from the global generator (seeded by ``manual_seed``)."""
    rng = _random.rng_of(generator)
    return _factory(lambda s, dt: rng.random(s).astype(dt), size, dtype, requires_grad)


def randn(*size, dtype=None, requires_grad: bool = False, generator=None) -> Tensor:
    """Standard normal samples from the global generator."""
    rng = _random.rng_of(generator)
    return _factory(lambda s, dt: rng.standard_normal(s).astype(dt), size, dtype, requires_grad)


def randint(low, high=None, size=None, dtype=None, generator=None) -> Tensor:
    """Integers in [low, high): ``randint(high, size)`` or ``randint(low, high, size)`` as torch."""
    if size is None:
        low, high, size = 0, low, high
    if size is None:
        raise TypeError("randint: missing the size argument")
    rng = _random.rng_of(generator)
    return Tensor(rng.integers(low, high, size=_size_args((size,))).astype(dtype or int64))


def randperm(n: int, generator=None) -> Tensor:
    return Tensor(_random.rng_of(generator).permutation(n).astype(int64))


def arange(start, end=None, step=1, dtype=None, requires_grad: bool = False) -> Tensor:
    if end is None:
        start, end = 0, start
    arr = np.arange(start, end, step)
    if dtype is None:
        dtype = int64 if all(isinstance(v, (int, np.integer)) for v in (start, end, step)) else get_default_dtype()
    return Tensor(arr.astype(dtype), requires_grad=requires_grad)


def linspace(start, end, steps: int, dtype=None) -> Tensor:
    return Tensor(np.linspace(start, end, steps).astype(dtype or get_default_dtype()))
