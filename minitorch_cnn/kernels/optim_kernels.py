"""Fused Numba twins of the optimizers' NumPy updates.

Each public function ``<name>_update_numba`` here has the *same signature* as the readable NumPy update
it mirrors (``minitorch_cnn/optim/<family>.py::<name>_update``) and must agree with it
(tests/test_optim_kernels.py). Each optimizer class names both (``numpy_update``, ``numba_update``).
The NumPy version computes one array expression after another, reading and writing the whole
parameter several times; the twin visits each element once and does the whole numbered recipe for
that element in registers ("fused": each array is read and written once per step).  LAMB and
Adafactor need per-tensor norms and factored means first, so they take a few passes: their twins are
in ``optim_kernels_multipass.py``, built with the machinery here.

Arrays are flattened views (the optimizer only calls these for C-contiguous parameters); state
buffers that a configuration does not use arrive as empty arrays.  The wrappers cast every scalar
coefficient to the parameter's dtype (``1 − β`` is computed in Python first, as torch does), so a
float32 parameter is updated with float32 arithmetic like torch's kernels; per-tensor norms and
Adafactor's factor means accumulate in float64.
To debug with Python semantics, set ``NUMBA_DISABLE_JIT=1`` or ``mt.set_backend("numpy")``.

Cost (1M float32 parameters, one step, medians of 7; 2-core AMD EPYC, 2 threads; the "optim" rows of
``minitorch-cnn bench``, recorded in benchmarks/results/2026-11-28-amd-epyc-2cores.json): the
element-wise twins take 0.10–0.31 ms against NumPy's 0.21–1.99 ms (Adam 0.27 vs 1.63 ms). LAMB
(0.63 vs 2.32 ms) and Adafactor (0.37 vs 2.11 ms) are faster than NumPy too, though further from the
memory floor: they make two or three passes, and their norms and factor means are float64 sums,
vectorized only because ``_pjit_sum`` (optim_kernels_multipass.py) allows LLVM to reassociate them.
The element loops are ``prange`` loops, parallel for big parameters: see ``_Fused``.
"""
from __future__ import annotations

import math
import types

import numba
import numpy as np

from . import dispatch
from .jit import kernel
from .optim_scalars import nadam_mu, radam_rectification

_jit = kernel(error_model="numpy")  # IEEE division (inf/nan) like NumPy and torch, no ZeroDivisionError checks


class _Fused:
    """A fused loop compiled twice: serially, and with ``parallel=True`` (its ``prange`` loops spread
    over Numba's threads; each element is independent, norms are ``prange`` reductions).

    Which build runs is :func:`kernels.dispatch.optimizer_update_path` (by the parameter's size:
    parallel from ``dispatch.PARALLEL_MIN`` elements, where the memory-bound update gains a core's
    bandwidth; serial below, where Numba's spinning OpenMP workers would starve the next layer's
    BLAS threads).
    """

    def __init__(self, py_func, **options):
        opts = dict(error_model="numpy", **options)
        self.__name__, self.__doc__ = py_func.__name__, py_func.__doc__
        self.serial = kernel(**opts)(py_func)
        twin = types.FunctionType(py_func.__code__, py_func.__globals__, py_func.__name__ + "_parallel",
                                  py_func.__defaults__, py_func.__closure__)
        twin.__qualname__ = py_func.__qualname__ + "_parallel"  # its own on-disk cache entry
        self.parallel = kernel(parallel=True, **opts)(twin)

    def __call__(self, p, *args):
        build = self.parallel if dispatch.optimizer_update_path(p.size) == "parallel" else self.serial
        return build(p, *args)


def _pjit(py_func):
    return _Fused(py_func)


def _flat(a):
    """A 1-D view of a C-contiguous array (never a copy: the kernels write through it)."""
    if not a.flags.c_contiguous:
        raise ValueError(f"optimizer kernels need C-contiguous arrays, got strides {a.strides} for shape {a.shape}")
    return a.reshape(-1)


def _read(a):
    """A 1-D array for reading (a copy only if ``a`` is not contiguous)."""
    return np.ascontiguousarray(a).reshape(-1)


