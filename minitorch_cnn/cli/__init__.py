"""The ``minitorch-cnn`` command (also ``python -m minitorch_cnn``).

Subcommands::

    minitorch-cnn train     train a model on Fashion-MNIST (minitorch_cnn, torch, or both side by side)
    minitorch-cnn figures   the lecture's pictures: feature maps, filters, the Laplacian edge demo, samples
    minitorch-cnn parity    a quick randomized sweep of every layer, loss, optimizer and scheduler vs torch
    minitorch-cnn bench     time minitorch_cnn against torch (provided by the benchmarks package)

Exit codes: 0 done, 1 a parity check failed, 2 a usage or data error (one line on stderr, before
any work is done), 3 the loss became NaN or infinite, 130 interrupted by Ctrl-C and 143 by SIGTERM
(a checkpoint was saved first).
"""
from __future__ import annotations

import argparse
import sys

from .. import _backend
from ..training import NonFiniteLoss, TrainingError
from . import bench, figures, parity, train
from .train import EXIT_INTERRUPTED, TRAIN_DEFAULTS, train_config  # noqa: F401 (the command's API)

PROG = "minitorch-cnn"


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line: ``minitorch-cnn train: error: …``."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog=PROG,
        description="Train the lecture's Fashion-MNIST CNN on minitorch_cnn (and torch side by side), "
                    "draw the lecture's figures, check parity with torch, and benchmark.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for module in (train, figures, parity, bench):
        module.add_parser(sub)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    args = parser.parse_args(argv)
    args.argv = argv
    if args.command is None:
        parser.print_help()
        return 0
    prefix = f"{PROG} {args.command}"
    try:
        _backend.check_env()
        return args.func(args)
    except NonFiniteLoss as e:
        print(f"{prefix}: {e}", file=sys.stderr)
        return e.exit_code
    except (TrainingError, ValueError, OSError) as e:      # OSError: a folder or file we cannot use
        print(f"{prefix}: error: {e}".replace("\n", " "), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{prefix}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
