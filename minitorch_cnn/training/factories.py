"""Models, optimizers and schedulers by name, for either engine (``"minitorch"`` or ``"torch"``).

The same name gives the same thing on both sides: our class from ``minitorch_cnn``, its twin from
torch (or from ``reference/`` where torch has none). torch is imported only when asked for.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from .config import OPTIMIZERS, SCHEDULERS, TrainConfig, canonical_name, import_torch


@dataclass(frozen=True)
class ModelSpec:
    """A model of the command: the class name shared by ``minitorch_cnn.models`` and its torch twin in
    ``reference/models.py``, and the constructor's arguments for 28×28 Fashion-MNIST."""

    cls: str
    kwargs: dict = field(default_factory=dict)
    help: str = ""


# --model NAME → the model. Adding a model is one entry here (plus the class on both sides).
MODELS: dict[str, ModelSpec] = {
    "fcn": ModelSpec("SimpleFCN", dict(in_features=28 * 28, num_classes=10), "SimpleFCN"),
    "cnn": ModelSpec("SimpleCNN", {}, "the lecture's SimpleCNN"),
    "cnn2": ModelSpec("FashionCNN", {}, "two conv layers; the one trained on the full data"),
    "cnn_bn": ModelSpec("BNCNN", {}, "cnn2 with BatchNorm and Dropout"),
}


