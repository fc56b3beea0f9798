"""Python data (numbers, nested lists and tuples) → a NumPy array, with torch's rules for what comes out.

``np.asarray`` does most of it, but NumPy and torch disagree where Python's integers leave int64:

* torch infers one kind for the whole list — bool < int < float < complex — and only then converts
  each number. An int outside int64 is an error when the result is an integer tensor
  (``tensor([2**63, -1])``: ``ValueError: Overflow when unpacking long long``), and simply a float
  when the list also holds a float (``tensor([2**70, 1.5])`` is float32). NumPy instead makes
  ``[2**63, -1]`` a float64 array (uint64 and int64 promote to float64) and ``[2**70, 1.5]`` an
  array of Python objects.
* an element that is not a number is an error of inference (``RuntimeError: Could not infer dtype
  of NoneType``) found before any overflow, wherever it sits in the list; with a ``dtype`` given there
  is no inference and the conversion of that element fails instead (a ``TypeError``).
* the dtype is torch's promotion over the elements: a Python bool, int or float counts as bool, int64
  or the default float, a NumPy scalar or array (or a Tensor) as its own dtype, so
  ``tensor([np.float64(1.5), 2])`` is float64 and ``tensor([np.int32(3), np.int32(4)])`` int32,
  where NumPy's array would be float64 and the Python-number rule float32 and int64.
* a requested float dtype takes any int (``tensor([2**63], dtype=float32)``); a requested bool dtype
  takes its truth value.
"""
from __future__ import annotations

import numpy as np

from .dtypes import _promote, bool_, get_default_dtype, int64

_INT64_MIN, _INT64_END = -2**63, 2**63
_NUMBER = (bool, int, float, complex, np.number, np.bool_)


def _overflow(x) -> ValueError:
    return ValueError(f"Overflow when unpacking long long ({x} does not fit in int64)")


def _target_kind(dtype) -> str | None:
    """'f', 'c', 'b' or 'i' for a requested dtype (unsigned counts as 'i'), None when inferred."""
    if dtype is None:
        return None
    kind = np.dtype(dtype).kind
    return "i" if kind == "u" else kind


def _not_a_number(x, target: str | None) -> Exception:
    """torch's error for an element that is not a number: inference fails, or the conversion does."""
    name = type(x).__name__
    if target is None:
        return RuntimeError(f"Could not infer dtype of {name}")
    if target in "fc":
        return TypeError(f"must be real number, not {name}")
    return TypeError(f"'{name}' object cannot be interpreted as an integer")


def _from_objects(arr: np.ndarray, target: str | None) -> np.ndarray:
    """An object array NumPy made of Python numbers (ints beyond uint64, or such ints mixed with
    floats): check every element first, then convert with the kind torch would infer or was asked."""
    items = list(arr.ravel()) if arr.ndim else [arr.item()]
    for x in items:
        if not isinstance(x, _NUMBER):
            raise _not_a_number(x, target)
    if target is None:
        kinds = {"c" if isinstance(x, (complex, np.complexfloating)) else
                 "f" if isinstance(x, (float, np.floating)) else "i" for x in items}
        target = "c" if "c" in kinds else "f" if "f" in kinds else "i"
    if target == "b":
        return np.array([bool(x) for x in items], dtype=bool).reshape(arr.shape)
    if target in "fc":  # float(x) raises OverflowError ("int too large to convert to float") as torch
        cast = complex if target == "c" else float
        return np.array([cast(x) for x in items]).reshape(arr.shape)
    for x in items:
        if isinstance(x, int) and not _INT64_MIN <= x < _INT64_END:
            raise _overflow(x)
    return arr.astype(np.int64)


def _leaves(data):
    """The numbers (or arrays) of nested lists and tuples, in order."""
    if isinstance(data, (list, tuple)):
        for x in data:
            yield from _leaves(x)
    else:
        yield data


