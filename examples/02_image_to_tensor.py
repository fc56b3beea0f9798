"""Lecture §2 — an image as a tensor: H×W×C (NumPy, OpenCV, PIL) → C×H×W (torch) → B×C×H×W (a batch).

A 4×4 RGB image of uint8 values becomes a (3, 4, 4) tensor with ``permute(2, 0, 1)`` (channels
first), then ``unsqueeze(0)`` adds the batch axis the layers expect: (1, 3, 4, 4). Dividing by 255
gives floats in [0, 1]. (``transforms.ToImage()`` and ``ToDtype(float32, scale=True)`` do the same
two steps; tests/test_data_transforms.py shows they agree.) Only the import line differs from
torch's; swapped back, the script prints the same lines on PyTorch.

    python examples/02_image_to_tensor.py
"""
import minitorch_cnn as torch                  # import torch

import numpy as np

image = np.random.default_rng(0).integers(0, 256, size=(4, 4, 3), dtype=np.uint8)    # H×W×C
print(f"image (H, W, C) = {image.shape}, dtype {image.dtype}")
print(f"red channel: {image[:, :, 0].tolist()}")

chw = torch.from_numpy(image).permute(2, 0, 1)          # (C, H, W): channels first
print(f"permute(2, 0, 1) -> {tuple(chw.shape)}")
print(f"channel 0 of it: {chw[0].tolist()}")

batch = chw.unsqueeze(0)                                 # (1, C, H, W): a batch of one
print(f"unsqueeze(0)     -> {tuple(batch.shape)}")

scaled = batch.float() / 255                             # float32 in [0, 1]
print(f"as float32 in [0, 1]: shape {tuple(scaled.shape)}, float32 {scaled.dtype == torch.float32}, "
      f"min {scaled.min().item():.4f}, max {scaled.max().item():.4f}")
print(f"pixel (0, 0) of the batch, channels 0-2: {[round(v, 6) for v in scaled[0, :, 0, 0].tolist()]}")
