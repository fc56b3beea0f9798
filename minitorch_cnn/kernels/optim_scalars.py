"""Scalar formulas shared by an optimizer's NumPy update (optim/) and its Numba twin (kernels/optim_kernels.py).

Plain Python on floats, once per step (not per element). They live here, below both users, so that
neither imports the other: optim/ imports kernels/, never the reverse.
"""
from __future__ import annotations


def nadam_mu(step, beta1, momentum_decay):
    """Dozat's momentum schedule ``μ_t = β1·(1 − ½·0.96^(t·ψ))`` (ψ = momentum_decay)."""
    return beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))


def radam_rectification(step, beta2):
    """``(ρ_t, r_t)``: the SMA length and the variance rectification (``r_t`` is None while ρ_t ≤ 5).

    ρ_∞ = 2/(1 − β2) − 1 ;  ρ_t = ρ_∞ − 2t·β2ᵗ/(1 − β2ᵗ) ;
    r_t = √((ρ_t − 4)(ρ_t − 2)ρ_∞ / ((ρ_∞ − 4)(ρ_∞ − 2)ρ_t))
    """
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * (beta2**step) / (1 - beta2**step)
    if rho_t <= 5.0:
        return rho_t, None
    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
    return rho_t, rect


def trust_ratio(param_norm, update_norm):
    """``‖w‖/‖u‖`` for one tensor — taken as 1 unless both norms are > 0.

    ``‖w‖ = 0`` (e.g. a zero-initialised bias) would freeze the tensor forever, and ``‖u‖ = 0`` would
    divide by zero; in both cases LAMB falls back to the plain (Adam + decay) step. So does a NaN norm
    (a NaN in w or u: ``NaN > 0`` is false): the NaN stays in its own elements instead of spreading
    through the ratio to the whole tensor.
    """
    if param_norm > 0.0 and update_norm > 0.0:
        return param_norm / update_norm
    return 1.0
