"""``F.normalize`` and ``F.cosine_similarity``, composed from differentiable Tensor ops (so their
gradients come from the ops' own backwards), as torch composes them.

- ``normalize(x, p=2, dim=1, eps=1e-12)``: ``x / max(‖x‖_dim, eps)`` — unit vectors along ``dim``.
- ``cosine_similarity(a, b, dim=1, eps=1e-8)``: ``Σ_dim (a / max(‖a‖, eps)) · (b / max(‖b‖, eps))``, the
  cosine of the angle between a and b (torch divides each by its norm first, then takes the dot product).
  a and b broadcast first, and ``dim`` is a dim of their common shape (as torch: (4, 3) with (3,) along
  dim 1 compares each row with the vector).
  torch clamps the norms in place without recording it, so its backward differentiates the *unclamped*
  norm: ``n + (max(n, eps) − n).detach()`` has the clamped value and the plain norm's gradient.
"""
from __future__ import annotations

from ...dtypes import result_dtype
from ...functions import broadcast_tensors
from ...tensor import Tensor
from ._checks import _check_tensor


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out=None) -> Tensor:
    _check_tensor(input, "normalize")
    if out is not None:
        raise NotImplementedError("normalize: out= is not supported here")
    denom = input.norm(p, dim, keepdim=True).clamp(min=eps).expand_as(input)
    return input / denom


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    _check_tensor(x1, "cosine_similarity", "x1")
    _check_tensor(x2, "cosine_similarity", "x2")
    dt = result_dtype(x1.array, x2.array)  # the common dtype, which must be a float (int with float is)
    if dt.kind != "f":
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is {dt.name}")
    x1, x2 = broadcast_tensors(x1.to(dt), x2.to(dt))
    def clamped_norm(x):
        n = x.norm(2, dim, keepdim=True)
        return n + (n.clamp(min=eps) - n).detach()

    return ((x1 / clamped_norm(x1)) * (x2 / clamped_norm(x2))).sum(dim)
