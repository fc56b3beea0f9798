"""Batch normalisation in training mode: per-channel statistics, normalise, scale and shift; and the
backward in its compact form.

Shapes: every array is seen as ``x (N, C, L)`` — a BatchNorm1d input (N, C) is (N, C, 1), a
BatchNorm2d input (N, C, H, W) is (N, C, H·W) — so one pair of loops serves both layers. Per
channel ``c`` the statistics run over the ``M = N·L`` values ``x[:, c, :]``::

    μ_c  = (1/M) Σ x                       mean
    σ²_c = (1/M) Σ (x − μ_c)²              biased variance (used to normalise, as torch)
    s_c  = 1 / √(σ²_c + eps)               "invstd"
    x̂    = (x − μ_c) · s_c                 normalised input
    y    = γ_c · x̂ + β_c

Backward, given ``dy`` (same shape as y). With ``Σ`` over the M values of channel c::

    dβ_c = Σ dy
    dγ_c = Σ dy · x̂
    dx   = (γ_c · s_c / M) · (M · dy − dβ_c − x̂ · dγ_c)

Derivation of ``dx`` (one channel; drop the subscript c). ``dx̂ = γ·dy``. x enters the loss through
x̂ directly and through μ and σ², and x̂ = (x − μ)·s::

    ∂x̂_j/∂x_i = s·(δ_ij − 1/M) − (x_j − μ)·s³·(x_i − μ)/M        (∂σ²/∂x_i = 2(x_i − μ)/M,
                = (s/M)·(M·δ_ij − 1 − x̂_j·x̂_i)                     ∂s/∂σ² = −s³/2)

    dx_i = Σ_j dx̂_j · ∂x̂_j/∂x_i = (s/M)·(M·dx̂_i − Σ_j dx̂_j − x̂_i · Σ_j dx̂_j·x̂_j)

and with ``dx̂ = γ·dy`` the sums become ``γ·dβ`` and ``γ·dγ``, giving the line above. Three sums
per channel, no M×M Jacobian: the whole backward reads each array twice.

Each function has a NumPy version and a Numba twin (``*_numba``) with the same signature; the
twins accumulate the sums in float64 (the NumPy versions use NumPy's pairwise float sums), so in
float32 the two agree to rounding, not bit for bit.
"""
from __future__ import annotations

import numpy as np

from .jit import kernel


def _check(x, weight, bias, name: str) -> None:
    if x.ndim != 3:
        raise ValueError(f"{name}: expected x of shape (N, C, L), got {x.shape}")
    c = x.shape[1]
    if weight.shape != (c,) or bias.shape != (c,):
        raise ValueError(f"{name}: expected weight and bias of shape ({c},), got {weight.shape} and {bias.shape}")


# ---------------------------------------------------------------------------------------------
# NumPy versions
# ---------------------------------------------------------------------------------------------
def batch_norm_forward(x, weight, bias, eps):
    """Training-mode forward of x (N, C, L): return ``(y, x̂, μ, σ², s)``, the last three of shape (C,).

    ``weight``/``bias`` are γ and β (ones and zeros for ``affine=False``).
    """
    _check(x, weight, bias, "batch_norm_forward")
    mean = x.mean(axis=(0, 2))                                   # μ
    centred = x - mean[None, :, None]
    var = (centred * centred).mean(axis=(0, 2))                  # σ² (biased)
    invstd = (1.0 / np.sqrt(var + eps)).astype(x.dtype)          # s
    xhat = centred * invstd[None, :, None]                       # x̂
    y = xhat * weight[None, :, None] + bias[None, :, None]       # γ·x̂ + β
    return y, xhat, mean, var, invstd


def batch_norm_backward(g, xhat, weight, invstd):
    """Training-mode backward: return ``(dx, dγ, dβ)`` from dy ``g`` (N, C, L) and the saved x̂, γ, s."""
    _check(g, weight, invstd, "batch_norm_backward")
    m = g.shape[0] * g.shape[2]
    dbeta = g.sum(axis=(0, 2))                                   # Σ dy
    dgamma = (g * xhat).sum(axis=(0, 2))                         # Σ dy·x̂
    k = (weight * invstd / m)[None, :, None]                     # γ·s/M
    dx = k * (m * g - dbeta[None, :, None] - xhat * dgamma[None, :, None])
    return dx.astype(g.dtype, copy=False), dgamma, dbeta


# ---------------------------------------------------------------------------------------------
# Numba twins: one channel at a time, the sums in float64
# ---------------------------------------------------------------------------------------------
# error_model="numpy": with eps=0 a constant channel has 1/√0 = inf (NaN out, as torch and the NumPy
# twin), not a Python ZeroDivisionError
@kernel(error_model="numpy")
def _batch_norm_forward_loops(x, weight, bias, eps, y, xhat, mean, var, invstd):
    n, c, l = x.shape
    m = n * l
    for ch in range(c):
        s = 0.0
        for i in range(n):
            for j in range(l):
                s += x[i, ch, j]
        mu = s / m
        s2 = 0.0
        for i in range(n):
            for j in range(l):
                d = x[i, ch, j] - mu
                s2 += d * d
        v = s2 / m
        inv = 1.0 / np.sqrt(v + eps)
        mean[ch] = mu
        var[ch] = v
        invstd[ch] = inv
        w = weight[ch]
        b = bias[ch]
        for i in range(n):
            for j in range(l):
                xh = (x[i, ch, j] - mu) * inv
                xhat[i, ch, j] = xh
                y[i, ch, j] = xh * w + b


def batch_norm_forward_numba(x, weight, bias, eps):
    """Numba twin of :func:`batch_norm_forward` (same signature and results)."""
    _check(x, weight, bias, "batch_norm_forward_numba")
    x = np.ascontiguousarray(x)
    c = x.shape[1]
    y, xhat = np.empty_like(x), np.empty_like(x)
    mean, var, invstd = (np.empty(c, dtype=x.dtype) for _ in range(3))
    _batch_norm_forward_loops(x, np.ascontiguousarray(weight, dtype=x.dtype),
                              np.ascontiguousarray(bias, dtype=x.dtype), float(eps), y, xhat, mean, var, invstd)
    return y, xhat, mean, var, invstd


@kernel(error_model="numpy")
def _batch_norm_backward_loops(g, xhat, weight, invstd, dx, dgamma, dbeta):
    n, c, l = g.shape
    m = n * l
    for ch in range(c):
        sg = 0.0
        sgx = 0.0
        for i in range(n):
            for j in range(l):
                sg += g[i, ch, j]
                sgx += g[i, ch, j] * xhat[i, ch, j]
        dbeta[ch] = sg
        dgamma[ch] = sgx
        k = weight[ch] * invstd[ch] / m
        for i in range(n):
            for j in range(l):
                dx[i, ch, j] = k * (m * g[i, ch, j] - sg - xhat[i, ch, j] * sgx)


def batch_norm_backward_numba(g, xhat, weight, invstd):
    """Numba twin of :func:`batch_norm_backward` (same signature and results)."""
    _check(g, weight, invstd, "batch_norm_backward_numba")
    g = np.ascontiguousarray(g)
    c = g.shape[1]
    dx = np.empty_like(g)
    dgamma, dbeta = np.empty(c, dtype=g.dtype), np.empty(c, dtype=g.dtype)
    _batch_norm_backward_loops(g, np.ascontiguousarray(xhat, dtype=g.dtype),
                               np.ascontiguousarray(weight, dtype=g.dtype),
                               np.ascontiguousarray(invstd, dtype=g.dtype), dx, dgamma, dbeta)
    return dx, dgamma, dbeta
