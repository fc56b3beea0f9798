"""Lion and LAMB as ``torch.optim.Optimizer`` subclasses, written from the papers.

torch 2.13 has neither, so these are the oracles for ``minitorch_cnn.optim.Lion`` / ``LAMB``.
They follow the statement of each algorithm in docs/architecture.md ("Tests and parity") line by
line, use only device-agnostic tensor ops (they run on CUDA tensors too), and keep ``step`` in the
state like torch's own optimizers.
"""
from __future__ import annotations

import torch
from torch.optim import Optimizer


def _check(lr, betas, eps=0.0, weight_decay=0.0):
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")


class Lion(Optimizer):
    """Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", Algorithm 2::

        c = β1·m + (1 − β1)·g
        θ = θ − lr·(sign(c) + λ·θ)
        m = β2·m + (1 − β2)·g
    """

    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0, *, maximize=False):
        _check(lr, betas, weight_decay=weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), weight_decay=weight_decay, maximize=maximize))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, wd = group["lr"], group["weight_decay"]
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = -p.grad if group["maximize"] else p.grad
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = torch.tensor(0.0)
                    state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                state["step"] += 1
                m = state["exp_avg"]
                c = beta1 * m + (1 - beta1) * g
                p.sub_(lr * (torch.sign(c) + wd * p))
                m.mul_(beta2).add_((1 - beta2) * g)
        return loss


class LAMB(Optimizer):
    """You et al. 2019, "Large Batch Optimization for Deep Learning", Algorithm 2 (bias-corrected)::

        m = β1·m + (1 − β1)·g ;  v = β2·v + (1 − β2)·g²
        r = m̂ / (√v̂ + ε),  m̂ = m/(1 − β1ᵗ),  v̂ = v/(1 − β2ᵗ)
        u = r + λ·θ
        θ = θ − lr · (‖θ‖/‖u‖) · u        trust ratio taken as 1 when either norm is 0
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.0, *, maximize=False):
        _check(lr, betas, eps, weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      maximize=maximize))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = -p.grad if group["maximize"] else p.grad
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = torch.tensor(0.0)
                    state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    state["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                state["step"] += 1
                t = state["step"].item()
                m, v = state["exp_avg"], state["exp_avg_sq"]
                m.lerp_(g, 1 - beta1)
                v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                m_hat = m / (1 - beta1**t)
                v_hat = v / (1 - beta2**t)
                u = m_hat / (v_hat.sqrt() + eps) + wd * p
                w_norm = torch.linalg.vector_norm(p)
                u_norm = torch.linalg.vector_norm(u)
                trust = torch.where((w_norm > 0) & (u_norm > 0), w_norm / u_norm, torch.ones_like(w_norm))
                p.sub_(lr * trust * u)
        return loss
