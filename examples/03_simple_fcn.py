"""Lecture §3 — SimpleFCN on the toy image: flatten 3×4×4 = 48 values, Linear(48, 3), CrossEntropyLoss.

One image with label 2, served by a DataLoader (batch of one), trained for 2 epochs with SGD; each
step prints ``Epoch k: loss=…``. The same code runs on PyTorch with ``--engine torch``; the test
starts both from the same weights and checks that the losses agree.

    python examples/03_simple_fcn.py
    python examples/03_simple_fcn.py --engine torch
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the repo, when run as a script


def load_engine(engine: str):
    """(torch, nn, optim, data, models) for ``"minitorch"`` or ``"torch"``."""
    if engine == "minitorch":
        names = ("minitorch_cnn", "minitorch_cnn.nn", "minitorch_cnn.optim", "minitorch_cnn.data",
                 "minitorch_cnn.models")
    elif engine == "torch":
        names = ("torch", "torch.nn", "torch.optim", "torch.utils.data", "reference.models")
    else:
        raise ValueError(f"engine must be 'minitorch' or 'torch', got {engine!r}")
    return tuple(importlib.import_module(n) for n in names)


def make_image(seed: int = 0) -> np.ndarray:
    """The toy 4×4×3 uint8 image of example 02."""
    return np.random.default_rng(seed).integers(0, 256, size=(4, 4, 3), dtype=np.uint8)


def main(engine: str = "minitorch", epochs: int = 2, lr: float = 0.01, seed: int = 0, weights: dict | None = None,
         print_fn=print) -> dict:
    """Train SimpleFCN on the one image; ``weights`` (name → array) sets the initial weights.

    Returns ``{"losses": [...], "logits": final logits as an array}``."""
    torch, nn, optim, data, models = load_engine(engine)
    torch.manual_seed(seed)

    # (3, 4, 4) in [0, 1]; contiguous() as ToImage does, since torch's view() refuses a permuted layout
    image = torch.from_numpy(make_image(seed)).permute(2, 0, 1).contiguous().float() / 255
    label = 2
    dataset = data.TensorDataset(image.unsqueeze(0), torch.tensor([label]))     # one sample
    loader = data.DataLoader(dataset, batch_size=1, shuffle=False)

    model = models.SimpleFCN(in_features=48, num_classes=3)                     # view(-1, 48) → Linear(48, 3)
    if weights is not None:
        model.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in weights.items()})
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)

    losses = []
    for epoch in range(epochs):
        for images, labels in loader:        # images: (1, 3, 4, 4), labels: (1,)
            optimizer.zero_grad()
            outputs = model(images)          # (1, 3) class scores
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            print_fn(f"Epoch {epoch + 1}: loss={loss.item():.4f}")

    with torch.no_grad():
        logits = model(image.unsqueeze(0))
    print_fn(f"scores after training: {[round(v, 4) for v in logits[0].tolist()]} "
             f"(predicted class {int(logits.argmax(dim=1).item())}, label {label})")
    return {"losses": losses, "logits": np.array(logits.tolist())}


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--engine", choices=["minitorch", "torch"], default="minitorch")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    main(a.engine, a.epochs, a.lr, a.seed)