def _check(update, param, grad, **buffers):
    """Refuse arrays the kernel would index out of bounds, before it touches memory.

    The loops run ``for i in range(p.size)`` over every array at once, unchecked (Numba does no
    bounds checks): a buffer smaller than the parameter is read and written past its end. So
    ``grad`` and every buffer the configuration uses must have the parameter's shape, and the
    buffers (written through) its dtype. ``buffers`` maps a name to an array, or to
    ``(array, expected shape)`` where that differs (Adafactor's factors).
    """
    if not isinstance(param, np.ndarray) or param.dtype.kind != "f":
        raise TypeError(f"{update}: the parameter must be a floating-point array, got "
                        f"{getattr(param, 'dtype', type(param).__name__)}")
    if not isinstance(grad, np.ndarray) or grad.shape != param.shape:
        raise RuntimeError(f"{update}: grad has shape {getattr(grad, 'shape', type(grad).__name__)}, "
                           f"expected the parameter's shape {param.shape}")
    for name, spec in buffers.items():
        buf, shape = spec if isinstance(spec, tuple) else (spec, param.shape)
        if not isinstance(buf, np.ndarray):
            raise TypeError(f"{update}: {name} must be an array, got {type(buf).__name__}")
        if buf.shape != shape:
            raise RuntimeError(f"{update}: {name} has shape {buf.shape}, expected {shape}")
        if buf.dtype != param.dtype:
            raise TypeError(f"{update}: {name} has dtype {buf.dtype}, expected the parameter's {param.dtype}")


@_jit
def _lerp(start, end, weight, one_minus_weight):
    """torch's scalar lerp rounding (see ``optim.optimizer.lerp_``); ``1 − w`` is passed in the array's dtype."""
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * one_minus_weight


def _lerp_weights(weight, dt):
    """(w, 1 − w) in the parameter's dtype, the way torch's kernel rounds them."""
    w = dt(weight)
    return w, dt(1) - w


# ---------------------------------------------------------------- SGD (optim/sgd.py::sgd_update)
@_pjit
def _sgd_kernel(p, grad, buf, lr, momentum, one_minus_dampening, weight_decay, nesterov, maximize, first):
    for i in numba.prange(p.size):
        g = -grad[i] if maximize else grad[i]  # (1)
        if weight_decay != 0:
            g = g + weight_decay * p[i]
        if momentum != 0:
            if first:  # (2)
                buf[i] = g
            else:
                buf[i] = buf[i] * momentum + one_minus_dampening * g
            g = g + momentum * buf[i] if nesterov else buf[i]  # (3)
        p[i] = p[i] - lr * g  # (4)


def sgd_update_numba(param, grad, momentum_buffer, *, lr, momentum, dampening, weight_decay, nesterov, maximize):
    """Numba twin of ``optim.sgd.sgd_update``."""
    _check("sgd_update_numba", param, grad, **({"momentum_buffer": momentum_buffer}
                                          if momentum != 0 and momentum_buffer is not None else {}))
    dt = param.dtype.type
    first = momentum_buffer is None
    if first:
        momentum_buffer = np.empty(param.shape if momentum != 0 else 0, param.dtype)
    _sgd_kernel(_flat(param), _read(grad), _flat(momentum_buffer), dt(lr), dt(momentum), dt(1 - dampening),
                dt(weight_decay), bool(nesterov), bool(maximize), first)
    return momentum_buffer if momentum != 0 else None


# ---------------------------------------------------------------- Adagrad (optim/adagrad.py)
@_pjit
def _adagrad_kernel(p, grad, state_sum, clr, weight_decay, eps, maximize):
    for i in numba.prange(p.size):
        g = -grad[i] if maximize else grad[i]  # (1)
        if weight_decay != 0:
            g = g + weight_decay * p[i]
        state_sum[i] = state_sum[i] + g * g  # (3)
        p[i] = p[i] - clr * g / (math.sqrt(state_sum[i]) + eps)  # (4)


