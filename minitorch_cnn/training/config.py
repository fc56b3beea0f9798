"""A run's settings: :class:`TrainConfig`, the ONE place that holds the defaults of ``minitorch-cnn train``.

The command builds its ``train`` options from this class (``cli/train.py`` reads each field's
``flag``/``help`` metadata), so a default changed here changes the command, its ``--help`` and the
Python API together. Also here: the names the options accept, the parsing of ``KEY=VALUE`` options,
and the two errors a run can end with.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field, fields
from typing import Any

OPTIMIZERS = ["SGD", "Momentum", "NAG", "Adagrad", "RMSprop", "Adam", "AdamW", "Adadelta", "NAdam",
              "RAdam", "Adafactor", "Lion", "LAMB"]
SCHEDULERS = ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts",
              "LinearLR", "ConstantLR", "LambdaLR", "MultiplicativeLR", "PolynomialLR", "OneCycleLR",
              "ReduceLROnPlateau", "SequentialLR"]
ENGINES = ["minitorch", "torch", "both"]
DATA = ["mini", "full"]

TORCH_MISSING = ("this needs PyTorch, which is not installed; install it: pip install torch==2.13.0 "
                 "(or the test extra: pip install 'minitorch-cnn[test]')")


class TrainingError(RuntimeError):
    """A run that cannot go on (a user or data error); the CLI prints the message and exits with ``exit_code``."""

    exit_code = 2


class NonFiniteLoss(TrainingError):
    """The loss became NaN or infinite."""

    exit_code = 3


def import_torch():
    """``import torch``, or a :class:`TrainingError` saying how to install it."""
    try:
        import torch
    except ImportError:
        raise TrainingError(TORCH_MISSING) from None
    return torch


def _opt(flag: str, help: str, **argparse_kwargs) -> dict:
    """A field's metadata: its command-line flag, help text and extra argparse settings."""
    return {"flag": flag, "help": help, "argparse": argparse_kwargs}


@dataclass
class TrainConfig:
    """Everything that decides a run's trajectory (saved in the checkpoint and the log).

    The defaults are those of ``minitorch-cnn train`` with no options: the lecture's CNN with two
    conv layers, Adam, on the mini subset shipped with the package — a few minutes on two CPU cores.
    """

    model: str = field(default="cnn2", metadata=_opt(
        "--model", "fcn (SimpleFCN), cnn (the lecture's SimpleCNN), cnn2 (two conv layers; the one "
                   "trained on the full data) or cnn_bn (cnn2 with BatchNorm and Dropout)"))
    optimizer: str = field(default="Adam", metadata=_opt(
        "--optimizer", f"one of {', '.join(OPTIMIZERS)}; any case", metavar="NAME"))
    lr: float | None = field(default=None, metadata=_opt(
        "--lr", "learning rate (default: the optimizer's own)"))
    opt_args: dict = field(default_factory=dict, metadata=_opt(
        "--opt-arg", "an optimizer hyperparameter, repeatable: --opt-arg momentum=0.9 "
                     "--opt-arg betas=0.9,0.99 --opt-arg nesterov=true", metavar="KEY=VALUE"))
    scheduler: str | None = field(default=None, metadata=_opt(
        "--scheduler", f"a learning-rate scheduler, one of {', '.join(SCHEDULERS)}, or none; stepped once "
                       f"per epoch (OneCycleLR once per batch; ReduceLROnPlateau is given the epoch's mean "
                       f"training loss)", metavar="NAME"))
    sched_args: dict = field(default_factory=dict, metadata=_opt(
        "--sched-arg", "a scheduler argument, repeatable: --sched-arg step_size=2 --sched-arg gamma=0.5. "
                       "LambdaLR/MultiplicativeLR take lr_lambda=FACTOR (FACTOR**epoch / FACTOR); "
                       "SequentialLR takes schedulers=[(\"LinearLR\",{...}),(\"ExponentialLR\",{...})] "
                       "and milestones=[...]", metavar="KEY=VALUE"))
    epochs: int = field(default=5, metadata=_opt("--epochs", "epochs to train"))
    batch_size: int = field(default=64, metadata=_opt("--batch-size", "training batch size"))
    seed: int = field(default=0, metadata=_opt(
        "--seed", "seeds the initial weights and each epoch's batch order (0 to 2**32-1)"))
    data: str = field(default="mini", metadata=_opt(
        "--data", "mini: the 2,000/500-image subset shipped with the package; full: the official "
                  "60,000/10,000 files (an error if they are not present)"))
    engine: str = field(default="minitorch", metadata=_opt(
        "--engine", "minitorch, torch, or both side by side (torch is imported only for these)"))
    max_steps: int | None = field(default=None, metadata=_opt(
        "--max-steps", "stop after this many batches in total (counting those before --resume)"))
    eval_batch_size: int = field(default=1000, metadata=_opt(
        "--eval-batch-size", "batch size of the test-set evaluation"))
    train_limit: int | None = field(default=None, metadata=_opt(
        "--train-limit", "train on the first N training images only"))
    test_limit: int | None = field(default=None, metadata=_opt(
        "--test-limit", "evaluate on the first N test images only"))

    # the settings a resumed run must share with the run it continues
    TRAJECTORY = ("model", "optimizer", "lr", "opt_args", "scheduler", "sched_args", "batch_size", "seed",
                  "data", "engine", "train_limit", "test_limit")

    def trajectory(self) -> dict:
        """The settings a resumed run must share with the run it continues."""
        return {k: getattr(self, k) for k in self.TRAJECTORY}


def config_fields():
    """The fields of :class:`TrainConfig`, in order (each with ``metadata["flag"]`` and ``["help"]``)."""
    return fields(TrainConfig)


def defaults() -> dict:
    """``{field name: default}`` of :class:`TrainConfig`."""
    return {k: v for k, v in vars(TrainConfig()).items()}


def engines_of(engine: str) -> list[str]:
    return ["minitorch", "torch"] if engine == "both" else [engine]


# ---------------------------------------------------------------------------------------------
# command-line values


def parse_value(text: str) -> Any:
    """``"0.9"`` → 0.9, ``"(0.9,0.99)"``/``"0.9,0.99"`` → (0.9, 0.99), ``"true"`` → True, else the string."""
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("none", "null"):
        return None
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


def parse_key_values(items: list[str] | None, flag: str) -> dict[str, Any]:
    """``["momentum=0.9", "nesterov=true"]`` → ``{"momentum": 0.9, "nesterov": True}``."""
    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip().isidentifier():
            raise ValueError(f"{flag}: expected key=value (e.g. {flag} momentum=0.9), got {item!r}")
        out[key.strip()] = parse_value(value)
    return out


def canonical_name(name: str, choices: list[str], what: str) -> str:
    """The spelling in ``choices`` of ``name``, compared case-insensitively."""
    by_lower = {c.lower(): c for c in choices}
    if str(name).lower() not in by_lower:
        raise ValueError(f"unknown {what} {name!r}; choose one of {', '.join(choices)}")
    return by_lower[str(name).lower()]
