"""L1Loss, SmoothL1Loss, HuberLoss as modules (the math: ``nn/functional/regression_loss.py``)."""
from __future__ import annotations

from . import functional as F
from .module import Module


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction: str = "mean"):
        super().__init__()
        name = type(self).__name__
        if size_average is not None or reduce is not None:
            raise TypeError(f"{name}: size_average and reduce are deprecated in torch; use reduction=")
        F._check_reduction(reduction, name)
        self.reduction = reduction


class L1Loss(_Loss):
    """Mean absolute error ``|input − target|``, reduced by ``reduction`` ('mean', 'sum' or 'none')."""

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """``½d²/β`` where |d| < β, ``|d| − ½β`` elsewhere (d = input − target); β = 0 gives L1."""

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean", beta: float = 1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """``½d²`` where |d| < δ, ``δ(|d| − ½δ)`` elsewhere (d = input − target)."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)
