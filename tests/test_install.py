"""A newcomer's install (issue 9 §1): what a plain ``pip install .`` ships and where Numba caches.

- ``reference/`` and ``benchmarks/`` stay top-level folders of the repository but ship inside the
  wheel as ``minitorch_cnn.reference`` / ``minitorch_cnn.benchmarks``, so ``train --engine both`` and
  ``bench`` work from any folder (``.ci/run`` runs them from outside the checkout after a real
  ``pip install .``).
- Compiled kernels go to a per-user cache folder, never into the installed package: files left
  there by one install turned the package folder into a namespace package that shadowed the next
  (editable) install.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from minitorch_cnn import _cache

REPO = Path(__file__).resolve().parents[1]


def _env_without_cache_vars(monkeypatch):
    for var in ("NUMBA_CACHE_DIR", _cache.ENV_VAR, "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)


def test_cache_dir_order(monkeypatch, tmp_path):
    _env_without_cache_vars(monkeypatch)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert _cache.cache_dir() == tmp_path / "home" / ".cache" / "minitorch_cnn" / "numba"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert _cache.cache_dir() == tmp_path / "xdg" / "minitorch_cnn" / "numba"
    monkeypatch.setenv(_cache.ENV_VAR, str(tmp_path / "mine"))
    assert _cache.cache_dir() == tmp_path / "mine"
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "numba-own"))  # the user's choice wins
    assert _cache.cache_dir() == tmp_path / "numba-own"


def test_unwritable_cache_dir_falls_back_to_temp(monkeypatch, tmp_path):
    _env_without_cache_vars(monkeypatch)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(_cache.ENV_VAR, str(blocker / "numba"))
    chosen = _cache.cache_dir()
    assert chosen != blocker / "numba" and chosen.name == "numba"
    assert "minitorch_cnn-" in chosen.parent.name


KERNEL_RUN = """
import sys
if sys.argv[1] == "numba-first":
    import numba  # a user who imported Numba before us: its config has been read already
import numpy as np
import minitorch_cnn as mt
from minitorch_cnn.kernels import activation
activation.relu_forward_numba(np.arange(-3.0, 3.0))
disp = activation._relu_forward_flat
print(disp._cache.cache_path)
"""


@pytest.mark.parametrize("order", ["numba-first", "engine-first"])
def test_numba_cache_goes_to_the_user_folder_not_the_package(tmp_path, order):
    env = {k: v for k, v in __import__("os").environ.items()
           if k not in ("NUMBA_CACHE_DIR", _cache.ENV_VAR, "XDG_CACHE_HOME")}
    env[_cache.ENV_VAR] = str(tmp_path / "kernels-cache")
    res = subprocess.run([sys.executable, "-c", KERNEL_RUN, order], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    cache_path = Path(res.stdout.strip().splitlines()[-1])
    assert tmp_path / "kernels-cache" in cache_path.parents, cache_path
    assert list(cache_path.glob("activation._relu_forward_flat-*.nbi")), list(cache_path.iterdir())
    assert REPO not in cache_path.parents


def test_user_numba_cache_dir_is_respected(tmp_path):
    env = {k: v for k, v in __import__("os").environ.items() if k != _cache.ENV_VAR}
    env["NUMBA_CACHE_DIR"] = str(tmp_path / "users-own")
    env[_cache.ENV_VAR] = str(tmp_path / "ours")
    res = subprocess.run([sys.executable, "-c", KERNEL_RUN, "engine-first"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert tmp_path / "users-own" in Path(res.stdout.strip().splitlines()[-1]).parents
    assert not (tmp_path / "ours").exists()


def test_wheel_ships_reference_and_benchmarks(tmp_path):
    """Build the wheel from a copy of the sources (a checkout's own build/ is left alone)."""
    pytest.importorskip("setuptools", reason="building the wheel offline needs setuptools in the venv")
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(REPO / name, src / name)
    for name in ("minitorch_cnn", "reference", "benchmarks"):
        shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.nb[ic]"))
    res = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                          "--no-index", str(src), "-w", str(tmp_path / "dist")],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    (wheel,) = (tmp_path / "dist").glob("minitorch_cnn-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("reference", "benchmarks"):
        for f in (REPO / folder).glob("*.py"):
            assert f"minitorch_cnn/{folder}/{f.name}" in names
    assert not any(n.startswith(("reference/", "benchmarks/", "tests/")) for n in names)
    assert not any(n.endswith((".nbi", ".nbc")) for n in names)
    # every engine sub-package is found (setup.py discovers them; a new one needs no edit)
    for init in (REPO / "minitorch_cnn").rglob("__init__.py"):
        assert init.relative_to(REPO).as_posix() in names


def test_reference_and_benchmarks_import_from_any_folder(tmp_path):
    code = ("import minitorch_cnn.reference.models, minitorch_cnn.benchmarks.bench\n"
            "from minitorch_cnn.reference import optimizers\nprint(optimizers.Lion.__name__)")
    res = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "Lion"


def test_bench_without_torch_says_how_to_install_it(tmp_path):
    code = ("import sys\nsys.modules['torch'] = None\nfrom minitorch_cnn import cli\n"
            f"sys.exit(cli.main(['bench', '--quick', '--out', {str(tmp_path / 'b')!r}]))\n")
    res = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install torch==2.13.0" in lines[0], res.stderr
    assert not (tmp_path / "b").exists()
