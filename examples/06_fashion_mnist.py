"""Lecture §8 — feature maps of a Fashion-MNIST CNN.

The lecture trains its SimpleCNN (conv 1→16 → ReLU → pool → conv 16→32 → ReLU → pool → Linear) on
Fashion-MNIST, then feeds one ankle boot through it and draws what each conv layer sees: the 16
conv1 maps (28×28, still looking like the boot, each channel lighting up different edges and
regions) and the 32 conv2 maps (14×14, coarser, more abstract parts). This script does the same on
the 2,000-image subset shipped with the package (a few seconds per epoch), with the lecture's code:
only the imports differ from torch's.

    python examples/06_fashion_mnist.py                     # 2 epochs, PNGs into examples_out/06
    python examples/06_fashion_mnist.py --epochs 0          # the untrained network's maps, for contrast
    python examples/06_fashion_mnist.py --out /tmp/fmaps --index 42

Writes ``ankle_boot.png``, ``conv1_feature_maps.png``, ``conv2_feature_maps.png`` and
``conv1_filters.png``. ``minitorch-cnn figures`` draws the same pictures from any checkpoint.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the repo, when run as a script

import minitorch_cnn as torch                                   # was: import torch
import minitorch_cnn.nn as nn                                   # was: import torch.nn as nn
import minitorch_cnn.optim as optim                             # was: import torch.optim as optim
from minitorch_cnn.data import DataLoader, FashionMNIST         # was: torch.utils.data / torchvision.datasets
from minitorch_cnn.data import transforms                       # was: torchvision.transforms.v2
from minitorch_cnn.models import SimpleCNN, feature_maps
from minitorch_cnn import viz


def main(epochs: int = 2, batch_size: int = 64, lr: float = 1e-3, seed: int = 0, index: int | None = None,
         out: str | Path = "examples_out/06", print_fn=print) -> dict:
    """Train SimpleCNN on the mini subset, draw the feature maps; returns accuracy, paths and the maps."""
    torch.manual_seed(seed)
    transform = transforms.Compose([
        transforms.ToImage(),                                   # 28×28×1 uint8 → 1×28×28
        transforms.ToDtype(torch.float32, scale=True),          # → float32 in [0, 1]
        transforms.Normalize(mean=[0.5], std=[0.5]),            # → [-1, 1]
    ])
    train_set = FashionMNIST(train=True, transform=transform, subset="mini")
    test_set = FashionMNIST(train=False, transform=transform, subset="mini")
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True, seed=seed)
    test_loader = DataLoader(test_set, batch_size=500)

    model = SimpleCNN()
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=lr)

    for epoch in range(epochs):                                  # the lecture's training loop
        model.train()
        running = 0.0
        for images, labels in train_loader:
            optimizer.zero_grad()
            loss = criterion(model(images), labels)
            loss.backward()
            optimizer.step()
            running += loss.item()
        print_fn(f"epoch {epoch + 1}: mean training loss {running / len(train_loader):.4f}")

    model.eval()
    correct = 0
    with torch.no_grad():
        for images, labels in test_loader:
            correct += (model(images).argmax(dim=1) == labels).sum().item()
    accuracy = 100.0 * correct / len(test_set)
    print_fn(f"test accuracy on the {len(test_set)} mini test images: {accuracy:.1f}%")

    # one ankle boot (class 9), the first in the test set unless --index says otherwise
    if index is None:
        index = int((test_set.targets.numpy() == 9).nonzero()[0][0])
    image, label = test_set[index]
    x = image.unsqueeze(0)                                      # 1×28×28 → 1×1×28×28 (a batch of one)
    with torch.no_grad():
        maps = feature_maps(model, x)                           # {"conv1": 1×16×28×28, "conv2": 1×32×14×14}
    for name, fmap in maps.items():
        print_fn(f"{name} feature maps: {tuple(fmap.shape)}")

    out = Path(out)
    name = test_set.classes[label]
    trained = f"SimpleCNN after {epochs} epoch(s) of Adam on mini (test acc {accuracy:.1f}%)" if epochs \
        else "SimpleCNN with its initial (untrained) weights"
    paths = [
        viz.plot_image(test_set.data[index].numpy(), out / "ankle_boot.png", f"test image #{index}: {name}"),
        viz.plot_feature_maps(maps["conv1"], out / "conv1_feature_maps.png",
                              f"conv1: 16 feature maps of #{index} ({name})\n{trained}", ncols=8),
        viz.plot_feature_maps(maps["conv2"], out / "conv2_feature_maps.png",
                              f"conv2: 32 feature maps of #{index} ({name})\n{trained}", ncols=8),
        viz.plot_filters(model.conv1.weight.detach().numpy(), out / "conv1_filters.png",
                         f"conv1 filters (3×3)\n{trained}"),
    ]
    for p in paths:
        print_fn(f"wrote {p}")
    return {"accuracy": accuracy, "index": index, "label": name, "paths": paths,
            "maps": {k: v.numpy() for k, v in maps.items()}}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--index", type=int, default=None, help="test image (default: the first ankle boot)")
    parser.add_argument("--out", default="examples_out/06")
    a = parser.parse_args()
    main(a.epochs, a.batch_size, a.lr, a.seed, a.index, a.out)
