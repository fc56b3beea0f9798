"""Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", Algorithm 2).

torch has no Lion; the parity oracle is ``reference/optimizers.py::Lion``, written from the paper.
NumPy update: :func:`lion_update`; fused Numba twin: ``kernels.optim_kernels.lion_update_numba``.
"""
from __future__ import annotations

import numpy as np

from ..kernels.optim_kernels import lion_update_numba
from .optimizer import Optimizer, check_adam_hyperparameters


def lion_update(param, grad, exp_avg, *, lr, beta1, beta2, weight_decay, maximize):
    """One Lion step in place.

    ::

        (1) g = ±grad
        (2) c = β1·m + (1 − β1)·g                 interpolation used only for the sign
        (3) w = w − lr·(sign(c) + wd·w)           every coordinate moves by ±lr (plus decay)
        (4) m = β2·m + (1 − β2)·g                 the tracked momentum uses β2
    """
    g = -grad if maximize else grad  # (1)
    c = beta1 * exp_avg + (1 - beta1) * g  # (2)
    param -= lr * (np.sign(c) + weight_decay * param)  # (3)
    exp_avg *= beta2  # (4)
    exp_avg += (1 - beta2) * g


class Lion(Optimizer):
    r"""Lion (EvoLved Sign Momentum): the update is the *sign* of an interpolated momentum.

    Paper form (Algorithm 2), followed exactly::

        c_t = β1·m_{t-1} + (1−β1)·g_t
        θ_t = θ_{t-1} − η_t·(sign(c_t) + λ·θ_{t-1})
        m_t = β2·m_{t-1} + (1−β2)·g_t

    Every coordinate moves by the same magnitude lr, so Lion wants a 3–10× smaller lr and a
    correspondingly larger weight decay than AdamW.  It keeps one buffer (Adam keeps two).  Other
    libraries (optax, lucidrains' lion-pytorch) apply the decay first as ``θ·(1 − lr·λ)``, which is
    the same expression.  ``maximize`` flips g.

    Args: lr (1e-4), betas ((0.9, 0.99)), weight_decay (0.0), maximize.
    """

    # one step for one parameter: the readable NumPy update above and its fused Numba twin
    # (mt.set_backend picks one, see Optimizer._implementation)
    numpy_update = staticmethod(lion_update)
    numba_update = staticmethod(lion_update_numba)

    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0, *, maximize=False):
        check_adam_hyperparameters(lr, betas, weight_decay)
        defaults = dict(lr=lr, betas=tuple(betas), weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _init_state(self, param, group):
        return {"step": 0.0, "exp_avg": np.zeros(param.shape, param.dtype)}

    def _update(self, param, grad, state, group):
        state["step"] += 1
        update = self._implementation(param)
        beta1, beta2 = group["betas"]
        update(param, grad, state["exp_avg"], lr=group["lr"], beta1=beta1, beta2=beta2,
               weight_decay=group["weight_decay"], maximize=group["maximize"])
