"""The Optimizer contract beyond the arithmetic: validation messages, groups, state, checkpoints, repr."""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch

import minitorch_cnn as mt
from minitorch_cnn import nn, optim
from reference import optimizers as ref_optim


def _param(shape=(2, 3), value=1.0):
    return nn.Parameter(mt.Tensor(np.full(shape, value)))


# One table of bad inputs: (our class, kwargs, expected message regex).  Where torch has the
# optimizer, the same kwargs must make torch raise the same message (checked below).
BAD_INPUTS = [
    (optim.SGD, dict(lr=-1.0), r"^Invalid learning rate: -1\.0$"),
    (optim.SGD, dict(lr=0.1, momentum=-0.5), r"^Invalid momentum value: -0\.5$"),
    (optim.SGD, dict(lr=0.1, weight_decay=-1e-2), r"^Invalid weight_decay value: -0\.01$"),
    (optim.SGD, dict(lr=0.1, nesterov=True), r"^Nesterov momentum requires a momentum and zero dampening$"),
    (optim.SGD, dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), r"requires a momentum and zero dampening"),
    (optim.Momentum, dict(lr=-0.1), r"^Invalid learning rate: -0\.1$"),
    (optim.Momentum, dict(momentum=-1.0), r"^Invalid momentum value: -1\.0$"),
    (optim.NAG, dict(momentum=0.0), r"^Nesterov momentum requires a momentum and zero dampening$"),
    (optim.NAG, dict(weight_decay=-2.0), r"^Invalid weight_decay value: -2\.0$"),
    (optim.Adagrad, dict(lr=-1.0), r"^Invalid learning rate: -1\.0$"),
    (optim.Adagrad, dict(lr_decay=-0.1), r"^Invalid lr_decay value: -0\.1$"),
    (optim.Adagrad, dict(weight_decay=-0.1), r"^Invalid weight_decay value: -0\.1$"),
    (optim.Adagrad, dict(initial_accumulator_value=-1.0), r"^Invalid initial_accumulator_value value: -1\.0$"),
    (optim.Adagrad, dict(eps=-1e-10), r"^Invalid epsilon value: -1e-10$"),
    (optim.RMSprop, dict(lr=-0.01), r"^Invalid learning rate: -0\.01$"),
    (optim.RMSprop, dict(eps=-1.0), r"^Invalid epsilon value: -1\.0$"),
    (optim.RMSprop, dict(momentum=-0.9), r"^Invalid momentum value: -0\.9$"),
    (optim.RMSprop, dict(weight_decay=-1.0), r"^Invalid weight_decay value: -1\.0$"),
    (optim.RMSprop, dict(alpha=-0.99), r"^Invalid alpha value: -0\.99$"),
    (optim.Adam, dict(lr=-1.0), r"^Invalid learning rate: -1\.0$"),
    (optim.Adam, dict(eps=-1e-8), r"^Invalid epsilon value: -1e-08$"),
    (optim.Adam, dict(betas=(1.0, 0.999)), r"^Invalid beta parameter at index 0: 1\.0$"),
    (optim.Adam, dict(betas=(0.9, -0.1)), r"^Invalid beta parameter at index 1: -0\.1$"),
    (optim.Adam, dict(weight_decay=-0.1), r"^Invalid weight_decay value: -0\.1$"),
    (optim.AdamW, dict(lr=-3.0), r"^Invalid learning rate: -3\.0$"),
    (optim.AdamW, dict(betas=(0.9, 1.5)), r"^Invalid beta parameter at index 1: 1\.5$"),
    (optim.Adadelta, dict(lr=-1.0), r"^Invalid learning rate: -1\.0$"),
    (optim.Adadelta, dict(rho=1.1), r"^Invalid rho value: 1\.1$"),
    (optim.Adadelta, dict(eps=-1e-6), r"^Invalid epsilon value: -1e-06$"),
    (optim.Adadelta, dict(weight_decay=-1.0), r"^Invalid weight_decay value: -1\.0$"),
    (optim.NAdam, dict(lr=-1.0), r"^Invalid learning rate: -1\.0$"),
    (optim.NAdam, dict(betas=(-0.1, 0.999)), r"^Invalid beta parameter at index 0: -0\.1$"),
    (optim.NAdam, dict(momentum_decay=-4e-3), r"^Invalid momentum_decay value: -0\.004$"),
    (optim.RAdam, dict(lr=-1.0), r"^Invalid learning rate: -1\.0$"),
    (optim.RAdam, dict(eps=-1.0), r"^Invalid epsilon value: -1\.0$"),
    (optim.RAdam, dict(weight_decay=-1.0), r"^Invalid weight_decay value: -1\.0$"),
    (optim.Adafactor, dict(lr=-1.0), r"^Learning rate should be >= 0 but is: -1\.0$"),
    (optim.Adafactor, dict(beta2_decay=0.8), r"^beta2_decay should be <= 0 but is: 0\.8$"),
    (optim.Adafactor, dict(eps=(-1.0, 1e-3)), r"^epsilon1 should be >= 0 but is: -1\.0$"),
    (optim.Adafactor, dict(eps=(None, -1e-3)), r"^epsilon2 should be >= 0 but is: -0\.001$"),
    (optim.Adafactor, dict(d=0.5), r"^Clipping threshold d should be >= 1 but is: 0\.5$"),
    (optim.Adafactor, dict(weight_decay=-1.0), r"^weight_decay should be >= 0 but is: -1\.0$"),
    (optim.Lion, dict(lr=-1e-4), r"^Invalid learning rate: -0\.0001$"),
    (optim.Lion, dict(betas=(0.9, 1.0)), r"^Invalid beta parameter at index 1: 1\.0$"),
    (optim.Lion, dict(weight_decay=-1.0), r"^Invalid weight_decay value: -1\.0$"),
    (optim.LAMB, dict(lr=-1.0), r"^Invalid learning rate: -1\.0$"),
    (optim.LAMB, dict(eps=-1e-6), r"^Invalid epsilon value: -1e-06$"),
    (optim.LAMB, dict(betas=(1.2, 0.999)), r"^Invalid beta parameter at index 0: 1\.2$"),
    (optim.LAMB, dict(weight_decay=-0.5), r"^Invalid weight_decay value: -0\.5$"),
]
TORCH_TWIN = {optim.SGD: torch.optim.SGD, optim.Adagrad: torch.optim.Adagrad, optim.RMSprop: torch.optim.RMSprop,
              optim.Adam: torch.optim.Adam, optim.AdamW: torch.optim.AdamW, optim.Adadelta: torch.optim.Adadelta,
              optim.NAdam: torch.optim.NAdam, optim.RAdam: torch.optim.RAdam,
              optim.Adafactor: torch.optim.Adafactor, optim.Lion: ref_optim.Lion, optim.LAMB: ref_optim.LAMB}


