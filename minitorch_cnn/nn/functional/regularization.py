"""``F.dropout`` and ``F.dropout2d`` (regularization by random zeroing): in training, zero each element (or each whole channel) with
probability p and scale the survivors by 1/(1 − p), so that the expected output equals the input;
outside training, the identity.

Random streams: the masks come from this engine's generator (:func:`minitorch_cnn.manual_seed`),
torch's from its own, so the same seed gives different masks in the two libraries. The parity
tests hand both engines the same mask instead (they replace :func:`dropout_mask`).
"""
from __future__ import annotations


import numpy as np

from ... import random as _random
from ...autograd.function import Function
from ...errors import warn
from ...tensor import Tensor
from ._checks import _check_float, _check_tensor, _maybe_inplace, _shape


def dropout_mask(shape: tuple, p: float) -> np.ndarray:
    """Bool array of ``shape``: True (keep) with probability 1 − p, drawn from the global generator."""
    return _random.get_rng().random(shape) >= p


class DropoutFn(Function):
    """``y = x · noise`` with ``noise = mask / (1 − p)`` (0 where dropped); ``dx = dy · noise``.

    ``noise`` has the input's shape (dropout) or (N, C, 1, 1) (dropout2d: one draw per channel,
    broadcast over H×W; its backward is the same product).
    """

    node_name = "MulBackward0"

    def forward(self, x, noise):
        self.noise = noise
        return x * noise

    def backward(self, g):
        return (g * self.noise, None)


def _check_p(p, name: str) -> float:
    if not isinstance(p, (int, float, np.integer, np.floating)):  # a bool is 0 or 1, as torch
        raise TypeError(f"{name}: expected p to be a number, got {type(p).__name__}")
    if p < 0 or p > 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    return float(p)


def _noise(mask_shape: tuple, p: float, dtype) -> np.ndarray:
    """torch's ``noise.bernoulli_(1 − p).div_(1 − p)``; p = 1 gives zeros (torch multiplies by 0)."""
    if p == 1.0:
        return np.zeros(mask_shape, dtype=dtype)
    keep = dropout_mask(mask_shape, p)
    return keep.astype(dtype) / np.asarray(1.0 - p, dtype=dtype)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p``, scale the rest by 1/(1 − p) (training only).

    ``inplace=True`` writes the result into ``input`` and returns it, as torch.
    """
    p = _check_p(p, "dropout")
    _check_tensor(input, "dropout")
    if not training or p == 0.0:
        return input
    _check_float(input, "dropout")
    noise = _noise(tuple(input.shape), p, input.dtype)
    return _maybe_inplace(input, inplace, lambda x: DropoutFn.apply(x, noise))


_DROPOUT2D_3D = ("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior "
                 "is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior "
                 "will change in a future release to interpret the input as one without a batch dimension, i.e. "
                 "shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using "
                 "dropout1d instead.")


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of input (N, C, H, W) with probability ``p``, scale the rest by 1/(1 − p).

    One draw per (n, c), shared by the H×W plane. A 3-D input is read as (N, C, L), one draw per
    (n, c), with torch 2.13's warning (torch says a later release will read it as unbatched
    (C, H, W)). Outside training (or with p = 0) the identity.
    """
    p = _check_p(p, "dropout2d")
    _check_tensor(input, "dropout2d")
    if input.ndim not in (3, 4):
        raise ValueError(f"dropout2d: expected a 4-D input (N, C, H, W) or an unbatched 3-D input (C, H, W), "
                         f"got {_shape(input)}")
    if not training or p == 0.0:
        return input
    _check_float(input, "dropout2d")
    if input.ndim == 3:
        warn(_DROPOUT2D_3D)
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    noise = _noise(shape, p, input.dtype)
    return _maybe_inplace(input, inplace, lambda x: DropoutFn.apply(x, noise))
