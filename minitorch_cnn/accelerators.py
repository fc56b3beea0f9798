"""``torch.cuda``, ``torch.backends.mps`` and ``torch.accelerator`` as a CPU-only engine answers them.

This engine runs on the CPU only (the torch twins in ``reference/`` are the GPU path), so every
availability question answers "no", and the device-selection lines of PyTorch's tutorials run
unchanged and pick ``"cpu"``::

    device = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
    device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"

Asking for a CUDA or MPS device anywhere (``.to("cuda")``, ``device="mps"``, ``set_default_device``)
raises a RuntimeError that says so.
"""
from __future__ import annotations

from types import SimpleNamespace

from .device import Device, check_device


class cuda:  # noqa: N801 - mirrors the torch.cuda namespace
    """``torch.cuda``: no GPU here."""

    @staticmethod
    def is_available() -> bool:
        return False

    @staticmethod
    def device_count() -> int:
        return 0

    @staticmethod
    def manual_seed(seed: int) -> None:
        """Seeding CUDA's generators is a no-op without CUDA (as in torch)."""

    manual_seed_all = manual_seed


class _MPS:
    """``torch.backends.mps``: Apple's Metal backend, never available here."""

    @staticmethod
    def is_available() -> bool:
        return False

    @staticmethod
    def is_built() -> bool:
        return False


# cudnn's switches are set by reproducibility recipes (``torch.backends.cudnn.deterministic = True``):
# plain attributes here, with nothing to switch (the CPU kernels are deterministic)
backends = SimpleNamespace(mps=_MPS(), cuda=SimpleNamespace(is_built=lambda: False),
                           cudnn=SimpleNamespace(is_available=lambda: False, version=lambda: None,
                                                 enabled=True, deterministic=False, benchmark=False))

_deterministic = {"mode": False, "warn_only": False}


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Recorded only: every computation of this engine is already deterministic on the CPU."""
    _deterministic.update(mode=bool(mode), warn_only=bool(warn_only))


def are_deterministic_algorithms_enabled() -> bool:
    return _deterministic["mode"]


class accelerator:  # noqa: N801 - mirrors the torch.accelerator namespace
    """``torch.accelerator``: there is none, so ``current_accelerator()`` is None (as torch returns)."""

    @staticmethod
    def is_available() -> bool:
        return False

    @staticmethod
    def current_accelerator(check_available: bool = False):
        return None

    @staticmethod
    def device_count() -> int:
        return 0


def set_default_device(device) -> None:
    """Accepts ``"cpu"`` (or None, which restores it); any other device raises."""
    if device is not None:
        check_device(device)


def get_default_device() -> Device:
    return Device("cpu")
