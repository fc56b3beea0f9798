"""The sweep's cases: random layers, losses, optimizer hyperparameters and scheduler arguments, each
run on this engine and on torch from the same inputs, and compared (see the package docstring)."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .common import OPT_STEPS, SCHED_STEPS, Row, _default_dtype, _torch, rel_error

# ---------------------------------------------------------------------------------------------
# layers and losses


def _layer_cases(rng: np.random.Generator):
    """(name, build(nn_module) -> layer, input shape, extra) for one random case of each layer."""

    def linear():
        fin, fout = int(rng.integers(1, 9)), int(rng.integers(1, 9))
        bias = bool(rng.integers(2))
        lead = tuple(int(s) for s in rng.integers(1, 4, size=int(rng.integers(1, 3))))
        return (lambda nn: nn.Linear(fin, fout, bias=bias)), lead + (fin,), f"Linear({fin}, {fout}, bias={bias})"

    def conv2d():
        groups = int(rng.choice([1, 1, 2]))
        cin, cout = groups * int(rng.integers(1, 3)), groups * int(rng.integers(1, 3))
        k = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        stride = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
        padding = (int(rng.integers(0, 3)), int(rng.integers(0, 3)))
        dilation = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
        bias = bool(rng.integers(2))
        hw = tuple(max(int(rng.integers(4, 9)), dilation[i] * (k[i] - 1) + 1) for i in range(2))
        n = int(rng.integers(1, 4))
        desc = (f"Conv2d({cin}, {cout}, {k}, stride={stride}, padding={padding}, dilation={dilation}, "
                f"groups={groups}, bias={bias})")
        return (lambda nn: nn.Conv2d(cin, cout, k, stride=stride, padding=padding, dilation=dilation,
                                     groups=groups, bias=bias)), (n, cin) + hw, desc

    def maxpool2d():
        k = int(rng.integers(1, 4))
        stride = None if rng.integers(2) else int(rng.integers(1, 3))
        padding = int(rng.integers(0, k // 2 + 1))
        shape = (int(rng.integers(1, 3)), int(rng.integers(1, 4)), int(rng.integers(k, 9)), int(rng.integers(k, 9)))
        return (lambda nn: nn.MaxPool2d(k, stride=stride, padding=padding)), shape, \
            f"MaxPool2d({k}, stride={stride}, padding={padding})"

    def relu():
        shape = tuple(int(s) for s in rng.integers(1, 6, size=int(rng.integers(1, 5))))
        return (lambda nn: nn.ReLU()), shape, "ReLU()"

    def flatten():
        ndim = int(rng.integers(2, 5))
        shape = tuple(int(s) for s in rng.integers(1, 5, size=ndim))
        start = int(rng.integers(0, ndim))
        end = int(rng.integers(start, ndim))
        end = end - ndim if rng.integers(2) else end
        return (lambda nn: nn.Flatten(start, end)), shape, f"Flatten({start}, {end})"

    return {"Linear": linear, "Conv2d": conv2d, "MaxPool2d": maxpool2d, "ReLU": relu, "Flatten": flatten}


def _copy_params(ours, theirs, torch) -> None:
    for name, p in ours.named_parameters():
        with torch.no_grad():
            theirs.get_parameter(name).copy_(torch.from_numpy(np.array(p.detach().numpy())))


def check_layer(name: str, make, rng: np.random.Generator, dtype: str, row: Row) -> None:
    import minitorch_cnn as mt
    from minitorch_cnn import nn as ours_nn

    torch = _torch()
    build, shape, desc = make()
    np_dtype = np.dtype(dtype)
    ours = build(ours_nn)
    ours = ours.double() if dtype == "float64" else ours.float()
    theirs = build(torch.nn).to(getattr(torch, dtype))
    _copy_params(ours, theirs, torch)
    x = rng.standard_normal(shape).astype(np_dtype)
    xo = mt.Tensor(x.copy(), requires_grad=True)
    xt = torch.from_numpy(x.copy()).requires_grad_(True)
    yo, yt = ours(xo), theirs(xt)
    row.add(rel_error(yo.detach().numpy(), yt.detach().numpy(), dtype), f"{desc}: output")
    gy = rng.standard_normal(tuple(yt.shape)).astype(np_dtype)
    yo.backward(mt.Tensor(gy.copy()))
    yt.backward(torch.from_numpy(gy.copy()))
    row.add(rel_error(xo.grad.numpy(), xt.grad.numpy(), dtype), f"{desc}: input grad")
    for pname, p in ours.named_parameters():
        row.add(rel_error(p.grad.numpy(), theirs.get_parameter(pname).grad.numpy(), dtype),
                f"{desc}: {pname} grad")


def _loss_cases(rng: np.random.Generator):
    def mse():
        reduction = str(rng.choice(["mean", "sum", "none"]))
        shape = tuple(int(s) for s in rng.integers(1, 5, size=int(rng.integers(1, 4))))
        return (lambda nn: nn.MSELoss(reduction=reduction)), shape, None, f"MSELoss(reduction={reduction!r})"

    def cross_entropy():
        reduction = str(rng.choice(["mean", "sum", "none"]))
        smoothing = float(rng.choice([0.0, 0.0, round(float(rng.uniform(0, 0.5)), 3)]))
        n, c = int(rng.integers(1, 6)), int(rng.integers(2, 7))
        target = rng.integers(0, c, size=n).astype(np.int64)
        return (lambda nn: nn.CrossEntropyLoss(reduction=reduction, label_smoothing=smoothing)), (n, c), target, \
            f"CrossEntropyLoss(reduction={reduction!r}, label_smoothing={smoothing})"

    return {"MSELoss": mse, "CrossEntropyLoss": cross_entropy}


def check_loss(name: str, make, rng: np.random.Generator, dtype: str, row: Row) -> None:
    import minitorch_cnn as mt
    from minitorch_cnn import nn as ours_nn

    torch = _torch()
    build, shape, target, desc = make()
    np_dtype = np.dtype(dtype)
    x = rng.standard_normal(shape).astype(np_dtype)
    if target is None:
        target = rng.standard_normal(shape).astype(np_dtype)
    xo = mt.Tensor(x.copy(), requires_grad=True)
    xt = torch.from_numpy(x.copy()).requires_grad_(True)
    lo = build(ours_nn)(xo, mt.Tensor(target.copy()))
    lt = build(torch.nn)(xt, torch.from_numpy(target.copy()))
    row.add(rel_error(lo.detach().numpy(), lt.detach().numpy(), dtype), f"{desc}: loss")
    gy = rng.standard_normal(tuple(lt.shape)).astype(np_dtype)
    lo.backward(mt.Tensor(gy.copy()))
    lt.backward(torch.from_numpy(gy.copy()))
    row.add(rel_error(xo.grad.numpy(), xt.grad.numpy(), dtype), f"{desc}: input grad")


# ---------------------------------------------------------------------------------------------
# optimizers


def _optimizer_configs(rng: np.random.Generator) -> dict[str, Callable[[], dict]]:
    """A random hyperparameter draw for each optimizer (ours takes the same keywords as torch's)."""
    u = lambda lo, hi: round(float(rng.uniform(lo, hi)), 6)  # noqa: E731
    wd = lambda: float(rng.choice([0.0, u(0.0, 0.1)]))         # noqa: E731
    maximize = lambda: bool(rng.integers(2))                    # noqa: E731
    betas = lambda: (u(0.5, 0.95), u(0.9, 0.999))               # noqa: E731

    def sgd():
        momentum = float(rng.choice([0.0, u(0.1, 0.95)]))
        nesterov = bool(momentum > 0 and rng.integers(2))
        dampening = 0.0 if nesterov or not rng.integers(2) else u(0.0, 0.5)
        return dict(lr=u(1e-3, 0.1), momentum=momentum, dampening=dampening, weight_decay=wd(),
                    nesterov=nesterov, maximize=maximize())

    return {
        "SGD": sgd,
        "Momentum": lambda: dict(lr=u(1e-3, 0.1), momentum=u(0.1, 0.95), dampening=float(rng.choice([0, u(0, .5)])),
                                 weight_decay=wd(), maximize=maximize()),
        "NAG": lambda: dict(lr=u(1e-3, 0.1), momentum=u(0.1, 0.95), weight_decay=wd(), maximize=maximize()),
        "Adagrad": lambda: dict(lr=u(1e-3, 0.1), lr_decay=float(rng.choice([0.0, u(0, 0.1)])), weight_decay=wd(),
                                initial_accumulator_value=float(rng.choice([0.0, u(0, 0.5)])),
                                eps=float(rng.choice([1e-10, 1e-6])), maximize=maximize()),
        "RMSprop": lambda: dict(lr=u(1e-3, 0.05), alpha=u(0.8, 0.999), eps=1e-8, weight_decay=wd(),
                                momentum=float(rng.choice([0.0, u(0.1, 0.9)])), centered=bool(rng.integers(2)),
                                maximize=maximize()),
        "Adam": lambda: dict(lr=u(1e-3, 0.05), betas=betas(), eps=1e-8, weight_decay=wd(),
                             amsgrad=bool(rng.integers(2)), maximize=maximize()),
        "AdamW": lambda: dict(lr=u(1e-3, 0.05), betas=betas(), eps=1e-8, weight_decay=u(0, 0.1),
                              amsgrad=bool(rng.integers(2)), maximize=maximize()),
        "Adadelta": lambda: dict(lr=u(0.1, 1.0), rho=u(0.8, 0.95), eps=1e-6, weight_decay=wd(),
                                 maximize=maximize()),
        "NAdam": lambda: dict(lr=u(1e-3, 0.05), betas=betas(), eps=1e-8, weight_decay=wd(),
                              momentum_decay=u(1e-3, 1e-2), decoupled_weight_decay=bool(rng.integers(2)),
                              maximize=maximize()),
        "RAdam": lambda: dict(lr=u(1e-3, 0.05), betas=betas(), eps=1e-8, weight_decay=wd(),
                              decoupled_weight_decay=bool(rng.integers(2)), maximize=maximize()),
        "Adafactor": lambda: dict(lr=u(1e-3, 0.05), beta2_decay=u(-0.9, -0.5), d=u(1.0, 2.0),
                                  weight_decay=wd(), maximize=maximize()),
        "Lion": lambda: dict(lr=u(1e-4, 1e-2), betas=betas(), weight_decay=wd(), maximize=maximize()),
        "LAMB": lambda: dict(lr=u(1e-3, 0.05), betas=betas(), eps=1e-6, weight_decay=wd(), maximize=maximize()),
    }


PARAM_SHAPES = [(4, 5), (2, 3, 4), (6,)]


def check_optimizer(name: str, draw, rng: np.random.Generator, dtype: str, row: Row) -> None:
    import minitorch_cnn as mt
    from minitorch_cnn.training import optimizer_class

    torch = _torch()
    kwargs = draw()
    np_dtype = np.dtype(dtype)
    init = [rng.standard_normal(s).astype(np_dtype) for s in PARAM_SHAPES]
    grads = [[rng.standard_normal(s).astype(np_dtype) for s in PARAM_SHAPES] for _ in range(OPT_STEPS)]
    ours_params = [mt.nn.Parameter(mt.Tensor(a.copy())) for a in init]
    with _default_dtype(torch, dtype):
        their_params = [torch.nn.Parameter(torch.from_numpy(a.copy())) for a in init]
        ours = optimizer_class("minitorch", name)(ours_params, **kwargs)
        theirs = optimizer_class("torch", name)(their_params, **kwargs)
        for step, gs in enumerate(grads, start=1):
            for po, pt, g in zip(ours_params, their_params, gs):
                po.grad = mt.Tensor(g.copy())
                pt.grad = torch.from_numpy(g.copy())
            ours.step()
            theirs.step()
            for k, (po, pt) in enumerate(zip(ours_params, their_params)):
                row.add(rel_error(po.detach().numpy(), pt.detach().numpy(), dtype),
                        f"{name}({_fmt(kwargs)}): param {k} {PARAM_SHAPES[k]} at step {step}")


def _fmt(kwargs: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in kwargs.items())


# ---------------------------------------------------------------------------------------------
# schedulers


def _scheduler_configs(rng: np.random.Generator) -> dict[str, Callable[[], tuple[dict, bool]]]:
    """A random argument draw for each scheduler. Lambdas are rebuilt per engine from a factor."""
    i = lambda lo, hi: int(rng.integers(lo, hi))             # noqa: E731
    u = lambda lo, hi: round(float(rng.uniform(lo, hi)), 4)  # noqa: E731
    return {
        "StepLR": lambda: dict(step_size=i(1, 6), gamma=u(0.1, 0.9)),
        "MultiStepLR": lambda: dict(milestones=sorted({i(1, 20) for _ in range(3)}), gamma=u(0.1, 0.9)),
        "ExponentialLR": lambda: dict(gamma=u(0.8, 0.99)),
        "CosineAnnealingLR": lambda: dict(T_max=i(3, 15), eta_min=float(rng.choice([0.0, u(0, 1e-3)]))),
        "CosineAnnealingWarmRestarts": lambda: dict(T_0=i(1, 6), T_mult=i(1, 3),
                                                    eta_min=float(rng.choice([0.0, u(0, 1e-3)]))),
        "LinearLR": lambda: dict(start_factor=u(0.05, 1.0), end_factor=u(0.5, 1.0), total_iters=i(1, 10)),
        "ConstantLR": lambda: dict(factor=u(0.1, 1.0), total_iters=i(1, 10)),
        "LambdaLR": lambda: dict(lr_lambda=u(0.8, 0.99)),
        "MultiplicativeLR": lambda: dict(lr_lambda=u(0.8, 0.99)),
        "PolynomialLR": lambda: dict(total_iters=i(1, 20), power=u(0.5, 3.0)),
        "OneCycleLR": lambda: dict(max_lr=u(0.01, 1.0), total_steps=SCHED_STEPS + i(1, 10),
                                   pct_start=u(0.1, 0.5), anneal_strategy=str(rng.choice(["cos", "linear"])),
                                   three_phase=bool(rng.integers(2)), cycle_momentum=False),
        "ReduceLROnPlateau": lambda: dict(mode=str(rng.choice(["min", "max"])), factor=u(0.1, 0.9),
                                          patience=i(0, 4), threshold=u(0, 1e-2),
                                          threshold_mode=str(rng.choice(["rel", "abs"])), cooldown=i(0, 3)),
        "SequentialLR": lambda: dict(schedulers=[("LinearLR", dict(start_factor=u(0.05, 1.0), total_iters=i(1, 6))),
                                                 ("ExponentialLR", dict(gamma=u(0.8, 0.99)))],
                                     milestones=[i(1, 10)]),
    }


def check_scheduler(name: str, draw, rng: np.random.Generator, dtype: str, row: Row) -> None:
    import minitorch_cnn as mt
    from minitorch_cnn.training import TrainConfig, make_scheduler

    torch = _torch()
    args = draw()
    lr = round(float(rng.uniform(0.01, 1.0)), 4)
    metrics = rng.standard_normal(SCHED_STEPS).cumsum().tolist()
    cfg = TrainConfig(scheduler=name, sched_args=args)
    ours_opt = mt.optim.SGD([mt.nn.Parameter(mt.zeros(2))], lr=lr)
    their_opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=lr)
    ours = make_scheduler("minitorch", cfg, ours_opt, steps_per_epoch=1)
    theirs = make_scheduler("torch", cfg, their_opt, steps_per_epoch=1)
    lrs_o, lrs_t = [ours_opt.param_groups[0]["lr"]], [their_opt.param_groups[0]["lr"]]
    for m in metrics:
        ours_opt.step()
        their_opt.step()
        if name == "ReduceLROnPlateau":
            ours.step(m)
            theirs.step(m)
        else:
            ours.step()
            theirs.step()
        lrs_o.append(ours_opt.param_groups[0]["lr"])
        lrs_t.append(their_opt.param_groups[0]["lr"])
    err = rel_error(lrs_o, lrs_t, "float64")
    row.add(err, f"{name}({_fmt(args)}), lr={lr}")