@pytest.mark.parametrize("cls, kwargs, message", BAD_INPUTS,
                         ids=[f"{c.__name__}-{'-'.join(k)}" for c, k, _ in BAD_INPUTS])
def test_bad_hyperparameters_raise_value_error_naming_the_value(cls, kwargs, message):
    with pytest.raises(ValueError, match=message):
        cls([_param()], **kwargs)
    if cls in TORCH_TWIN:  # the wording is torch's own (or, for Lion/LAMB, our reference's)
        with pytest.raises(ValueError, match=message):
            TORCH_TWIN[cls]([torch.nn.Parameter(torch.ones(2, 3))], **kwargs)


def test_defaults_fill_each_group_and_group_values_win():
    a, b = _param(), _param()
    opt = optim.Adam([{"params": [a], "lr": 0.5}, {"params": b}], betas=(0.8, 0.9))
    assert opt.param_groups[0]["lr"] == 0.5 and opt.param_groups[1]["lr"] == 1e-3
    assert all(g["betas"] == (0.8, 0.9) and g["amsgrad"] is False for g in opt.param_groups)
    assert opt.defaults["lr"] == 1e-3


def test_add_param_group_refuses_sets_and_shared_parameters():
    a, b = _param(), _param()
    opt = optim.SGD([a], lr=0.1)
    with pytest.raises(TypeError, match="ordered collections"):
        opt.add_param_group({"params": {b}})
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})
    with pytest.raises(TypeError, match="ordered collections"):
        optim.SGD({a}, lr=0.1)
    with pytest.raises(TypeError, match="should be an iterable of Tensors or dicts"):
        optim.SGD(a, lr=0.1)
    with pytest.raises(TypeError, match="should be an iterable of Tensors or dicts"):
        torch.optim.SGD(torch.nn.Parameter(torch.ones(1)), lr=0.1)
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    opt.add_param_group({"params": b, "momentum": 0.9})
    assert opt.param_groups[1]["params"] == [b] and opt.param_groups[1]["lr"] == 0.1


def test_parameter_without_grad_is_skipped_and_keeps_no_state():
    a, b = _param(), _param()
    opt = optim.Adam([a, b], lr=0.1)
    a.grad = mt.Tensor(np.ones((2, 3)))
    opt.step()
    assert b not in opt.state and np.all(b.array == 1.0)
    assert opt.state[a]["step"] == 1.0 and np.all(a.array < 1.0)


def test_zero_grad_sets_to_none_or_zeros():
    a = _param()
    opt = optim.SGD([a], lr=0.1)
    a.grad = mt.Tensor(np.ones((2, 3)))
    opt.zero_grad(set_to_none=False)
    assert a.grad is not None and np.all(a.grad.array == 0)
    opt.zero_grad()
    assert a.grad is None


