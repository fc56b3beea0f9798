"""``minitorch-cnn train``: options built from :class:`~minitorch_cnn.training.TrainConfig`, every
one checked before any work is done, then a :class:`~minitorch_cnn.training.Trainer` run.

A user error is one line on stderr and exit code 2 — the parser's, a value no optimizer or
scheduler accepts (tried on a stand-in parameter over the run's whole schedule), an ``--out`` that
cannot be written or already holds a run, a checkpoint that is not one — before the data is loaded.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import warnings
from pathlib import Path

from ..training import (CHECKPOINT_NAME, CURVES_NAME, DATA, ENGINES, LOG_NAME, OPTIMIZERS, SCHEDULERS, MODELS,
                        PER_STEP_SCHEDULERS, TrainConfig, Trainer, TrainingError, canonical_name, defaults,
                        engines_of, import_torch, load_npz, make_optimizer, make_scheduler, parse_key_values)
from ..training.config import config_fields
from ..training.data import train_size
from ..training.factories import scheduler_kwargs, steps_per_epoch
from .outdir import prepare_out

TRAIN_DEFAULTS = defaults()
EXIT_INTERRUPTED = 130                                    # 128 + SIGINT, as a shell reports Ctrl-C
EXIT_BY_SIGNAL = {"SIGINT": 130, "SIGTERM": 143}
SEED_MAX = 2 ** 32 - 1


# ---------------------------------------------------------------------------------------------
# option values: each a one-line error naming what was expected and what came


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= SEED_MAX:
        raise argparse.ArgumentTypeError(f"expected an integer from 0 to {SEED_MAX}, got {text!r}")
    return value


def _lr(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"expected a finite number >= 0, got {text}")
    return value


def _optimizer_name(text: str) -> str:
    try:
        return canonical_name(text, OPTIMIZERS, "optimizer")
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _scheduler_name(text: str) -> str:
    if text.lower() == "none":
        return "none"
    try:
        return canonical_name(text, SCHEDULERS, "scheduler")
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


# how each TrainConfig field is read from the command line (the flag and help live on the field)
ARGUMENTS = {
    "model": dict(choices=list(MODELS)), "optimizer": dict(type=_optimizer_name), "lr": dict(type=_lr),
    "opt_args": dict(action="append"), "scheduler": dict(type=_scheduler_name),
    "sched_args": dict(action="append"), "epochs": dict(type=_positive_int),
    "batch_size": dict(type=_positive_int), "seed": dict(type=_seed), "data": dict(choices=DATA),
    "engine": dict(choices=ENGINES), "max_steps": dict(type=_positive_int),
    "eval_batch_size": dict(type=_positive_int), "train_limit": dict(type=_positive_int),
    "test_limit": dict(type=_positive_int),
}


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "train", help="train a model on Fashion-MNIST",
        description="Train on Fashion-MNIST with minitorch_cnn, torch, or both side by side from the same "
                    "initial weights and the same batches. Writes a checkpoint (.npz), a JSON log and a PNG "
                    "of the loss and accuracy curves into --out. Options left out when resuming are taken "
                    "from the checkpoint.",
        epilog="examples:\n"
               "  minitorch-cnn train\n"
               "  minitorch-cnn train --engine both --optimizer lion --lr 1e-4\n"
               "  minitorch-cnn train --optimizer sgd --lr 0.05 --opt-arg momentum=0.9 --opt-arg nesterov=true \\\n"
               "      --scheduler CosineAnnealingLR --sched-arg T_max=5\n"
               "  minitorch-cnn train --data full --engine both --model cnn2 --optimizer Adam --epochs 5\n"
               "  minitorch-cnn train --resume runs/train/checkpoint.npz --epochs 10",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    # every default is None here so that --resume can tell what was typed from what was not
    for f in config_fields():
        default = TRAIN_DEFAULTS[f.name]
        shown = f" (default {default})" if default not in (None, {}) else ""
        p.add_argument(f.metadata["flag"], dest=f.name, default=None, help=f.metadata["help"] + shown,
                       **f.metadata["argparse"], **ARGUMENTS[f.name])
    p.add_argument("--out", default=None,
                   help="output directory (default runs/train; with --resume, the checkpoint's directory)")
    p.add_argument("--resume", default=None, metavar="CHECKPOINT",
                   help="continue the run saved in CHECKPOINT (its settings are used; --epochs and "
                        "--max-steps may be raised)")
    p.add_argument("--overwrite", action="store_true",
                   help="replace the run already in --out (without it, such an --out is refused)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)
    return p


# ---------------------------------------------------------------------------------------------
# the run's settings, checked


def train_config(args) -> TrainConfig:
    """The run's settings: the defaults, then the checkpoint's (with --resume), then what was typed."""
    values = dict(TRAIN_DEFAULTS)
    if args.resume:
        _, meta = load_npz(args.resume)
        values.update(meta["config"])
        values["max_steps"] = None         # a new limit (or none) for the continued run
    for f in config_fields():
        typed = getattr(args, f.name, None)
        if typed is None:
            continue
        if f.name in ("opt_args", "sched_args"):
            typed = parse_key_values(typed, f.metadata["flag"])
        elif f.name == "scheduler" and typed == "none":
            values["scheduler"] = None
            continue
        values[f.name] = typed
    if values["sched_args"] and values["scheduler"] is None:
        raise TrainingError("--sched-arg needs a --scheduler to pass it to")
    return TrainConfig(**values)


# scheduler arguments the command checks itself: torch accepts these at construction and fails
# only when stepping (a ZeroDivisionError after the first epoch): name -> smallest allowed value
INT_SCHED_ARGS = {"step_size": 1, "T_max": 1, "T_0": 1, "T_mult": 1, "total_iters": 0, "total_steps": 1,
                  "patience": 0, "cooldown": 0, "epochs": 1, "steps_per_epoch": 1}


def check_schedule(cfg: TrainConfig) -> None:
    """Build each engine's optimizer and scheduler on a stand-in parameter and step the scheduler
    through the whole run, so that a bad value fails now rather than after an epoch."""
    spe = steps_per_epoch(train_size(cfg.data, cfg.train_limit), cfg.batch_size)
    if cfg.scheduler is not None:
        args = scheduler_kwargs(cfg.scheduler, cfg.sched_args, cfg.epochs, spe, cfg.lr or 1e-3)
        for key, low in INT_SCHED_ARGS.items():
            v = args.get(key)
            if key in args and (not isinstance(v, int) or isinstance(v, bool) or v < low):
                raise TrainingError(f"--sched-arg {key}={v}: {cfg.scheduler} needs an integer {key} >= {low}")
    for engine in engines_of(cfg.engine):
        if engine == "torch":
            lib = import_torch()
        else:
            import minitorch_cnn as lib
        param = lib.nn.Parameter(lib.zeros(2))
        try:
            optimizer = make_optimizer(engine, cfg, [param])
        except (ValueError, TypeError, KeyError, RuntimeError) as e:
            raise TrainingError(f"--optimizer {cfg.optimizer} {cfg.opt_args or ''}: {e}".replace("  ", " ")) from None
        if cfg.scheduler is None:
            continue
        steps = cfg.epochs * (spe if cfg.scheduler in PER_STEP_SCHEDULERS else 1)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                scheduler = make_scheduler(engine, cfg, optimizer, spe)
                for _ in range(min(steps, 200_000)):
                    optimizer.step()
                    scheduler.step(1.0) if cfg.scheduler == "ReduceLROnPlateau" else scheduler.step()
                    lr = optimizer.param_groups[0]["lr"]
                    if not math.isfinite(lr):
                        raise ValueError(f"the learning rate becomes {lr}")
        except (ValueError, TypeError, KeyError, IndexError, ZeroDivisionError, OverflowError, RuntimeError,
                AttributeError) as e:
            raise TrainingError(f"--scheduler {cfg.scheduler} {cfg.sched_args or ''}: {e}".replace("  ", " ")) from None


def check_resume_position(cfg: TrainConfig, resume) -> None:
    """A resumed run must have something left to do."""
    _, meta = load_npz(resume)
    pos = meta["position"]
    if pos["epoch"] >= cfg.epochs:
        raise TrainingError(f"--resume {resume}: the run already finished its {cfg.epochs} epoch(s); "
                            f"give --epochs larger than {pos['epoch']} to train on")
    if cfg.max_steps is not None and pos["step"] >= cfg.max_steps:
        raise TrainingError(f"--resume {resume}: the run is already at step {pos['step']}; "
                            f"give --max-steps larger than {pos['step']} to train on")


def run(args) -> int:
    cfg = train_config(args)
    if args.resume:
        check_resume_position(cfg, args.resume)
    check_schedule(cfg)
    out = Path(args.out or (Path(args.resume).parent if args.resume else "runs/train"))
    with prepare_out(out, resume=args.resume, overwrite=args.overwrite, print_fn=print):
        trainer = Trainer(cfg, out, resume=args.resume, progress=not args.no_progress)
        trainer.command = ["minitorch-cnn", *(args.argv or [])]
        status = trainer.run()
    print(f"outputs: {out / CHECKPOINT_NAME}, {out / LOG_NAME}, {out / CURVES_NAME}")
    if status == "interrupted":
        return EXIT_BY_SIGNAL.get(trainer.signal_name, EXIT_INTERRUPTED)
    return 0
