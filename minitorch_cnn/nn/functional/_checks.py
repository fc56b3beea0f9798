"""Argument checks shared by the functional layers and losses: each mistake raises a ValueError or
TypeError naming the layer, what it expected and what it got."""
from __future__ import annotations

import numpy as np

# _check_float only reads .dtype and Tensor.softmax needs it too, so it lives in dtypes.py (below tensor.py)
from ...dtypes import _check_float  # noqa: F401 - re-exported for the functional modules
from ...tensor import Tensor
from ...errors import DTypeError, ShapeError

_REDUCTIONS = ("none", "mean", "sum")


# ---------------------------------------------------------------------------------------------
# argument checking helpers
# ---------------------------------------------------------------------------------------------
def _shape(x) -> tuple:
    return tuple(int(s) for s in x.shape)


def _maybe_inplace(input: Tensor, inplace, compute) -> Tensor:
    """``compute(input)``, or with ``inplace`` its result written into ``input`` and ``input`` returned, as
    torch's ``inplace=True`` (Tensor._inplace: a leaf that requires grad is refused, a tensor saved for a
    backward is caught by its version, the graph records the op)."""
    return input._inplace(compute) if inplace else compute(input)


def _check_tensor(x, layer: str, what: str = "input") -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{layer}: expected {what} to be a Tensor, got {type(x).__name__}")


def _check_same_dtype(x: Tensor, w: Tensor, layer: str, what: str = "weight") -> None:
    if x.dtype != w.dtype:
        raise DTypeError(
            f"{layer}: input dtype {x.dtype.name} differs from the {what}'s dtype {w.dtype.name} "
            f"(cast the input with .to({w.dtype.name}) or the layer with .to({x.dtype.name}))"
        )


def _check_reduction(reduction, layer: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{layer}: {reduction!r} is not a valid value for reduction (expected one of {_REDUCTIONS})")


def _pair(value, name: str, layer: str, minimum: int, single: bool = True) -> tuple:
    """An int, a pair of ints, or (``single``, as torch's functional forms) a one-element sequence → (h, w),
    each ≥ ``minimum``. ``single=False`` for Conv2d's kernel_size, which torch takes as the weight's shape
    (a one-element kernel size fails there)."""
    is_int = lambda v: isinstance(v, (int, np.integer)) and not isinstance(v, bool)  # noqa: E731
    if is_int(value):
        pair = (int(value), int(value))
    elif isinstance(value, (tuple, list)) and len(value) == 2 and all(map(is_int, value)):
        pair = (int(value[0]), int(value[1]))
    elif single and isinstance(value, (tuple, list)) and len(value) == 1 and is_int(value[0]):
        pair = (int(value[0]), int(value[0]))
    else:
        raise TypeError(f"{layer}: expected {name} to be an int or a pair of ints, got {value!r}")
    if min(pair) < minimum:
        raise ShapeError(f"{layer}: expected {name} ≥ {minimum}, got {value!r}")
    return pair
