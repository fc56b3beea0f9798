"""The lecture's pictures, drawn with matplotlib's Agg renderer into PNG files.

Every function takes NumPy arrays (or Tensors) and a path, writes one PNG and returns the path.
Figures are built as ``matplotlib.figure.Figure`` objects on an Agg canvas, never through pyplot,
so nothing here changes the user's matplotlib backend or leaves figures open: each figure is
cleared once saved. Files are written to a temporary name and renamed into place.

Plotting only: arrays in, PNG out. What to draw is computed elsewhere (the training log by
``training/``, the feature maps and the edge demo by ``cli/figures.py``).
"""
from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

ENGINE_COLORS = {"minitorch": "tab:blue", "torch": "tab:orange"}


def _array(x) -> np.ndarray:
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Figure, path: str | Path) -> Path:
    """Save ``fig`` as a PNG at ``path`` atomically, then clear it (the figure is done with)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp.png")
    os.close(fd)
    try:
        fig.savefig(tmp, format="png", bbox_inches="tight")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)          # mkstemp made it 0o600; give it a new file's usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        fig.clear()
    return path


def _grid(n: int, ncols: int | None = None) -> tuple[int, int]:
    ncols = ncols or min(n, 8)
    return math.ceil(n / ncols), ncols


def _montage(panels: np.ndarray, rows: int, cols: int, gap: int = 1) -> np.ndarray:
    """Tile K×H×W panels into one (rows·(H+gap))×(cols·(W+gap)) array, NaN in the gaps.

    Each panel is first scaled to [0, 1] on its own (its own color scale, as separate imshows give).
    """
    k, h, w = panels.shape
    lo = panels.reshape(k, -1).min(axis=1)[:, None, None]
    span = panels.reshape(k, -1).max(axis=1)[:, None, None] - lo
    scaled = (panels - lo) / np.where(span > 0, span, 1.0)
    out = np.full((rows * (h + gap) - gap, cols * (w + gap) - gap), np.nan)
    for i in range(k):
        r, c = divmod(i, cols)
        out[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = scaled[i]
    return out


def _image_grid(maps: np.ndarray, path, title: str, labels: Sequence[str] | None = None,
                ncols: int | None = None, cmap: str = "gray", cell: float = 1.4) -> Path:
    """One small image per entry of ``maps`` (K×H×W) in a grid, each on its own color scale.

    Drawn as a single tiled image (one ``imshow``) rather than K axes: the same picture, many
    times faster to render.
    """
    maps = np.asarray(maps, dtype=np.float64)
    rows, cols = _grid(len(maps), ncols)
    h, w = maps.shape[1:]
    fig = _figure(cols * cell, rows * cell + 0.6)
    ax = fig.add_subplot(1, 1, 1)
    ax.imshow(_montage(maps, rows, cols), cmap=cmap, interpolation="nearest")
    ax.set_axis_off()
    if labels is not None:
        for i, label in enumerate(labels[:len(maps)]):
            r, c = divmod(i, cols)
            ax.text(c * (w + 1) + w / 2 - 0.5, r * (h + 1) - 0.6, label, ha="center", va="bottom", fontsize=6)
    fig.suptitle(title, fontsize=10)
    return _save(fig, path)


# ---------------------------------------------------------------------------------------------
# training


def plot_training_curves(history: list[dict], step_losses: dict[str, Sequence[float]], path,
                         title: str = "", steps_per_epoch: int | None = None) -> Path:
    """Loss (per step, and each epoch's mean) and test accuracy per epoch, the engines overlaid.

    ``history`` is the list of per-epoch rows of the training log (``row[engine]["train_loss"]``,
    ``["test_loss"]``, ``["test_acc"]``); ``step_losses`` maps each engine to its per-step losses.
    """
    fig = _figure(11, 4)
    ax_loss, ax_acc = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    spe = steps_per_epoch or 1
    for k, (name, losses) in enumerate(step_losses.items()):
        color = ENGINE_COLORS.get(name, f"C{k}")
        style = "-" if k == 0 else "--"
        losses = np.asarray(losses, dtype=np.float64)
        if losses.size:
            x = np.arange(1, losses.size + 1) / spe
            ax_loss.plot(x, losses, style, color=color, alpha=0.15, linewidth=0.6)
            window = max(1, min(losses.size // 4, spe // 10))     # a running mean over ~1/10 epoch
            if window > 1:
                smooth = np.convolve(losses, np.ones(window) / window, mode="valid")
                ax_loss.plot(x[window - 1:], smooth, style, color=color, linewidth=1.0,
                             label=f"{name} (running mean of {window} steps)")
            else:
                ax_loss.plot([], [], style, color=color, label=f"{name} (per step)")
        epochs = [row["epoch"] for row in history if name in row]
        if epochs:
            ax_loss.plot(epochs, [row[name]["train_loss"] for row in history if name in row], "o" + style,
                         color=color, label=f"{name} train (epoch mean)")
            ax_loss.plot(epochs, [row[name]["test_loss"] for row in history if name in row], "s:",
                         color=color, label=f"{name} test")
            ax_acc.plot(epochs, [row[name]["test_acc"] for row in history if name in row], "o" + style,
                        color=color, label=name, markersize=7 if k == 0 else 4)
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("cross-entropy loss")
    ax_loss.set_title("loss")
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("test accuracy (%)")
    ax_acc.set_title("test accuracy")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
    if not history:
        ax_acc.text(0.5, 0.5, "no complete epoch yet", ha="center", va="center", transform=ax_acc.transAxes)
    fig.suptitle(title, fontsize=11)
    return _save(fig, path)


# ---------------------------------------------------------------------------------------------
# the lecture's figures


def plot_image(image, path, title: str = "") -> Path:
    """One grayscale image (H×W, or 1×H×W)."""
    img = _array(image).reshape(_array(image).shape[-2:])
    fig = _figure(3, 3.3)
    ax = fig.add_subplot(1, 1, 1)
    ax.imshow(img, cmap="gray", interpolation="nearest")
    ax.set_axis_off()
    ax.set_title(title, fontsize=10)
    return _save(fig, path)


def plot_feature_maps(maps, path, title: str = "feature maps", ncols: int | None = None) -> Path:
    """A layer's output for one image: C×H×W (or 1×C×H×W), one panel per channel."""
    maps = _array(maps)
    if maps.ndim == 4:
        maps = maps[0]
    if maps.ndim != 3:
        raise ValueError(f"plot_feature_maps: expected C×H×W or 1×C×H×W maps, got shape {maps.shape}")
    return _image_grid(maps, path, title, labels=[f"ch {c}" for c in range(len(maps))], ncols=ncols,
                       cmap="viridis")


def plot_filters(weight, path, title: str = "filters", max_filters: int = 64) -> Path:
    """A conv layer's kernels (out×in×kh×kw): one panel per (out, in) pair, up to ``max_filters``."""
    w = _array(weight)
    if w.ndim != 4:
        raise ValueError(f"plot_filters: expected a weight of shape (out, in, kh, kw), got {w.shape}")
    out_c, in_c = w.shape[:2]
    kernels = w.reshape(out_c * in_c, *w.shape[2:])[:max_filters]
    labels = [f"{i // in_c}←{i % in_c}" if in_c > 1 else f"{i}" for i in range(len(kernels))]
    return _image_grid(kernels, path, title, labels=labels, ncols=min(len(kernels), 8), cmap="RdBu_r",
                       cell=1.0)


def plot_edge_demo(image, edges, kernel, path, title: str = "Laplacian edge detection",
                   reference=None, reference_label: str = "OpenCV filter2D") -> Path:
    """The image, the 3×3 kernel, and the Conv2d output (and OpenCV's, when given) side by side."""
    panels = [(_array(image).reshape(_array(image).shape[-2:]), "input", "gray"),
              (_array(kernel).reshape(_array(kernel).shape[-2:]), "kernel", "RdBu_r"),
              (_array(edges).reshape(_array(edges).shape[-2:]), "Conv2d output", "gray")]
    if reference is not None:
        panels.append((_array(reference).reshape(_array(reference).shape[-2:]), reference_label, "gray"))
    fig = _figure(3 * len(panels), 3.4)
    for k, (arr, label, cmap) in enumerate(panels):
        ax = fig.add_subplot(1, len(panels), k + 1)
        ax.imshow(arr, cmap=cmap, interpolation="nearest")
        if label == "kernel":
            for (i, j), v in np.ndenumerate(arr):
                ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=9)
        ax.set_title(label, fontsize=9)
        ax.set_axis_off()
    fig.suptitle(title, fontsize=10)
    return _save(fig, path)


