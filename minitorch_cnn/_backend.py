"""Which implementation of the hot loops runs: the readable NumPy one or its Numba twin.

Every kernel in :mod:`minitorch_cnn.kernels` exists twice with the same signature: a plain NumPy
version that reads like the math, and a ``@numba.njit(cache=True)`` twin that must agree with it.
``set_backend("numpy")`` makes the whole engine run on the readable versions (handy for stepping
through with a debugger); ``"numba"`` is the default. The environment variable
``MINITORCH_CNN_BACKEND`` sets the starting value.
"""
from __future__ import annotations

import contextlib
import os

BACKENDS = ("numba", "numpy")

_env = os.environ.get("MINITORCH_CNN_BACKEND", "numba").strip().lower() or "numba"
# A bad value is reported when a kernel first runs (or by check_env()), not while importing: the
# package must stay importable so that `minitorch-cnn --help` works and the command can say it in one line.
_current: str | None = _env if _env in BACKENDS else None


def check_env() -> None:
    """Raise ``ValueError`` if ``MINITORCH_CNN_BACKEND`` named no backend and none was set since."""
    if _current is None:
        raise ValueError(f"MINITORCH_CNN_BACKEND: expected one of {', '.join(BACKENDS)}, got "
                         f"{os.environ.get('MINITORCH_CNN_BACKEND')!r}")


def get_backend() -> str:
    """Return the active backend name: ``"numba"`` or ``"numpy"``."""
    check_env()
    return _current


def set_backend(name: str) -> None:
    """Select the kernels' implementation for the whole engine (``"numba"`` or ``"numpy"``)."""
    global _current
    if not isinstance(name, str) or name.lower() not in BACKENDS:
        raise ValueError(f"set_backend: expected one of {BACKENDS}, got {name!r}")
    _current = name.lower()


@contextlib.contextmanager
def backend(name: str):
    """Context manager: run a block under another backend, then restore the previous one."""
    previous = get_backend()
    set_backend(name)
    try:
        yield
    finally:
        set_backend(previous)


def use_numba() -> bool:
    """True when the Numba twins should run."""
    if _current is None:
        check_env()
    return _current == "numba"
