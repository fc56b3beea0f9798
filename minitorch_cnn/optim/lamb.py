"""LAMB (You et al. 2019, "Large Batch Optimization for Deep Learning", Algorithm 2 with bias correction).

torch has no LAMB; the parity oracle is ``reference/optimizers.py::LAMB``, written from the paper.
Built from Adam's moments (:func:`adam.adam_moments_`) plus the trust ratio (:func:`trust_ratio`).
NumPy update: :func:`lamb_update`; Numba twin (two passes): ``kernels.optim_kernels_multipass.lamb_update_numba``.
"""
from __future__ import annotations

import math

import numpy as np

from ..kernels.optim_kernels_multipass import lamb_update_numba
from ..kernels.optim_scalars import trust_ratio
from .adam import adam_moments_
from .optimizer import Optimizer, check_adam_hyperparameters


def tensor_norm(a):
    """‖a‖₂ of one tensor, computed as ``torch.linalg.vector_norm`` computes it: √(Σa²) with the
    squares in a's dtype (a square below the dtype's range is 0, as in torch), except that the norm
    of a one-element tensor is its magnitude ``|a₀|`` (its square may underflow: a one-element
    bias whose update is 10⁻¹⁶⁶ has the norm 10⁻¹⁶⁶, not 0)."""
    if a.size == 1:
        return abs(float(a.flat[0]))
    return math.sqrt(float(np.sum(a * a)))


def lamb_update(param, grad, exp_avg, exp_avg_sq, *, step, lr, beta1, beta2, eps, weight_decay, maximize):
    """One LAMB step in place on one parameter tensor.

    ::

        (1) g = ±grad
        (2) m = β1·m + (1 − β1)·g ;  v = β2·v + (1 − β2)·g²       (Adam's moments)
        (3) r = m̂ / (√v̂ + ε),  m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ)
        (4) u = r + wd·w
        (5) w = w − lr · trust_ratio(‖w‖, ‖u‖) · u       (norms: tensor_norm)
    """
    g = -grad if maximize else grad  # (1)
    adam_moments_(exp_avg, exp_avg_sq, g, beta1, beta2)  # (2)
    m_hat = exp_avg / (1 - beta1**step)  # (3)
    v_hat = exp_avg_sq / (1 - beta2**step)
    update = m_hat / (np.sqrt(v_hat) + eps) + weight_decay * param  # (4), even for wd = 0: 0·(±inf) is NaN
    trust = trust_ratio(tensor_norm(param), tensor_norm(update))
    param -= (lr * trust) * update  # (5)


class LAMB(Optimizer):
    r"""LAMB: Adam's direction (plus decoupled decay), rescaled per tensor by the trust ratio ‖w‖/‖u‖.

    Paper form (Algorithm 2, bias-corrected), followed exactly::

        m_t = β1·m + (1−β1)·g ;  v_t = β2·v + (1−β2)·g²
        r_t = m̂_t/(√v̂_t + ε) ;  u_t = r_t + λ·w ;  w_t = w − η·(‖w‖/‖u_t‖)·u_t

    The paper scales ‖w‖ by a clipping function φ; like most implementations (optax, NVIDIA's
    apex) we use the identity φ(z) = z.  The ratio is taken as 1 where either norm is 0 (see
    :func:`trust_ratio`).  ``maximize`` flips g.  The norm is per parameter *tensor* ("layer").

    Args: lr (1e-3), betas ((0.9, 0.999)), eps (1e-6), weight_decay (0.0), maximize.
    """

    # one step for one parameter: the readable NumPy update above and its fused Numba twin
    # (mt.set_backend picks one, see Optimizer._implementation)
    numpy_update = staticmethod(lamb_update)
    numba_update = staticmethod(lamb_update_numba)

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.0, *, maximize=False):
        check_adam_hyperparameters(lr, betas, weight_decay, eps)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _init_state(self, param, group):
        return {"step": 0.0, "exp_avg": np.zeros(param.shape, param.dtype),
                "exp_avg_sq": np.zeros(param.shape, param.dtype)}

    def _update(self, param, grad, state, group):
        state["step"] += 1
        update = self._implementation(param)
        beta1, beta2 = group["betas"]
        update(param, grad, state["exp_avg"], state["exp_avg_sq"], step=state["step"], lr=group["lr"], beta1=beta1,
               beta2=beta2, eps=group["eps"], weight_decay=group["weight_decay"], maximize=group["maximize"])
