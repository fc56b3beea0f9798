"""The ``minitorch-cnn`` command (also ``python -m minitorch_cnn``).

Subcommands::

    minitorch-cnn train     train a model on Fashion-MNIST (minitorch_cnn, torch, or both side by side)
    minitorch-cnn figures   the lecture's pictures: feature maps, filters, the Laplacian edge demo, samples
    minitorch-cnn parity    a quick randomized sweep of every layer, loss, optimizer and scheduler vs torch
    minitorch-cnn bench     time minitorch_cnn against torch (provided by the benchmarks package)

Exit codes: 0 done, 1 a parity check failed, 2 a usage or data error, 3 the loss became NaN or
infinite, 130 interrupted with Ctrl-C (a checkpoint was saved first).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import train as _train

# What `minitorch-cnn train` does with no options: the lecture's CNN with two conv layers, Adam,
# on the mini subset shipped with the package — under two minutes on two CPU cores.
TRAIN_DEFAULTS = dict(model="cnn2", optimizer="Adam", lr=None, opt_args={}, scheduler=None, sched_args={},
                      epochs=5, batch_size=64, seed=0, data="mini", engine="minitorch", max_steps=None,
                      train_limit=None, test_limit=None)

EXIT_INTERRUPTED = 130


def _optimizer_name(text: str) -> str:
    try:
        return _train.canonical_name(text, _train.OPTIMIZERS, "optimizer")
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _scheduler_name(text: str) -> str:
    if text.lower() == "none":
        return "none"
    try:
        return _train.canonical_name(text, _train.SCHEDULERS, "scheduler")
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def add_train_parser(sub) -> argparse.ArgumentParser:
    d = TRAIN_DEFAULTS
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
    p.add_argument("--model", choices=_train.MODELS, default=None,
                   help=f"fcn (SimpleFCN), cnn (the lecture's SimpleCNN) or cnn2 (two conv layers; the one "
                        f"trained on the full data) (default {d['model']})")
    p.add_argument("--optimizer", type=_optimizer_name, default=None, metavar="NAME",
                   help=f"one of {', '.join(_train.OPTIMIZERS)}; any case (default {d['optimizer']})")
    p.add_argument("--lr", type=float, default=None, help="learning rate (default: the optimizer's own)")
    p.add_argument("--opt-arg", action="append", default=None, metavar="KEY=VALUE",
                   help="an optimizer hyperparameter, repeatable: --opt-arg momentum=0.9 "
                        "--opt-arg betas=0.9,0.99 --opt-arg nesterov=true")
    p.add_argument("--scheduler", type=_scheduler_name, default=None, metavar="NAME",
                   help=f"a learning-rate scheduler, one of {', '.join(_train.SCHEDULERS)} (default none); "
                        f"stepped once per epoch (OneCycleLR once per batch; ReduceLROnPlateau is given "
                        f"the epoch's mean training loss)")
    p.add_argument("--sched-arg", action="append", default=None, metavar="KEY=VALUE",
                   help="a scheduler argument, repeatable: --sched-arg step_size=2 --sched-arg gamma=0.5. "
                        "LambdaLR/MultiplicativeLR take lr_lambda=FACTOR (FACTOR**epoch / FACTOR); "
                        "SequentialLR takes schedulers=[(\"LinearLR\",{...}),(\"ExponentialLR\",{...})] "
                        "and milestones=[...]")
    p.add_argument("--epochs", type=_positive_int, default=None, help=f"epochs to train (default {d['epochs']})")
    p.add_argument("--batch-size", type=_positive_int, default=None,
                   help=f"training batch size (default {d['batch_size']})")
    p.add_argument("--seed", type=int, default=None,
                   help=f"seeds the initial weights and each epoch's batch order (default {d['seed']})")
    p.add_argument("--data", choices=["mini", "full"], default=None,
                   help="mini: the 2,000/500-image subset shipped with the package (default); full: the "
                        "official 60,000/10,000 files (an error if they are not present)")
    p.add_argument("--engine", choices=_train.ENGINES, default=None,
                   help="minitorch (default), torch, or both side by side (torch is imported only for these)")
    p.add_argument("--out", default=None,
                   help="output directory (default runs/train; with --resume, the checkpoint's directory)")
    p.add_argument("--resume", default=None, metavar="CHECKPOINT",
                   help="continue the run saved in CHECKPOINT (its settings are used; --epochs and "
                        "--max-steps may be raised)")
    p.add_argument("--max-steps", type=_positive_int, default=None,
                   help="stop after this many batches in total (counting those before --resume)")
    p.add_argument("--train-limit", type=_positive_int, default=None,
                   help="train on the first N training images only")
    p.add_argument("--test-limit", type=_positive_int, default=None,
                   help="evaluate on the first N test images only")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_train)
    return p


def train_config(args) -> _train.TrainConfig:
    """The run's settings: the defaults, then the checkpoint's (with --resume), then what was typed."""
    values = dict(TRAIN_DEFAULTS)
    if args.resume:
        _, meta = _train.load_npz(args.resume)
        values.update({k: v for k, v in meta["config"].items() if k in values})
        values["max_steps"] = None         # a new limit (or none) for the continued run
    typed = {"model": args.model, "optimizer": args.optimizer, "lr": args.lr, "epochs": args.epochs,
             "batch_size": args.batch_size, "seed": args.seed, "data": args.data, "engine": args.engine,
             "max_steps": args.max_steps, "train_limit": args.train_limit, "test_limit": args.test_limit}
    values.update({k: v for k, v in typed.items() if v is not None})
    if args.opt_arg is not None:
        values["opt_args"] = _train.parse_key_values(args.opt_arg, "--opt-arg")
    if args.scheduler is not None:
        values["scheduler"] = None if args.scheduler == "none" else args.scheduler
    if args.sched_arg is not None:
        values["sched_args"] = _train.parse_key_values(args.sched_arg, "--sched-arg")
    return _train.TrainConfig(**values)


def cmd_train(args) -> int:
    cfg = train_config(args)
    out = args.out or (str(Path(args.resume).parent) if args.resume else "runs/train")
    trainer = _train.Trainer(cfg, out, resume=args.resume, progress=not args.no_progress)
    trainer.command = ["minitorch-cnn", *(args.argv or [])]
    status = trainer.run()
    print(f"outputs: {trainer.out / _train.CHECKPOINT_NAME}, {trainer.out / _train.LOG_NAME}, "
          f"{trainer.out / _train.CURVES_NAME}")
    return EXIT_INTERRUPTED if status == "interrupted" else 0


# ---------------------------------------------------------------------------------------------
# figures


def add_figures_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "figures", help="draw the lecture's figures as PNGs",
        description="The lecture's pictures as PNG files in --out: the chosen test image, the conv1 and "
                    "conv2 feature maps of it, the learned filters, the Laplacian edge demo (a Conv2d with "
                    "the Laplacian kernel) and a grid of samples per class.")
    p.add_argument("--out", default="figures", help="output directory (default figures)")
    p.add_argument("--data", choices=["mini", "full"], default="mini", help="which Fashion-MNIST (default mini)")
    p.add_argument("--index", type=int, default=None,
                   help="test image to show (default: the first ankle boot in the test set, as in the lecture)")
    p.add_argument("--checkpoint", default=None,
                   help="take the model and its weights from a `train` checkpoint")
    p.add_argument("--model", choices=_train.MODELS, default="cnn",
                   help="the model whose feature maps are drawn when no --checkpoint is given (default cnn)")
    p.add_argument("--train-steps", type=int, default=200,
                   help="without --checkpoint: train this many Adam steps on the mini data first "
                        "(0: draw the initial, untrained weights) (default 200)")
    p.add_argument("--seed", type=int, default=0, help="seed of the initial weights (default 0)")
    p.set_defaults(func=cmd_figures)
    return p


def cmd_figures(args) -> int:
    from .viz import make_figures
    paths = make_figures(out=args.out, data=args.data, index=args.index, checkpoint=args.checkpoint,
                         model=args.model, train_steps=args.train_steps, seed=args.seed)
    for path in paths:
        print(f"wrote {path}")
    return 0


# ---------------------------------------------------------------------------------------------
# parity


def add_parity_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "parity", help="randomized parity sweep against torch",
        description="Compare every layer, loss, optimizer and scheduler with torch on random inputs and "
                    "print one row each: the worst relative error and PASS/FAIL against DESIGN.md's "
                    "tolerances (float64: 1e-10; float32: 1e-4). Exit code 1 if anything fails.")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--trials", type=_positive_int, default=3, help="random cases per row (default 3)")
    p.add_argument("--dtype", choices=["float64", "float32", "both"], default="both",
                   help="which precision to check (default both)")
    p.add_argument("--only", default=None, metavar="SUBSTRING",
                   help="only the rows whose name contains SUBSTRING (case-insensitive)")
    p.set_defaults(func=cmd_parity)
    return p


def cmd_parity(args) -> int:
    from .parity import run_sweep
    return run_sweep(seed=args.seed, trials=args.trials, dtype=args.dtype, only=args.only)


# ---------------------------------------------------------------------------------------------
# bench: the timings live in benchmarks/, installed as minitorch_cnn.benchmarks (they import torch;
# the engine never does)


def add_bench_parser(sub) -> argparse.ArgumentParser:
    """The ``bench`` subcommand: options are defined in ``benchmarks/bench.py::add_arguments``."""
    p = sub.add_parser("bench", help="time minitorch_cnn against torch",
                       description="Time our NumPy and Numba backends against torch (CPU, and CUDA when "
                                   "present) on the same shapes and thread count; print ratios, write JSON "
                                   "and a PNG bar chart (code in benchmarks/).")
    try:
        from minitorch_cnn.benchmarks.bench import add_arguments
    except ImportError:
        p.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    else:
        add_arguments(p)
    p.set_defaults(func=cmd_bench)
    return p


def cmd_bench(args) -> int:
    try:
        from minitorch_cnn.benchmarks.bench import run
    except ImportError:
        print("minitorch-cnn bench: the benchmarks are not available in this installation "
              "(reinstall the package: pip install .)", file=sys.stderr)
        return 2
    _train.import_torch()  # torch missing: one line saying how to install it, exit code 2
    return run(args)


# ---------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="minitorch-cnn",
        description="Train the lecture's Fashion-MNIST CNN on minitorch_cnn (and torch side by side), "
                    "draw the lecture's figures, check parity with torch, and benchmark.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    add_train_parser(sub)
    add_figures_parser(sub)
    add_parity_parser(sub)
    add_bench_parser(sub)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    args = parser.parse_args(argv)
    args.argv = argv
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except _train.NonFiniteLoss as e:
        print(f"minitorch-cnn {args.command}: {e}", file=sys.stderr)
        return e.exit_code
    except (_train.TrainingError, ValueError, FileNotFoundError) as e:
        print(f"minitorch-cnn {args.command}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"minitorch-cnn {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
