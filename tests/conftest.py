"""Shared test setup: hypothesis profiles, dtype tolerances, and the torch device list.

Profiles: ``ci`` (default; small, so the whole suite runs in minutes on 2 cores), ``dev``
(``HYPOTHESIS_PROFILE=dev``; many more examples) and ``explicit`` (only the ``@example`` pins). No deadline in either: Numba compiles a kernel
on its first call, which would trip a per-example deadline.
"""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, settings

settings.register_profile(
    "ci",
    max_examples=15,
    # CI draws the same examples on every run: a red CI means a change broke something, never an
    # unlucky draw. Exploration (new random draws each run) is the dev profile's job; what it finds
    # becomes an @example pin, which every profile runs.
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile(
    "dev",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
# Only the @example rows (the pinned edge cases): checks that each pin alone catches its planted bug.
settings.register_profile(
    "explicit",
    phases=[Phase.explicit],
    deadline=None,
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Parity tolerances (docs/architecture.md, Tests and parity): float64 ≤ 1e-10 relative; float32 ≤ 1e-4 relative with a small
# absolute floor (for values that are near zero after cancellation).
TOL = {
    np.float64: dict(rtol=1e-10, atol=1e-12),
    np.float32: dict(rtol=1e-4, atol=1e-5),
}


def tol(dtype) -> dict:
    return TOL[np.dtype(dtype).type]


def torch_devices() -> list:
    """'cpu', plus 'cuda' when torch sees a GPU (CUDA tests are skipped, not failed, without one)."""
    try:
        import torch
    except ImportError:  # pragma: no cover
        return []
    return ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]


DEVICES = [
    "cpu",
    pytest.param("cuda", marks=pytest.mark.cuda),
]


@pytest.fixture(params=DEVICES)
def device(request):
    """A torch device name to run the torch side on; 'cuda' is skipped when torch has no GPU."""
    import torch

    if request.param == "cuda" and not torch.cuda.is_available():
        pytest.skip("torch sees no CUDA device")
    return request.param


@pytest.fixture(params=["numba", "numpy"])
def backend(request):
    """Run a test under each kernel backend, restoring the previous one afterwards."""
    import minitorch_cnn as mt

    previous = mt.get_backend()
    mt.set_backend(request.param)
    yield request.param
    mt.set_backend(previous)


@pytest.fixture
def float64_default():
    """torch keeps some optimizer scalars in its default dtype: compare float64 runs under float64."""
    import torch

    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def load_example(filename: str):
    """Import ``examples/<filename>`` as a module (the scripts' names start with digits, so no plain import)."""
    spec = importlib.util.spec_from_file_location(Path(filename).stem, EXAMPLES / filename)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: without it installed, never called
def pytest_xdist_auto_num_workers(config):
    """``-n auto`` (the README's test command): one pytest-xdist worker per core, at most 8 — each worker
    imports torch and compiles its own kernels, so more would cost memory for little time."""
    return max(1, min(os.cpu_count() or 1, 8))
