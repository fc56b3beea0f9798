"""Layers and losses as functions (``import minitorch_cnn.nn.functional as F``), torch's signatures.

Each differentiable operation is a :class:`~minitorch_cnn.autograd.Function` subclass: ``forward``
computes the result from NumPy arrays and saves what ``backward`` needs; ``backward`` returns one
gradient per positional input, with the math in its docstring. The public functions below check the
arguments (every mistake raises a ``ValueError``/``TypeError`` naming the layer, what it expected and
what it got), then call ``Fn.apply``.

The convolution and pooling loops live in :mod:`minitorch_cnn.kernels`; which twin runs (NumPy or
Numba) is decided per call by :func:`minitorch_cnn._backend.use_numba`.
"""
from __future__ import annotations

from ._checks import _check_reduction, _pair  # noqa: F401 - used by the layer classes in nn/
from ...functions import sigmoid, tanh
from .activation import log_softmax, relu, softmax
from .bce import binary_cross_entropy, binary_cross_entropy_with_logits
from .conv import Conv2dFn, conv2d
from .linear import Addmm, Mm, linear
from .loss import CrossEntropyFn, MSELossFn, NLLLossFn, cross_entropy, mse_loss, nll_loss
from .pooling import MaxPool2dFn, max_pool2d
from .normalization import BatchNormFn, BatchNormEvalFn, batch_norm
from .regularization import DropoutFn, dropout, dropout2d
from .relu_family import (ELUFn, GELUFn, HardtanhFn, LeakyReLUFn, SiLUFn, SoftplusFn, elu, gelu, hardtanh,
                          leaky_relu, relu6, silu, softplus)
from .regression_loss import L1LossFn, SmoothL1LossFn, huber_loss, l1_loss, smooth_l1_loss
from .one_hot import one_hot
from .padding import pad
from .distance import cosine_similarity, normalize
from .avg_pooling import AdaptiveAvgPool2dFn, AvgPool2dFn, adaptive_avg_pool2d, avg_pool2d

__all__ = [
    "linear", "conv2d", "max_pool2d", "relu", "log_softmax", "softmax",
    "mse_loss", "cross_entropy", "nll_loss", "sigmoid", "tanh",
    "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "batch_norm", "dropout", "dropout2d",
    "leaky_relu", "elu", "gelu", "silu", "hardtanh", "relu6", "softplus", "l1_loss", "smooth_l1_loss", "huber_loss",
    "avg_pool2d", "adaptive_avg_pool2d", "one_hot", "pad", "normalize", "cosine_similarity",
]
