"""``F.relu``, ``F.softmax``, ``F.log_softmax``: the argument checks, then the Functions in
:mod:`minitorch_cnn.ops.activation` (which Tensor's methods of the same names share)."""
from __future__ import annotations

from ...ops.activation import LogSoftmaxFn, SoftmaxFn, _softmax_dim
from ...tensor import Tensor
from ._checks import _check_float, _check_tensor, _maybe_inplace


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """``max(x, 0)``; backward passes dY where x > 0 (see ``ops/activation.py``). ``inplace=True`` writes
    the result into ``input`` and returns it, as torch."""
    _check_tensor(input, "relu")
    # Tensor.relu: torch's check (a bool input is refused), then the same Function
    return _maybe_inplace(input, inplace, lambda x: x.relu())

def log_softmax(input: Tensor, dim=None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """``log(softmax(x))`` computed stably as ``x − max − log Σ exp(x − max)``. ``_stacklevel`` is in torch's
    signature (for its deprecation warning) and unused here; it keeps ``dtype`` in torch's position."""
    _check_tensor(input, "log_softmax")
    d = _softmax_dim(dim, input.ndim, "log_softmax")  # the dim before the dtype, as torch
    x = input if dtype is None else input.to(dtype)
    _check_float(x, "log_softmax")
    return LogSoftmaxFn.apply(x, d)


def softmax(input: Tensor, dim=None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """``exp(x) / Σ_dim exp(x)`` along ``dim`` (computed as ``exp(log_softmax(x))``); ``_stacklevel`` as in
    :func:`log_softmax`."""
    _check_tensor(input, "softmax")
    d = _softmax_dim(dim, input.ndim, "softmax")  # the dim before the dtype, as torch
    x = input if dtype is None else input.to(dtype)
    _check_float(x, "softmax")
    return SoftmaxFn.apply(x, d)
