"""Binary cross-entropy: ``F.binary_cross_entropy`` (on probabilities) and
``F.binary_cross_entropy_with_logits`` (on raw scores, numerically stable), torch's signatures.

For a probability ``x ∈ [0, 1]`` of the positive class and a target ``t`` (usually 0 or 1)::

    ℓ = −w · [ t · log x + (1 − t) · log(1 − x) ]

torch clamps each log at −100 so that ``x = 0`` or ``1`` gives a large finite loss instead of inf,
and so do we. From logits ``z`` (``x = σ(z)``), with a positive-class weight ``p`` (``pos_weight``)::

    ℓ = w · [ (1 − t) · z + (1 + (p − 1) t) · softplus(−z) ],   softplus(u) = log(1 + eᵘ)

which is the same loss rewritten with ``log σ(z) = −softplus(−z)`` and ``log(1 − σ(z)) = −z − softplus(−z)``;
``softplus(−z) = max(−z, 0) + log1p(e^−|z|)`` never overflows. ``w`` (``weight``) and ``p`` broadcast
against the input; they are constants here (torch does not differentiate them either).
"""
from __future__ import annotations

import numpy as np

from ...autograd.function import Function
from ...tensor import Tensor
from ._checks import _check_float, _check_reduction, _check_tensor, _shape
from .loss import _reduce

EPS = float(np.float32(1e-12))  # torch's floor for x(1 − x) in the backward (a float32 constant there)


def _softplus_neg(z):
    """``softplus(−z) = log(1 + e^−z)``, computed without overflow."""
    return np.maximum(-z, 0) + np.log1p(np.exp(-np.abs(z)))


def _scale(g, reduction, n, dtype):
    """The upstream gradient for every element: ``g`` itself, or ``g / n`` for a mean."""
    g = np.asarray(g, dtype=dtype)
    return g / dtype.type(n) if reduction == "mean" else g


class BinaryCrossEntropyFn(Function):
    """``ℓ = −w [t·max(log x, −100) + (1 − t)·max(log(1 − x), −100)]``, then none / mean / sum.

    ``dx = dℓ · w (x − t) / max(x (1 − x), 1e−12)``;
    ``dt = dℓ · w [log(1 − x) − log x]`` (torch leaves these logs unclamped: ±inf at x = 0 or 1).
    """

    node_name = "BinaryCrossEntropyBackward0"  # torch's grad_fn name

    def forward(self, x, t, w, reduction):
        with np.errstate(divide="ignore"):
            self.log_x = np.maximum(np.log(x), -100)
            self.log_1mx = np.maximum(np.log1p(-x), -100)
        self.x, self.t, self.w, self.reduction = x, t, w, reduction
        loss = -(t * self.log_x + (1 - t) * self.log_1mx)
        if w is not None:
            loss = loss * w
        return _reduce(loss.astype(x.dtype, copy=False), reduction)

    def backward(self, g):
        x, t, w = self.x, self.t, self.w
        g = _scale(g, self.reduction, x.size, x.dtype)
        w = 1 if w is None else w
        dx = dt = None
        if self.needs_input_grad[0]:
            dx = (g * w * (x - t) / np.maximum(x * (1 - x), EPS)).astype(x.dtype, copy=False)
        if self.needs_input_grad[1]:
            with np.errstate(divide="ignore", invalid="ignore"):
                dt = (g * w * (np.log1p(-x) - np.log(x))).astype(x.dtype, copy=False)
        return dx, dt, None, None


class BinaryCrossEntropyWithLogitsFn(Function):
    """``ℓ = w [(1 − t) z + (1 + (p − 1) t) softplus(−z)]``, then none / mean / sum.

    ``dz = dℓ · w [(1 − t) − (1 + (p − 1) t) (1 − σ(z))]``  (= ``σ(z) − t`` when w = p = 1);
    ``dt = dℓ · w [(p − 1) softplus(−z) − z]``.
    """

    node_name = "BinaryCrossEntropyWithLogitsBackward0"  # torch's grad_fn name

    def forward(self, z, t, w, p, reduction):
        self.z, self.t, self.w, self.p, self.reduction = z, t, w, p, reduction
        self.sp = _softplus_neg(z)
        self.lw = 1 if p is None else 1 + (p - 1) * t
        loss = (1 - t) * z + self.lw * self.sp
        if w is not None:
            loss = loss * w
        return _reduce(loss.astype(z.dtype, copy=False), reduction)

    def backward(self, g):
        z, t = self.z, self.t
        g = _scale(g, self.reduction, z.size, z.dtype)
        w = 1 if self.w is None else self.w
        dz = dt = None
        if self.needs_input_grad[0]:
            one_minus_sig = np.exp(-z - self.sp)  # 1 − σ(z) = σ(−z) = e^(−z − softplus(−z))
            dz = (g * w * ((1 - t) - self.lw * one_minus_sig)).astype(z.dtype, copy=False)
        if self.needs_input_grad[1]:
            pm1 = 0 if self.p is None else self.p - 1
            dt = (g * w * (pm1 * self.sp - z)).astype(z.dtype, copy=False)
        return dz, dt, None, None, None


