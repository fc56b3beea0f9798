"""The run's output folder, made safe before any work: writable, not silently reused, one writer.

* ``--out`` must be (or become) a writable directory — checked now, not after an epoch;
* a folder that already holds a run is refused unless the run is being resumed there or
  ``--overwrite`` is given;
* a lock file (``.lock``, ``flock``) keeps a second run from writing into the same folder;
* temporary files left by a write that was killed mid-way are removed.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

from ..training import CHECKPOINT_NAME, CURVES_NAME, LOG_NAME, TrainingError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock
    fcntl = None

LOCK_NAME = ".lock"
OUTPUTS = (CHECKPOINT_NAME, LOG_NAME, CURVES_NAME)


def _make_dir(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise TrainingError(f"--out {out}: exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise TrainingError(f"--out {out}: cannot be created, a part of the path is a file") from None
    except OSError as e:
        raise TrainingError(f"--out {out}: cannot be created ({e.strerror or e})") from None


def _lock(out: Path) -> int:
    """An open, exclusively locked ``out/.lock`` holding our pid; an error if another run holds it."""
    path = out / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as e:
        raise TrainingError(f"--out {out}: cannot write there ({e.strerror or e})") from None
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            pid = os.read(fd, 32).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise TrainingError(f"--out {out}: another run (pid {pid}) is writing there; wait for it to "
                                f"finish or choose another --out") from None
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode())
    return fd


def _orphans(out: Path) -> list[Path]:
    """Temporary files of an atomic write that never finished (``checkpoint.npz.<random>.tmp``...)."""
    return [p for p in out.iterdir() if p.is_file() and p.name.startswith(tuple(f"{n}." for n in OUTPUTS))
            and (p.name.endswith(".tmp") or p.name.endswith(".tmp.png"))]


@contextlib.contextmanager
def prepare_out(out: Path, resume=None, overwrite: bool = False, print_fn=print):
    """Make ``out`` ready and hold its lock for the ``with`` block."""
    out = Path(out)
    _make_dir(out)
    fd = _lock(out)
    try:
        for p in _orphans(out):
            p.unlink()
            print_fn(f"removed {p}, left by an interrupted write")
        present = [n for n in OUTPUTS if (out / n).exists()]
        here = resume is not None and Path(resume).resolve().parent == out.resolve()
        if present and not here:
            if not overwrite:
                raise TrainingError(f"--out {out} already holds a run ({', '.join(present)}); continue it "
                                    f"with --resume {out / CHECKPOINT_NAME}, replace it with --overwrite, "
                                    f"or choose another --out")
            for n in present:
                (out / n).unlink()
        yield out
    finally:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
