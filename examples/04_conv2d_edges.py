"""Lecture §4 — edge detection with a Laplacian kernel, as a Conv2d whose weights we set by hand.

    K = [[0,  1, 0],
         [1, -4, 1],
         [0,  1, 0]]

``Conv2d(3, 1, kernel_size=3, padding=1, bias=False)`` gets ``K / 3`` on each of its 3 input channels
(set under ``no_grad`` with item assignment, as the lecture does), so its output is the Laplacian of
each colour channel, averaged. Flat regions give 0; edges give large positive/negative values.

The result is checked against a direct NumPy 2-D correlation with a zero border and, when OpenCV
is installed (optional), against ``cv2.filter2D(..., borderType=cv2.BORDER_CONSTANT)``. A figure is
saved with matplotlib (Agg) into ``--out``.

    python examples/04_conv2d_edges.py --out out/edges
    python examples/04_conv2d_edges.py --engine torch --out out/edges_torch
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the repo, when run as a script

LAPLACIAN = np.array([[0.0, 1.0, 0.0],
                      [1.0, -4.0, 1.0],
                      [0.0, 1.0, 0.0]], dtype=np.float32)


def load_engine(engine: str):
    """(torch, nn) for ``"minitorch"`` or ``"torch"``."""
    names = {"minitorch": "minitorch_cnn", "torch": "torch"}
    if engine not in names:
        raise ValueError(f"engine must be one of {sorted(names)}, got {engine!r}")
    return importlib.import_module(names[engine]), importlib.import_module(names[engine] + ".nn")


def make_image(size: int = 32) -> np.ndarray:
    """A deterministic H×W×3 float32 image in [0, 1]: a red square, a green disc and a blue bar
    on a dark grey background (sharp edges, flat insides)."""
    img = np.full((size, size, 3), 0.1, dtype=np.float32)
    yy, xx = np.mgrid[0:size, 0:size]
    img[size // 8: size // 2, size // 8: size // 2] = (0.9, 0.1, 0.1)               # square
    disc = (yy - 0.65 * size) ** 2 + (xx - 0.65 * size) ** 2 <= (0.22 * size) ** 2
    img[disc] = (0.1, 0.8, 0.2)                                                      # disc
    img[int(0.8 * size): int(0.9 * size), size // 10: int(0.9 * size)] = (0.2, 0.3, 1.0)  # bar
    return img


def correlate2d_zero(channel: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """``out[i, j] = Σ_{u,v} k[u, v] · x[i+u-1, j+v-1]`` with zeros outside the image (what Conv2d computes)."""
    kh, kw = kernel.shape
    padded = np.pad(channel, ((kh // 2, kh // 2), (kw // 2, kw // 2)))
    out = np.zeros(channel.shape, dtype=np.float64)
    for u in range(kh):
        for v in range(kw):
            out += kernel[u, v] * padded[u: u + channel.shape[0], v: v + channel.shape[1]]
    return out


def numpy_edges(image: np.ndarray) -> np.ndarray:
    """The Laplacian of each channel of an H×W×C image, averaged over channels."""
    return np.mean([correlate2d_zero(image[:, :, c].astype(np.float64), LAPLACIAN) for c in range(image.shape[2])],
                   axis=0)


def opencv_edges(image: np.ndarray):
    """The same with ``cv2.filter2D`` (a correlation) and a zero border; None when OpenCV is absent."""
    try:
        import cv2
    except ImportError:
        return None
    filtered = cv2.filter2D(image.astype(np.float64), -1, LAPLACIAN.astype(np.float64),
                            borderType=cv2.BORDER_CONSTANT)
    return filtered.reshape(image.shape).mean(axis=2)


def save_figure(image, conv_out, ref, ref_cv2, path: str) -> str:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [(image, "input (H×W×3)", None), (conv_out, "Conv2d, Laplacian kernel", "gray"),
              (np.abs(conv_out - ref), "|Conv2d − NumPy correlation|", "magma")]
    if ref_cv2 is not None:
        panels.append((np.abs(conv_out - ref_cv2), "|Conv2d − cv2.filter2D|", "magma"))
    fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 3.4))
    for ax, (img, title, cmap) in zip(axes, panels):
        im = ax.imshow(img, cmap=cmap)
        ax.set_title(title, fontsize=9)
        ax.axis("off")
        if cmap is not None:
            fig.colorbar(im, ax=ax, fraction=0.046)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def main(engine: str = "minitorch", out: str | None = None, size: int = 32, print_fn=print) -> dict:
    """Returns ``image``, ``conv`` (H×W Conv2d output), ``numpy`` and ``opencv`` (None without cv2)
    references, their largest differences, and ``figure`` (the PNG path, when ``out`` is given)."""
    torch, nn = load_engine(engine)
    image = make_image(size)                                             # (H, W, 3)
    x = torch.from_numpy(image).permute(2, 0, 1).unsqueeze(0)            # (1, 3, H, W)

    conv = nn.Conv2d(3, 1, kernel_size=3, padding=1, bias=False)
    kernel = torch.tensor(LAPLACIAN.tolist())
    with torch.no_grad():                                                # set the weights by hand
        for c in range(3):
            conv.weight[0, c] = kernel / 3                               # the average of 3 Laplacians
    with torch.no_grad():
        edges = conv(x)[0, 0]                                            # (H, W)
    edges = np.array(edges.tolist(), dtype=np.float32)

    ref = numpy_edges(image)
    ref_cv2 = opencv_edges(image)
    diff = float(np.max(np.abs(edges - ref)))
    print_fn(f"input {image.shape} -> Conv2d output {edges.shape}; values in [{edges.min():.3f}, {edges.max():.3f}]")
    print_fn(f"max |Conv2d - NumPy correlation| = {diff:.2e}")
    diff_cv2 = None
    if ref_cv2 is None:
        print_fn("OpenCV not installed: cv2.filter2D comparison skipped")
    else:
        diff_cv2 = float(np.max(np.abs(edges - ref_cv2)))
        print_fn(f"max |Conv2d - cv2.filter2D (BORDER_CONSTANT)| = {diff_cv2:.2e}")
    figure = None
    if out is not None:
        figure = save_figure(image, edges, ref, ref_cv2, os.path.join(out, f"laplacian_edges_{engine}.png"))
        print_fn(f"figure saved to {figure}")
    return {"image": image, "conv": edges, "numpy": ref, "opencv": ref_cv2, "max_diff_numpy": diff,
            "max_diff_opencv": diff_cv2, "figure": figure}


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--engine", choices=["minitorch", "torch"], default="minitorch")
    p.add_argument("--out", default="out/examples", help="folder for the PNG figure")
    p.add_argument("--size", type=int, default=32)
    a = p.parse_args()
    main(a.engine, a.out, a.size)
