"""Lecture §9 — edge detection with a Laplacian kernel, in OpenCV and as a Conv2d whose weights we set by hand.

    K = [[0,  1, 0],
         [1, -4, 1],
         [0,  1, 0]]

``Conv2d(3, 1, kernel_size=3, padding=1, bias=False)`` gets ``K / 3`` on each of its 3 input channels
(set under ``no_grad`` with item assignment, as the lecture does), so its output is the Laplacian of
each colour channel, averaged. Flat regions give 0; edges give large positive/negative values.

The result is checked against a direct NumPy 2-D correlation with a zero border and, when OpenCV
is installed (optional), against ``cv2.filter2D(..., borderType=cv2.BORDER_CONSTANT)``. A figure is
saved into the folder given as the first argument (default ``out/examples``). Only the import lines
differ from torch's; swapped back, the script prints the same lines on PyTorch.

    python examples/07_conv2d_edges.py [out_dir]
"""
import minitorch_cnn as torch                  # import torch
import minitorch_cnn.nn as nn                  # import torch.nn as nn

import os
import sys

import numpy as np

LAPLACIAN = np.array([[0.0, 1.0, 0.0],
                      [1.0, -4.0, 1.0],
                      [0.0, 1.0, 0.0]], dtype=np.float32)

# a 32×32×3 image in [0, 1]: a red square, a green disc and a blue bar on dark grey (sharp edges, flat insides)
size = 32
image = np.full((size, size, 3), 0.1, dtype=np.float32)
yy, xx = np.mgrid[0:size, 0:size]
image[size // 8: size // 2, size // 8: size // 2] = (0.9, 0.1, 0.1)
image[(yy - 0.65 * size) ** 2 + (xx - 0.65 * size) ** 2 <= (0.22 * size) ** 2] = (0.1, 0.8, 0.2)
image[int(0.8 * size): int(0.9 * size), size // 10: int(0.9 * size)] = (0.2, 0.3, 1.0)

x = torch.from_numpy(image).permute(2, 0, 1).unsqueeze(0)            # (1, 3, H, W)
conv = nn.Conv2d(3, 1, kernel_size=3, padding=1, bias=False)
kernel = torch.tensor(LAPLACIAN.tolist())
with torch.no_grad():                                                # set the weights by hand
    for c in range(3):
        conv.weight[0, c] = kernel / 3                               # the average of 3 Laplacians
    edges = conv(x)[0, 0]                                            # (H, W)
edges = np.array(edges.tolist(), dtype=np.float32)
print(f"input {image.shape} -> Conv2d output {edges.shape}; values in [{edges.min():.4f}, {edges.max():.4f}]")
print(f"flat inside of the square: {np.abs(edges[6:14, 6:14]).max():.4f}; "
      f"edge pixels (|response| > 0.05): {int((np.abs(edges) > 0.05).sum())} of {edges.size}")


def correlate2d_zero(channel, k):
    """``out[i, j] = Σ_{u,v} k[u, v] · x[i+u-1, j+v-1]`` with zeros outside the image (what Conv2d computes)."""
    padded = np.pad(channel, 1)
    return sum(k[u, v] * padded[u: u + channel.shape[0], v: v + channel.shape[1]]
               for u in range(3) for v in range(3))


reference = np.mean([correlate2d_zero(image[:, :, c].astype(np.float64), LAPLACIAN) for c in range(3)], axis=0)
print(f"Conv2d equals the NumPy correlation (to 1e-5): {np.abs(edges - reference).max() < 1e-5}")
try:
    import cv2
except ImportError:
    cv2 = None
    print("OpenCV is not installed: the cv2.filter2D comparison is skipped")
if cv2 is not None:
    filtered = cv2.filter2D(image.astype(np.float64), -1, LAPLACIAN.astype(np.float64),
                            borderType=cv2.BORDER_CONSTANT).mean(axis=2)
    print(f"Conv2d equals cv2.filter2D with a zero border (to 1e-5): {np.abs(edges - filtered).max() < 1e-5}")

import matplotlib                                                     # noqa: E402  (the figure)
matplotlib.use("Agg")
import matplotlib.pyplot as plt                                       # noqa: E402

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join("out", "examples")
os.makedirs(out, exist_ok=True)
fig, axes = plt.subplots(1, 3, figsize=(9.6, 3.4))
for ax, (img, title, cmap) in zip(axes, [(image, "input (H×W×3)", None), (edges, "Conv2d, Laplacian kernel", "gray"),
                                         (np.abs(edges - reference), "|Conv2d − NumPy correlation|", "magma")]):
    shown = ax.imshow(img, cmap=cmap)
    ax.set_title(title, fontsize=9)
    ax.axis("off")
    if cmap is not None:
        fig.colorbar(shown, ax=ax, fraction=0.046)
fig.tight_layout()
fig.savefig(os.path.join(out, "laplacian_edges.png"), dpi=100)
plt.close(fig)
print(f"figure: {os.path.join(out, 'laplacian_edges.png')}")
