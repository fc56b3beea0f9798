"""Where Numba keeps the compiled kernels: a per-user folder, never inside the installed package.

Numba's ``cache=True`` writes machine code next to the source by default, i.e. into
``site-packages/minitorch_cnn/kernels/__pycache__``. ``pip uninstall`` (or the uninstall step of a
later ``pip install -e .``) removes the package's files but not those, and the folder left behind
becomes a namespace package that shadows the editable install (``ImportError: cannot import name
'direct_conv' from 'minitorch_cnn.kernels' (unknown location)``). So the cache goes elsewhere, in
this order:

1. ``NUMBA_CACHE_DIR`` when the user set it (Numba's own variable; left alone);
2. ``MINITORCH_CNN_CACHE_DIR``;
3. ``$XDG_CACHE_HOME/minitorch_cnn/numba``, else ``~/.cache/minitorch_cnn/numba``;
4. when that folder cannot be created: ``<temp dir>/minitorch_cnn-<user>/numba``.

Numba reads the folder from ``NUMBA_CACHE_DIR``, so :func:`configure` sets that variable (child
processes inherit it) before any kernel is decorated; ``minitorch_cnn/__init__.py`` calls it first.
Inside the folder Numba files each kernel under its source file's full path, so several installs
and checkouts never share an entry.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ENV_VAR = "MINITORCH_CNN_CACHE_DIR"


def default_cache_dir() -> Path:
    """The folder used when neither ``NUMBA_CACHE_DIR`` nor ``MINITORCH_CNN_CACHE_DIR`` is set."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "minitorch_cnn" / "numba"


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(path, os.W_OK | os.X_OK)


def cache_dir() -> Path:
    """The folder the kernels are cached in (see the module docstring for the order)."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return Path(os.environ["NUMBA_CACHE_DIR"])
    chosen = Path(os.environ[ENV_VAR]).expanduser() if os.environ.get(ENV_VAR) else default_cache_dir()
    if _writable(chosen):
        return chosen
    try:
        user = str(os.getuid())
    except AttributeError:  # Windows
        user = os.environ.get("USERNAME", "user")
    return Path(tempfile.gettempdir()) / f"minitorch_cnn-{user}" / "numba"


def configure() -> Path:
    """Point Numba's cache at :func:`cache_dir`; call before any ``@njit(cache=True)`` runs.

    Sets ``NUMBA_CACHE_DIR`` (unless the user did), and reloads Numba's configuration when Numba
    was imported before us, so the kernels decorated afterwards use the folder.
    """
    path = cache_dir()
    if os.environ.get("NUMBA_CACHE_DIR") != str(path):
        os.environ["NUMBA_CACHE_DIR"] = str(path)
        config = sys.modules.get("numba.core.config")
        if config is not None:
            config.reload_config()
    return path
