"""Every scheduler's learning-rate sequence equals torch 2.13's, for drawn arguments.

One table (``SCHEDULER_CASES``) drives the tests: a name, a strategy drawing the constructor's
arguments, and a builder taking the ``lr_scheduler`` module (ours or torch's) so the *same* code
constructs both twins.  Two param groups with different lrs; after every step the lrs of both
groups must be equal to the last bit (the recursion is done in the same order as torch's), and so
must OneCycleLR's momentum / β1.  ReduceLROnPlateau is fed a drawn loss sequence.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch_cnn as mt
from minitorch_cnn import nn, optim
from minitorch_cnn.optim import lr_scheduler as ours_lrs
from torch.optim import lr_scheduler as torch_lrs


def _f(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@dataclass(frozen=True)
class SchedCase:
    name: str
    args: st.SearchStrategy  # draws a dict of constructor arguments
    build: Callable  # (lr_scheduler module, optimizer, args) -> scheduler
    steps: st.SearchStrategy = st.integers(1, 60)
    optional: tuple = ()  # arguments the test may leave out: each default is then compared with torch's


def _lambda(kind, k):
    """A picklable-free user function: the same closure is rebuilt on both sides."""
    if kind == "exp":
        return lambda epoch: k**epoch
    if kind == "inverse":
        return lambda epoch: 1.0 / (1.0 + k * epoch)
    return lambda epoch: 1.0 + 0.5 * math.sin(k * epoch)


def _sequential(mod, opt, a):
    first = mod.LinearLR(opt, start_factor=a["start"], total_iters=a["warmup"])
    if a["second"] == "cos":
        second = mod.CosineAnnealingLR(opt, T_max=a["T"], eta_min=a["eta_min"])
    elif a["second"] == "exp":
        second = mod.ExponentialLR(opt, gamma=a["gamma"])
    else:
        second = mod.StepLR(opt, step_size=a["T"], gamma=a["gamma"])
    return mod.SequentialLR(opt, [first, second], milestones=[a["milestone"]])


SCHEDULER_CASES = [
    SchedCase("StepLR", st.fixed_dictionaries(dict(step_size=st.integers(1, 10), gamma=_f(0.05, 0.99))),
              lambda mod, opt, a: mod.StepLR(opt, **a), optional=("gamma",)),
    SchedCase("MultiStepLR", st.fixed_dictionaries(dict(milestones=st.lists(st.integers(1, 50), max_size=5),
                                                        gamma=_f(0.05, 0.99))),
              lambda mod, opt, a: mod.MultiStepLR(opt, **a), optional=("gamma",)),
    SchedCase("ExponentialLR", st.fixed_dictionaries(dict(gamma=_f(0.5, 1.0))),
              lambda mod, opt, a: mod.ExponentialLR(opt, **a)),
    SchedCase("CosineAnnealingLR", st.fixed_dictionaries(dict(T_max=st.integers(1, 30), eta_min=_f(0.0, 1e-3))),
              lambda mod, opt, a: mod.CosineAnnealingLR(opt, **a), optional=("eta_min",)),
    SchedCase("CosineAnnealingWarmRestarts",
              st.fixed_dictionaries(dict(T_0=st.integers(1, 15), T_mult=st.integers(1, 3), eta_min=_f(0.0, 1e-3))),
              lambda mod, opt, a: mod.CosineAnnealingWarmRestarts(opt, **a), optional=("T_mult", "eta_min")),
    SchedCase("LinearLR", st.fixed_dictionaries(dict(start_factor=_f(0.01, 1.0), end_factor=_f(0.0, 1.0),
                                                     total_iters=st.integers(1, 30))),
              lambda mod, opt, a: mod.LinearLR(opt, **a), optional=("start_factor", "end_factor", "total_iters")),
    SchedCase("ConstantLR", st.fixed_dictionaries(dict(factor=_f(0.01, 1.0), total_iters=st.integers(0, 30))),
              lambda mod, opt, a: mod.ConstantLR(opt, **a), optional=("factor", "total_iters")),
    SchedCase("LambdaLR", st.fixed_dictionaries(dict(kind=st.sampled_from(["exp", "inverse", "sin"]),
                                                     k=_f(0.5, 0.99))),
              lambda mod, opt, a: mod.LambdaLR(opt, lr_lambda=_lambda(a["kind"], a["k"]))),
    SchedCase("MultiplicativeLR", st.fixed_dictionaries(dict(kind=st.sampled_from(["exp", "inverse", "sin"]),
                                                             k=_f(0.5, 0.99))),
              lambda mod, opt, a: mod.MultiplicativeLR(opt, lr_lambda=_lambda(a["kind"], a["k"]))),
    SchedCase("PolynomialLR", st.fixed_dictionaries(dict(total_iters=st.integers(1, 30), power=_f(0.5, 3.0))),
              lambda mod, opt, a: mod.PolynomialLR(opt, **a), optional=("total_iters", "power")),
    SchedCase("OneCycleLR",
              st.fixed_dictionaries(dict(max_lr=_f(0.01, 1.0), total_steps=st.integers(5, 60),
                                         pct_start=_f(0.1, 0.9), anneal_strategy=st.sampled_from(["cos", "linear"]),
                                         div_factor=_f(2.0, 50.0), final_div_factor=_f(10.0, 1e4),
                                         three_phase=st.booleans(), cycle_momentum=st.booleans(),
                                         base_momentum=_f(0.5, 0.85), max_momentum=_f(0.86, 0.99))),
              lambda mod, opt, a: mod.OneCycleLR(opt, **a),
              steps=st.just(None),  # exactly total_steps steps
              optional=("pct_start", "anneal_strategy", "div_factor", "final_div_factor", "three_phase",
                        "cycle_momentum", "base_momentum", "max_momentum")),
    SchedCase("SequentialLR",
              st.fixed_dictionaries(dict(start=_f(0.05, 1.0), warmup=st.integers(1, 10), milestone=st.integers(1, 15),
                                         second=st.sampled_from(["cos", "exp", "step"]), T=st.integers(1, 20),
                                         eta_min=_f(0.0, 1e-3), gamma=_f(0.5, 0.99))),
              _sequential),
]
CASE_IDS = [c.name for c in SCHEDULER_CASES]


def _optimizers(lrs, use_betas):
    """Our and torch's optimizer with one param group per lr (momentum or betas for OneCycleLR)."""
    ours = [{"params": [nn.Parameter(mt.Tensor(np.zeros(2)))], "lr": lr} for lr in lrs]
    theirs = [{"params": [torch.nn.Parameter(torch.zeros(2))], "lr": lr} for lr in lrs]
    if use_betas:
        return optim.Adam(ours), torch.optim.Adam(theirs)
    return optim.SGD(ours, momentum=0.9), torch.optim.SGD(theirs, momentum=0.9)


