"""Loss modules: thin wrappers that store the options and call ``nn.functional``."""
from __future__ import annotations

from . import functional as F
from .module import Module


class MSELoss(Module):
    """Mean squared error; ``reduction`` is 'mean' (default), 'sum' or 'none'.

    A shape mismatch between input and target raises a ValueError (torch only warns and broadcasts).
    """

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean"):
        super().__init__()
        if size_average is not None or reduce is not None:
            raise TypeError("MSELoss: size_average and reduce are deprecated in torch; use reduction=")
        F._check_reduction(reduction, "MSELoss")
        self.reduction = reduction

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class CrossEntropyLoss(Module):
    """``log_softmax`` of the logits followed by the negative log-likelihood of the targets
    (int64 class indices, or float class probabilities of the input's shape)."""

    def __init__(self, weight=None, size_average=None, ignore_index: int = -100, reduce=None,
                 reduction: str = "mean", label_smoothing: float = 0.0):
        super().__init__()
        if size_average is not None or reduce is not None:
            raise TypeError("CrossEntropyLoss: size_average and reduce are deprecated in torch; use reduction=")
        F._check_reduction(reduction, "CrossEntropyLoss")
        if not 0.0 <= label_smoothing <= 1.0:
            from ..errors import ShapeError  # a ValueError, and the RuntimeError torch raises

            raise ShapeError(f"CrossEntropyLoss: label_smoothing must be between 0.0 and 1.0, got {label_smoothing}")
        self.register_buffer("weight", weight)
        self.ignore_index = ignore_index
        self.reduction = reduction
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class NLLLoss(Module):
    """Negative log-likelihood of log-probabilities (use after ``log_softmax``)."""

    def __init__(self, weight=None, size_average=None, ignore_index: int = -100, reduce=None, reduction: str = "mean"):
        super().__init__()
        if size_average is not None or reduce is not None:
            raise TypeError("NLLLoss: size_average and reduce are deprecated in torch; use reduction=")
        F._check_reduction(reduction, "NLLLoss")
        self.register_buffer("weight", weight)
        self.ignore_index = ignore_index
        self.reduction = reduction

    def forward(self, input, target):
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index, reduction=self.reduction)