def adagrad_update_numba(param, grad, state_sum, *, step, lr, lr_decay, weight_decay, eps, maximize):
    """Numba twin of ``optim.adagrad.adagrad_update``."""
    _check("adagrad_update_numba", param, grad, state_sum=state_sum)
    dt = param.dtype.type
    clr = lr / (1 + (step - 1) * lr_decay)  # (2)
    _adagrad_kernel(_flat(param), _read(grad), _flat(state_sum), dt(clr), dt(weight_decay), dt(eps), bool(maximize))


# ---------------------------------------------------------------- RMSprop (optim/rmsprop.py)
@_pjit
def _rmsprop_kernel(p, grad, square_avg, grad_avg, buf, lr, alpha, one_minus_alpha, lerp_w, lerp_1mw, eps,
                    weight_decay, momentum, centered, maximize):
    for i in numba.prange(p.size):
        g = -grad[i] if maximize else grad[i]  # (1)
        if weight_decay != 0:
            g = g + weight_decay * p[i]
        square_avg[i] = square_avg[i] * alpha + one_minus_alpha * g * g  # (2)
        if centered:
            grad_avg[i] = _lerp(grad_avg[i], g, lerp_w, lerp_1mw)  # (3)
            avg = math.sqrt(square_avg[i] - grad_avg[i] * grad_avg[i]) + eps  # (4)
        else:
            avg = math.sqrt(square_avg[i]) + eps
        if momentum > 0:  # (5)
            buf[i] = buf[i] * momentum + g / avg
            p[i] = p[i] - lr * buf[i]
        else:
            p[i] = p[i] - lr * g / avg


def rmsprop_update_numba(param, grad, square_avg, grad_avg, momentum_buffer, *, lr, alpha, eps, weight_decay, momentum,
                         centered, maximize):
    """Numba twin of ``optim.rmsprop.rmsprop_update``."""
    _check("rmsprop_update_numba", param, grad, square_avg=square_avg, **({"grad_avg": grad_avg} if centered else {}),
           **({"momentum_buffer": momentum_buffer} if momentum > 0 else {}))
    dt = param.dtype.type
    _rmsprop_kernel(_flat(param), _read(grad), _flat(square_avg), _flat(grad_avg), _flat(momentum_buffer),
                    dt(lr), dt(alpha), dt(1 - alpha), *_lerp_weights(1 - alpha, dt), dt(eps), dt(weight_decay),
                    dt(momentum), bool(centered), bool(maximize))


# ---------------------------------------------------------------- Adadelta (optim/adadelta.py)
@_pjit
def _adadelta_kernel(p, grad, square_avg, acc_delta, lr, rho, one_minus_rho, eps, weight_decay, maximize):
    for i in numba.prange(p.size):
        g = -grad[i] if maximize else grad[i]  # (1)
        if weight_decay != 0:
            g = g + weight_decay * p[i]
        square_avg[i] = square_avg[i] * rho + one_minus_rho * g * g  # (2)
        delta = math.sqrt(acc_delta[i] + eps) / math.sqrt(square_avg[i] + eps) * g  # (3)
        acc_delta[i] = acc_delta[i] * rho + one_minus_rho * delta * delta  # (4)
        p[i] = p[i] - lr * delta  # (5)


def adadelta_update_numba(param, grad, square_avg, acc_delta, *, lr, rho, eps, weight_decay, maximize):
    """Numba twin of ``optim.adadelta.adadelta_update``."""
    _check("adadelta_update_numba", param, grad, square_avg=square_avg, acc_delta=acc_delta)
    dt = param.dtype.type
    _adadelta_kernel(_flat(param), _read(grad), _flat(square_avg), _flat(acc_delta), dt(lr), dt(rho), dt(1 - rho),
                     dt(eps), dt(weight_decay), bool(maximize))


# ---------------------------------------------------------------- Adam / AdamW (optim/adam.py)
@_jit
def _decay(p, g, weight_decay, decay_factor, decoupled):
    """(new w, new g) after coupled (g + wd·w) or decoupled (w·(1 − lr·wd)) weight decay."""
    if weight_decay != 0:
        if decoupled:
            p = p * decay_factor
        else:
            g = g + weight_decay * p
    return p, g


