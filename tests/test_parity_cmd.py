"""``minitorch-cnn parity``: the sweep covers every component, passes on the engine as it is, and
reports a FAIL (exit code 1) when a component is made to disagree with torch."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")

from minitorch_cnn import cli, parity  # noqa: E402
from minitorch_cnn import training as T  # noqa: E402

LAYERS = ["Linear", "Conv2d", "MaxPool2d", "ReLU", "Flatten"]
LOSSES = ["MSELoss", "CrossEntropyLoss"]


def test_rel_error_is_allclose():
    rtol, atol = parity.TOLERANCES["float32"]
    b = np.array([1.0, 0.0, -2.0])
    assert parity.rel_error(b, b, "float32") == 0.0
    on_the_edge = b + (atol + rtol * np.abs(b))
    assert parity.rel_error(on_the_edge, b, "float32") == pytest.approx(rtol)
    assert parity.rel_error(b * (1 + 3 * rtol), b, "float32") > rtol
    assert parity.rel_error([np.nan], [1.0], "float64") == np.inf


def test_sweep_covers_every_component():
    rows = parity.sweep(seed=3, trials=1, dtype="float64")
    names = {(r.kind, r.name) for r in rows}
    assert names == ({("layer", n) for n in LAYERS} | {("loss", n) for n in LOSSES}
                     | {("optimizer", n) for n in T.OPTIMIZERS} | {("scheduler", n) for n in T.SCHEDULERS})
    assert all(r.cases == 1 for r in rows), [parity.format_row(r) for r in rows if r.cases != 1]


def test_parity_command_passes(capsys):
    rc = cli.main(["parity", "--trials", "1", "--seed", "1"])
    out = capsys.readouterr().out
    assert rc == 0, out
    rows = [line for line in out.splitlines() if line.endswith("PASS") or " FAIL" in line]
    assert len(rows) == 2 * (len(LAYERS) + len(LOSSES) + len(T.OPTIMIZERS)) + len(T.SCHEDULERS)
    assert "FAIL" not in out


def test_a_wrong_component_fails_with_exit_code_1(capsys, monkeypatch):
    from minitorch_cnn import optim

    class BrokenSGD(optim.SGD):
        def step(self, closure=None):
            super().step(closure)
            for group in self.param_groups:
                for p in group["params"]:
                    p.array[...] *= 1 + 1e-3           # a relative error of 1e-3 after each step

    monkeypatch.setattr(optim, "SGD", BrokenSGD)
    rc = cli.main(["parity", "--trials", "1", "--only", "SGD"])
    out = capsys.readouterr().out
    assert rc == 1
    sgd_rows = [line for line in out.splitlines() if line.startswith("optimizer  SGD ")]
    assert len(sgd_rows) == 2 and all("FAIL" in line for line in sgd_rows)
    assert "worst: SGD(" in sgd_rows[0]


def test_a_crashing_component_is_a_fail_row(capsys, monkeypatch):
    from minitorch_cnn import nn

    class Exploding(nn.ReLU):
        def forward(self, x):
            raise RuntimeError("kaboom")

    monkeypatch.setattr(nn, "ReLU", Exploding)
    rc = cli.main(["parity", "--trials", "1", "--only", "ReLU", "--dtype", "float32"])
    out = capsys.readouterr().out
    assert rc == 1
    assert "FAIL  (RuntimeError: kaboom)" in out