def build_model(engine: str, name: str):
    """Model ``name`` on ``engine``; our weights come from the global generator (``manual_seed`` first)."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")
    spec = MODELS[name]
    if engine == "minitorch":
        from .. import models
    else:
        import_torch()
        from minitorch_cnn.reference import models
    return getattr(models, spec.cls)(**spec.kwargs)


# ---------------------------------------------------------------------------------------------
# optimizers


def _torch_momentum(torch):
    """Momentum and NAG on the torch side: SGD configurations with our defaults (momentum 0.9)."""

    def momentum(params, lr=1e-3, momentum=0.9, dampening=0, weight_decay=0, *, maximize=False):
        return torch.optim.SGD(params, lr=lr, momentum=momentum, dampening=dampening,
                               weight_decay=weight_decay, maximize=maximize)

    def nag(params, lr=1e-3, momentum=0.9, weight_decay=0, *, maximize=False):
        return torch.optim.SGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay,
                               nesterov=True, maximize=maximize)

    return {"Momentum": momentum, "NAG": nag}


def optimizer_class(engine: str, name: str):
    """The optimizer class (or factory) called ``name`` on ``engine`` ("minitorch" or "torch")."""
    name = canonical_name(name, OPTIMIZERS, "optimizer")
    if engine == "minitorch":
        from .. import optim
        return getattr(optim, name)
    torch = import_torch()
    if name in ("Lion", "LAMB"):
        from minitorch_cnn.reference import optimizers as ref
        return getattr(ref, name)
    if name in ("Momentum", "NAG"):
        try:
            from minitorch_cnn.reference import optimizers as ref
            if hasattr(ref, name):
                return getattr(ref, name)
        except ImportError:
            pass
        return _torch_momentum(torch)[name]
    return getattr(torch.optim, name)


def make_optimizer(engine: str, cfg: TrainConfig, params):
    kwargs = dict(cfg.opt_args)
    if cfg.lr is not None:
        kwargs["lr"] = cfg.lr
    cls = optimizer_class(engine, cfg.optimizer)
    try:
        return cls(params, **kwargs)
    except TypeError as e:
        raise ValueError(f"--optimizer {cfg.optimizer} with {kwargs}: {e}") from None


# ---------------------------------------------------------------------------------------------
# schedulers

# Schedulers stepped after every batch rather than every epoch
PER_STEP_SCHEDULERS = {"OneCycleLR"}


def scheduler_kwargs(name: str, args: dict, epochs: int, steps_per_epoch: int, lr: float) -> dict:
    """``args`` completed with the command's defaults for scheduler ``name`` (see :func:`make_scheduler`);
    lambdas and nested schedulers are still in their command-line form."""
    kwargs = dict(args)
    if name in ("LambdaLR", "MultiplicativeLR"):
        kwargs.setdefault("lr_lambda", 0.95)
    elif name == "SequentialLR":
        kwargs.setdefault("schedulers", [("LinearLR", {"start_factor": 0.1, "total_iters": 1}),
                                         ("ExponentialLR", {"gamma": 0.9})])
        kwargs.setdefault("milestones", [1])
    elif name == "OneCycleLR":
        kwargs.setdefault("max_lr", lr)
        if "epochs" not in kwargs and "steps_per_epoch" not in kwargs:
            # not shortened by --max-steps: a run stopped early must stay the start of the full run
            kwargs.setdefault("total_steps", epochs * steps_per_epoch)
    elif name == "StepLR":
        kwargs.setdefault("step_size", 1)
    elif name == "MultiStepLR":
        kwargs.setdefault("milestones", [max(epochs // 2, 1)])
    elif name == "ExponentialLR":
        kwargs.setdefault("gamma", 0.9)
    elif name == "CosineAnnealingLR":
        kwargs.setdefault("T_max", epochs)
    elif name == "CosineAnnealingWarmRestarts":
        kwargs.setdefault("T_0", 1)
    return kwargs


def make_scheduler(engine: str, cfg: TrainConfig, optimizer, steps_per_epoch: int, sched=None,
                   args: dict | None = None):
    """The scheduler ``cfg.scheduler`` (or ``sched`` with ``args``) on ``engine``, or None.

    Arguments that are functions or other schedulers cannot be typed on a command line, so:

    * ``LambdaLR``: ``lr_lambda=F`` (a number) means ``lambda epoch: F ** epoch``;
    * ``MultiplicativeLR``: ``lr_lambda=F`` means ``lambda epoch: F`` (default 0.95 for both);
    * ``SequentialLR``: ``schedulers=[("LinearLR", {"start_factor": 0.1, "total_iters": 2}),
      ("CosineAnnealingLR", {"T_max": 3})]`` and ``milestones=[2]``;
    * ``OneCycleLR``: ``max_lr`` defaults to the optimizer's lr and ``total_steps`` to ``epochs``
      times the batches per epoch; it is stepped after every batch, the others after every epoch.
    * ``StepLR``/``CosineAnnealingLR``/``CosineAnnealingWarmRestarts`` get ``step_size=1``/
      ``T_max=epochs``/``T_0=1`` when not given; ``MultiStepLR`` ``milestones=[epochs // 2]``.
    """
    name = sched if sched is not None else cfg.scheduler
    if name is None:
        return None
    name = canonical_name(name, SCHEDULERS, "scheduler")
    kwargs = scheduler_kwargs(name, cfg.sched_args if args is None else args, cfg.epochs, steps_per_epoch,
                              optimizer.param_groups[0]["lr"])
    if engine == "minitorch":
        from ..optim import lr_scheduler as mod
    else:
        mod = import_torch().optim.lr_scheduler
    if name == "LambdaLR":
        f = float(kwargs.pop("lr_lambda"))
        kwargs["lr_lambda"] = lambda epoch, f=f: f ** epoch
    elif name == "MultiplicativeLR":
        f = float(kwargs.pop("lr_lambda"))
        kwargs["lr_lambda"] = lambda epoch, f=f: f
    elif name == "SequentialLR":
        kwargs["schedulers"] = [make_scheduler(engine, cfg, optimizer, steps_per_epoch, sched=n, args=a)
                                for n, a in kwargs["schedulers"]]
    try:
        return getattr(mod, name)(optimizer, **kwargs)
    except TypeError as e:
        raise ValueError(f"--scheduler {name} with {kwargs}: {e}") from None


def steps_per_epoch(n_train: int, batch_size: int) -> int:
    return math.ceil(n_train / batch_size)
