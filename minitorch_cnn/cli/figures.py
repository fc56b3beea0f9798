"""``minitorch-cnn figures``: the lecture's pictures — an image, its feature maps, the filters, the
Laplacian edge demo and samples per class — computed here and drawn by :mod:`minitorch_cnn.viz`."""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from .. import viz
from ..training import MODELS

LAPLACIAN = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=np.float32)


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "figures", help="draw the lecture's figures as PNGs",
        description="The lecture's pictures as PNG files in --out: the chosen test image, the conv1 and "
                    "conv2 feature maps of it, the learned filters, the Laplacian edge demo (a Conv2d with "
                    "the Laplacian kernel) and a grid of samples per class.")
    p.add_argument("--out", default="figures", help="output directory (default figures)")
    p.add_argument("--data", choices=["mini", "full"], default="mini", help="which Fashion-MNIST (default mini)")
    p.add_argument("--index", type=int, default=None,
                   help="test image to show (default: the first ankle boot in the test set, as in the lecture)")
    p.add_argument("--checkpoint", default=None,
                   help="take the model and its weights from a `train` checkpoint")
    p.add_argument("--model", choices=list(MODELS), default="cnn",
                   help="the model whose feature maps are drawn when no --checkpoint is given (default cnn)")
    p.add_argument("--train-steps", type=int, default=200,
                   help="without --checkpoint: train this many Adam steps on the mini data first "
                        "(0: draw the initial, untrained weights) (default 200)")
    p.add_argument("--seed", type=int, default=0, help="seed of the initial weights (default 0)")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    paths = make_figures(out=args.out, data=args.data, index=args.index, checkpoint=args.checkpoint,
                         model=args.model, train_steps=args.train_steps, seed=args.seed)
    for path in paths:
        print(f"wrote {path}")
    return 0


def laplacian_edges(image: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """The lecture's edge demo: a 1→1 ``Conv2d(3, padding=1, bias=False)`` whose weight is set to the
    Laplacian kernel under ``no_grad``, applied to ``image`` (H×W float32 in [0, 1]).

    Returns ``(conv output H×W, OpenCV's filter2D output or None when cv2 is not installed)``.
    """
    from .. import Tensor, nn, no_grad

    conv = nn.Conv2d(1, 1, kernel_size=3, padding=1, bias=False)
    with no_grad():
        conv.weight[...] = Tensor(LAPLACIAN.reshape(1, 1, 3, 3))
        edges = conv(Tensor(image[None, None].astype(np.float32))).numpy()[0, 0]
    try:
        import cv2
    except ImportError:
        return edges, None
    # filter2D correlates like Conv2d; zero borders match padding=1
    ref = cv2.filter2D(image.astype(np.float32), -1, LAPLACIAN, borderType=cv2.BORDER_CONSTANT)
    return edges, ref


def figure_model(checkpoint, model: str, train_steps: int, seed: int):
    """(model, description of its weights): from a checkpoint, briefly trained, or initial."""
    from ..random import manual_seed
    from ..training import build_model
    from ..training.checkpoint import load_model
    from ..training.loop import train_briefly

    if checkpoint is not None:
        m, meta = load_model(checkpoint)
        cfg, pos = meta["config"], meta["position"]
        return m, (f"{cfg['model']}, weights from {Path(checkpoint).name} ({cfg['optimizer']}, "
                   f"{pos['step']} steps, {cfg['data']} data)")
    manual_seed(seed)
    m = build_model("minitorch", model)
    if train_steps <= 0:
        return m, f"{model}, initial (untrained) weights, seed {seed}"
    acc = train_briefly(m, train_steps, seed)
    return m, f"{model}, trained briefly: {train_steps} Adam steps on mini (test acc {acc:.1f}%)"


def make_figures(out="figures", data: str = "mini", index: int | None = None, checkpoint=None,
                 model: str = "cnn", train_steps: int = 200, seed: int = 0) -> list[Path]:
    """Draw every figure of the ``figures`` command into ``out``; returns the paths written."""
    from .. import Tensor, no_grad
    from ..data import FashionMNIST
    from ..data.fashion_mnist import CLASSES
    from ..models import feature_maps
    from ..nn import Conv2d
    from ..training.data import MEAN, STD, check_full_data_present

    out = Path(out)
    if data == "full":
        check_full_data_present()
    test = FashionMNIST(train=False, subset=data)
    images, labels = test.data.array, test.targets.array
    if index is None:
        boots = np.flatnonzero(labels == CLASSES.index("Ankle boot"))
        index = int(boots[0])
    if not 0 <= index < len(labels):
        raise ValueError(f"--index must lie in 0..{len(labels) - 1} (the {data} test set), got {index}")
    label = CLASSES[int(labels[index])]
    img01 = images[index].astype(np.float32) / 255.0
    x = ((img01 - MEAN) / STD).astype(np.float32)[None, None]

    net, weights = figure_model(checkpoint, model, train_steps, seed)
    net.eval()
    paths = [viz.plot_image(img01, out / "image.png", f"{data} test image #{index}: {label}")]
    with no_grad():
        maps = dict(feature_maps(net, Tensor(x)))
    for name, fmap in maps.items():
        paths.append(viz.plot_feature_maps(fmap.numpy(), out / f"feature_maps_{name.replace('.', '_')}.png",
                                           f"{name} feature maps of test image #{index} ({label})\n{weights}"))
    convs = [(name, m) for name, m in net.named_modules() if isinstance(m, Conv2d)]
    for name, conv in convs[:2]:
        paths.append(viz.plot_filters(conv.weight.detach().numpy(), out / f"filters_{name.replace('.', '_')}.png",
                                      f"{name} filters (out←in)\n{weights}"))
    edges, ref = laplacian_edges(img01)
    paths.append(viz.plot_edge_demo(img01, edges, LAPLACIAN, out / "laplacian_edges.png",
                                    f"Laplacian kernel in Conv2d on test image #{index} ({label})", reference=ref))
    paths.append(viz.plot_class_samples(images, labels, CLASSES, out / "samples_per_class.png",
                                        title=f"Fashion-MNIST ({data} test set): samples per class"))
    return paths