@_pjit
def _adam_kernel(p, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, step_size, bc2_sqrt, lerp_w, lerp_1mw, beta2,
                 one_minus_beta2, eps, coupled_wd, decay_factor, amsgrad, sign):
    # Weight decay as loop-invariant arithmetic (``coupled_wd`` = wd for Adam's L2 term, else 0;
    # ``decay_factor`` = 1 − lr·wd for AdamW, else exactly 1) rather than the branches of ``_decay``:
    # with the branches LLVM left the Adam (coupled) loop scalar — 10M float32 params took 80 ms
    # against AdamW's 2.5 ms; this form vectorizes both (3.5 ms). ``sign`` = −1 when maximizing.
    for i in numba.prange(p.size):
        g = sign * grad[i]  # (1)
        if coupled_wd != 0:
            g = g + coupled_wd * p[i]
        w = p[i] * decay_factor
        exp_avg[i] = _lerp(exp_avg[i], g, lerp_w, lerp_1mw)  # (2)
        exp_avg_sq[i] = exp_avg_sq[i] * beta2 + one_minus_beta2 * g * g
        v_hat = exp_avg_sq[i]
        if amsgrad:  # (3)
            max_exp_avg_sq[i] = max(max_exp_avg_sq[i], v_hat)
            v_hat = max_exp_avg_sq[i]
        p[i] = w - step_size * exp_avg[i] / (math.sqrt(v_hat) / bc2_sqrt + eps)  # (4)


def adam_update_numba(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, *, step, lr, beta1, beta2, eps, weight_decay,
                      amsgrad, maximize, decoupled_weight_decay):
    """Numba twin of ``optim.adam.adam_update``."""
    _check("adam_update_numba", param, grad, exp_avg=exp_avg, exp_avg_sq=exp_avg_sq,
           **({"max_exp_avg_sq": max_exp_avg_sq} if amsgrad else {}))
    dt = param.dtype.type
    step_size = lr / (1 - beta1**step)
    bc2_sqrt = (1 - beta2**step) ** 0.5
    decoupled = bool(decoupled_weight_decay) and weight_decay != 0
    coupled_wd = 0.0 if decoupled_weight_decay else weight_decay
    decay_factor = 1 - lr * weight_decay if decoupled else 1.0
    _adam_kernel(_flat(param), _read(grad), _flat(exp_avg), _flat(exp_avg_sq), _flat(max_exp_avg_sq),
                 dt(step_size), dt(bc2_sqrt), *_lerp_weights(1 - beta1, dt), dt(beta2), dt(1 - beta2), dt(eps),
                 dt(coupled_wd), dt(decay_factor), bool(amsgrad), dt(-1.0 if maximize else 1.0))


# ---------------------------------------------------------------- NAdam (optim/nadam.py)
@_pjit
def _nadam_kernel(p, grad, exp_avg, exp_avg_sq, coef_g, coef_m, bc2, lerp_w, lerp_1mw, beta2, one_minus_beta2, eps,
                  weight_decay, decay_factor, decoupled, maximize):
    for i in numba.prange(p.size):
        g = -grad[i] if maximize else grad[i]  # (1)
        w, g = _decay(p[i], g, weight_decay, decay_factor, decoupled)
        exp_avg[i] = _lerp(exp_avg[i], g, lerp_w, lerp_1mw)  # (3)
        exp_avg_sq[i] = exp_avg_sq[i] * beta2 + one_minus_beta2 * g * g
        denom = math.sqrt(exp_avg_sq[i] / bc2) + eps  # (4)
        p[i] = w + coef_g * g / denom + coef_m * exp_avg[i] / denom  # (5)


