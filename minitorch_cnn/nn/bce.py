"""``nn.BCELoss`` and ``nn.BCEWithLogitsLoss``: thin wrappers over ``F.binary_cross_entropy(_with_logits)``
(the math, with its backward, is in ``nn/functional/bce.py``)."""
from __future__ import annotations

from . import functional as F
from .module import Module


class BCELoss(Module):
    """Binary cross-entropy of probabilities in [0, 1] (apply ``nn.Sigmoid`` first, or use
    :class:`BCEWithLogitsLoss`, which is stabler). ``weight`` rescales each element's loss."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction: str = "mean"):
        super().__init__()
        if size_average is not None or reduce is not None:
            raise TypeError("BCELoss: size_average and reduce are deprecated in torch; use reduction=")
        F._check_reduction(reduction, "BCELoss")
        self.register_buffer("weight", weight)
        self.reduction = reduction

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(Module):
    """Sigmoid + binary cross-entropy in one stable step, from raw scores (logits). ``pos_weight``
    (one value per class, along the last axis) weighs the positive examples."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction: str = "mean", pos_weight=None):
        super().__init__()
        if size_average is not None or reduce is not None:
            raise TypeError("BCEWithLogitsLoss: size_average and reduce are deprecated in torch; use reduction=")
        F._check_reduction(reduction, "BCEWithLogitsLoss")
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)
        self.reduction = reduction

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, weight=self.weight, reduction=self.reduction,
                                                  pos_weight=self.pos_weight)
