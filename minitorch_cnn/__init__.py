"""minitorch_cnn: a readable NumPy + Numba deep-learning engine whose gradients and optimizer
steps are tested equal to PyTorch's.

Written so that the lecture's PyTorch code runs with only its imports changed::

    import minitorch_cnn as torch
    import minitorch_cnn.nn as nn
    import minitorch_cnn.optim as optim
"""
from __future__ import annotations

from . import random as _random_module
from ._backend import get_backend, set_backend, backend
from .random import Generator, manual_seed
from .autograd import Function, enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .creation import (
    arange,
    as_tensor,
    empty,
    from_numpy,
    full,
    linspace,
    ones,
    ones_like,
    rand,
    randint,
    randn,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .device import Device
from .dtypes import (
    bool_,
    float16,
    float32,
    float64,
    get_default_dtype,
    int32,
    int64,
    set_default_dtype,
    uint8,
)
from .functions import abs, argmax, cat, exp, flatten, log, matmul, relu, sigmoid, sqrt, stack, tanh
from .tensor import Size, Tensor

from .serialization import load, save  # noqa: E402 - after tensor, which it uses

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
