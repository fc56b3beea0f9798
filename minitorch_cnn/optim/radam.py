"""RAdam (Liu et al. 2020, "On the Variance of the Adaptive Learning Rate") as torch 2.13 implements it.

NumPy update: :func:`radam_update`; fused Numba twin: ``kernels.optim_kernels.radam_update_numba``.
"""
from __future__ import annotations

import numpy as np

from ..kernels.optim_kernels import radam_update_numba
from ..kernels.optim_scalars import radam_rectification
from .adam import adam_moments_, weight_decay_
from .optimizer import Optimizer, check_adam_hyperparameters


def radam_update(param, grad, exp_avg, exp_avg_sq, *, step, lr, beta1, beta2, eps, weight_decay,
                 decoupled_weight_decay, maximize):
    """One RAdam step in place.

    ::

        (1) g = ±grad ; weight decay coupled (g += wd·w) or decoupled (w *= 1 − lr·wd)
        (2) m = β1·m + (1 − β1)·g ;  v = β2·v + (1 − β2)·g² ;  m̂ = m/(1 − β1ᵗ)
        (3) ρ_t, r_t from :func:`radam_rectification`
        (4) w = w − m̂·lr·√(1 − β2ᵗ)/(√v + ε)·r_t     if ρ_t > 5 (variance is tractable)
            w = w − m̂·lr                             otherwise (SGD with momentum)
    """
    g = -grad if maximize else grad  # (1)
    g = weight_decay_(param, g, lr=lr, weight_decay=weight_decay, decoupled=decoupled_weight_decay)
    adam_moments_(exp_avg, exp_avg_sq, g, beta1, beta2)  # (2)
    m_hat = exp_avg / (1 - beta1**step)
    _, rect = radam_rectification(step, beta2)  # (3)
    if rect is not None:  # (4)
        adaptive_lr = (1 - beta2**step) ** 0.5 / (np.sqrt(exp_avg_sq) + eps)
        param -= m_hat * lr * adaptive_lr * rect
    else:
        param -= m_hat * lr


class RAdam(Optimizer):
    r"""RAdam: Adam with its adaptive step switched on only once the variance of √v̂ is tractable.

    Lecture (paper) form: while the approximated SMA length ρ_t ≤ 4 take the momentum step
    ``w −= lr·m̂``; afterwards ``w −= lr·r_t·m̂/√v̂`` with the rectification r_t.  torch form: the same
    with threshold ρ_t > 5 and ``√v̂`` written as ``(√v_t + ε)/√(1−β2ᵗ)`` (ε outside the root, on
    the uncorrected v), so it differs from the paper only by that ε placement and the threshold.

    Args: lr (1e-3), betas ((0.9, 0.999)), eps (1e-8), weight_decay (0), decoupled_weight_decay (False), maximize.
    """

    # one step for one parameter: the readable NumPy update above and its fused Numba twin
    # (mt.set_backend picks one, see Optimizer._implementation)
    numpy_update = staticmethod(radam_update)
    numba_update = staticmethod(radam_update_numba)

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, maximize=False):
        check_adam_hyperparameters(lr, betas, weight_decay, eps)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, maximize=maximize,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _init_state(self, param, group):
        return {"step": 0.0, "exp_avg": np.zeros(param.shape, param.dtype),
                "exp_avg_sq": np.zeros(param.shape, param.dtype)}

    def _update(self, param, grad, state, group):
        state["step"] += 1
        update = self._implementation(param)
        beta1, beta2 = group["betas"]
        update(param, grad, state["exp_avg"], state["exp_avg_sq"], step=state["step"], lr=group["lr"], beta1=beta1,
               beta2=beta2, eps=group["eps"], weight_decay=group["weight_decay"],
               decoupled_weight_decay=group["decoupled_weight_decay"], maximize=group["maximize"])
