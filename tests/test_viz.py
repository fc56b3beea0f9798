"""The figures: every plotting function writes a valid PNG; the ``figures`` command draws the lecture's
pictures; the Laplacian edge demo equals the convolution written out by hand (and torch's conv2d)."""
from __future__ import annotations

import numpy as np
import pytest
from matplotlib.image import imread

from minitorch_cnn import cli, viz
from minitorch_cnn.cli import figures
from minitorch_cnn.data import FashionMNIST
from minitorch_cnn.data.fashion_mnist import CLASSES

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def assert_png(path, min_side: int = 50) -> np.ndarray:
    """``path`` starts with the PNG signature and decodes to an RGB(A) image of sensible size."""
    assert path.read_bytes()[:8] == PNG_SIGNATURE, path
    img = imread(path)
    assert img.ndim == 3 and img.shape[2] in (3, 4), img.shape
    assert min(img.shape[:2]) >= min_side, img.shape
    assert img[..., :3].std() > 0, f"{path} is blank"
    return img


def test_plot_functions_write_pngs(tmp_path):
    rng = np.random.default_rng(0)
    assert_png(viz.plot_image(rng.random((28, 28)), tmp_path / "img.png", "an image"))
    assert_png(viz.plot_feature_maps(rng.random((1, 6, 14, 14)), tmp_path / "maps.png"))
    assert_png(viz.plot_filters(rng.standard_normal((4, 2, 3, 3)), tmp_path / "filters.png"))
    assert_png(viz.plot_edge_demo(rng.random((28, 28)), rng.random((28, 28)), figures.LAPLACIAN,
                                  tmp_path / "edges.png"))
    labels = np.repeat(np.arange(10), 3)
    assert_png(viz.plot_class_samples(rng.random((30, 28, 28)), labels, CLASSES, tmp_path / "grid.png",
                                      per_class=3))
    history = [{"epoch": e, "minitorch": {"train_loss": 1.0 / e, "test_loss": 1.1 / e, "test_acc": 70.0 + e},
                "torch": {"train_loss": 1.0 / e, "test_loss": 1.1 / e, "test_acc": 70.0 + e}} for e in (1, 2)]
    steps = {"minitorch": list(np.linspace(2, 0.5, 20)), "torch": list(np.linspace(2, 0.5, 20))}
    assert_png(viz.plot_training_curves(history, steps, tmp_path / "curves.png", "t", steps_per_epoch=10))
    assert_png(viz.plot_training_curves([], {"minitorch": [2.0, 1.5]}, tmp_path / "empty.png"))


def test_plot_functions_leave_no_pyplot_figures_open(tmp_path):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    viz.plot_image(np.ones((4, 4)) * np.arange(4), tmp_path / "a.png")
    assert plt.get_fignums() == before


def test_bad_shapes_are_reported(tmp_path):
    with pytest.raises(ValueError, match="expected C×H×W"):
        viz.plot_feature_maps(np.zeros((3, 3)), tmp_path / "x.png")
    with pytest.raises(ValueError, match=r"\(out, in, kh, kw\)"):
        viz.plot_filters(np.zeros((3, 3, 3)), tmp_path / "x.png")


def _correlate_by_hand(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """out[i, j] = Σ_u Σ_v kernel[u, v] · padded[i + u, j + v], zero padding 1 (the definition)."""
    padded = np.pad(image.astype(np.float64), 1)
    out = np.zeros(image.shape)
    for i in range(image.shape[0]):
        for j in range(image.shape[1]):
            out[i, j] = (kernel * padded[i:i + 3, j:j + 3]).sum()
    return out


def test_laplacian_edges_match_the_definition_and_torch():
    img = FashionMNIST(train=False, subset="mini").data.array[0].astype(np.float32) / 255
    edges, _ = figures.laplacian_edges(img)
    expected = _correlate_by_hand(img, figures.LAPLACIAN)
    np.testing.assert_allclose(edges, expected, rtol=1e-4, atol=1e-5)
    torch = pytest.importorskip("torch")
    theirs = torch.nn.functional.conv2d(torch.from_numpy(img[None, None]),
                                        torch.from_numpy(figures.LAPLACIAN[None, None]), padding=1)[0, 0].numpy()
    np.testing.assert_allclose(edges, theirs, rtol=1e-4, atol=1e-5)


def test_figures_command_draws_every_figure(tmp_path, capsys):
    out = tmp_path / "figs"
    rc = cli.main(["figures", "--out", str(out), "--train-steps", "0"])
    assert rc == 0
    names = {"image.png", "feature_maps_conv1.png", "feature_maps_conv2.png", "filters_conv1.png",
             "filters_conv2.png", "laplacian_edges.png", "samples_per_class.png"}
    assert {p.name for p in out.iterdir()} == names
    for name in names:
        assert_png(out / name)
    printed = capsys.readouterr().out
    assert printed.count("wrote ") == len(names)


def test_figures_default_image_is_the_first_ankle_boot(monkeypatch, tmp_path):
    titles = {}
    original = viz.plot_image

    def spy(image, path, title=""):
        titles["image"] = title
        return original(image, path, title)

    monkeypatch.setattr(viz, "plot_image", spy)
    figures.make_figures(out=tmp_path, train_steps=0)
    labels = FashionMNIST(train=False, subset="mini").targets.array
    first_boot = int(np.flatnonzero(labels == CLASSES.index("Ankle boot"))[0])
    assert titles["image"] == f"mini test image #{first_boot}: Ankle boot"


def test_figures_say_where_the_weights_came_from(tmp_path, monkeypatch):
    seen = []
    original = viz.plot_filters
    monkeypatch.setattr(viz, "plot_filters", lambda w, p, title="", **k: seen.append(title) or original(w, p, title))
    figures.make_figures(out=tmp_path / "init", train_steps=0, index=3)
    assert "initial (untrained) weights" in seen[-1]
    figures.make_figures(out=tmp_path / "brief", train_steps=2, index=3)
    assert "trained briefly: 2 Adam steps" in seen[-1]
    assert cli.main(["train", "--model", "cnn", "--max-steps", "1", "--train-limit", "32", "--test-limit", "20",
                     "--batch-size", "8", "--no-progress", "--out", str(tmp_path / "run")]) == 0
    figures.make_figures(out=tmp_path / "ckpt", checkpoint=tmp_path / "run" / "checkpoint.npz", index=3)
    assert "weights from checkpoint.npz" in seen[-1]


def test_figures_rejects_a_bad_index(tmp_path, capsys):
    rc = cli.main(["figures", "--out", str(tmp_path), "--index", "100000", "--train-steps", "0"])
    assert rc == 2
    assert "--index must lie in 0..499" in capsys.readouterr().err


def test_example_06_draws_the_ankle_boot_feature_maps(tmp_path):
    from conftest import load_example

    example = load_example("06_fashion_mnist.py")
    lines = []
    result = example.main(epochs=1, batch_size=128, out=tmp_path, print_fn=lines.append)
    assert result["label"] == "Ankle boot"
    assert result["maps"]["conv1"].shape == (1, 16, 28, 28)
    assert result["maps"]["conv2"].shape == (1, 32, 14, 14)
    assert (result["maps"]["conv1"] >= 0).all()                 # after ReLU
    assert result["accuracy"] > 30                               # one epoch learns far beyond chance (10 %)
    assert any(line.startswith("epoch 1: mean training loss") for line in lines)
    for path in result["paths"]:
        assert_png(path)