def plot_class_samples(images, labels, classes: Sequence[str], path, per_class: int = 8,
                       title: str = "Fashion-MNIST: samples per class") -> Path:
    """A grid with one row per class and its first ``per_class`` images (a class with fewer stays blank)."""
    images, labels = _array(images).astype(np.float64), _array(labels)
    if images.ndim == 4:
        images = images[:, 0]
    h, w = images.shape[1:]
    tiles = np.full((len(classes) * per_class, h, w), np.nan)
    for c in range(len(classes)):
        picks = np.flatnonzero(labels == c)[:per_class]
        tiles[c * per_class:c * per_class + len(picks)] = images[picks]
    filled = np.isfinite(tiles).all(axis=(1, 2))
    grid = np.full((len(classes) * (h + 1) - 1, per_class * (w + 1) - 1), np.nan)
    grid_tiles = _montage(np.where(np.isfinite(tiles), tiles, 0.0), len(classes), per_class)
    for i in range(len(tiles)):
        if filled[i]:
            r, c = divmod(i, per_class)
            sl = (slice(r * (h + 1), r * (h + 1) + h), slice(c * (w + 1), c * (w + 1) + w))
            grid[sl] = grid_tiles[sl]
    fig = _figure(per_class * 0.9 + 1.6, len(classes) * 0.9 + 0.5)
    ax = fig.add_subplot(1, 1, 1)
    ax.imshow(grid, cmap="gray", interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([r * (h + 1) + h / 2 - 0.5 for r in range(len(classes))])
    ax.set_yticklabels([f"{c}: {name}" for c, name in enumerate(classes)], fontsize=8)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.tick_params(length=0)
    fig.suptitle(title, fontsize=10)
    return _save(fig, path)