def nadam_update_numba(param, grad, exp_avg, exp_avg_sq, mu_product, *, step, lr, beta1, beta2, eps, weight_decay,
                       momentum_decay, decoupled_weight_decay, maximize):
    """Numba twin of ``optim.nadam.nadam_update``."""
    _check("nadam_update_numba", param, grad, exp_avg=exp_avg, exp_avg_sq=exp_avg_sq)
    dt = param.dtype.type
    mu = nadam_mu(step, beta1, momentum_decay)  # (2)
    mu_next = nadam_mu(step + 1, beta1, momentum_decay)
    mu_product = mu_product * mu
    coef_g = -lr * (1.0 - mu) / (1.0 - mu_product)
    coef_m = -lr * mu_next / (1.0 - mu_product * mu_next)
    _nadam_kernel(_flat(param), _read(grad), _flat(exp_avg), _flat(exp_avg_sq), dt(coef_g), dt(coef_m),
                  dt(1 - beta2**step), *_lerp_weights(1 - beta1, dt), dt(beta2), dt(1 - beta2), dt(eps),
                  dt(weight_decay), dt(1 - lr * weight_decay), bool(decoupled_weight_decay), bool(maximize))
    return mu_product


# ---------------------------------------------------------------- RAdam (optim/radam.py)
@_pjit
def _radam_kernel(p, grad, exp_avg, exp_avg_sq, bc1, bc2_sqrt, rect, lr, lerp_w, lerp_1mw, beta2, one_minus_beta2,
                  eps, weight_decay, decay_factor, rectified, decoupled, maximize):
    for i in numba.prange(p.size):
        g = -grad[i] if maximize else grad[i]  # (1)
        w, g = _decay(p[i], g, weight_decay, decay_factor, decoupled)
        exp_avg[i] = _lerp(exp_avg[i], g, lerp_w, lerp_1mw)  # (2)
        exp_avg_sq[i] = exp_avg_sq[i] * beta2 + one_minus_beta2 * g * g
        m_hat = exp_avg[i] / bc1
        if rectified:  # (4)
            p[i] = w - m_hat * lr * (bc2_sqrt / (math.sqrt(exp_avg_sq[i]) + eps)) * rect
        else:
            p[i] = w - m_hat * lr


def radam_update_numba(param, grad, exp_avg, exp_avg_sq, *, step, lr, beta1, beta2, eps, weight_decay,
                       decoupled_weight_decay, maximize):
    """Numba twin of ``optim.radam.radam_update``."""
    _check("radam_update_numba", param, grad, exp_avg=exp_avg, exp_avg_sq=exp_avg_sq)
    dt = param.dtype.type
    _, rect = radam_rectification(step, beta2)  # (3)
    _radam_kernel(_flat(param), _read(grad), _flat(exp_avg), _flat(exp_avg_sq), dt(1 - beta1**step),
                  dt((1 - beta2**step) ** 0.5), dt(0.0 if rect is None else rect), dt(lr),
                  *_lerp_weights(1 - beta1, dt), dt(beta2), dt(1 - beta2), dt(eps), dt(weight_decay),
                  dt(1 - lr * weight_decay), rect is not None, bool(decoupled_weight_decay), bool(maximize))


# ---------------------------------------------------------------- Lion (optim/lion.py)
@_pjit
def _lion_kernel(p, grad, exp_avg, lr, beta1, one_minus_beta1, beta2, one_minus_beta2, weight_decay, maximize):
    for i in numba.prange(p.size):
        g = -grad[i] if maximize else grad[i]  # (1)
        c = beta1 * exp_avg[i] + one_minus_beta1 * g  # (2)
        p[i] = p[i] - lr * (np.sign(c) + weight_decay * p[i])  # (3)
        exp_avg[i] = exp_avg[i] * beta2 + one_minus_beta2 * g  # (4)


def lion_update_numba(param, grad, exp_avg, *, lr, beta1, beta2, weight_decay, maximize):
    """Numba twin of ``optim.lion.lion_update``."""
    _check("lion_update_numba", param, grad, exp_avg=exp_avg)
    dt = param.dtype.type
    _lion_kernel(_flat(param), _read(grad), _flat(exp_avg), dt(lr), dt(beta1), dt(1 - beta1), dt(beta2),
                 dt(1 - beta2), dt(weight_decay), bool(maximize))
