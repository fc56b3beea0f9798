"""Adafactor (Shazeer & Stern 2018) in torch 2.13's variant.

NumPy update: :func:`adafactor_update`; Numba twin: ``kernels.optim_kernels_multipass.adafactor_update_numba``.
"""
from __future__ import annotations

import math

import numpy as np

from ..kernels.optim_kernels_multipass import adafactor_update_numba
from .optimizer import Optimizer, lerp_


def adafactor_update(param, grad, row_var, col_var, variance, *, step, lr, beta2_decay, eps1, eps2, d,
                     weight_decay, maximize):
    """One Adafactor step in place.  A parameter with ≥ 2 dims keeps ``row_var`` (shape ``[..., R, 1]``)
    and ``col_var`` (``[..., 1, C]``), factoring its last two dims; a 1-D one keeps ``variance``.

    ::

        (1) g = ±grad ;  β̂_t = t^beta2_decay (= 1 − β2_t) ;  ρ_t = min(lr, 1/√t)
        (2) α = max(ε2, RMS(w))·ρ_t                     from w *before* weight decay
        (3) w = w·(1 − lr·wd)
        (4) R = lerp(R, mean_last(g²), β̂_t) ;  C = lerp(C, mean_second_last(g²), β̂_t)
            V̂ = R·C / max(mean(R), ε1)                  (factored: outer product of the two)
            V̂ = lerp(V, g², β̂_t)                        (1-D: the full second moment)
        (5) U = g / √max(V̂, ε1²)
        (6) w = w − α / max(1, RMS(U)/d) · U
    """
    g = -grad if maximize else grad  # (1)
    one_minus_beta2_t = step**beta2_decay
    rho_t = min(lr, 1 / (step**0.5))
    alpha = max(eps2, math.sqrt(float(np.sum(param * param))) / (param.size**0.5)) * rho_t  # (2)
    if weight_decay != 0:  # (3)
        param *= 1 - lr * weight_decay
    if g.ndim > 1:  # (4)
        lerp_(row_var, np.mean(g * g, axis=-1, keepdims=True), one_minus_beta2_t)
        lerp_(col_var, np.mean(g * g, axis=-2, keepdims=True), one_minus_beta2_t)
        var_estimate = row_var * col_var / np.maximum(np.mean(row_var, axis=-2, keepdims=True), eps1)
    else:
        lerp_(variance, g * g, one_minus_beta2_t)
        var_estimate = variance
    update = g / np.sqrt(np.maximum(var_estimate, eps1 * eps1))  # (5)
    update_rms = math.sqrt(float(np.sum(update * update))) / ((update.size**0.5) * d)
    param -= (alpha / max(1.0, update_rms)) * update  # (6)


class Adafactor(Optimizer):
    r"""Adafactor: Adam-like scaling with a factored (memory-light) second moment and relative steps.

    Lecture (paper) form: for an n×m matrix keep row sums ``R`` and column sums ``C`` of the running
    g² instead of the full n×m ``V``, and rebuild ``V̂ = R·C/ΣR``; step size
    ``α_t = max(ε2, RMS(w))·ρ_t``, update clipped to RMS ≤ d, β2 increasing as ``1 − t^(−0.8)``.
    torch form: the same with row/column *means* (the 1/n, 1/m factors cancel in ``R·C/mean(R)``),
    ``ρ_t = min(lr, 1/√t)`` so ``lr`` caps the relative step, no first moment (the paper's β1 = 0
    default), eps1 (default: the dtype's machine epsilon) clamping V̂ at ε1² and the mean of R at ε1,
    and decoupled weight decay ``w·(1 − lr·wd)``.  Tensors with more than 2 dims are factored over
    their last two (batched over the rest); 1-D tensors keep the full second moment.

    Args: lr (1e-2), beta2_decay (−0.8), eps ((None, 1e-3)), d (1.0), weight_decay (0.0), maximize.
    """

    # one step for one parameter: the readable NumPy update above and its fused Numba twin
    # (mt.set_backend picks one, see Optimizer._implementation)
    numpy_update = staticmethod(adafactor_update)
    numba_update = staticmethod(adafactor_update_numba)

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, *,
                 maximize=False):
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=tuple(eps), d=d, weight_decay=weight_decay,
                        maximize=maximize)
        super().__init__(params, defaults)

    def _init_state(self, param, group):
        if param.ndim > 1:
            return {"step": 0.0, "row_var": np.zeros(param.shape[:-1] + (1,), param.dtype),
                    "col_var": np.zeros(param.shape[:-2] + (1,) + param.shape[-1:], param.dtype)}
        return {"step": 0.0, "variance": np.zeros(param.shape, param.dtype)}

    def _update(self, param, grad, state, group):
        state["step"] += 1
        eps1, eps2 = group["eps"]
        if eps1 is None:
            eps1 = float(np.finfo(param.dtype).eps)
        update = self._implementation(param)
        empty = np.empty((0,) * max(param.ndim, 1), param.dtype)
        update(param, grad, state.get("row_var", empty), state.get("col_var", empty), state.get("variance", empty),
               step=state["step"], lr=group["lr"], beta2_decay=group["beta2_decay"], eps1=eps1, eps2=eps2,
               d=group["d"], weight_decay=group["weight_decay"], maximize=group["maximize"])
