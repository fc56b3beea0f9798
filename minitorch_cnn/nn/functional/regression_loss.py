"""Regression losses beside MSE: ``F.l1_loss``, ``F.smooth_l1_loss``, ``F.huber_loss``.

With ``d = input − target`` per element (reductions 'none' / 'mean' (÷ n) / 'sum' as torch)::

    L1          ℓ = |d|                                        dℓ/dd = sign(d)
    SmoothL1    ℓ = ½d²/β          for |d| < β                 dℓ/dd = d/β
                ℓ = |d| − ½β       otherwise                    dℓ/dd = sign(d)
    Huber       ℓ = ½d²            for |d| < δ                 dℓ/dd = d
                ℓ = δ(|d| − ½δ)    otherwise                    dℓ/dd = δ·sign(d)

Huber with δ is δ·SmoothL1 with β = δ; SmoothL1 with β = 0 is L1 (torch calls l1_loss then, and so
do we). The gradient with respect to the target is the negative of the input's.

As ``F.mse_loss`` here, input and target must have the same shape (torch would broadcast them with
a warning, a classic silent bug); a mismatch is a ValueError naming both shapes.
"""
from __future__ import annotations

import numpy as np

from ...autograd.function import Function
from ...tensor import Tensor
from ._checks import _check_float, _check_reduction, _check_tensor, _shape
from .loss import _promote, _reduce


class L1LossFn(Function):
    """``ℓ = |x − t|``;  ``dx = sign(x − t)·dℓ`` (÷ n for mean), ``dt = −dx``.

    torch's sign is ``[d > 0] − [d < 0]``: 0 at d = 0 and also at a NaN d (NumPy's sign gives NaN
    there), so a NaN target gives a NaN loss but a zero gradient, as in torch.
    """

    node_name = "L1LossBackward0"

    def forward(self, x, t, reduction):
        self.d, self.reduction = x - t, reduction
        return _reduce(np.abs(self.d), reduction)

    def backward(self, g):
        d = self.d
        sign = (d > 0).astype(d.dtype) - (d < 0).astype(d.dtype)
        return _elementwise_grad(sign, g, self.reduction, d)


class SmoothL1LossFn(Function):
    """SmoothL1 (β > 0) and Huber (δ): ``ℓ = scale · (½d²/β if |d| < β else |d| − ½β)`` with
    (scale, β) = (1, β) for SmoothL1 and (δ, δ) for Huber;  ``dℓ/dd = scale · (d/β if |d| < β else
    sign(d))``."""

    node_name = "SmoothL1LossBackward0"

    def forward(self, x, t, reduction, beta, scale):
        d = x - t
        self.d, self.reduction = d, reduction
        self.beta, self.scale = x.dtype.type(beta), x.dtype.type(scale)
        a = np.abs(d)
        loss = np.where(a < self.beta, 0.5 * d * d / self.beta, a - 0.5 * self.beta) * self.scale
        return _reduce(loss.astype(x.dtype, copy=False), reduction)

    def backward(self, g):
        # torch's branches: −1 below −β, +1 above β, d/β between (equal at ±β; a NaN d gives NaN)
        d = self.d
        slope = np.where(d < -self.beta, -1, np.where(d > self.beta, 1, d / self.beta)) * self.scale
        return _elementwise_grad(slope.astype(d.dtype, copy=False), g, self.reduction, d)


class HuberLossFn(SmoothL1LossFn):
    """Huber: SmoothL1LossFn with (scale, β) = (δ, δ); only torch's node name differs."""

    node_name = "HuberLossBackward0"


def _elementwise_grad(slope, g, reduction, d):
    """``dx = slope·dℓ`` (÷ n for 'mean'), ``dt = −dx``; then the two None for the non-tensor args."""
    g = np.asarray(g, dtype=d.dtype)
    if reduction == "mean":
        g = g / d.dtype.type(d.size)
    dx = (slope * g).astype(d.dtype, copy=False)
    return (dx, -dx) + (None,) * 3


def _prepare(input, target, reduction, layer: str):
    _check_tensor(input, layer)
    _check_tensor(target, layer, "target")
    _check_reduction(reduction, layer)
    if _shape(input) != _shape(target):
        raise ValueError(f"{layer}: input and target must have the same shape, got input {_shape(input)} and "
                         f"target {_shape(target)} (torch would broadcast them)")
    x, t = _promote(input, target)
    _check_float(x, layer)
    return x, t


def _weighted(fn, x, t, reduction, weight, layer, *args):
    """torch's ``weight=``: the unreduced loss times ``weight`` (same shape as input), then reduced.

    'mean' differs between torch's two losses, and we follow each: L1 divides the weighted sum by
    ``Σ weight`` (a weighted mean), Huber by the number of elements.
    """
    if weight is None:
        return fn.apply(x, t, reduction, *args)
    _check_tensor(weight, layer, "weight")
    if _shape(weight) != _shape(x):
        raise ValueError("Weights and input must have the same size.")
    loss = fn.apply(x, t, "none", *args) * weight
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / weight.sum() if fn is L1LossFn else loss.mean()


def _no_legacy(size_average, reduce, layer: str) -> None:
    if size_average is not None or reduce is not None:
        raise TypeError(f"{layer}: size_average and reduce are deprecated in torch; use reduction=")


def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
            weight: Tensor | None = None) -> Tensor:
    """Mean absolute error ``mean(|input − target|)`` (or ``sum`` / ``none``)."""
    _no_legacy(size_average, reduce, "L1Loss")
    x, t = _prepare(input, target, reduction, "L1Loss")
    return _weighted(L1LossFn, x, t, reduction, weight, "L1Loss")


def smooth_l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:
    """Squared below ``beta``, absolute above: ``½d²/β`` if |d| < β else ``|d| − ½β``."""
    _no_legacy(size_average, reduce, "SmoothL1Loss")
    x, t = _prepare(input, target, reduction, "SmoothL1Loss")
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0:
        return L1LossFn.apply(x, t, reduction)
    return SmoothL1LossFn.apply(x, t, reduction, float(beta), 1.0)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """Squared below ``delta``, linear above: ``½d²`` if |d| < δ else ``δ(|d| − ½δ)``."""
    x, t = _prepare(input, target, reduction, "HuberLoss")
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    return _weighted(HuberLossFn, x, t, reduction, weight, "HuberLoss", float(delta), float(delta))
