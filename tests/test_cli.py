"""The ``minitorch-cnn`` command: help and smoke runs of every subcommand, ``train`` side by side with
torch, checkpoint/resume, the NaN stop, Ctrl-C, and the data choice.

Runs are tiny (``--model cnn``, a few dozen images, ``--max-steps``) and in-process, so Numba's
compiled kernels are shared between tests.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from minitorch_cnn import cli
from minitorch_cnn import training as T
from minitorch_cnn.data import fashion_mnist

REPO = Path(__file__).resolve().parents[1]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# float32 parity (docs/architecture.md, Tests and parity): relative 1e-4 with a small absolute floor
RTOL32, ATOL32 = 1e-4, 1e-5

TINY = ["--model", "cnn", "--batch-size", "16", "--train-limit", "64", "--test-limit", "50", "--no-progress"]


def run(capsys, *args) -> tuple[int, str, str]:
    rc = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return rc, out, err


def load_checkpoint(path) -> tuple[dict, dict]:
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(str(arrays.pop("__meta__")))
    return arrays, meta


# ---------------------------------------------------------------------------------------------
# help and parsing


@pytest.mark.parametrize("sub", [[], ["train"], ["figures"], ["parity"], ["bench"]])
def test_help_of_every_subcommand(sub, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(sub + ["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: minitorch-cnn")
    if sub == ["train"]:
        for flag in ("--optimizer", "--opt-arg", "--scheduler", "--sched-arg", "--engine", "--resume",
                     "--max-steps", "--data"):
            assert flag in out


def test_no_subcommand_prints_help(capsys):
    rc, out, _ = run(capsys)
    assert rc == 0 and "train" in out and "figures" in out and "parity" in out


def test_python_dash_m_runs_the_command():
    res = subprocess.run([sys.executable, "-m", "minitorch_cnn", "train", "--help"], cwd=REPO,
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert "usage: minitorch-cnn train" in res.stdout


def test_optimizer_names_are_case_insensitive_and_checked(capsys):
    assert cli.build_parser().parse_args(["train", "--optimizer", "adamw"]).optimizer == "AdamW"
    assert cli.build_parser().parse_args(["train", "--optimizer", "LAMB"]).optimizer == "LAMB"
    assert cli.build_parser().parse_args(["train", "--scheduler", "steplr"]).scheduler == "StepLR"
    with pytest.raises(SystemExit) as exc:
        cli.main(["train", "--optimizer", "adamm"])
    assert exc.value.code == 2
    assert "unknown optimizer 'adamm'" in capsys.readouterr().err


def test_key_value_parsing():
    got = T.parse_key_values(["momentum=0.9", "nesterov=true", "betas=0.8,0.99", "milestones=[2, 4]",
                              "mode=max", "eps=None"], "--opt-arg")
    assert got == {"momentum": 0.9, "nesterov": True, "betas": (0.8, 0.99), "milestones": [2, 4],
                   "mode": "max", "eps": None}
    with pytest.raises(ValueError, match="expected key=value"):
        T.parse_key_values(["momentum"], "--opt-arg")


def test_every_optimizer_and_scheduler_name_resolves_on_both_engines():
    pytest.importorskip("torch")
    for name in T.OPTIMIZERS:
        assert callable(T.optimizer_class("minitorch", name.lower()))
        assert callable(T.optimizer_class("torch", name.upper()))


def test_checkpoint_packing_round_trip():
    obj = {"state": {0: {"step": 3, "exp_avg": np.arange(4.0, dtype=np.float32), "mu": np.float32(0.5)}},
           "param_groups": [{"lr": 0.1, "betas": (0.9, 0.99), "params": [0], "best": float("inf")}]}
    arrays: dict = {}
    packed = T.pack(obj, arrays, "x")
    text = json.dumps(packed)
    back = T.unpack(json.loads(text), arrays)
    assert back["param_groups"] == obj["param_groups"]
    assert isinstance(back["param_groups"][0]["betas"], tuple)
    assert back["state"][0]["step"] == 3
    np.testing.assert_array_equal(back["state"][0]["exp_avg"], obj["state"][0]["exp_avg"])
    assert back["state"][0]["exp_avg"].dtype == np.float32
    assert back["state"][0]["mu"].dtype == np.float32


# ---------------------------------------------------------------------------------------------
# train


def test_train_smoke_writes_checkpoint_log_and_curves(tmp_path, capsys):
    out = tmp_path / "run"
    rc, stdout, _ = run(capsys, "train", *TINY, "--max-steps", 3, "--out", out)
    assert rc == 0
    assert "data: Fashion-MNIST mini training subset" in stdout
    assert "data: Fashion-MNIST mini test subset" in stdout
    arrays, meta = load_checkpoint(out / "checkpoint.npz")
    assert meta["position"]["step"] == 3
    assert {"minitorch/model/conv1.weight", "minitorch/model/fc.bias"} <= set(arrays)
    log = json.loads((out / "log.json").read_text())
    assert log["status"] == "max_steps"
    assert log["command"][:2] == ["minitorch-cnn", "train"] and "--max-steps" in log["command"]
    assert log["config"]["model"] == "cnn" and log["config"]["data"] == "mini"
    assert "mini training subset" in log["data"][0]
    assert {"numpy", "numba", "minitorch_cnn"} <= set(log["versions"])
    assert len(log["step_losses"]["minitorch"]) == 3
    assert (out / "curves.png").read_bytes()[:8] == PNG_SIGNATURE


def test_train_full_epochs_reports_each_epoch_and_steps_the_scheduler(tmp_path, capsys):
    out = tmp_path / "run"
    rc, stdout, _ = run(capsys, "train", *TINY, "--epochs", 2, "--optimizer", "sgd", "--lr", 0.05,
                        "--opt-arg", "momentum=0.9", "--opt-arg", "nesterov=true",
                        "--scheduler", "StepLR", "--sched-arg", "step_size=1", "--sched-arg", "gamma=0.5",
                        "--out", out)
    assert rc == 0
    log = json.loads((out / "log.json").read_text())
    assert log["status"] == "completed"
    assert [row["epoch"] for row in log["epochs"]] == [1, 2]
    assert [row["lr"] for row in log["epochs"]] == [0.05, 0.025]
    assert stdout.count("epoch ") >= 2
    _, meta = load_checkpoint(out / "checkpoint.npz")
    group = T.unpack(meta["engines"]["minitorch"]["optimizer"]["param_groups"], {})[0]
    assert group["momentum"] == 0.9 and group["nesterov"] is True


def test_train_both_engines_agree(tmp_path, capsys):
    pytest.importorskip("torch")
    out = tmp_path / "both"
    # SGD: an update proportional to the gradient keeps float32 rounding differences at rounding size.
    # (Adam's first steps move every weight by about lr whatever the gradient's size, so a gradient
    # that is ~0 up to rounding can step either way; that is Adam, not an engine difference.)
    rc, stdout, _ = run(capsys, "train", *TINY, "--engine", "both", "--optimizer", "sgd", "--lr", "0.05",
                        "--opt-arg", "momentum=0.9", "--max-steps", 6, "--out", out)
    assert rc == 0
    assert "max |Δw|" in stdout
    log = json.loads((out / "log.json").read_text())
    ours, theirs = (np.array(log["step_losses"][k]) for k in ("minitorch", "torch"))
    assert len(ours) == len(theirs) == 6
    np.testing.assert_allclose(ours, theirs, rtol=RTOL32, atol=ATOL32)
    # the weights in the checkpoint, compared directly (not through the command's own report)
    arrays, _ = load_checkpoint(out / "checkpoint.npz")
    names = [k[len("minitorch/model/"):] for k in arrays if k.startswith("minitorch/model/")]
    assert names
    for name in names:
        np.testing.assert_allclose(arrays[f"minitorch/model/{name}"], arrays[f"torch/model/{name}"],
                                   rtol=RTOL32, atol=ATOL32, err_msg=name)
    rows = log["epochs"] + [log["last_partial_epoch"]]      # 4 steps per epoch: one full, one partial
    assert [r["partial"] for r in rows] == [False, True]
    for row in rows:
        assert row["max_weight_diff"] < 1e-4
        np.testing.assert_allclose(row["minitorch"]["test_loss"], row["torch"]["test_loss"], rtol=RTOL32,
                                   atol=ATOL32)


def _assert_same_checkpoints(a, b):
    arrays_a, meta_a = load_checkpoint(a)
    arrays_b, meta_b = load_checkpoint(b)
    assert meta_a["position"] == meta_b["position"]
    assert set(arrays_a) == set(arrays_b)
    for key in arrays_a:
        np.testing.assert_array_equal(arrays_a[key], arrays_b[key], err_msg=key)
    assert _without_timings(meta_a["engines"]) == _without_timings(meta_b["engines"])  # optimizer, scheduler
    assert _without_timings(meta_a["history"]) == _without_timings(meta_b["history"])


TIMINGS = {"epoch_seconds", "train_seconds", "samples_per_s"}


def _without_timings(obj):
    """``obj`` without its wall-clock entries (the only thing a resumed run may differ in)."""
    if isinstance(obj, dict):
        return {k: _without_timings(v) for k, v in obj.items() if k not in TIMINGS}
    if isinstance(obj, list):
        return [_without_timings(v) for v in obj]
    return obj


@pytest.mark.parametrize("engine,extra", [
    ("minitorch", ["--scheduler", "StepLR", "--sched-arg", "step_size=1", "--sched-arg", "gamma=0.7"]),
    ("minitorch", ["--optimizer", "rmsprop", "--lr", "0.01", "--opt-arg", "momentum=0.5",
                   "--scheduler", "OneCycleLR"]),
    ("both", ["--optimizer", "lion", "--lr", "1e-3", "--scheduler", "ExponentialLR"]),
    # dropout draws from each engine's global generator: the checkpoint must carry both generators' state
    ("both", ["--model", "cnn_bn", "--optimizer", "adam", "--lr", "1e-3"]),
])
def test_resume_continues_the_same_trajectory(engine, extra, tmp_path, capsys):
    if engine == "both":
        pytest.importorskip("torch")
    common = [*TINY, "--engine", engine, "--epochs", 3, *extra]
    # 64 images / batch 16 = 4 steps per epoch: 10 steps cross two epoch ends; stop mid-epoch at 5
    assert run(capsys, "train", *common, "--max-steps", 10, "--out", tmp_path / "straight")[0] == 0
    assert run(capsys, "train", *common, "--max-steps", 5, "--out", tmp_path / "first")[0] == 0
    rc, stdout, _ = run(capsys, "train", "--resume", tmp_path / "first" / "checkpoint.npz", "--max-steps", 10,
                        "--no-progress", "--out", tmp_path / "second")
    assert rc == 0
    assert "resuming from" in stdout and "step 5" in stdout
    _assert_same_checkpoints(tmp_path / "straight" / "checkpoint.npz", tmp_path / "second" / "checkpoint.npz")


def test_resume_refuses_different_settings(tmp_path, capsys):
    assert run(capsys, "train", *TINY, "--max-steps", 2, "--out", tmp_path / "a")[0] == 0
    rc, _, err = run(capsys, "train", "--resume", tmp_path / "a" / "checkpoint.npz", "--optimizer", "sgd",
                     "--out", tmp_path / "b", "--no-progress")
    assert rc == 2
    assert "different settings" in err and "optimizer" in err


def test_nan_loss_stops_with_the_step_and_a_hint(tmp_path, capsys):
    out = tmp_path / "nan"
    rc, _, err = run(capsys, "train", *TINY, "--optimizer", "sgd", "--lr", "1e12", "--max-steps", 30,
                     "--out", out)
    assert rc == 3
    assert "at step " in err and "smaller learning rate" in err and "--lr" in err
    log = json.loads((out / "log.json").read_text())
    assert log["status"] == "diverged"
    step = int(err.split("at step ")[1].split()[0])
    assert step >= 2                                    # the first loss is finite (the initial weights)
    assert len(log["step_losses"]["minitorch"]) == step - 1


@pytest.fixture
def own_sigint_handler():
    """A SIGINT handler of the test's own, whatever pytest was launched with (a background job
    starts with SIGINT ignored); the previous handler comes back afterwards."""
    def handler(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield handler
    finally:
        signal.signal(signal.SIGINT, previous)


def test_ctrl_c_saves_a_checkpoint_and_resume_matches(tmp_path, capsys, monkeypatch, own_sigint_handler):
    """A real SIGINT during step 3 lets that step finish, saves, exits 130; resuming is seamless."""
    common = [*TINY, "--epochs", 2]
    assert run(capsys, "train", *common, "--out", tmp_path / "straight")[0] == 0

    original = T.MinitorchEngine.train_step
    calls = {"n": 0}

    def train_step(self, x, y):
        calls["n"] += 1
        if calls["n"] == 3:
            os.kill(os.getpid(), signal.SIGINT)         # as if Ctrl-C were pressed now
        return original(self, x, y)

    monkeypatch.setattr(T.MinitorchEngine, "train_step", train_step)
    rc, stdout, _ = run(capsys, "train", *common, "--out", tmp_path / "cut")
    monkeypatch.setattr(T.MinitorchEngine, "train_step", original)
    assert rc == cli.EXIT_INTERRUPTED
    assert "interrupted by SIGINT at step 3" in stdout
    _, meta = load_checkpoint(tmp_path / "cut" / "checkpoint.npz")
    assert meta["position"]["step"] == 3
    assert json.loads((tmp_path / "cut" / "log.json").read_text())["status"] == "interrupted"
    assert signal.getsignal(signal.SIGINT) is own_sigint_handler   # the caller's handler restored

    # without --out, the resumed run writes beside its checkpoint
    rc, _, _ = run(capsys, "train", "--resume", tmp_path / "cut" / "checkpoint.npz", "--no-progress")
    assert rc == 0
    _assert_same_checkpoints(tmp_path / "straight" / "checkpoint.npz", tmp_path / "cut" / "checkpoint.npz")


def test_keyboard_interrupt_exception_also_saves(tmp_path, capsys, monkeypatch):
    def boom(self, x, y):
        raise KeyboardInterrupt

    monkeypatch.setattr(T.MinitorchEngine, "train_step", boom)
    rc, stdout, _ = run(capsys, "train", *TINY, "--out", tmp_path / "k")
    assert rc == cli.EXIT_INTERRUPTED
    assert (tmp_path / "k" / "checkpoint.npz").is_file()
    assert "--resume" in stdout


def test_checkpoint_is_written_atomically(tmp_path, capsys, monkeypatch):
    """A failure while writing leaves the previous checkpoint intact and no temporary file behind."""
    out = tmp_path / "atomic"
    assert run(capsys, "train", *TINY, "--max-steps", 2, "--out", out)[0] == 0
    before = (out / "checkpoint.npz").read_bytes()

    def failing_savez(file, **arrays):
        file.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", failing_savez)
    trainer = T.Trainer(T.TrainConfig(model="cnn", train_limit=64, test_limit=50, batch_size=16), out,
                        progress=False)
    with pytest.raises(OSError, match="disk full"):
        trainer.save_checkpoint()
    assert (out / "checkpoint.npz").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [".lock", "checkpoint.npz", "curves.png", "log.json"]


def test_data_full_without_the_files_is_a_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(fashion_mnist, "SYSTEM_DIR", tmp_path / "nowhere")
    monkeypatch.setattr(fashion_mnist, "cache_dir", lambda: tmp_path / "no-cache")
    monkeypatch.delenv(fashion_mnist.ENV_VAR, raising=False)
    rc, _, err = run(capsys, "train", "--data", "full", "--max-steps", 1, "--out", tmp_path / "x")
    assert rc == 2
    assert "--data full" in err and "not present" in err and "--data mini" in err


def test_engine_runs_without_torch(tmp_path):
    """The minitorch engine, the CLI and the figures never import torch (here torch is made unimportable)."""
    args = ["train", *TINY, "--max-steps", "2", "--out", str(tmp_path / "nt")]
    code = (
        "import sys\n"
        "sys.modules['torch'] = None\n"                   # `import torch` now raises ImportError
        "from minitorch_cnn import cli\n"
        f"rc = cli.main({args!r})\n"
        "assert rc == 0, rc\n"
        f"rc = cli.main(['train', '--engine', 'both', '--max-steps', '1', '--out', {str(tmp_path / 'nt2')!r}])\n"
        "assert rc == 2, rc\n"
    )
    res = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "pip install 'minitorch-cnn[test]'" in res.stderr


def test_modules_do_not_import_torch_at_import_time():
    code = ("import sys\nimport minitorch_cnn.cli, minitorch_cnn.training, minitorch_cnn.viz, minitorch_cnn.parity\n"
            "minitorch_cnn.cli.build_parser()\n"
            "assert 'torch' not in sys.modules, 'torch imported'\n")
    res = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr


def _full_data_present() -> bool:
    try:
        fashion_mnist.locate(None, True)
        fashion_mnist.locate(None, False)
    except FileNotFoundError:
        return False
    return True


@pytest.mark.skipif(not _full_data_present(), reason="the official Fashion-MNIST files are not installed "
                                                     "(apt-get install dataset-fashion-mnist)")
def test_full_data_smoke(tmp_path, capsys):
    out = tmp_path / "full"
    rc, stdout, _ = run(capsys, "train", "--data", "full", "--model", "cnn", "--batch-size", "32",
                        "--max-steps", 3, "--test-limit", 200, "--no-progress", "--out", out)
    assert rc == 0
    assert "Fashion-MNIST full training split: 60,000 images" in stdout
    assert "Fashion-MNIST full test split: 10,000 images" in stdout
    log = json.loads((out / "log.json").read_text())
    assert log["config"]["data"] == "full" and log["steps"] == 3


def test_outputs_get_the_usual_file_permissions(tmp_path, capsys):
    out = tmp_path / "perm"
    assert run(capsys, "train", *TINY, "--max-steps", 1, "--out", out)[0] == 0
    umask = os.umask(0)
    os.umask(umask)
    for name in ("checkpoint.npz", "log.json", "curves.png"):
        assert (out / name).stat().st_mode & 0o777 == 0o666 & ~umask, name
