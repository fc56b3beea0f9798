"""SGD, and the lecture's ``Momentum`` and ``NAG`` as two SGD configurations.

The update for one parameter is :func:`sgd_update` (readable NumPy); its fused Numba twin is
:func:`minitorch_cnn.kernels.optim_kernels.sgd_update_numba`.
"""
from __future__ import annotations

import numpy as np

from ..kernels.optim_kernels import sgd_update_numba
from .optimizer import Optimizer, signed_decayed_grad


def sgd_update(param, grad, momentum_buffer, *, lr, momentum, dampening, weight_decay, nesterov, maximize):
    """One SGD step on ``param`` in place; returns the momentum buffer (``None`` without momentum).

    ::

        (1) g = ±grad + wd·w                 maximize flips the sign; L2 decay is added to g
        (2) b = g                            on the first step (torch starts the buffer at g)
            b = μ·b + (1 − τ)·g              afterwards (τ = dampening)
        (3) g = g + μ·b   if nesterov,   else g = b
        (4) w = w − lr·g
    """
    g = signed_decayed_grad(param, grad, weight_decay, maximize)  # (1)
    if momentum != 0:
        if momentum_buffer is None:  # (2)
            momentum_buffer = g.copy()
        else:
            momentum_buffer *= momentum
            momentum_buffer += (1 - dampening) * g
        g = g + momentum * momentum_buffer if nesterov else momentum_buffer  # (3)
    param -= lr * g  # (4)
    return momentum_buffer


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with (Nesterov) momentum — torch 2.13's ``SGD``.

    Lecture form vs torch form.  The lecture writes momentum as a velocity that already contains
    the learning rate::

        lecture:  v_t = β·v_{t-1} + lr·g_t ;   w_t = w_{t-1} − v_t
        torch:    b_t = μ·b_{t-1} + g_t    ;   w_t = w_{t-1} − lr·b_t

    With a constant lr, multiply torch's buffer by lr: ``lr·b_t = μ·(lr·b_{t-1}) + lr·g_t``, which is
    the lecture's recursion for ``v_t = lr·b_t`` (β = μ), and both subtract the same ``v_t``.  They
    differ once lr changes (a scheduler): the lecture's velocity keeps the *old* lr inside ``v``,
    torch rescales the whole accumulated buffer by the *new* lr.  torch also starts the buffer at
    ``b_1 = g_1`` (no dampening on the first step), where the paper starts from ``v_0 = 0``.

    Nesterov (torch): ``g ← g + μ·b_t``, i.e. the step looks ahead along the momentum (Sutskever
    et al. 2013, rewritten in terms of the current weights).

    Args:
        params: iterable of Parameters or of param-group dicts.
        lr (float): learning rate (default 1e-3).
        momentum (float): μ (default 0).
        dampening (float): τ, scales the new gradient into the buffer by ``1 − τ`` (default 0).
        weight_decay (float): L2 penalty added to the gradient (default 0).
        nesterov (bool): use Nesterov momentum (needs momentum > 0 and dampening = 0).
        maximize (bool): ascend instead of descend.
    """

    # one step for one parameter: the readable NumPy update above and its fused Numba twin
    # (mt.set_backend picks one, see Optimizer._implementation)
    numpy_update = staticmethod(sgd_update)
    numba_update = staticmethod(sgd_update_numba)

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize)
        super().__init__(params, defaults)

    def _init_state(self, param, group):
        # without momentum there is nothing to remember: torch 2.13 keeps no state at all then
        return {"momentum_buffer": None} if group["momentum"] != 0 else {}

    def _update(self, param, grad, state, group):
        hyper = dict(lr=group["lr"], momentum=group["momentum"], dampening=group["dampening"],
                     weight_decay=group["weight_decay"], nesterov=group["nesterov"], maximize=group["maximize"])
        update = self._implementation(param)
        buffer = update(param, grad, state.get("momentum_buffer"), **hyper)
        if group["momentum"] != 0:
            state["momentum_buffer"] = buffer


class Momentum(SGD):
    """The lecture's "Momentum" row: :class:`SGD` with ``momentum=0.9`` by default (heavy ball).

    ``Momentum(params, lr, momentum, dampening, weight_decay)`` is exactly
    ``SGD(params, lr, momentum, dampening, weight_decay, nesterov=False)``; see :class:`SGD` for why
    the lecture's ``v = βv + lr·g; w −= v`` equals torch's ``b = μb + g; w −= lr·b`` while lr is constant.
    """

    def __init__(self, params, lr=1e-3, momentum=0.9, dampening=0, weight_decay=0, *, maximize=False):
        super().__init__(params, lr=lr, momentum=momentum, dampening=dampening,
                         weight_decay=weight_decay, nesterov=False, maximize=maximize)


class NAG(SGD):
    """The lecture's "NAG" row (Nesterov accelerated gradient): :class:`SGD` with ``nesterov=True``.

    Lecture form: evaluate the gradient at the look-ahead point ``w − β·v``.  torch's form keeps the
    weights at the look-ahead point instead and steps with ``g + μ·b`` (Sutskever et al. 2013);
    the two sequences coincide after the change of variable ``w̃ = w − β·v`` (constant lr).
    """

    def __init__(self, params, lr=1e-3, momentum=0.9, weight_decay=0, *, maximize=False):
        super().__init__(params, lr=lr, momentum=momentum, dampening=0,
                         weight_decay=weight_decay, nesterov=True, maximize=maximize)
