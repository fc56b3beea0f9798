"""``F.batch_norm``: normalise each channel by its batch statistics (training) or by the running
statistics (evaluation), then scale by γ and shift by β. The loops and the derivation of the
backward are in :mod:`minitorch_cnn.kernels.batchnorm`."""
from __future__ import annotations

import numpy as np

from ... import _backend
from ...autograd.function import Function
from ...kernels import batchnorm as _bn
from ...tensor import Tensor
from ._checks import _check_float, _check_tensor, _shape


def _as_ncl(a: np.ndarray) -> np.ndarray:
    """(N, C) → (N, C, 1); (N, C, *spatial) → (N, C, L): the kernels' one layout."""
    return a.reshape(a.shape[0], a.shape[1], -1)


def _per_channel(a: np.ndarray, ndim: int) -> np.ndarray:
    """(C,) → (1, C, 1, …): broadcastable against an input with ``ndim`` dimensions."""
    return a.reshape((1, -1) + (1,) * (ndim - 2))


class BatchNormFn(Function):
    """Training mode: ``y = γ·x̂ + β`` with ``x̂ = (x − μ)/√(σ² + eps)`` over the batch's statistics.

    Backward (derived in ``kernels/batchnorm.py``), sums over the N·L values of each channel::

        dβ = Σ dy,   dγ = Σ dy·x̂,   dx = (γ·s/M)·(M·dy − dβ − x̂·dγ)

    ``weight``/``bias`` may be None (``affine=False``): γ = 1, β = 0 and no gradient for them.
    The batch mean and biased variance are written into the dict ``stats`` (the running statistics
    are updated from them).
    """

    node_name = "NativeBatchNormBackward0"

    def forward(self, x, weight, bias, *, eps, stats):
        self.numba = _backend.use_numba()
        c = x.shape[1]
        self.shape = x.shape
        self.weight = np.ones(c, dtype=x.dtype) if weight is None else weight
        b = np.zeros(c, dtype=x.dtype) if bias is None else bias
        fwd = _bn.batch_norm_forward_numba if self.numba else _bn.batch_norm_forward
        y, self.xhat, stats["mean"], stats["var"], self.invstd = fwd(_as_ncl(x), self.weight, b, eps)
        return y.reshape(x.shape)

    def backward(self, g):
        bwd = _bn.batch_norm_backward_numba if self.numba else _bn.batch_norm_backward
        dx, dgamma, dbeta = bwd(_as_ncl(g), self.xhat, self.weight, self.invstd)
        return dx.reshape(self.shape), dgamma, dbeta


class BatchNormEvalFn(Function):
    """Evaluation mode: the fixed affine map ``y = γ·(x − μ_run)·s + β``, ``s = 1/√(σ²_run + eps)``.

    Backward: ``dx = dy·γ·s``, ``dγ = Σ dy·x̂``, ``dβ = Σ dy`` (x̂ = (x − μ_run)·s; sums over every
    dimension but the channel). μ_run and σ²_run are constants here, so no ``−Σ`` terms appear.
    """

    node_name = "NativeBatchNormBackward0"

    def forward(self, x, running_mean, running_var, weight, bias, *, eps):
        nd = x.ndim
        self.invstd = _per_channel((1.0 / np.sqrt(running_var + eps)).astype(x.dtype), nd)
        self.xhat = (x - _per_channel(running_mean, nd)) * self.invstd
        self.weight = None if weight is None else _per_channel(weight, nd)
        y = self.xhat if weight is None else self.xhat * self.weight
        return y if bias is None else y + _per_channel(bias, nd)

    def backward(self, g):
        axes = (0,) + tuple(range(2, g.ndim))
        dx = g * self.invstd if self.weight is None else g * (self.weight * self.invstd)
        dgamma = (g * self.xhat).sum(axis=axes) if self.needs_input_grad[3] else None
        dbeta = g.sum(axis=axes) if self.needs_input_grad[4] else None
        return dx, None, None, dgamma, dbeta


def _check_channel_vector(t, name: str, c: int, x: Tensor, layer: str) -> None:
    if t is None:
        return
    _check_tensor(t, layer, name)
    if tuple(t.shape) != (c,):
        raise RuntimeError(f"{layer}: expected {name} of shape ({c},) for input {_shape(x)} with {c} channels, "
                           f"got {_shape(t)}")
    if t.dtype != x.dtype:  # torch: "mixed dtype (CPU): expect parameter to have scalar type of Float"
        raise RuntimeError(f"{layer}: mixed dtype: {name} dtype {t.dtype.name} differs from the input's {x.dtype.name}")


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None, weight: Tensor | None = None,
               bias: Tensor | None = None, training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Batch normalisation of input (N, C, *) per channel C, as ``torch.nn.functional.batch_norm``.

    ``training=True``: normalise by the batch's mean and biased variance and, when running
    statistics are given, update them in place::

        running_mean ← (1 − momentum)·running_mean + momentum·μ
        running_var  ← (1 − momentum)·running_var  + momentum·σ²·M/(M − 1)    (unbiased variance)

    ``training=False``: normalise by ``running_mean``/``running_var`` (both required).
    """
    layer = "batch_norm"
    _check_tensor(input, layer)
    _check_float(input, layer)
    if input.ndim < 2:  # torch reads the channel count at dim 1
        raise IndexError(f"{layer}: Dimension out of range (expected to be in range of [-1, 0], but got 1): "
                         f"expected an input of shape (N, C, *), got {_shape(input)}")
    c = input.shape[1]
    for t, name in ((running_mean, "running_mean"), (running_var, "running_var"), (weight, "weight"), (bias, "bias")):
        _check_channel_vector(t, name, c, input, layer)
    if not training:
        for t, name in ((running_mean, "running_mean"), (running_var, "running_var")):
            if t is None:
                raise RuntimeError(f"{layer}: {name} must be defined in evaluation mode (training=False)")
        return BatchNormEvalFn.apply(input, running_mean.detach(), running_var.detach(), weight, bias, eps=float(eps))
    if (running_mean is None) != (running_var is None):
        raise ValueError("running_mean and running_var must either both be None or neither be None")
    m = input.shape[0] * int(np.prod(input.shape[2:]))  # values per channel
    if m == 1:  # torch refuses exactly one (an empty batch passes)
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {_shape(input)}")
    if input.numel() == 0:  # torch: an empty output, running statistics untouched
        return input.clone()
    if not eps > 0:  # a constant channel would divide by √(0 + eps) = 0
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    stats: dict = {}
    out = BatchNormFn.apply(input, weight, bias, eps=float(eps), stats=stats)
    mean, var = stats["mean"], stats["var"]
    if running_mean is not None:
        running_mean.array[...] = (1 - momentum) * running_mean.array + momentum * mean
    if running_var is not None:
        running_var.array[...] = (1 - momentum) * running_var.array + momentum * (var * (m / (m - 1)))
    return out
