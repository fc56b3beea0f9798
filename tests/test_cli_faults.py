"""``minitorch-cnn train`` off the happy path: every user error is one line on stderr and exit code 2
before any work is done; checkpoints that are not ours are refused by name; a run is never silently
lost; signals take effect between steps only.

The faults that involve a process — corrupt checkpoints, SIGINT, SIGTERM, a double Ctrl-C inside an
optimizer step, two writers on one folder, a bad backend variable — run the command as a subprocess,
started with the default SIGINT handling restored (pytest itself may run with SIGINT ignored, as a
background job does). Runs are tiny: 64 training images, batches of 16, a few steps.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from minitorch_cnn import cli
from minitorch_cnn.cli.outdir import prepare_out

REPO = Path(__file__).resolve().parents[1]
TINY = ["--model", "cnn", "--batch-size", "16", "--train-limit", "64", "--test-limit", "50", "--no-progress"]


def _default_sigint():
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def command(*args, env=None, timeout=120) -> subprocess.CompletedProcess:
    """``python -m minitorch_cnn ARGS`` in a fresh interpreter."""
    return subprocess.run([sys.executable, "-m", "minitorch_cnn", *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout, env=env, preexec_fn=_default_sigint)


def assert_one_line_error(stderr: str, *words: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "error" in lines[0], stderr
    for w in words:
        assert w in lines[0], (w, stderr)


def run_inprocess(capsys, *args) -> tuple[int, str, str]:
    try:
        rc = cli.main([str(a) for a in args])
    except SystemExit as e:           # argparse's own usage errors
        rc = e.code
    out, err = capsys.readouterr()
    return rc, out, err


def load_checkpoint(path) -> tuple[dict, dict]:
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    return arrays, json.loads(str(arrays.pop("__meta__")))


def save_checkpoint(path, arrays: dict, meta) -> Path:
    np.savez(path, **arrays, __meta__=np.array(json.dumps(meta)))
    return Path(path)


# ---------------------------------------------------------------------------------------------
# start-up checks: one line, exit 2, nothing written


@pytest.mark.parametrize("args,words", [
    (["--scheduler", "StepLR", "--sched-arg", "step_size=0"], ["step_size"]),
    (["--scheduler", "StepLR", "--sched-arg", "step_size=abc"], ["step_size"]),
    (["--scheduler", "CosineAnnealingLR", "--sched-arg", "T_max=0"], ["T_max"]),
    (["--scheduler", "OneCycleLR", "--sched-arg", "total_steps=2", "--epochs", "2"], ["OneCycleLR"]),
    (["--scheduler", "LambdaLR", "--sched-arg", "lr_lambda=abc"], ["LambdaLR"]),
    (["--scheduler", "ExponentialLR", "--sched-arg", "gamma=1e308", "--lr", "1", "--epochs", "3"], ["learning rate"]),
    (["--sched-arg", "gamma=0.5"], ["--sched-arg", "--scheduler"]),
    (["--lr", "inf"], ["--lr", "inf"]),
    (["--lr", "nan"], ["--lr", "nan"]),
    (["--lr", "-0.1"], ["--lr"]),
    (["--seed", "-1"], ["--seed", "-1"]),
    (["--seed", "4294967296"], ["--seed"]),
    (["--epochs", "0"], ["--epochs"]),
    (["--batch-size", "abc"], ["--batch-size", "abc"]),
    (["--optimizer", "adamm"], ["unknown optimizer"]),
    (["--optimizer", "sgd", "--opt-arg", "bogus=1"], ["--optimizer SGD", "bogus"]),
    (["--optimizer", "adam", "--opt-arg", "betas=(0.9,2.0)"], ["--optimizer Adam"]),
    (["--opt-arg", "momentum"], ["key=value"]),
])
def test_bad_option_is_one_line_before_any_work(args, words, tmp_path, capsys):
    out = tmp_path / "run"
    rc, stdout, err = run_inprocess(capsys, "train", *TINY, *args, "--out", out)
    assert rc == 2
    assert_one_line_error(err, *words)
    assert "data:" not in stdout and not out.exists()         # no data loaded, nothing written


def test_out_that_is_a_file_or_under_a_file(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("x")
    rc, _, err = run_inprocess(capsys, "train", *TINY, "--out", f)
    assert rc == 2
    assert_one_line_error(err, str(f), "not a directory")
    rc, _, err = run_inprocess(capsys, "train", *TINY, "--out", f / "sub")
    assert rc == 2
    assert_one_line_error(err, "a part of the path is a file")
    assert f.read_text() == "x"


# ---------------------------------------------------------------------------------------------
# no silent loss


def test_existing_run_is_refused_without_resume_or_overwrite(tmp_path, capsys):
    out = tmp_path / "run"
    assert run_inprocess(capsys, "train", *TINY, "--max-steps", 1, "--out", out)[0] == 0
    before = (out / "checkpoint.npz").read_bytes()
    rc, stdout, err = run_inprocess(capsys, "train", *TINY, "--max-steps", 1, "--out", out)
    assert rc == 2
    assert_one_line_error(err, "already holds a run", "--resume", "--overwrite")
    assert (out / "checkpoint.npz").read_bytes() == before and "data:" not in stdout
    rc, _, _ = run_inprocess(capsys, "train", *TINY, "--max-steps", 2, "--out", out, "--overwrite")
    assert rc == 0
    assert load_checkpoint(out / "checkpoint.npz")[1]["position"]["step"] == 2


def test_resume_with_nothing_left_to_do_says_so(tmp_path, capsys):
    out = tmp_path / "run"
    assert run_inprocess(capsys, "train", *TINY, "--epochs", 1, "--out", out)[0] == 0
    rc, _, err = run_inprocess(capsys, "train", "--resume", out / "checkpoint.npz")
    assert rc == 2
    assert_one_line_error(err, "already finished its 1 epoch", "--epochs")
    other = tmp_path / "steps"
    assert run_inprocess(capsys, "train", *TINY, "--max-steps", 2, "--out", other)[0] == 0
    rc, _, err = run_inprocess(capsys, "train", "--resume", other / "checkpoint.npz", "--max-steps", 2)
    assert rc == 2
    assert_one_line_error(err, "already at step 2", "--max-steps")


def test_orphan_temporary_files_are_removed(tmp_path, capsys):
    out = tmp_path / "run"
    assert run_inprocess(capsys, "train", *TINY, "--max-steps", 1, "--out", out)[0] == 0
    orphans = [out / "checkpoint.npz.x1y2.tmp", out / "curves.png.abc.tmp.png"]
    for p in orphans:
        p.write_bytes(b"half a file")
    keep = out / "notes.tmp"                      # not one of ours: left alone
    keep.write_text("mine")
    rc, stdout, _ = run_inprocess(capsys, "train", "--resume", out / "checkpoint.npz", "--max-steps", 2)
    assert rc == 0
    assert not any(p.exists() for p in orphans) and keep.exists()
    assert "left by an interrupted write" in stdout


def test_two_writers_cannot_share_an_out_folder(tmp_path):
    out = tmp_path / "run"
    with prepare_out(out):                         # this process holds the folder
        res = command("train", *TINY, "--max-steps", 1, "--out", out)
    assert res.returncode == 2
    assert_one_line_error(res.stderr, "another run", f"pid {os.getpid()}")
    assert not (out / "checkpoint.npz").exists()


def test_a_second_run_is_refused_while_the_first_trains_then_sigterm_saves(tmp_path):
    """Two real processes: the second is refused while the first holds the folder; SIGTERM from outside
    then stops the first at a step boundary with a checkpoint and a log."""
    out = tmp_path / "run"
    first = subprocess.Popen([sys.executable, "-m", "minitorch_cnn", "train", *TINY, "--epochs", "1000",
                              "--out", str(out)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, preexec_fn=_default_sigint)
    try:
        assert first.stdout.readline().startswith("data:")   # printed once the signal handlers are in place
        second = command("train", *TINY, "--max-steps", 1, "--out", out)
        assert second.returncode == 2
        assert_one_line_error(second.stderr, "another run", f"pid {first.pid}")
        first.send_signal(signal.SIGTERM)
        stdout, stderr = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 143, stderr
    assert "Traceback" not in stderr and "interrupted by SIGTERM" in stdout
    log = json.loads((out / "log.json").read_text())
    assert log["status"] == "interrupted" and log["signal"] == "SIGTERM"
    assert load_checkpoint(out / "checkpoint.npz")[1]["position"]["step"] == log["steps"]


def test_bad_backend_variable_is_one_line_and_help_still_works(tmp_path):
    env = dict(os.environ, MINITORCH_CNN_BACKEND="bogus")
    res = command("train", "--help", env=env)
    assert res.returncode == 0 and "usage: minitorch-cnn train" in res.stdout
    res = command("train", *TINY, "--max-steps", 1, "--out", tmp_path / "run", env=env)
    assert res.returncode == 2
    assert_one_line_error(res.stderr, "MINITORCH_CNN_BACKEND", "bogus")
    assert not (tmp_path / "run").exists()


# ---------------------------------------------------------------------------------------------
# checkpoints that are not (or no longer) ours: one line naming the file, exit 2


@pytest.fixture(scope="module")
def good_checkpoint(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("good") / "run"
    assert cli.main(["train", *TINY, "--max-steps", "2", "--out", str(out)]) == 0
    return out / "checkpoint.npz"


def _edit_meta(good, tmp_path, edit) -> Path:
    arrays, meta = load_checkpoint(good)
    edit(arrays, meta)
    return save_checkpoint(tmp_path / "bad.npz", arrays, meta)


def _drop(d, key):
    del d[key]


CORRUPTIONS = {
    "empty": (lambda good, tmp: (tmp / "bad.npz").write_bytes(b""), ["empty"]),
    "truncated": (lambda good, tmp: (tmp / "bad.npz").write_bytes(good.read_bytes()[:len(good.read_bytes()) // 2]),
                  ["truncated or damaged"]),
    "not a zip": (lambda good, tmp: (tmp / "bad.npz").write_text("hello, I am a text file\n"), ["not a .npz"]),
    "npy": (lambda good, tmp: np.save(tmp / "bad.npy", np.arange(3)) or (tmp / "bad.npy").rename(tmp / "bad.npz"),
            [".npy"]),
    "no meta": (lambda good, tmp: np.savez(tmp / "bad.npz", w=np.zeros(3)), ["no __meta__"]),
    "pickled": (lambda good, tmp: np.savez(tmp / "bad.npz", w=np.array([{"a": 1}], dtype=object),
                                           __meta__=np.array("{}")), ["pickled"]),
    "meta not json": (lambda good, tmp: np.savez(tmp / "bad.npz", **load_checkpoint(good)[0],
                                                 __meta__=np.array("{oops")), ["not JSON"]),
    "wrong format": (lambda good, tmp: _edit_meta(good, tmp, lambda a, m: m.update(format=99)), ["format 99"]),
    "no position": (lambda good, tmp: _edit_meta(good, tmp, lambda a, m: _drop(m, "position")), ["position"]),
    "bad position": (lambda good, tmp: _edit_meta(good, tmp, lambda a, m: m.update(position={"epoch": -1})),
                     ["position"]),
    "missing config key": (lambda good, tmp: _edit_meta(good, tmp, lambda a, m: _drop(m["config"], "seed")),
                           ["missing seed"]),
    "extra config key": (lambda good, tmp: _edit_meta(good, tmp, lambda a, m: m["config"].update(colour="red")),
                         ["unknown colour"]),
    "another model": (lambda good, tmp: _edit_meta(good, tmp, lambda a, m: m["config"].update(model="fcn")),
                      ["not this model's"]),
    "another optimizer": (lambda good, tmp: _edit_meta(good, tmp, lambda a, m: m["config"].update(optimizer="SGD")),
                          ["not a SGD's"]),
    "weight shape": (lambda good, tmp: _edit_meta(good, tmp, lambda a, m: a.update(
        {"minitorch/model/fc.bias": np.zeros(3, np.float32)})), ["fc.bias", "[3]"]),
    "bad batch order": (lambda good, tmp: _edit_meta(good, tmp, lambda a, m: a.update(order=a["order"] + 1000)),
                        ["batch order"]),
}


@pytest.mark.parametrize("case", list(CORRUPTIONS))
def test_corrupt_checkpoint_is_one_line_naming_the_file(case, good_checkpoint, tmp_path):
    make, words = CORRUPTIONS[case]
    make(good_checkpoint, tmp_path)
    bad = tmp_path / "bad.npz"
    res = command("train", "--resume", bad, "--out", tmp_path / "out")
    assert res.returncode == 2, res.stderr
    assert_one_line_error(res.stderr, str(bad), *words)
    assert not (tmp_path / "out" / "checkpoint.npz").exists()


def test_missing_checkpoint_and_folder_as_checkpoint(tmp_path, capsys):
    rc, _, err = run_inprocess(capsys, "train", "--resume", tmp_path / "nope.npz")
    assert rc == 2
    assert_one_line_error(err, "no such file")
    rc, _, err = run_inprocess(capsys, "train", "--resume", tmp_path)
    assert rc == 2
    assert_one_line_error(err, "not a file")


# ---------------------------------------------------------------------------------------------
# signals: at step boundaries only, the checkpoint resumes bit-identically

# Runs the command with a hook that, in optimizer step number STEP, sends this process SIGNAL once
# ("int", "term") or twice ("double"), after the update of the step's second parameter: a handler
# that acted at once would leave the step half applied.
DRIVER = r'''
import os, signal, sys
from minitorch_cnn import cli, optim
mode, at, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
sig = signal.SIGTERM if mode == "term" else signal.SIGINT
calls = [0]
original = optim.Adam._update
def _update(self, *args):
    original(self, *args)
    calls[0] += 1
    per_step = sum(len(g["params"]) for g in self.param_groups)
    if calls[0] == (at - 1) * per_step + 2:
        os.kill(os.getpid(), sig)
        if mode == "double":
            os.kill(os.getpid(), sig)
optim.Adam._update = _update
sys.exit(cli.main(argv))
'''


def _drive(tmp_path, mode: str, at: int, *args) -> subprocess.CompletedProcess:
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    return subprocess.run([sys.executable, str(driver), mode, str(at), *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=180, preexec_fn=_default_sigint)


def _assert_same_state(a, b) -> None:
    arrays_a, meta_a = load_checkpoint(a)
    arrays_b, meta_b = load_checkpoint(b)
    assert meta_a["position"] == meta_b["position"]
    assert set(arrays_a) == set(arrays_b)
    for k in arrays_a:
        np.testing.assert_array_equal(arrays_a[k], arrays_b[k], err_msg=k)


@pytest.fixture(scope="module")
def straight_run(tmp_path_factory) -> Path:
    # every run of this comparison in a fresh interpreter: bit-identity needs the same thread settings
    # (this process's BLAS pool may have been capped by an earlier --engine both test)
    out = tmp_path_factory.mktemp("straight") / "run"
    res = command("train", *TINY, "--optimizer", "adam", "--epochs", "2", "--out", out)
    assert res.returncode == 0, res.stderr
    return out / "checkpoint.npz"


@pytest.mark.parametrize("mode,rc,name", [("int", 130, "SIGINT"), ("term", 143, "SIGTERM"),
                                          ("double", 130, "SIGINT")])
def test_signal_stops_at_a_step_boundary_and_resume_is_bit_identical(mode, rc, name, straight_run, tmp_path):
    out = tmp_path / "cut"
    res = _drive(tmp_path, mode, 3, "train", *TINY, "--optimizer", "adam", "--epochs", 2, "--out", out)
    assert res.returncode == rc, res.stderr
    assert "Traceback" not in res.stderr
    assert f"interrupted by {name} at step 3" in res.stdout
    log = json.loads((out / "log.json").read_text())
    assert log["status"] == "interrupted" and log["signal"] == name and log["steps"] == 3
    assert load_checkpoint(out / "checkpoint.npz")[1]["position"]["step"] == 3
    resumed = command("train", "--resume", out / "checkpoint.npz", "--no-progress")
    assert resumed.returncode == 0, resumed.stderr
    _assert_same_state(straight_run, out / "checkpoint.npz")


# ---------------------------------------------------------------------------------------------
# Ctrl-C in the first second: it lands inside `import numpy`, before the command's handlers exist
_INTERRUPT_DURING_IMPORT = """
import importlib.abc, os, signal, sys
class Interrupt(importlib.abc.MetaPathFinder):  # a real SIGINT, delivered while NumPy is being imported
    def find_spec(self, name, path=None, target=None):
        if name == "numpy":
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)
        return None
sys.meta_path.insert(0, Interrupt())
{entry}
sys.exit(main(["--help"]))
"""


@pytest.mark.parametrize("entry,clean", [
    ("from _minitorch_cnn_launcher import main", True),   # the console script's entry point
    ("from minitorch_cnn.cli import main", False),        # without it: Python's traceback (the control)
])
def test_ctrl_c_while_starting_is_one_line(entry, clean):
    proc = subprocess.run([sys.executable, "-c", _INTERRUPT_DURING_IMPORT.format(entry=entry)], cwd=REPO,
                          capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(REPO)),
                          preexec_fn=_default_sigint)  # a background job inherits SIGINT ignored
    if clean:
        assert proc.returncode == 130, proc.stderr
        assert proc.stderr.strip() == "minitorch-cnn: interrupted while starting (nothing was written)"
    else:
        assert "Traceback" in proc.stderr and "KeyboardInterrupt" in proc.stderr


def test_the_console_script_enters_through_the_launcher():
    import tomllib

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["minitorch-cnn"] == "_minitorch_cnn_launcher:main"
