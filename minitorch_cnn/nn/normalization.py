"""BatchNorm1d and BatchNorm2d: normalise each channel, then scale by γ (``weight``) and shift by
β (``bias``).

In ``train()`` mode a layer normalises by the batch's own mean and biased variance and updates its
running statistics (buffers, not parameters)::

    running_mean ← (1 − momentum)·running_mean + momentum·μ_batch
    running_var  ← (1 − momentum)·running_var  + momentum·σ²_batch·M/(M − 1)   (unbiased)
    num_batches_tracked ← num_batches_tracked + 1

``momentum=None`` makes the running statistics a cumulative average: momentum = 1/num_batches_tracked.
In ``eval()`` mode it normalises by the running statistics, so one sample gives the same output
alone or in any batch. With ``track_running_stats=False`` there are no buffers and the batch
statistics are used in both modes. The math of forward and backward: ``nn/functional/normalization.py``
and ``kernels/batchnorm.py``.
"""
from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from . import functional as F
from .linear import _check_positive, _float_dtype
from .module import Module
from .parameter import Parameter


class _BatchNorm(Module):
    _expected = ""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device=None, dtype=None, *, bias: bool = True):
        super().__init__()
        layer = f"{type(self).__name__}({num_features})"
        self.num_features = _check_positive(num_features, "num_features", layer, minimum=0)  # 0: empty, as torch
        dt = _float_dtype(dtype, layer, device)
        if isinstance(eps, bool) or not isinstance(eps, (int, float)) or eps < 0:
            raise ValueError(f"{layer}: expected eps to be a number ≥ 0, got {eps!r}")
        if momentum is not None and not isinstance(momentum, (int, float)):  # a bool is 0 or 1, as torch
            raise TypeError(f"{layer}: expected momentum to be a number or None, got {momentum!r}")
        self.eps, self.momentum = eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(np.ones(num_features, dtype=dt))
            if bias:
                self.bias = Parameter(np.zeros(num_features, dtype=dt))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(num_features, dtype=dt)))
            self.register_buffer("running_var", Tensor(np.ones(num_features, dtype=dt)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, dtype=np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.array[...] = 0
            self.running_var.array[...] = 1
            self.num_batches_tracked.array[...] = 0

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.weight is not None:
            self.weight.array[...] = 1
        if self.bias is not None:
            self.bias.array[...] = 0

    def _check_input_dim(self, input) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def forward(self, input):
        if not isinstance(input, Tensor):
            raise TypeError(f"{type(self).__name__}: expected a Tensor input, got {type(input).__name__}")
        self._check_input_dim(input)
        if input.shape[1] != self.num_features:
            raise RuntimeError(f"{type(self).__name__}({self.num_features}): expected input with {self.num_features} "
                               f"channels (dimension 1), got {tuple(input.shape)}")
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.array[...] += 1
            if self.momentum is None:  # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked.array)
        # batch statistics in training, and in eval too when there are no running statistics
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        keep = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if keep else None, self.running_var if keep else None,
                            self.weight, self.bias, use_batch, factor, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs, per channel C."""

    def _check_input_dim(self, input) -> None:
        if input.ndim not in (2, 3):
            raise ValueError(f"expected 2D or 3D input (got {input.ndim}D input)")


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) inputs, per channel C (statistics over N, H and W)."""

    def _check_input_dim(self, input) -> None:
        if input.ndim != 4:
            raise ValueError(f"expected 4D input (got {input.ndim}D input)")
