"""Devices: CPU only. ``.to(device)`` and ``device=`` are accepted so that lecture code runs unchanged
(a leaf module)."""
from __future__ import annotations


class Device:
    def __init__(self, kind: str = "cpu"):
        check_device(kind)
        self.type = "cpu"

    def __repr__(self) -> str:
        return "device(type='cpu')"

    def __str__(self) -> str:
        return "cpu"

    def __eq__(self, other) -> bool:
        return str(other) == "cpu"

    __hash__ = object.__hash__


def check_device(device) -> None:
    name = str(device).split(":")[0]
    if name != "cpu":
        raise RuntimeError(
            f"minitorch_cnn runs on the CPU only, got device {device!r} "
            "(use the torch twins in reference/ for CUDA)"
        )
