"""Lecture §2 — an image as a tensor: H×W×C (NumPy, OpenCV, PIL) → C×H×W (torch) → B×C×H×W (a batch).

A 4×4 RGB image of uint8 values is turned into a (3, 4, 4) tensor two ways — the transform
``ToImage()`` and a plain ``permute(2, 0, 1)`` — then ``unsqueeze(0)`` adds the batch axis the
layers expect: (1, 3, 4, 4). ``ToDtype(float32, scale=True)`` maps 0..255 to 0..1.

    python examples/02_image_to_tensor.py                 # minitorch_cnn
    python examples/02_image_to_tensor.py --engine torch  # PyTorch (permute only without torchvision)
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the repo, when run as a script


def load_engine(engine: str):
    """(torch, transforms or None) for ``"minitorch"`` or ``"torch"`` (transforms need torchvision)."""
    if engine == "minitorch":
        return importlib.import_module("minitorch_cnn"), importlib.import_module("minitorch_cnn.data.transforms")
    if engine == "torch":
        try:
            transforms = importlib.import_module("torchvision.transforms.v2")
        except ImportError:
            transforms = None
        return importlib.import_module("torch"), transforms
    raise ValueError(f"engine must be 'minitorch' or 'torch', got {engine!r}")


def make_image(seed: int = 0) -> np.ndarray:
    """The lecture's toy image: 4×4 pixels, 3 channels (H×W×C), uint8 values 0..255."""
    return np.random.default_rng(seed).integers(0, 256, size=(4, 4, 3), dtype=np.uint8)


def main(engine: str = "minitorch", seed: int = 0, print_fn=print) -> dict:
    """Returns the arrays of each step: ``hwc``, ``chw`` (permute), ``chw_toimage`` (or None),
    ``batch`` (1×3×4×4) and ``scaled`` (float32 in [0, 1])."""
    torch, transforms = load_engine(engine)
    image = make_image(seed)
    print_fn(f"image (H, W, C) = {image.shape}, dtype {image.dtype}")
    print_fn(f"red channel:\n{image[:, :, 0]}")

    chw = torch.from_numpy(image).permute(2, 0, 1)          # (C, H, W): channels first
    print_fn(f"permute(2, 0, 1) -> {tuple(chw.shape)}")
    chw_toimage = None
    if transforms is not None:
        chw_toimage = transforms.ToImage()(image)            # the transform does the same
        print_fn(f"ToImage()        -> {tuple(chw_toimage.shape)}")

    batch = chw.unsqueeze(0)                                 # (1, C, H, W): a batch of one
    print_fn(f"unsqueeze(0)     -> {tuple(batch.shape)}")
    print_fn(f"channel 0 of the batch:\n{batch[0, 0]}")

    if transforms is not None:
        to_float = transforms.Compose([transforms.ToImage(), transforms.ToDtype(torch.float32, scale=True)])
        scaled = to_float(image).unsqueeze(0)
    else:
        scaled = batch.to(torch.float32) / 255
    print_fn(f"as float32 in [0, 1]: shape {tuple(scaled.shape)}, dtype {scaled.dtype}, "
             f"min {scaled.min().item():.4f}, max {scaled.max().item():.4f}")

    arr = lambda t: None if t is None else np.asarray(t.detach().cpu().numpy() if engine == "torch" else t.numpy())
    return {"hwc": image, "chw": arr(chw), "chw_toimage": arr(chw_toimage), "batch": arr(batch),
            "scaled": arr(scaled)}


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--engine", choices=["minitorch", "torch"], default="minitorch")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    main(a.engine, a.seed)
