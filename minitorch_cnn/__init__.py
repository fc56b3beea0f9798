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
from .random import Generator, get_rng_state, initial_seed, manual_seed, set_rng_state
from .autograd import Function, enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .accelerators import (accelerator, are_deterministic_algorithms_enabled, backends, cuda, get_default_device,
                           set_default_device, use_deterministic_algorithms)
from .creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
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
from .functions import (  # noqa: A004 - torch's names (abs, max, min, pow, sum) shadow builtins here on purpose
    abs, add, argmax, argmin, cat, clamp, clip, clone, cos, detach, div, divide, exp, exp2, expm1, flatten,
    is_tensor, log, log1p, log2, log10, log_softmax, matmul, max, maximum, mean, min, minimum, mm, mul,
    multiply, neg, negative, numel, permute, pow, reciprocal, relu, reshape, rsqrt, sigmoid, sign, sin,
    softmax, sqrt, square, squeeze, stack, sub, subtract, sum, t, tan, tanh, transpose, true_divide,
    unsqueeze, where,
    isnan, isinf, isfinite, logical_not, logical_and, logical_or, any, all, equal, isclose, allclose, round,
    floor, ceil, trunc, var, std, gather, masked_fill, cumsum, bmm, dot, split, chunk, sort, topk, norm,
    floor_divide, remainder, fmod,
    eq, ne, lt, le, gt, ge, not_equal, less, less_equal, greater, greater_equal,
    prod, logsumexp, index_select, tril, triu, unflatten, outer, ger, unique, bincount,
    is_floating_point,
    flip, roll, movedim, moveaxis, swapaxes, swapdims, ravel, tile, broadcast_to,
    argsort, unbind, narrow, diag, cumprod, nonzero, argwhere, masked_select, count_nonzero, repeat_interleave,
    amax, amin, nansum, nanmean, median,
    erf, frac, atan2, arctan2, nan_to_num, lerp, addcmul, addcdiv,
    hstack, vstack, broadcast_tensors,
)
from .threads import get_num_threads, set_num_threads
from .tensor import Size, Tensor
from .tensor_types import (BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor, HalfTensor, IntTensor,
                           LongTensor, ShortTensor)

from .serialization import load, save  # noqa: E402 - after tensor, which it uses

bool = bool_  # noqa: A001 - torch.bool
float = float32  # noqa: A001 - torch.float
double = float64
long = int64
int = int32  # noqa: A001 - torch.int


def device(kind: str = "cpu") -> Device:
    """``mt.device("cpu")``; any other device raises (this engine runs on the CPU)."""
    return Device(kind)


def __getattr__(name):
    # Sub-packages load lazily so `import minitorch_cnn` stays fast (nn and optim pull in Numba).
    import importlib

    if name in ("nn", "optim", "data", "models", "kernels", "viz", "utils"):
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'minitorch_cnn' has no attribute {name!r}")


__version__ = "0.1.0"
