"""Adadelta (Zeiler 2012) as torch 2.13 implements it.

NumPy update: :func:`adadelta_update`; fused Numba twin: ``kernels.optim_kernels.adadelta_update_numba``.
"""
from __future__ import annotations

import numpy as np

from ..kernels.optim_kernels import adadelta_update_numba
from .optimizer import Optimizer, signed_decayed_grad


def adadelta_update(param, grad, square_avg, acc_delta, *, lr, rho, eps, weight_decay, maximize):
    """One Adadelta step in place.

    ::

        (1) g  = ±grad + wd·w
        (2) v  = ρ·v + (1 − ρ)·g²
        (3) Δ  = √(u + ε) / √(v + ε) · g          u: running mean of squared updates
        (4) u  = ρ·u + (1 − ρ)·Δ²
        (5) w  = w − lr·Δ
    """
    g = signed_decayed_grad(param, grad, weight_decay, maximize)  # (1)
    square_avg *= rho  # (2)
    square_avg += (1 - rho) * g * g
    delta = np.sqrt(acc_delta + eps) / np.sqrt(square_avg + eps) * g  # (3)
    acc_delta *= rho  # (4)
    acc_delta += (1 - rho) * delta * delta
    param -= lr * delta  # (5)


class Adadelta(Optimizer):
    r"""Adadelta: RMSprop whose step size is the RMS of past *updates*, so units match and no lr is needed.

    Lecture (paper) form: ``Δw_t = −RMS[Δw]_{t-1}/RMS[g]_t · g_t;  w_t = w_{t-1} + Δw_t``.
    torch form: the same, times an extra ``lr`` (default 1.0, which recovers the paper), with
    ``RMS[x] = √(E[x²] + ε)`` and ρ (default 0.9) the decay of both running means.

    Args: lr (1.0), rho (0.9), eps (1e-6), weight_decay (0), maximize.
    """

    # one step for one parameter: the readable NumPy update above and its fused Numba twin
    # (mt.set_backend picks one, see Optimizer._implementation)
    numpy_update = staticmethod(adadelta_update)
    numba_update = staticmethod(adadelta_update_numba)

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, *, maximize=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _init_state(self, param, group):
        return {"step": 0.0, "square_avg": np.zeros(param.shape, param.dtype),
                "acc_delta": np.zeros(param.shape, param.dtype)}

    def _update(self, param, grad, state, group):
        state["step"] += 1
        update = self._implementation(param)
        update(param, grad, state["square_avg"], state["acc_delta"], lr=group["lr"], rho=group["rho"],
               eps=group["eps"], weight_decay=group["weight_decay"], maximize=group["maximize"])
