"""NAdam (Dozat 2016) as torch 2.13 implements it, with the momentum-decay schedule.

NumPy update: :func:`nadam_update`; fused Numba twin: ``kernels.optim_kernels.nadam_update_numba``.
"""
from __future__ import annotations

import numpy as np

from ..kernels.optim_kernels import nadam_update_numba
from ..kernels.optim_scalars import nadam_mu
from .adam import adam_moments_, weight_decay_
from .optimizer import Optimizer, check_adam_hyperparameters


def nadam_update(param, grad, exp_avg, exp_avg_sq, mu_product, *, step, lr, beta1, beta2, eps, weight_decay,
                 momentum_decay, decoupled_weight_decay, maximize):
    """One NAdam step in place; returns the new ``mu_product = Π_{i≤t} μ_i`` (a scalar state).

    ::

        (1) g = ±grad ; weight decay coupled (g += wd·w) or decoupled (w *= 1 − lr·wd)
        (2) μ_t, μ_{t+1} from :func:`nadam_mu` ;  Π_t = Π_{t-1}·μ_t
        (3) m = β1·m + (1 − β1)·g ;  v = β2·v + (1 − β2)·g²
        (4) s = √(v/(1 − β2ᵗ)) + ε
        (5) w = w − lr·(1 − μ_t)/(1 − Π_t) · g/s − lr·μ_{t+1}/(1 − Π_t·μ_{t+1}) · m/s
    """
    g = -grad if maximize else grad  # (1)
    g = weight_decay_(param, g, lr=lr, weight_decay=weight_decay, decoupled=decoupled_weight_decay)
    mu = nadam_mu(step, beta1, momentum_decay)  # (2)
    mu_next = nadam_mu(step + 1, beta1, momentum_decay)
    mu_product = mu_product * mu
    adam_moments_(exp_avg, exp_avg_sq, g, beta1, beta2)  # (3)
    denom = np.sqrt(exp_avg_sq / (1 - beta2**step)) + eps  # (4)
    param += (-lr * (1.0 - mu) / (1.0 - mu_product)) * g / denom  # (5)
    param += (-lr * mu_next / (1.0 - mu_product * mu_next)) * exp_avg / denom
    return mu_product


class NAdam(Optimizer):
    r"""NAdam: Adam whose momentum step looks ahead, Nesterov-style.

    Lecture form (Dozat): replace Adam's ``m̂`` by ``β1·m̂_t + (1−β1)·g_t/(1−β1ᵗ)`` — the next
    momentum applied now.  torch form: the same idea with Dozat's warming momentum
    ``μ_t = β1(1 − ½·0.96^(tψ))`` and bias corrections by the product ``Π μ_i`` (``mu_product``)
    instead of ``β1ᵗ``::

        w_t = w − lr·(1−μ_t)/(1−Π_t)·g/s − lr·μ_{t+1}/(1−Π_{t+1})·m/s,   s = √(v/(1−β2ᵗ)) + ε

    With ψ = 0 the schedule is the constant μ = β1/2 and the update is Dozat's formula with
    constant momentum.
    torch keeps ``mu_product`` (and ``step``) in its default dtype, which is why float64 parity
    tests run under ``torch.set_default_dtype(torch.float64)``.

    Args: lr (2e-3), betas ((0.9, 0.999)), eps (1e-8), weight_decay (0), momentum_decay (4e-3),
    decoupled_weight_decay (False), maximize.
    """

    # one step for one parameter: the readable NumPy update above and its fused Numba twin
    # (mt.set_backend picks one, see Optimizer._implementation)
    numpy_update = staticmethod(nadam_update)
    numba_update = staticmethod(nadam_update_numba)

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, maximize=False):
        check_adam_hyperparameters(lr, betas, weight_decay, eps)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _init_state(self, param, group):
        return {"step": 0.0, "mu_product": 1.0, "exp_avg": np.zeros(param.shape, param.dtype),
                "exp_avg_sq": np.zeros(param.shape, param.dtype)}

    def _update(self, param, grad, state, group):
        state["step"] += 1
        update = self._implementation(param)
        beta1, beta2 = group["betas"]
        state["mu_product"] = update(
            param, grad, state["exp_avg"], state["exp_avg_sq"], state["mu_product"], step=state["step"],
            lr=group["lr"], beta1=beta1, beta2=beta2, eps=group["eps"], weight_decay=group["weight_decay"],
            momentum_decay=group["momentum_decay"], decoupled_weight_decay=group["decoupled_weight_decay"],
            maximize=group["maximize"])