def _assert_same_lrs(ours, theirs, our_opt, their_opt, where):
    assert ours.get_last_lr() == theirs.get_last_lr(), f"{where}: ours {ours.get_last_lr()} torch {theirs.get_last_lr()}"
    for key in ("momentum", "betas"):
        o = [g.get(key) for g in our_opt.param_groups]
        t = [g.get(key) for g in their_opt.param_groups]
        assert o == [tuple(x) if isinstance(x, list) else x for x in t], f"{where}: {key} ours {o} torch {t}"


def draw_args(data, case):
    """The case's arguments, some optional ones left out (the defaults must match torch's too: a
    mutated default such as OneCycleLR's ``three_phase=True`` survived while every argument was given)."""
    args = data.draw(case.args, label="args")
    if case.optional:
        omitted = data.draw(st.sets(st.sampled_from(case.optional)), label="left at their defaults")
        args = {k: v for k, v in args.items() if k not in omitted}
    return args


lr_pairs = st.lists(_f(1e-3, 1.0), min_size=1, max_size=2)


@pytest.mark.parametrize("case", SCHEDULER_CASES, ids=CASE_IDS)
@given(data=st.data())
def test_lr_sequence_matches_torch(case, data):
    args = draw_args(data, case)
    lrs = data.draw(lr_pairs, label="lrs")
    use_betas = data.draw(st.booleans(), label="adam") if case.name == "OneCycleLR" else False
    n_steps = data.draw(case.steps) or args["total_steps"]
    our_opt, their_opt = _optimizers(lrs, use_betas)
    ours, theirs = case.build(ours_lrs, our_opt, args), case.build(torch_lrs, their_opt, args)
    _assert_same_lrs(ours, theirs, our_opt, their_opt, f"{case.name} {args} after construction")
    for t in range(n_steps):
        our_opt.step()
        their_opt.step()
        ours.step()
        theirs.step()
        _assert_same_lrs(ours, theirs, our_opt, their_opt, f"{case.name} {args} step {t + 1}")


@settings(max_examples=5)
@pytest.mark.parametrize("case", SCHEDULER_CASES, ids=CASE_IDS)
@given(data=st.data())
def test_state_dict_resume_matches_uninterrupted_torch(case, data):
    """Save scheduler + optimizer mid-run, rebuild both, load, and continue on torch's sequence."""
    args = data.draw(case.args, label="args")
    lrs = data.draw(lr_pairs, label="lrs")
    n_steps = data.draw(case.steps) or args["total_steps"]
    cut = data.draw(st.integers(0, n_steps), label="cut")
    our_opt, their_opt = _optimizers(lrs, False)
    ours, theirs = case.build(ours_lrs, our_opt, args), case.build(torch_lrs, their_opt, args)
    for t in range(n_steps):
        if t == cut:
            saved_opt, saved_sched = our_opt.state_dict(), ours.state_dict()
            our_opt, _ = _optimizers(lrs, False)
            ours = case.build(ours_lrs, our_opt, args)
            our_opt.load_state_dict(saved_opt)
            ours.load_state_dict(saved_sched)
        ours.step()
        theirs.step()
        assert ours.get_last_lr() == theirs.get_last_lr(), f"{case.name} {args} step {t + 1} (resumed at {cut})"