def _weights(layer, input, **named):
    """Each optional weight as an array of the input's dtype, checked to broadcast to the input."""
    out = []
    for name, w in named.items():
        if w is None:
            out.append(None)
            continue
        _check_tensor(w, layer, name)
        try:
            np.broadcast_to(np.empty(_shape(w)), _shape(input))
        except ValueError:
            raise RuntimeError(f"{layer}: {name} of shape {_shape(w)} does not broadcast to the input's shape "
                               f"{_shape(input)}") from None
        out.append(w.array.astype(input.dtype, copy=False))
    return out


def _is_float_tensor(t) -> bool:
    return isinstance(t, Tensor) and t.dtype.kind == "f"


def _check_pair(layer, input, target, reduction, deprecated):
    _check_tensor(input, layer)
    _check_tensor(target, layer, "target")
    _check_float(input, layer)
    _check_reduction(reduction, layer)
    if any(d is not None for d in deprecated):
        raise TypeError(f"{layer}: size_average and reduce are deprecated in torch; use reduction=")
    if _shape(target) != _shape(input):
        raise ValueError(f"{layer}: Using a target size ({_shape(target)}) that is different to the input size "
                         f"({_shape(input)}) is not allowed; make them the same shape")
    if target.dtype.kind != "f":  # torch refuses an int/bool target (its dtype check), never casts it
        raise RuntimeError(f"{layer}: expected a floating point target (a probability per element), got dtype "
                           f"{target.dtype.name} (convert it with .float())")
    return target if target.dtype == input.dtype else target.to(input.dtype)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                         reduce=None, reduction: str = "mean") -> Tensor:
    """BCE of probabilities ``input ∈ [0, 1]`` against ``target`` of the same shape (see the module
    docstring). A value outside [0, 1] (NaN included) is a RuntimeError, as in torch."""
    layer = "binary_cross_entropy"
    if _is_float_tensor(input) and _is_float_tensor(target) and target.dtype != input.dtype:
        raise RuntimeError(f"{layer}: Found dtype {target.dtype.name} but expected {input.dtype.name} (the target "
                           "must have the input's dtype)")
    target = _check_pair(layer, input, target, reduction, (size_average, reduce))
    x = input.array
    if not np.all((x >= 0) & (x <= 1)):
        raise RuntimeError(f"{layer}: all elements of input should be between 0 and 1 (got values from "
                           f"{np.nanmin(x) if x.size else 0} to {np.nanmax(x) if x.size else 0}; pass "
                           "probabilities, e.g. sigmoid(logits), or use binary_cross_entropy_with_logits)")
    t = target.array
    if not np.all((t >= 0) & (t <= 1)):
        raise RuntimeError(f"{layer}: all elements of target should be between 0 and 1 (got values from "
                           f"{np.nanmin(t) if t.size else 0} to {np.nanmax(t) if t.size else 0})")
    (w,) = _weights(layer, input, weight=weight)
    return BinaryCrossEntropyFn.apply(input, target, w, reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average=None, reduce=None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """BCE of ``sigmoid(input)`` computed from the logits without overflow; ``pos_weight`` multiplies
    the positive term (broadcast along the last axis: one weight per class)."""
    layer = "binary_cross_entropy_with_logits"
    target_dtype = getattr(target, "dtype", None)
    target = _check_pair(layer, input, target, reduction, (size_average, reduce))
    w, p = _weights(layer, input, weight=weight, pos_weight=pos_weight)
    loss = BinaryCrossEntropyWithLogitsFn.apply(input, target, w, p, reduction)
    # torch: a float target of another dtype than the logits gives the loss in the target's dtype
    return loss if target_dtype == loss.dtype else loss.to(target_dtype)
