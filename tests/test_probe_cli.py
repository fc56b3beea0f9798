"""User errors the independent probe of issue 9 found in the command (/work/notes2/probe.md): each is one
line on stderr naming the flag, exit code 2, before any work is done."""
from __future__ import annotations

import pytest

from minitorch_cnn import cli


def _rc(argv) -> int:
    """The command's exit code, whether argparse exits or main returns it."""
    try:
        return cli.main(argv)
    except SystemExit as exc:
        return exc.code


@pytest.mark.parametrize("seed", ["-5", "x", str(2**40)])
def test_parity_seed_out_of_range_names_the_flag(seed, capsys):
    # before: --seed -5 reached NumPy and printed its "expected non-negative integer" (no flag named)
    rc = _rc(["parity", "--seed", seed, "--only", "ReLU", "--trials", "1"])
    err = capsys.readouterr().err.strip()
    assert rc == 2
    assert len(err.splitlines()) == 1 and "--seed" in err and repr(seed) in err


def test_parity_only_matching_nothing_is_a_usage_error(capsys):
    # before: exit code 1, which the command documents as "a parity check failed"
    pytest.importorskip("torch")
    rc = cli.main(["parity", "--only", "no-such-component", "--trials", "1"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2
    assert err == ["minitorch-cnn parity: error: no rows matched --only 'no-such-component'"]


@pytest.mark.parametrize("betas", ["abc", "0.9,x"])
def test_train_betas_that_are_not_numbers_say_so(betas, capsys):
    # before: "'<=' not supported between instances of 'float' and 'str'"
    rc = _rc(["train", "--opt-arg", f"betas={betas}", "--max-steps", "1", "--no-progress"])
    err = capsys.readouterr().err.strip()
    assert rc == 2
    assert len(err.splitlines()) == 1 and "betas must be a pair of numbers" in err
