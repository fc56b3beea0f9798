"""Fused Numba twins of the optimizers that need whole-tensor statistics first: LAMB and Adafactor.

LAMB's trust ratio needs ‖w‖ and ‖u‖ of the whole tensor before any element can step, and
Adafactor's factored second moment needs row and column means (and the update's RMS), so these
twins take two or three passes over the parameter instead of one. The conventions, the serial and
parallel builds (``_Fused``; ``dispatch.PARALLEL_MIN``) and the helpers are those of ``optim_kernels.py``;
each twin must agree with its NumPy update (tests/test_optim_kernels.py).
"""
from __future__ import annotations

import math

import numba
import numpy as np

from .optim_kernels import _check, _Fused, _flat, _jit, _lerp, _lerp_weights, _pjit, _read
from .optim_scalars import trust_ratio


# Loops that also accumulate a norm: LLVM vectorizes a floating-point sum only if it may reassociate
# it (the order of the additions is already per-thread under prange). Without this, LAMB's first
# pass and Adafactor's statistics ran scalar: 3.9× the memory floor at 10M parameters.
def _pjit_sum(py_func):
    return _Fused(py_func, fastmath={"reassoc"})


# ---------------------------------------------------------------- LAMB (optim/lamb.py)
@_jit
def _lamb_direction(p, m, v, bc1, bc2, eps, weight_decay):
    """u = m̂/(√v̂ + ε) + wd·w for one element (3), (4)."""
    return (m / bc1) / (math.sqrt(v / bc2) + eps) + weight_decay * p


@_pjit_sum
def _lamb_moments_and_norms(p, grad, exp_avg, exp_avg_sq, bc1, bc2, lerp_w, lerp_1mw, beta2, one_minus_beta2, eps,
                            weight_decay, maximize):
    """Pass 1: moments (2), and the squared norms of w and of u = r + wd·w (3), (4) — u is not stored."""
    w_sq = 0.0
    u_sq = 0.0
    for i in numba.prange(p.size):
        g = -grad[i] if maximize else grad[i]  # (1)
        exp_avg[i] = _lerp(exp_avg[i], g, lerp_w, lerp_1mw)  # (2)
        exp_avg_sq[i] = exp_avg_sq[i] * beta2 + one_minus_beta2 * g * g
        u = _lamb_direction(p[i], exp_avg[i], exp_avg_sq[i], bc1, bc2, eps, weight_decay)  # (3), (4)
        w_sq += p[i] * p[i]
        u_sq += u * u
    return w_sq, u_sq


@_pjit
def _lamb_step(p, exp_avg, exp_avg_sq, bc1, bc2, eps, weight_decay, scale):
    """Pass 2: recompute u and take the step w −= (lr·trust)·u (5)."""
    for i in numba.prange(p.size):
        p[i] = p[i] - scale * _lamb_direction(p[i], exp_avg[i], exp_avg_sq[i], bc1, bc2, eps, weight_decay)


def lamb_update_numba(param, grad, exp_avg, exp_avg_sq, *, step, lr, beta1, beta2, eps, weight_decay, maximize):
    """Numba twin of ``optim.lamb.lamb_update``."""
    _check("lamb_update_numba", param, grad, exp_avg=exp_avg, exp_avg_sq=exp_avg_sq)
    dt = param.dtype.type
    flat, m, v = _flat(param), _flat(exp_avg), _flat(exp_avg_sq)
    bc1, bc2 = dt(1 - beta1**step), dt(1 - beta2**step)
    w_sq, u_sq = _lamb_moments_and_norms(flat, _read(grad), m, v, bc1, bc2, *_lerp_weights(1 - beta1, dt), dt(beta2),
                                         dt(1 - beta2), dt(eps), dt(weight_decay), bool(maximize))
    if flat.size == 1:  # torch's vector_norm (optim.lamb.tensor_norm): a one-element tensor's norm is |x|
        w_norm = abs(float(flat[0]))
        u_norm = abs(float(_lamb_direction(flat[0], m[0], v[0], bc1, bc2, dt(eps), dt(weight_decay))))
    else:
        w_norm, u_norm = math.sqrt(w_sq), math.sqrt(u_sq)
    trust = trust_ratio(w_norm, u_norm)
    _lamb_step(flat, m, v, bc1, bc2, dt(eps), dt(weight_decay), dt(lr) * dt(trust))


# ---------------------------------------------------------------- Adafactor (optim/adafactor.py)
_CHUNKS = 16  # row blocks for the column sums: a fixed count, so the sums do not depend on the thread count


