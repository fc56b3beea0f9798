"""Device choice for the torch side: CUDA when torch sees a GPU, else the CPU."""
from __future__ import annotations

import torch


def pick_device(prefer: str | None = None) -> torch.device:
    """``torch.device("cuda")`` when ``torch.cuda.is_available()``, else ``torch.device("cpu")``.

    ``prefer="cpu"`` forces the CPU; ``prefer="cuda"`` raises when no GPU is visible.
    """
    if prefer is not None:
        prefer = str(prefer).lower()
        if prefer not in ("cpu", "cuda"):
            raise ValueError(f"pick_device: prefer must be 'cpu', 'cuda' or None, got {prefer!r}")
        if prefer == "cuda" and not torch.cuda.is_available():
            raise RuntimeError("pick_device: 'cuda' requested but torch sees no CUDA device")
        return torch.device(prefer)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
