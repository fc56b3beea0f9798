"""minitorch_cnn: a readable NumPy + Numba deep-learning engine whose gradients and optimizer
steps are tested equal to PyTorch's.

Written so that the lecture's PyTorch code runs with only its imports changed::

    import minitorch_cnn as torch
    import minitorch_cnn.nn as nn
    import minitorch_cnn.optim as optim
"""
from __future__ import annotations

from . import _cache

_cache.configure()  # before any kernel is compiled: Numba's cache goes to a per-user folder

from . import random as _random_module
from ._backend import get_backend, set_backend, backend
from .random import Generator, manual_seed
from .tensor import (
    Device,
    Function,
    Size,
    Tensor,
    abs,
    arange,
    argmax,
    as_tensor,
    bool_,
    cat,
    empty,
    enable_grad,
    exp,
    flatten,
    float16,
    float32,
    float64,
    from_numpy,
    full,
    get_default_dtype,
    int32,
    int64,
    is_grad_enabled,
    linspace,
    log,
    matmul,
    no_grad,
    ones,
    ones_like,
    rand,
    randint,
    randn,
    randperm,
    relu,
    set_default_dtype,
    set_grad_enabled,
    sigmoid,
    sqrt,
    stack,
    tanh,
    tensor,
    uint8,
    zeros,
    zeros_like,
)

bool = bool_  # noqa: A001 - torch.bool
float = float32  # noqa: A001 - torch.float
double = float64
long = int64


def device(kind: str = "cpu") -> Device:
    """``mt.device("cpu")``; any other device raises (this engine runs on the CPU)."""
    return Device(kind)


class cuda:  # noqa: N801 - mirrors the torch.cuda namespace
    """``mt.cuda.is_available()`` is always False, so lecture code picks the CPU."""

    @staticmethod
    def is_available() -> bool:
        return False

    @staticmethod
    def device_count() -> int:
        return 0


def __getattr__(name):
    # Sub-packages load lazily so `import minitorch_cnn` stays fast (nn and optim pull in Numba).
    import importlib

    if name in ("nn", "optim", "data", "models", "kernels", "viz", "utils"):
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'minitorch_cnn' has no attribute {name!r}")


__version__ = "0.1.0"