@_pjit_sum
def _adafactor_factored_kernel(p, grad, row_var, col_var, beta_t, alpha, decay, eps1, d, maximize):
    """p, grad: (B, R, C); row_var: (B, R); col_var: (B, C).  Passes: factors, update RMS, step.

    ``1/√max(r_i·c_j/mean(r), ε1²) = min(1/√(r_i/mean(r)) · 1/√c_j, 1/ε1)``: the square roots and
    divisions are taken once per row and per column, so passes (5) and (6) are a multiply and a
    min per element (memory-bound instead of bound by R·C square roots and divisions).
    """
    B, R, C = p.shape
    sign = -1.0 if maximize else 1.0
    inv_eps1 = 1.0 / eps1
    inv_row = np.empty((B, R))
    inv_col = np.empty((B, C))
    for b in range(B):  # (4) running row / column means of g², then the mean of the row factor
        col_part = np.zeros((_CHUNKS, C))
        for k in numba.prange(_CHUNKS):  # one row-major sweep fills both the row sums and the column sums
            for r in range(k * R // _CHUNKS, (k + 1) * R // _CHUNKS):
                s = 0.0
                for c in range(C):
                    g2 = grad[b, r, c] * np.float64(grad[b, r, c])
                    s += g2
                    col_part[k, c] += g2
                row_var[b, r] = _lerp(row_var[b, r], s / C, beta_t, 1.0 - beta_t)
        for c in range(C):
            col_sum = 0.0
            for k in range(_CHUNKS):
                col_sum += col_part[k, c]
            col_var[b, c] = _lerp(col_var[b, c], col_sum / R, beta_t, 1.0 - beta_t)
            inv_col[b, c] = 1.0 / math.sqrt(np.float64(col_var[b, c]))
        s = 0.0
        for r in range(R):
            s += row_var[b, r]
        row_mean = max(s / R, eps1)
        for r in range(R):
            inv_row[b, r] = 1.0 / math.sqrt(row_var[b, r] / row_mean)
    u_sq = 0.0
    for br in numba.prange(B * R):  # (5) RMS of the update U = g / √max(V̂, ε1²); rows spread over threads
        b, r = br // R, br % R
        ir = inv_row[b, r]
        for c in range(C):
            u = sign * grad[b, r, c] * min(ir * inv_col[b, c], inv_eps1)
            u_sq += u * u
    scale = alpha / max(1.0, math.sqrt(u_sq) / (math.sqrt(p.size) * d))
    for br in numba.prange(B * R):  # (3), (6) decay and step
        b, r = br // R, br % R
        ir = inv_row[b, r]
        for c in range(C):
            p[b, r, c] = p[b, r, c] * decay - scale * (sign * grad[b, r, c] * min(ir * inv_col[b, c], inv_eps1))


@_pjit_sum
def _adafactor_vector_kernel(p, grad, variance, beta_t, alpha, decay, eps1, d, maximize):
    eps1_sq = eps1 * eps1
    sign = -1.0 if maximize else 1.0
    u_sq = 0.0
    for i in numba.prange(p.size):  # (4), (5)
        g = sign * grad[i]
        variance[i] = _lerp(variance[i], g * g, beta_t, 1.0 - beta_t)
        u = g / math.sqrt(max(variance[i], eps1_sq))
        u_sq += u * u
    scale = alpha / max(1.0, math.sqrt(u_sq) / (math.sqrt(p.size) * d))
    for i in numba.prange(p.size):  # (3), (6)
        u = sign * grad[i] / math.sqrt(max(variance[i], eps1_sq))
        p[i] = p[i] * decay - scale * u


@_pjit_sum
def _sum_squares(a):
    s = 0.0
    for i in numba.prange(a.size):
        s += a[i] * a[i]
    return s


def adafactor_update_numba(param, grad, row_var, col_var, variance, *, step, lr, beta2_decay, eps1, eps2, d,
                           weight_decay, maximize):
    """Numba twin of ``optim.adafactor.adafactor_update``."""
    if param.ndim > 1:
        _check("adafactor_update_numba", param, grad, row_var=(row_var, param.shape[:-1] + (1,)),
               col_var=(col_var, param.shape[:-2] + (1,) + param.shape[-1:]))
    else:
        _check("adafactor_update_numba", param, grad, variance=variance)
    beta_t = step**beta2_decay  # (1)
    rho_t = min(lr, 1 / (step**0.5))
    flat = _flat(param)
    alpha = max(eps2, math.sqrt(_sum_squares(flat)) / (param.size**0.5)) * rho_t  # (2)
    decay = 1.0 - lr * weight_decay if weight_decay != 0 else 1.0
    if param.ndim > 1:
        R, C = param.shape[-2:]
        p3 = flat.reshape(-1, R, C)
        g3 = _read(grad).reshape(-1, R, C)
        _adafactor_factored_kernel(p3, g3, _flat(row_var).reshape(-1, R), _flat(col_var).reshape(-1, C),
                                   float(beta_t), float(alpha), float(decay), float(eps1), float(d), bool(maximize))
    else:
        _adafactor_vector_kernel(flat, _read(grad), _flat(variance), float(beta_t), float(alpha), float(decay),
                                 float(eps1), float(d), bool(maximize))
