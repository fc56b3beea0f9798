"""torch-level functions: ``mt.exp(t)`` and friends (the Tensor method of the same name), and
``mt.stack`` / ``mt.cat``, which join tensors (differentiable)."""
from __future__ import annotations

import functools

from .creation import tensor
from .ops.reduction import _norm_dims
from .ops.shape import Cat, Stack
from .tensor import Tensor


def stack(tensors, dim: int = 0) -> Tensor:
    """Join same-shaped tensors along a new axis ``dim`` (differentiable)."""
    tensors = [t if isinstance(t, Tensor) else tensor(t) for t in tensors]
    if not tensors:
        raise RuntimeError("stack expects a non-empty sequence of tensors")
    shapes = {tuple(t.shape) for t in tensors}
    if len(shapes) != 1:
        raise RuntimeError(f"stack expects each tensor to be equal size, but got shapes {sorted(shapes)}")
    n = tensors[0].ndim + 1
    if not -n <= dim < n:
        raise IndexError(f"stack: dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return Stack.apply(*tensors, dim=dim % n)


def cat(tensors, dim: int = 0) -> Tensor:
    """Join tensors along an existing axis ``dim`` (differentiable)."""
    tensors = [t if isinstance(t, Tensor) else tensor(t) for t in tensors]
    if not tensors:
        raise RuntimeError("cat expects a non-empty sequence of tensors")
    d = _norm_dims(dim, tensors[0].ndim, "cat")[0]
    for t in tensors:
        if t.ndim != tensors[0].ndim or t.shape[:d] + t.shape[d + 1:] != tensors[0].shape[:d] + tensors[0].shape[d + 1:]:
            raise RuntimeError(
                f"cat: sizes of tensors must match except in dimension {d}, got shapes {[tuple(x.shape) for x in tensors]}"
            )
    return Cat.apply(*tensors, dim=d)


def _unary(method):
    @functools.wraps(getattr(Tensor, method))
    def f(t, *args, **kwargs):
        return getattr(t, method)(*args, **kwargs)
    return f


exp = _unary("exp")
log = _unary("log")
sqrt = _unary("sqrt")
abs = _unary("abs")  # noqa: A001 - mirrors torch.abs
tanh = _unary("tanh")
sigmoid = _unary("sigmoid")
relu = _unary("relu")
flatten = _unary("flatten")
argmax = _unary("argmax")
matmul = _unary("matmul")
