"""Argument checks shared by the Tensor methods: torch's argument parser refuses a value of the wrong
Python type with a TypeError naming the function, the argument and the type that came, before it looks
at any value. A bool is not an int here (``t.sum(True)`` is not ``t.sum(1)``) and an int is not a bool
(``t.unique(0)`` is not ``t.unique(False)``), although Python would convert either silently."""
from __future__ import annotations

import operator

import numpy as np


def int_arg(value, who: str, name: str = "dim") -> int:
    """``value`` as a Python int: ints, NumPy ints and anything with ``__index__`` but a bool."""
    if isinstance(value, (bool, np.bool_)) or not hasattr(type(value), "__index__"):
        raise TypeError(f"{who}(): argument '{name}' must be int, not {type(value).__name__}")
    return operator.index(value)


def dims_arg(dim, who: str, name: str = "dim") -> tuple:
    """``dim`` (None, an int or a list/tuple of ints) as a tuple of ints, types only (no range check:
    torch checks a dim's type before the dtype, its range after)."""
    if dim is None:
        return ()
    return tuple(int_arg(d, who, name) for d in (dim if isinstance(dim, (list, tuple)) else (dim,)))


def bool_arg(value, who: str, name: str) -> bool:
    """``value`` as a Python bool: a bool or a NumPy bool only."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{who}(): argument '{name}' must be bool, not {type(value).__name__}")
    return bool(value)