@settings(max_examples=30)
@given(losses=st.lists(_f(0.0, 10.0), min_size=1, max_size=80), mode=st.sampled_from(["min", "max"]),
       factor=_f(0.05, 0.9), patience=st.integers(0, 5), threshold=_f(0.0, 0.1),
       threshold_mode=st.sampled_from(["rel", "abs"]), cooldown=st.integers(0, 4), min_lr=_f(0.0, 1e-3),
       lrs=lr_pairs, plateau=st.integers(0, 3))
def test_reduce_lr_on_plateau_matches_torch(losses, mode, factor, patience, threshold, threshold_mode, cooldown,
                                            min_lr, lrs, plateau):
    losses = losses + [losses[-1]] * (plateau * 5)  # make sure plateaus (and reductions) happen
    kw = dict(mode=mode, factor=factor, patience=patience, threshold=threshold, threshold_mode=threshold_mode,
              cooldown=cooldown, min_lr=min_lr)
    our_opt, their_opt = _optimizers(lrs, False)
    ours, theirs = ours_lrs.ReduceLROnPlateau(our_opt, **kw), torch_lrs.ReduceLROnPlateau(their_opt, **kw)
    for t, loss in enumerate(losses):
        ours.step(loss)
        theirs.step(loss)
        assert ours.get_last_lr() == theirs.get_last_lr(), f"{kw} step {t + 1} loss {loss}"
        assert (ours.best, ours.num_bad_epochs, ours.cooldown_counter) == \
            (theirs.best, theirs.num_bad_epochs, theirs.cooldown_counter)


BAD_SCHEDULER_ARGS = [
    (lambda mod, opt: mod.ConstantLR(opt, factor=1.5), ValueError, "between 0 and 1"),
    (lambda mod, opt: mod.LinearLR(opt, start_factor=0.0), ValueError, "greater than 0"),
    (lambda mod, opt: mod.LinearLR(opt, end_factor=2.0), ValueError, "between 0 and 1"),
    (lambda mod, opt: mod.CosineAnnealingWarmRestarts(opt, T_0=0), ValueError, "positive integer T_0, but got 0"),
    (lambda mod, opt: mod.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=0), ValueError, "T_mult >= 1, but got 0"),
    (lambda mod, opt: mod.OneCycleLR(opt, max_lr=0.1), ValueError, "total_steps OR"),
    (lambda mod, opt: mod.OneCycleLR(opt, max_lr=0.1, total_steps=-3), ValueError, "total_steps, but got -3"),
    (lambda mod, opt: mod.OneCycleLR(opt, max_lr=0.1, total_steps=9, pct_start=1.5), ValueError, "pct_start"),
    (lambda mod, opt: mod.OneCycleLR(opt, max_lr=0.1, total_steps=9, anneal_strategy="x"), ValueError, "'cos' or"),
    (lambda mod, opt: mod.ReduceLROnPlateau(opt, factor=1.0), ValueError, "Factor should be < 1.0"),
    (lambda mod, opt: mod.ReduceLROnPlateau(opt, mode="up"), ValueError, "mode up is unknown"),
    (lambda mod, opt: mod.SequentialLR(opt, [mod.StepLR(opt, 2)], milestones=[3]), ValueError, "one more"),
    (lambda mod, opt: mod.StepLR(object(), 2), TypeError, "is not an Optimizer"),
]


@pytest.mark.parametrize("build, error, message", BAD_SCHEDULER_ARGS)
def test_bad_scheduler_arguments_raise_like_torch(build, error, message):
    our_opt, their_opt = _optimizers([0.1], False)
    with pytest.raises(error, match=message):
        build(ours_lrs, our_opt)
    with pytest.raises(error, match=message):
        build(torch_lrs, their_opt)


def test_one_cycle_raises_past_total_steps_like_torch():
    our_opt, their_opt = _optimizers([0.1], False)
    ours = ours_lrs.OneCycleLR(our_opt, max_lr=0.1, total_steps=3)
    theirs = torch_lrs.OneCycleLR(their_opt, max_lr=0.1, total_steps=3)
    for _ in range(3):
        ours.step()
        theirs.step()
    with pytest.raises(ValueError, match="Tried to step 4 times"):
        ours.step()
    with pytest.raises(ValueError, match="Tried to step 4 times"):
        theirs.step()
