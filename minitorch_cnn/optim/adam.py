"""Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019) as torch 2.13 implements them.

:func:`adam_moments_` (the two running moments) is shared with NAdam, RAdam and LAMB;
:func:`weight_decay_` is the coupled/decoupled weight-decay choice they share too.
NumPy update: :func:`adam_update`; fused Numba twin: ``kernels.optim_kernels.adam_update_numba``.
"""
from __future__ import annotations

import numpy as np

from ..kernels.optim_kernels import adam_update_numba
from .optimizer import Optimizer, check_adam_hyperparameters, lerp_


def weight_decay_(param, g, *, lr, weight_decay, decoupled):
    """Apply weight decay; returns the gradient to use.

    coupled (L2):   g ← g + wd·w                (the decay goes through the adaptive scaling)
    decoupled (W):  w ← w·(1 − lr·wd), g kept    (AdamW: the decay bypasses it)
    """
    if weight_decay != 0:
        if decoupled:
            param *= 1 - lr * weight_decay
        else:
            g = g + weight_decay * param
    return g


def adam_moments_(exp_avg, exp_avg_sq, g, beta1, beta2):
    """``m = β1·m + (1 − β1)·g`` (as torch's lerp) and ``v = β2·v + (1 − β2)·g²``, in place."""
    lerp_(exp_avg, g, 1 - beta1)
    exp_avg_sq *= beta2
    exp_avg_sq += (1 - beta2) * g * g


def adam_update(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, *, step, lr, beta1, beta2, eps, weight_decay,
                amsgrad, maximize, decoupled_weight_decay):
    """One Adam/AdamW step in place (``step`` counts from 1; ``max_exp_avg_sq`` used only with amsgrad).

    ::

        (1) g = ±grad ; weight decay: g += wd·w  (Adam)  or  w *= 1 − lr·wd  (AdamW)
        (2) m = β1·m + (1 − β1)·g ;  v = β2·v + (1 − β2)·g²
        (3) v̂ = max(v̂, v)   if amsgrad,  else v̂ = v
        (4) w = w − lr/(1 − β1ᵗ) · m / (√v̂ / √(1 − β2ᵗ) + ε)
    """
    g = -grad if maximize else grad  # (1)
    g = weight_decay_(param, g, lr=lr, weight_decay=weight_decay, decoupled=decoupled_weight_decay)
    adam_moments_(exp_avg, exp_avg_sq, g, beta1, beta2)  # (2)
    if amsgrad:  # (3)
        np.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        v_hat = max_exp_avg_sq
    else:
        v_hat = exp_avg_sq
    step_size = lr / (1 - beta1**step)  # (4)
    denom = np.sqrt(v_hat) / (1 - beta2**step) ** 0.5 + eps
    param -= step_size * exp_avg / denom


class Adam(Optimizer):
    r"""Adam: momentum on g plus RMSprop scaling, both bias-corrected.

    Lecture (paper) form::

        m_t = β1·m + (1−β1)·g ;  v_t = β2·v + (1−β2)·g²
        m̂ = m_t/(1−β1ᵗ) ;  v̂ = v_t/(1−β2ᵗ) ;  w_t = w − lr·m̂/(√v̂ + ε)

    torch form: ``w_t = w − (lr/(1−β1ᵗ))·m_t/(√v_t/√(1−β2ᵗ) + ε)`` — the same expression with the
    two corrections moved onto scalars, so it agrees exactly (up to rounding).  (The paper's
    "efficient" variant puts ε next to the uncorrected √v_t instead, which differs by a factor
    √(1−β2ᵗ) on ε.)  ``amsgrad`` (Reddi et al. 2018) normalizes by the running maximum of v;
    ``weight_decay`` adds ``wd·w`` to g (L2), or decays w directly with
    ``decoupled_weight_decay=True`` (= :class:`AdamW`).

    Args: lr (1e-3), betas ((0.9, 0.999)), eps (1e-8), weight_decay (0), amsgrad (False), maximize,
    decoupled_weight_decay (False).
    """

    # one step for one parameter: the readable NumPy update above and its fused Numba twin
    # (mt.set_backend picks one, see Optimizer._implementation)
    numpy_update = staticmethod(adam_update)
    numba_update = staticmethod(adam_update_numba)

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 maximize=False, decoupled_weight_decay=False):
        check_adam_hyperparameters(lr, betas, weight_decay, eps)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _init_state(self, param, group):
        state = {"step": 0.0, "exp_avg": np.zeros(param.shape, param.dtype),
                 "exp_avg_sq": np.zeros(param.shape, param.dtype)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = np.zeros(param.shape, param.dtype)
        return state

    def _update(self, param, grad, state, group):
        state["step"] += 1
        update = self._implementation(param)
        beta1, beta2 = group["betas"]
        update(param, grad, state["exp_avg"], state["exp_avg_sq"],
               state.get("max_exp_avg_sq", np.empty(0, param.dtype)),
               step=state["step"], lr=group["lr"], beta1=beta1, beta2=beta2, eps=group["eps"],
               weight_decay=group["weight_decay"], amsgrad=group["amsgrad"], maximize=group["maximize"],
               decoupled_weight_decay=group["decoupled_weight_decay"])


class AdamW(Adam):
    r"""AdamW: :class:`Adam` with decoupled weight decay (default wd = 1e-2).

    Adam's L2 term ``g + wd·w`` is divided by ``√v̂`` like the rest of the gradient, so weights with
    large gradients are barely decayed.  AdamW instead shrinks ``w ← w·(1 − lr·wd)`` before the Adam
    step, the same relative decay for every weight (Loshchilov & Hutter 2019; torch scales the decay
    by lr as the paper's schedule multiplier η_t does).
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)