def test_step_returns_the_closure_loss():
    a = _param()
    opt = optim.SGD([a], lr=0.1)

    def closure():
        a.grad = mt.Tensor(np.full((2, 3), 2.0))
        return 7.0

    assert opt.step(closure) == 7.0
    np.testing.assert_allclose(a.array, 1.0 - 0.1 * 2.0)


def test_state_dict_format_matches_torch():
    """Params become integer ids in order across groups; state arrays are copies with torch's keys."""
    inits = [np.linspace(-1, 1, 6).reshape(2, 3), np.linspace(0.5, 2, 4)]
    ours = [nn.Parameter(mt.Tensor(a.copy())) for a in inits]
    theirs = [torch.nn.Parameter(torch.tensor(a.copy())) for a in inits]
    our_opt = optim.Adam([{"params": [ours[0]]}, {"params": [ours[1]], "lr": 0.1}], amsgrad=True)
    their_opt = torch.optim.Adam([{"params": [theirs[0]]}, {"params": [theirs[1]], "lr": 0.1}], amsgrad=True)
    for p, q in zip(ours, theirs):
        p.grad, q.grad = mt.Tensor(np.ones(p.shape)), torch.ones(q.shape, dtype=torch.float64)
    our_opt.step()
    their_opt.step()
    sd, tsd = our_opt.state_dict(), their_opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [g["params"] for g in tsd["param_groups"]] == [[0], [1]]
    assert set(sd["state"]) == set(tsd["state"]) == {0, 1}
    for i in (0, 1):
        assert set(sd["state"][i]) == set(tsd["state"][i])
        for key, value in tsd["state"][i].items():
            np.testing.assert_allclose(np.asarray(sd["state"][i][key]), value.numpy(), rtol=1e-12)
    sd["state"][0]["exp_avg"][...] = 99.0  # a copy: the optimizer's own state is untouched
    assert not np.any(our_opt.state[ours[0]]["exp_avg"] == 99.0)


def test_load_state_dict_rejects_mismatched_groups():
    a, b = _param(), _param()
    saved = optim.SGD([a, b], lr=0.1).state_dict()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1).load_state_dict(saved)
    with pytest.raises(ValueError, match="doesn't match the size"):
        optim.SGD([a], lr=0.1).load_state_dict(saved)


def test_load_state_dict_rejects_malformed_groups_before_touching_anything():
    """Every malformed ``param_groups`` — not a list, or any entry not a dict with a list of ids — is one
    clear TypeError, and the optimizer is unchanged (torch trips over each in its own way: KeyError
    'params', "'int' object is not subscriptable", a group-count ValueError). A single bad entry among
    good ones counts (seed-16 survivor: the check's ``or`` → ``and`` let a list of bad entries through)."""
    a = _param()
    opt = optim.SGD([a], lr=0.1)
    good = {"params": [0], "lr": 0.5, "momentum": 0, "dampening": 0, "weight_decay": 0, "nesterov": False,
            "maximize": False}
    for groups in ([1], [{"lr": 0.1}], [{"params": 5, "lr": 0.1}], "abc", [good, 3], ({"params": 7},)):
        with pytest.raises(TypeError, match="must be a list of dicts"):
            opt.load_state_dict({"state": {}, "param_groups": groups})
        assert opt.param_groups[0]["lr"] == 0.1


def test_load_state_dict_restores_hyperparameters_and_casts_state_to_param_dtype():
    a = nn.Parameter(mt.Tensor(np.ones(3)))
    opt = optim.SGD([a], lr=0.3, momentum=0.9)
    a.grad = mt.Tensor(np.ones(3))
    opt.step()
    saved = opt.state_dict()
    b = nn.Parameter(mt.Tensor(np.ones(3, dtype=np.float32)))
    other = optim.SGD([b], lr=0.01)
    other.load_state_dict(saved)
    assert other.param_groups[0]["lr"] == 0.3 and other.param_groups[0]["params"] == [b]
    assert other.state[b]["momentum_buffer"].dtype == np.float32


def test_repr_lists_each_group_like_torch():
    a = _param()
    ours = repr(optim.SGD([a], lr=0.1, momentum=0.9))
    assert ours.startswith("SGD (\nParameter Group 0\n") and ours.endswith("\n)")
    assert "    lr: 0.1\n" in ours and "    momentum: 0.9\n" in ours and "params" not in ours
    theirs = repr(torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1, momentum=0.9))
    our_keys = re.findall(r"^    (\w+):", ours, re.M)
    assert set(our_keys) <= set(re.findall(r"^    (\w+):", theirs, re.M))


def test_momentum_and_nag_are_sgd_configurations():
    a = _param()
    m, n = optim.Momentum([a]), optim.NAG([_param()])
    assert isinstance(m, optim.SGD) and isinstance(n, optim.SGD)
    assert m.param_groups[0]["momentum"] == 0.9 and m.param_groups[0]["nesterov"] is False
    assert n.param_groups[0]["nesterov"] is True and n.param_groups[0]["dampening"] == 0
