"""``nn.utils``: gradient clipping and flattening parameters into one vector.

``clip_grad_norm_(parameters, max_norm, norm_type=2.0)``: treat all gradients as one long vector
``g``; its norm is ``total = ‖(‖g₁‖, ‖g₂‖, …)‖`` (the norm of the per-tensor norms, which for the
2-norm equals the norm of everything concatenated). When ``total > max_norm``, every gradient is
scaled in place by ``max_norm / (total + 1e-6)`` (torch's formula, the 1e-6 guarding against a zero
norm; with ``total ≤ max_norm`` the factor is clamped to 1, i.e. nothing changes). Returns ``total``.
``clip_grad_value_`` clamps each gradient entry to ``[-clip_value, clip_value]`` instead.
"""
from __future__ import annotations

import math

import numpy as np

from ..tensor import Tensor


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach=None) -> Tensor:
    """Scale all gradients together so that their joint norm is at most ``max_norm``; return that norm."""
    grads = _grads(parameters)
    norm_type = float(norm_type)
    if not grads:
        return Tensor(np.asarray(0.0, dtype=np.float32))
    if norm_type == math.inf:
        if any(g.array.size == 0 for g in grads):  # max has no identity: torch refuses an empty gradient
            raise RuntimeError("clip_grad_norm_: cannot compute the infinity norm on an empty tensor because the "
                               "operation does not have an identity")
        norms = [np.abs(g.array).max() for g in grads]
        total = np.max(np.asarray(norms, dtype=grads[0].dtype))
    else:
        norms = [np.sum(np.abs(g.array) ** norm_type) ** (1.0 / norm_type) for g in grads]
        total = np.sum(np.asarray(norms, dtype=grads[0].dtype) ** norm_type) ** (1.0 / norm_type)
    total = np.asarray(total, dtype=grads[0].dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it cannot be "
            "clipped. To disable this error and scale the gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`")
    coef = np.minimum(np.asarray(max_norm, dtype=total.dtype) / (total + np.asarray(1e-6, dtype=total.dtype)), 1.0)
    for g in grads:
        g.array *= coef.astype(g.dtype)  # in place: the .grad tensors the optimizer reads
    return Tensor(total)


def clip_grad_value_(parameters, clip_value: float, foreach=None) -> None:
    """Clamp every gradient entry to ``[-clip_value, clip_value]``, in place."""
    for g in _grads(parameters):
        np.clip(g.array, -clip_value, clip_value, out=g.array)


def parameters_to_vector(parameters) -> Tensor:
    """All parameters flattened and joined into one 1-D tensor (a copy, no graph)."""
    return Tensor(np.concatenate([p.array.reshape(-1) for p in parameters]))


def vector_to_parameters(vec: Tensor, parameters) -> None:
    """Write consecutive slices of ``vec`` into the parameters (the inverse of ``parameters_to_vector``)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    offset = 0
    for p in parameters:
        n = p.array.size
        p.array[...] = vec.array[offset:offset + n].reshape(p.array.shape)
        offset += n
