"""dtypes, the default float dtype, and torch's type-promotion rules (a leaf module: imports only NumPy).

dtypes are NumPy dtypes (``mt.float32 is np.dtype("float32")``). Python floats become the default float
dtype (float32 unless :func:`set_default_dtype` changes it), as in torch. :func:`result_dtype` gives the
dtype torch gives ``a ⊕ b``; torch's rules differ from NumPy's for int ⊕ float.
"""
from __future__ import annotations

import numbers

import numpy as np

float32 = np.dtype("float32")
float64 = np.dtype("float64")
float16 = np.dtype("float16")
int64 = np.dtype("int64")
int32 = np.dtype("int32")
uint8 = np.dtype("uint8")
bool_ = np.dtype("bool")

# torch's legacy tensor types (``FloatTensor``…, built in tensor_types.py) by dtype, for ``t.type()``
LEGACY_TYPE_NAMES = {float32: "FloatTensor", float64: "DoubleTensor", float16: "HalfTensor", int64: "LongTensor",
                     int32: "IntTensor", np.dtype("int16"): "ShortTensor", np.dtype("int8"): "CharTensor",
                     uint8: "ByteTensor", bool_: "BoolTensor"}

_default_float = float32


def set_default_dtype(dtype) -> None:
    """Set the dtype that Python floats become (float32 unless changed), as torch does."""
    global _default_float
    if isinstance(dtype, str):  # torch takes only dtype objects (np.dtype('float64') would parse the string)
        raise TypeError(f"invalid dtype object: only floating-point types are supported as the default type, "
                        f"got the string {dtype!r} (use minitorch_cnn.float64)")
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"set_default_dtype: expected a floating dtype, got {dtype}")
    _default_float = dtype


def get_default_dtype() -> np.dtype:
    return _default_float


def _dtype_name(dtype) -> str:
    return f"minitorch_cnn.{np.dtype(dtype).name}"


def _check_float(x, layer: str, what: str = "input") -> None:
    """Raise a TypeError unless ``x`` (a Tensor) has a floating dtype; shared by Tensor methods and nn.functional."""
    if x.dtype.kind != "f":
        from .errors import UnsupportedDTypeError  # a TypeError, and the NotImplementedError torch raises

        raise UnsupportedDTypeError(
            f"{layer}: expected a floating point {what} (float32 or float64), got dtype {x.dtype.name}"
            + (" (convert it with .float())" if what == "input" else "")
        )


# ---------------------------------------------------------------------------------------------
# type promotion (torch's rules, which differ from NumPy's for int ⊕ float)
# ---------------------------------------------------------------------------------------------
def _promote(x, y):
    """``torch.promote_types`` for the dtypes here (None = no operand of that tier): a float wins
    over ints and bools; otherwise the wider type (NumPy's table agrees with torch's there)."""
    if x is None or y is None:
        return y if x is None else x
    fx, fy = x.kind == "f", y.kind == "f"
    if fx != fy:
        return x if fx else y
    return x if x == y else np.result_type(x, y)


def _combine(higher, lower):
    """A lower-priority tier changes the result only when its category is higher (torch's
    ``combine_categories``): ``float32 tensor ⊕ float64 0-d tensor`` stays float32, but
    ``int tensor ⊕ float64 0-d tensor`` becomes float64."""
    if higher is None or lower is None:
        return lower if higher is None else higher
    if higher.kind == "f":
        return higher
    if higher.kind == "b" or lower.kind == "f":
        return _promote(higher, lower)
    return higher


def result_dtype(*operands) -> np.dtype:
    """The dtype torch gives ``a ⊕ b`` (or ``addcmul(a, b, c)``: any number of operands) for arrays (a
    Tensor passes its ``.array``) and Python numbers.
    Operands come in three tiers, highest first: tensors with at least one dimension, 0-d tensors, Python numbers (bool → bool, int → int64, float → the
    default float). Each tier is promoted within itself, then a lower tier only counts when it is
    of a higher category (bool < int < float): ``int tensor ⊕ 2.5`` → float32, ``uint8 tensor ⊕ 300``
    → uint8, ``float32 tensor ⊕ float64 0-d tensor`` → float32."""
    tiers = [None, None, None]  # dimensioned, 0-d, Python scalar
    for x in operands:
        if isinstance(x, np.ndarray):
            tier, dt = (0 if x.ndim else 1), np.dtype(x.dtype)
        elif isinstance(x, (bool, np.bool_)):
            tier, dt = 2, bool_
        elif isinstance(x, numbers.Integral):
            tier, dt = 2, int64
        elif isinstance(x, numbers.Real):
            tier, dt = 2, _default_float
        else:
            raise TypeError(f"unsupported operand type {type(x).__name__} for a Tensor operation")
        tiers[tier] = _promote(tiers[tier], dt)
    return _combine(tiers[0], _combine(tiers[1], tiers[2]))


_C_NAMES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
            "bool": "bool", "float16": "c10::Half", "float32": "float", "float64": "double"}


def checked_scalar(value, dtype) -> np.ndarray:
    """A Python number written into a tensor of ``dtype`` (``fill_``, ``clamp``'s bounds), converted as torch
    converts it: into an integer dtype an int wraps around, a float truncates toward 0, but a value beyond
    the range (for unsigned types beyond ±max, so ``uint8.fill_(-1)`` is 255 and ``fill_(300)`` an error;
    a negative float has no unsigned value) is torch's RuntimeError, not NumPy's OverflowError. A finite
    number beyond float32's range is that error too (float16 takes it as ±inf, as torch)."""
    dt = np.dtype(dtype)
    if dt == float32 and isinstance(value, numbers.Real) and abs(float(value)) > np.finfo(dt).max \
            and np.isfinite(float(value)):
        raise RuntimeError("value cannot be converted to type float without overflow")
    if dt.kind in "iu" and not isinstance(value, (bool, np.bool_)):
        info = np.iinfo(dt)
        low = -int(info.max) if dt.kind == "u" and isinstance(value, numbers.Integral) else info.min
        if not (low <= value <= info.max) or value != value:
            raise RuntimeError(f"value cannot be converted to type {_C_NAMES[dt.name]} without overflow")
        return np.array(int(value)).astype(dt)  # int(): a float truncates; astype: an int wraps (-1 → 255)
    return np.asarray(value).astype(dt)


def as_dtype(dtype, who: str):
    """``dtype=`` as a NumPy dtype (None stays None): a dtype of this package (they are NumPy dtypes), a NumPy
    scalar type, Python's ``float``/``int``/``bool`` or a dtype's name. Anything else is torch's TypeError
    (``np.dtype`` would read a Tensor's ``.dtype`` and silently convert to it: ``tensor(x, t)``)."""
    if dtype is None or isinstance(dtype, np.dtype):
        return dtype
    if isinstance(dtype, str) or (isinstance(dtype, type) and issubclass(dtype, (np.generic, float, int, bool, complex))):
        return np.dtype(dtype)
    raise TypeError(f"{who}(): argument 'dtype' must be torch.dtype, not {type(dtype).__name__}")
