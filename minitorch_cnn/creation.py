"""Factories: new tensors from data (tensor, as_tensor, from_numpy), filled (zeros, ones, full, …),
random (rand, randn, randint, randperm; seeded by ``manual_seed``) and ranges (arange, linspace).
"""
from __future__ import annotations

import numbers

import numpy as np

from . import random as _random
from .device import check_device
from .dtypes import as_dtype, checked_scalar, get_default_dtype, int64
from .errors import ShapeError
from .tensor import Tensor, _to_array, check_numpy_array
from .tensor_shape import _size_args as _any_size_args


def _size_args(size) -> tuple:
    """The shape of a new tensor: ints, none negative (torch: ``RuntimeError: Trying to create tensor
    with negative dimension -1``; NumPy's own error would be a ValueError)."""
    shape = _any_size_args(size)
    for s in shape:
        if s < 0:
            raise ShapeError(f"Trying to create tensor with negative dimension {s}: {list(shape)}")
    return shape


def tensor(data, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """Copy ``data`` into a new leaf Tensor (Python floats → float32, ints → int64, as torch)."""
    if device is not None:
        check_device(device)
    arr = np.array(_to_array(data, dtype), copy=True)
    return Tensor(arr, requires_grad=requires_grad)


def as_tensor(data, dtype=None) -> Tensor:
    dtype = as_dtype(dtype, "as_tensor")
    if isinstance(data, Tensor) and (dtype is None or data.dtype == dtype):
        return data
    return Tensor(_to_array(data, dtype))


def from_numpy(a: np.ndarray) -> Tensor:
    """Wrap a NumPy array without copying (changes to one show in the other)."""
    if not isinstance(a, np.ndarray):
        raise TypeError(f"from_numpy: expected np.ndarray (got {type(a).__name__})")
    check_numpy_array(a)  # object/datetime/string arrays: TypeError; big-endian: ValueError (as torch)
    return Tensor(a)


def _factory(fill, size, dtype, requires_grad, device=None):
    if device is not None:
        check_device(device)
    shape = _size_args(size)
    dt = as_dtype(dtype, "factory") if dtype is not None else get_default_dtype()
    return Tensor(fill(shape, dt), requires_grad=requires_grad)


def _sizes(size_args: tuple, size, name: str):
    """The shape, given positionally (``zeros(2, 3)``, ``zeros((2, 3))``) or as ``size=`` (not both), as torch."""
    if size is None:
        if not size_args:  # zeros(()) is a 0-d tensor; zeros() is torch's TypeError
            raise TypeError(f'{name}() missing 1 required positional arguments: "size"')
        return size_args
    if size_args:
        raise TypeError(f"{name}() received an invalid combination of arguments: the shape was given both "
                        f"positionally {size_args} and as size={size!r}")
    return (size,)


def zeros(*size_args, size=None, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    return _factory(np.zeros, _sizes(size_args, size, "zeros"), dtype, requires_grad, device)


def ones(*size_args, size=None, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    return _factory(np.ones, _sizes(size_args, size, "ones"), dtype, requires_grad, device)


def empty(*size_args, size=None, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """Like torch's ``empty``, a tensor whose values you must not rely on (here: zeros)."""
    return _factory(np.zeros, _sizes(size_args, size, "empty"), dtype, requires_grad, device)


def full(size, fill_value, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """``size`` filled with ``fill_value``; the dtype follows the value (bool, int64 or the default float)."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}")
    if dtype is None:
        dtype = _to_array(fill_value).dtype
    return _factory(lambda s, dt: np.full(s, fill_value, dtype=dt), (size,), dtype, requires_grad, device)


def eye(n: int, m: int | None = None, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """The n×m matrix with ones on the diagonal (m = n unless given)."""
    for name, v in (("n", n), ("m", m)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, np.integer))):
            raise TypeError(f"eye(): argument '{name}' must be int, not {type(v).__name__}")
        if v is not None and v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    return _factory(lambda s, dt: np.eye(n, n if m is None else m, dtype=dt), (), dtype, requires_grad, device)


# --- *_like: the shape (and, unless given, the dtype) of another tensor ---------------------------
def _like(fill, input: Tensor, dtype, requires_grad, device) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"expected a Tensor as 'input', got {type(input).__name__}")
    return _factory(fill, input.shape, input.dtype if dtype is None else dtype, requires_grad, device)


def zeros_like(input: Tensor, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    return _like(np.zeros, input, dtype, requires_grad, device)


def ones_like(input: Tensor, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    return _like(np.ones, input, dtype, requires_grad, device)


def empty_like(input: Tensor, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    return _like(np.zeros, input, dtype, requires_grad, device)


def full_like(input: Tensor, fill_value, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    if not isinstance(fill_value, numbers.Number):
        raise TypeError(f"full_like(): argument 'fill_value' (position 2) must be Number, not {type(fill_value).__name__}")
    return _like(lambda s, dt: np.full(s, checked_scalar(fill_value, dt)), input, dtype, requires_grad, device)


def _random_like(name, draw, input, dtype, requires_grad, device, generator):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    dt = np.dtype(input.dtype if dtype is None else dtype)
    if dt.kind != "f":
        raise NotImplementedError(f'"{name}" not implemented for {dt.name}: random floats need a floating dtype '
                                  "(pass dtype=minitorch_cnn.float32)")
    rng = _random.rng_of(generator)
    return _like(lambda s, d: draw(rng, s).astype(d), input, dt, requires_grad, device)


def rand_like(input: Tensor, dtype=None, requires_grad: bool = False, device=None, generator=None) -> Tensor:
    """Uniform samples in [0, 1) with the shape (and dtype) of ``input``."""
    return _random_like("rand_like", lambda rng, s: rng.random(s), input, dtype, requires_grad, device, generator)


def randn_like(input: Tensor, dtype=None, requires_grad: bool = False, device=None, generator=None) -> Tensor:
    """Standard normal samples with the shape (and dtype) of ``input``."""
    return _random_like("randn_like", lambda rng, s: rng.standard_normal(s), input, dtype, requires_grad, device,
                        generator)


def rand(*size_args, size=None, dtype=None, requires_grad: bool = False, generator=None, device=None) -> Tensor:
    """Uniform samples in [0, 1) from the global generator (seeded by ``manual_seed``)."""
    _check_random_float("rand", dtype)
    rng = _random.rng_of(generator)
    return _factory(lambda s, dt: rng.random(s).astype(dt), _sizes(size_args, size, "rand"), dtype,
                    requires_grad, device)


def randn(*size_args, size=None, dtype=None, requires_grad: bool = False, generator=None, device=None) -> Tensor:
    """Standard normal samples from the global generator."""
    _check_random_float("randn", dtype)
    rng = _random.rng_of(generator)
    return _factory(lambda s, dt: rng.standard_normal(s).astype(dt), _sizes(size_args, size, "randn"), dtype,
                    requires_grad, device)


def _check_random_float(name, dtype) -> None:
    """torch draws rand/randn only in floating dtypes (an int or bool dtype is a NotImplementedError)."""
    if dtype is not None and np.dtype(dtype).kind != "f":
        raise NotImplementedError(f'"{name}" not implemented for {np.dtype(dtype).name}: random floats need a '
                                  "floating dtype (use randint for integers)")


def randint(low, high=None, size=None, dtype=None, generator=None) -> Tensor:
    """Integers in [low, high): ``randint(high, size)`` or ``randint(low, high, size)`` as torch."""
    if size is None:                 # randint(high, size), both positional
        low, high, size = 0, low, high
    elif high is None:               # randint(high, size=...), the tutorials' form
        low, high = 0, low
    if size is None or high is None:
        raise TypeError("randint: missing the size argument")
    for bound in (low, high):  # torch reads both bounds as int64 (a C long long)
        if isinstance(bound, (int, np.integer)) and not -2**63 <= int(bound) < 2**63:
            raise ValueError(f"randint: Overflow when unpacking long long (bound {bound} does not fit in int64)")
    if not low < high:
        raise ShapeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    dt = np.dtype(dtype or int64)
    if dt.kind in "iu" and not (np.iinfo(dt).min <= low and high - 1 <= np.iinfo(dt).max):
        # torch refuses bounds the dtype cannot hold; casting would wrap the draws (300 → 44 in uint8)
        raise RuntimeError(f"randint: [{low}, {high}) is out of bounds for {dt.name} "
                           f"([{np.iinfo(dt).min}, {np.iinfo(dt).max}])")
    rng = _random.rng_of(generator)
    return Tensor(rng.integers(low, high, size=_size_args((size,))).astype(dt))


def randperm(n: int, generator=None) -> Tensor:
    """A random permutation of ``0 … n-1`` (int64)."""
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"randperm(): argument 'n' (position 1) must be int, not {type(n).__name__}")
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    return Tensor(_random.rng_of(generator).permutation(int(n)).astype(int64))


def arange(start, end=None, step=1, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """``start, start + step, …`` up to (not including) ``end``; int64 when every argument is an int,
    else the default float (each value computed as ``start + i·step`` in float64, then cast)."""
    if end is None:
        start, end = 0, start
    for name, a in (("start", start), ("end", end), ("step", step)):
        if not isinstance(a, numbers.Number) and not (isinstance(a, Tensor) and a.numel() == 1):
            raise TypeError(f"arange(): argument '{name}' must be Number, not {type(a).__name__}")
    args = [a.item() if isinstance(a, Tensor) else a for a in (start, end, step)]
    if dtype is not None and np.dtype(dtype).kind == "b":
        raise NotImplementedError('"arange_cpu" not implemented for \'Bool\'')
    if dtype is not None and np.dtype(dtype).kind in "iu":
        args = [int(a) for a in args]   # torch converts the arguments to an integer dtype first
        if args[2] == 0:                # (so a step of 0.25 becomes 0), and says so with a ValueError
            raise ValueError("arange: step must be nonzero (after conversion to the integer dtype)")
    if not all(np.isfinite(float(v)) for v in args[:2]):  # NumPy: a ValueError or a huge allocation
        raise RuntimeError(f"unsupported range: {args[0]} -> {args[1]}")
    if args[2] == 0:
        raise RuntimeError("arange: step must be nonzero")
    if (args[1] - args[0]) * args[2] < 0:
        raise RuntimeError(f"arange: upper bound and lower bound inconsistent with step sign "
                           f"(start={args[0]}, end={args[1]}, step={args[2]})")
    if dtype is None:
        dtype = int64 if all(isinstance(v, (int, np.integer)) for v in args) else get_default_dtype()
    n = max(0, int(np.ceil((args[1] - args[0]) / args[2])))
    values = args[0] + np.arange(n) * np.float64(args[2])   # exact for ints below 2**53
    return _factory(lambda s, dt: values.astype(dt), (), dtype, requires_grad, device)


def linspace(start, end, steps: int, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive. As torch, the first half is
    ``start + i·step`` and the second half ``end - (steps-1-i)·step``, so both ends come out exact;
    an integer dtype truncates the bounds first."""
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)):
        raise TypeError(f"linspace(): argument 'steps' must be int, not {type(steps).__name__}")
    if steps < 0:
        raise RuntimeError(f"linspace: number of steps must be non-negative, got {steps!r}")
    dt = np.dtype(dtype) if dtype is not None else get_default_dtype()
    lo, hi = (float(int(start)), float(int(end))) if dt.kind in "iu" else (float(start), float(end))

    def fill(shape, d):
        if steps == 1:  # torch: [start] (the "second half" formula below would give [end])
            return np.full(1, lo).astype(d)
        i = np.arange(steps, dtype=np.float64)
        step = (hi - lo) / (steps - 1) if steps > 1 else 0.0
        values = np.where(i < steps // 2, lo + i * step, hi - (steps - 1 - i) * step)
        return values.astype(d)

    return _factory(fill, (), dt, requires_grad, device)
