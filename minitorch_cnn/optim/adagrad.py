"""Adagrad (Duchi et al. 2011) as torch 2.13 implements it.

NumPy update: :func:`adagrad_update`; fused Numba twin: ``kernels.optim_kernels.adagrad_update_numba``.
"""
from __future__ import annotations

import numpy as np

from ..kernels.optim_kernels import adagrad_update_numba
from .optimizer import Optimizer, signed_decayed_grad


def adagrad_update(param, grad, state_sum, *, step, lr, lr_decay, weight_decay, eps, maximize):
    """One Adagrad step in place (``step`` counts from 1).

    ::

        (1) g   = ±grad + wd·w
        (2) η_t = lr / (1 + (t − 1)·lr_decay)
        (3) G   = G + g²                      (G starts at initial_accumulator_value)
        (4) w   = w − η_t · g / (√G + ε)
    """
    g = signed_decayed_grad(param, grad, weight_decay, maximize)  # (1)
    clr = lr / (1 + (step - 1) * lr_decay)  # (2)
    state_sum += g * g  # (3)
    param -= clr * g / (np.sqrt(state_sum) + eps)  # (4)


class Adagrad(Optimizer):
    r"""Adagrad: per-coordinate step sizes shrinking with the accumulated squared gradient.

    Lecture form: ``G_t = G_{t-1} + g_t²;  w_t = w_{t-1} − lr/√(G_t + ε) · g_t``.
    torch form:   ``w_t = w_{t-1} − η_t · g_t / (√G_t + ε)`` with ``η_t = lr/(1 + (t−1)·lr_decay)``.
    They agree for ``lr_decay = 0`` up to where ε sits (inside vs outside the root): both only guard
    against division by zero and differ by O(ε) once ``G`` is large.  torch's default ε is 1e-10.

    Args: lr (1e-2), lr_decay (0), weight_decay (0), initial_accumulator_value (0), eps (1e-10), maximize.
    """

    # one step for one parameter: the readable NumPy update above and its fused Numba twin
    # (mt.set_backend picks one, see Optimizer._implementation)
    numpy_update = staticmethod(adagrad_update)
    numba_update = staticmethod(adagrad_update_numba)

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 *, maximize=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, maximize=maximize)
        super().__init__(params, defaults)
        for group in self.param_groups:  # like torch, the state exists before the first step
            for p in group["params"]:
                self.state[p].update(self._init_state(p.array, group))

    def _init_state(self, param, group):
        return {"step": 0.0, "sum": np.full(param.shape, group["initial_accumulator_value"], dtype=param.dtype)}

    def _update(self, param, grad, state, group):
        state["step"] += 1
        update = self._implementation(param)
        update(param, grad, state["sum"], step=state["step"], lr=group["lr"], lr_decay=group["lr_decay"],
               weight_decay=group["weight_decay"], eps=group["eps"], maximize=group["maximize"])
