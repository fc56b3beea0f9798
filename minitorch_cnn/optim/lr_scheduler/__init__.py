"""Learning-rate schedulers giving torch 2.13's learning-rate sequences.

Usage (as in torch)::

    sched = lr_scheduler.StepLR(opt, step_size=10, gamma=0.1)
    for epoch in range(n):
        train_one_epoch(...)          # calls opt.step()
        sched.step()                  # then move the schedule on
    sched.get_last_lr()               # the lr of each param group

How they work.  Creating a scheduler records ``initial_lr`` in every param group (its ``base_lrs``)
and performs step 0.  Each later ``step()`` increments ``last_epoch`` and writes new lrs into the
optimizer's groups.  Like torch, most schedules are computed *recursively* — the new lr is the
group's current lr times a factor — so that several schedulers can be chained; the closed form each
docstring gives is what that recursion equals (up to rounding, which is why we follow torch's
recursion exactly).  Notation: η₀ = base lr, t = ``last_epoch``.

Files: ``base.py`` (LRScheduler), ``lambda_lr.py`` (user functions), ``decay.py`` (step, exponential,
linear, polynomial, …), ``cyclic.py`` (cosine, warm restarts, one-cycle), ``plateau.py``
(ReduceLROnPlateau), ``sequential.py`` (SequentialLR).
"""
from .base import LRScheduler
from .cyclic import CosineAnnealingLR, CosineAnnealingWarmRestarts, OneCycleLR
from .decay import ConstantLR, ExponentialLR, LinearLR, MultiStepLR, PolynomialLR, StepLR
from .lambda_lr import LambdaLR, MultiplicativeLR
from .plateau import ReduceLROnPlateau
from .sequential import SequentialLR

__all__ = [
    "LRScheduler",
    "LambdaLR",
    "MultiplicativeLR",
    "StepLR",
    "MultiStepLR",
    "ConstantLR",
    "LinearLR",
    "ExponentialLR",
    "PolynomialLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "OneCycleLR",
    "ReduceLROnPlateau",
    "SequentialLR",
]
