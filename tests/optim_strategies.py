"""The table of optimizer configurations that drives every optimizer parity test.

Each row: a name, our class, the oracle (torch's class, or ``reference/optimizers.py`` for Lion and
LAMB), a hypothesis strategy drawing keyword arguments, and how those map onto the oracle's
arguments (``Momentum``/``NAG`` are torch ``SGD`` configurations).  Ranges cover every option
(weight decay, maximize, amsgrad, nesterov, centered, momentum, decoupled decay, ...) while staying
where the algorithm is numerically well posed (e.g. RMSprop's centered variance needs α not ≈ 0).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import torch
from hypothesis import strategies as st

from minitorch_cnn import optim
from reference import optimizers as ref_optim


def _f(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def _zero_or(lo, hi):
    """0 exactly (the option off) or a value in [lo, hi]."""
    return st.one_of(st.just(0.0), _f(lo, hi))


lrs = _f(1e-3, 0.3)
small_lrs = _f(1e-4, 0.05)
weight_decays = _zero_or(1e-4, 0.1)
maximizes = st.booleans()
beta1s = st.one_of(st.just(0.0), _f(0.5, 0.99))
beta2s = _f(0.5, 0.9999)
betas = st.tuples(beta1s, beta2s)
adam_eps = _f(1e-8, 1e-6)


@st.composite
def _sgd(draw):
    nesterov = draw(st.booleans())
    momentum = draw(_f(0.1, 0.99)) if nesterov else draw(_zero_or(0.1, 0.99))
    dampening = 0.0 if nesterov else draw(_zero_or(0.0, 0.9))
    return dict(lr=draw(lrs), momentum=momentum, dampening=dampening, weight_decay=draw(weight_decays),
                nesterov=nesterov, maximize=draw(maximizes))


@st.composite
def _adafactor(draw):
    eps1 = draw(st.one_of(st.none(), _f(1e-12, 1e-6)))
    return dict(lr=draw(_f(1e-3, 0.1)), beta2_decay=draw(_f(-1.0, -0.3)), eps=(eps1, draw(_f(1e-4, 1e-2))),
                d=draw(_f(1.0, 3.0)), weight_decay=draw(weight_decays), maximize=draw(maximizes))


def _kw(**strategies):
    return st.fixed_dictionaries(strategies)


@dataclass(frozen=True)
class OptimCase:
    name: str
    ours: type
    oracle: type
    hyper: st.SearchStrategy
    to_oracle: Callable[[dict], dict] = field(default=lambda kw: dict(kw))

    def make_ours(self, params, kw: dict[str, Any]):
        return self.ours(params, **kw)

    def make_oracle(self, params, kw: dict[str, Any]):
        return self.oracle(params, **self.to_oracle(kw))

    def __repr__(self):  # pytest ids
        return self.name


OPTIM_CASES = [
    OptimCase("SGD", optim.SGD, torch.optim.SGD, _sgd()),
    OptimCase("Momentum", optim.Momentum, torch.optim.SGD,
              _kw(lr=lrs, momentum=_f(0.1, 0.99), dampening=_zero_or(0.0, 0.9), weight_decay=weight_decays,
                  maximize=maximizes),
              lambda kw: dict(kw, nesterov=False)),
    OptimCase("NAG", optim.NAG, torch.optim.SGD,
              _kw(lr=lrs, momentum=_f(0.1, 0.99), weight_decay=weight_decays, maximize=maximizes),
              lambda kw: dict(kw, nesterov=True, dampening=0.0)),
    OptimCase("Adagrad", optim.Adagrad, torch.optim.Adagrad,
              _kw(lr=lrs, lr_decay=_zero_or(0.0, 0.1), weight_decay=weight_decays,
                  initial_accumulator_value=_zero_or(0.0, 1.0), eps=_f(1e-10, 1e-6), maximize=maximizes)),
    OptimCase("RMSprop", optim.RMSprop, torch.optim.RMSprop,
              _kw(lr=small_lrs, alpha=_f(0.5, 0.999), eps=adam_eps, weight_decay=weight_decays,
                  momentum=_zero_or(0.1, 0.95), centered=st.booleans(), maximize=maximizes)),
    OptimCase("Adam", optim.Adam, torch.optim.Adam,
              _kw(lr=small_lrs, betas=betas, eps=adam_eps, weight_decay=weight_decays, amsgrad=st.booleans(),
                  maximize=maximizes, decoupled_weight_decay=st.booleans())),
    OptimCase("AdamW", optim.AdamW, torch.optim.AdamW,
              _kw(lr=small_lrs, betas=betas, eps=adam_eps, weight_decay=weight_decays, amsgrad=st.booleans(),
                  maximize=maximizes)),
    OptimCase("Adadelta", optim.Adadelta, torch.optim.Adadelta,
              _kw(lr=_f(0.1, 1.0), rho=_f(0.5, 0.99), eps=_f(1e-7, 1e-4), weight_decay=weight_decays,
                  maximize=maximizes)),
    OptimCase("NAdam", optim.NAdam, torch.optim.NAdam,
              _kw(lr=small_lrs, betas=betas, eps=adam_eps, weight_decay=weight_decays,
                  momentum_decay=_zero_or(1e-3, 1e-2), decoupled_weight_decay=st.booleans(), maximize=maximizes)),
    OptimCase("RAdam", optim.RAdam, torch.optim.RAdam,
              _kw(lr=small_lrs, betas=betas, eps=adam_eps, weight_decay=weight_decays,
                  decoupled_weight_decay=st.booleans(), maximize=maximizes)),
    OptimCase("Adafactor", optim.Adafactor, torch.optim.Adafactor, _adafactor()),
    OptimCase("Lion", optim.Lion, ref_optim.Lion,
              _kw(lr=_f(1e-4, 0.01), betas=st.tuples(beta1s, _f(0.5, 0.999)), weight_decay=weight_decays,
                  maximize=maximizes)),
    OptimCase("LAMB", optim.LAMB, ref_optim.LAMB,
              _kw(lr=small_lrs, betas=betas, eps=_f(1e-8, 1e-4), weight_decay=weight_decays, maximize=maximizes)),
]
CASE_IDS = [case.name for case in OPTIM_CASES]

# Parameter shapes: scalar-like (1,), a vector, a matrix, and a 4-D conv weight (O, I, kH, kW).
dims = st.integers(1, 5)
param_shapes = st.one_of(
    st.just((1,)),
    st.tuples(st.integers(1, 8)),
    st.tuples(dims, dims),
    st.tuples(dims, dims, st.integers(1, 3), st.integers(1, 3)),
)
steps = st.integers(20, 30)
seeds = st.integers(0, 2**31 - 1)
grad_scales = st.sampled_from([1e-2, 1.0, 10.0])


def gradient_sequence(shape, n_steps, seed, scale, dtype):
    """``n_steps`` gradients for a parameter of ``shape``: seeded normals times ``scale``."""
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal(shape) * scale).astype(dtype) for _ in range(n_steps)]

