"""RMSprop (Hinton's lecture 6e; centered variant of Graves 2013) as torch 2.13 implements it.

NumPy update: :func:`rmsprop_update`; fused Numba twin: ``kernels.optim_kernels.rmsprop_update_numba``.
"""
from __future__ import annotations

import numpy as np

from ..kernels.optim_kernels import rmsprop_update_numba
from .optimizer import Optimizer, lerp_, signed_decayed_grad


def rmsprop_update(param, grad, square_avg, grad_avg, momentum_buffer, *, lr, alpha, eps, weight_decay,
                   momentum, centered, maximize):
    """One RMSprop step in place (``grad_avg``/``momentum_buffer`` are used only when enabled).

    ::

        (1) g = ±grad + wd·w
        (2) v = α·v + (1 − α)·g²
        (3) ḡ = α·ḡ + (1 − α)·g                      centered only
        (4) s = √(v − ḡ²) + ε   if centered,   else s = √v + ε
        (5) b = μ·b + g/s ;  w = w − lr·b             momentum > 0
            w = w − lr·g/s                            otherwise
    """
    g = signed_decayed_grad(param, grad, weight_decay, maximize)  # (1)
    square_avg *= alpha  # (2)
    square_avg += (1 - alpha) * g * g
    if centered:
        lerp_(grad_avg, g, 1 - alpha)  # (3)
        avg = np.sqrt(square_avg - grad_avg * grad_avg) + eps  # (4)
    else:
        avg = np.sqrt(square_avg) + eps
    if momentum > 0:  # (5)
        momentum_buffer *= momentum
        momentum_buffer += g / avg
        param -= lr * momentum_buffer
    else:
        param -= lr * g / avg


class RMSprop(Optimizer):
    r"""RMSprop: divide the gradient by a running RMS of recent gradients.

    Lecture form: ``v_t = ρ·v_{t-1} + (1−ρ)·g_t²;  w_t = w_{t-1} − lr·g_t/√(v_t + ε)``.
    torch form: the same with ρ called ``alpha`` (default 0.99) and ε *outside* the root
    (``√v_t + ε``); ``centered`` subtracts the squared running mean of g (a variance estimate), and
    ``momentum`` accumulates ``g/s`` in a buffer before the step.  With ``centered=False, momentum=0``
    they are the same algorithm; the ε placement only changes how tiny denominators are guarded.

    Args: lr (1e-2), alpha (0.99), eps (1e-8), weight_decay (0), momentum (0), centered (False), maximize.
    """

    # one step for one parameter: the readable NumPy update above and its fused Numba twin
    # (mt.set_backend picks one, see Optimizer._implementation)
    numpy_update = staticmethod(rmsprop_update)
    numba_update = staticmethod(rmsprop_update_numba)

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, *,
                 maximize=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _init_state(self, param, group):
        state = {"step": 0.0, "square_avg": np.zeros(param.shape, param.dtype)}
        if group["momentum"] > 0:
            state["momentum_buffer"] = np.zeros(param.shape, param.dtype)
        if group["centered"]:
            state["grad_avg"] = np.zeros(param.shape, param.dtype)
        return state

    def _update(self, param, grad, state, group):
        state["step"] += 1
        empty = np.empty(0, param.dtype)  # placeholder for a buffer the configuration does not use
        update = self._implementation(param)
        update(param, grad, state["square_avg"], state.get("grad_avg", empty), state.get("momentum_buffer", empty),
               lr=group["lr"], alpha=group["alpha"], eps=group["eps"], weight_decay=group["weight_decay"],
               momentum=group["momentum"], centered=group["centered"], maximize=group["maximize"])