def _int_beyond_int64(data):
    """The first Python int of ``data`` that int64 cannot hold, or None when ``data`` also holds a float
    (then the tensor is a float one, and every int converts)."""
    found = None
    for x in _leaves(data):
        if isinstance(x, (bool, int)):
            if found is None and not isinstance(x, bool) and not _INT64_MIN <= x < _INT64_END:
                found = x
        elif np.asarray(x).dtype.kind in "fc":
            return None
    return found


def _check_rectangular(data) -> None:
    """torch's shape check: the first element at each depth sets the length expected there."""
    shape, x = [], data
    while isinstance(x, (list, tuple)):
        shape.append(len(x))
        if not x:
            break
        x = x[0]

    def check(x, dim):
        if dim == len(shape):
            return
        if not isinstance(x, (list, tuple)):
            raise TypeError("not a sequence")
        if len(x) != shape[dim]:
            raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} (got {len(x)})")
        for y in x:
            check(y, dim + 1)

    check(data, 0)


def python_to_array(data, dtype=None) -> np.ndarray:
    """``np.asarray(data)`` with torch's errors for what a tensor cannot be made of, and torch's rules
    for Python ints outside int64 (see the module's docstring). ``dtype``: the dtype asked for, if
    any (the caller casts to it; this only decides what is an error)."""
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    try:
        arr = np.asarray(data)
    except ValueError as e:  # a ragged nested list (or one holding a None where a list should be)
        for x in _leaves(data):
            if not isinstance(x, _NUMBER + (np.ndarray,)):
                raise _not_a_number(x, _target_kind(dtype)) from None
        _check_rectangular(data)
        raise ValueError(f"expected a nested sequence of equal lengths (a rectangular shape): {e}") from None
    if arr.dtype.kind in "US":
        raise ValueError(f"too many dimensions '{'str' if arr.dtype.kind == 'U' else 'bytes'}'")
    target = _target_kind(dtype)
    if arr.dtype.kind == "O":
        return _from_objects(arr, target)
    if target in ("f", "c", "b"):
        return arr  # any Python int converts to these
    if arr.dtype == np.uint64 and arr.size and int(arr.max()) >= _INT64_END:  # NumPy's type for ints ≥ 2**63
        raise _overflow(int(arr.max()))
    if arr.dtype == np.float64 and arr.size and np.isfinite(arr).all() and np.abs(arr).max() >= _INT64_END:
        # ints ≥ 2**63 mixed with negative ints: NumPy made them float64; torch's int64 cannot hold them
        bad = _int_beyond_int64(data)
        if bad is not None:
            raise _overflow(bad)
    return arr


_PYTHON = {bool: bool_, int: int64}


def _dtype_of_type(kind) -> np.dtype:
    """The dtype torch infers for a Python number of this type (float: the default float), or a NumPy
    scalar type's own."""
    return get_default_dtype() if kind is float else _PYTHON.get(kind) or np.dtype(kind)


def inferred_dtype(data):
    """torch's dtype for nested Python data: ``torch.promote_types`` over every element (Python bool →
    bool, int → int64, float → the default float; anything with a dtype, a NumPy scalar or array or a
    Tensor, → that dtype); the default float when there is no element (``tensor([])``). None for complex
    numbers (left to NumPy)."""
    result, stack = None, [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            kinds = set(map(type, x))
            if all(k in (bool, int, float) or issubclass(k, np.generic) for k in kinds):
                dts = [_dtype_of_type(k) for k in kinds]  # numbers only: their types decide, no walk over them
            else:
                stack.extend(x)
                continue
        else:
            python_number = type(x) in (bool, int, float)
            dts = [_dtype_of_type(type(x)) if python_number else np.asarray(getattr(x, "array", x)).dtype]
        for dt in dts:
            if dt.kind not in "biuf":
                return None
            result = _promote(result, dt)
    return get_default_dtype() if result is None else result
