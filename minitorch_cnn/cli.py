"""The ``minitorch-cnn`` command (skeleton; the subcommands are filled in by the CLI work)."""
from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="minitorch-cnn",
        description="Train the lecture's Fashion-MNIST CNN on minitorch_cnn (and torch side by side), "
        "draw the lecture's figures, check parity with torch, and benchmark.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("train", help="train a model on Fashion-MNIST")
    sub.add_parser("figures", help="draw the lecture's figures as PNGs")
    sub.add_parser("parity", help="randomized parity sweep against torch")
    sub.add_parser("bench", help="time minitorch_cnn against torch")
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        build_parser().print_help()
        return 0
    print(f"minitorch-cnn {args.command}: not implemented yet", file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
