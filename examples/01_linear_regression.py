"""Lecture §1 — linear regression with nn.Linear, MSELoss and SGD: learn y = 2x.

The training loop is the lecture's, unchanged; only the line that imports ``torch`` differs, and
``--engine torch`` runs the very same code on PyTorch::

    python examples/01_linear_regression.py                      # minitorch_cnn, seeded initial weights
    python examples/01_linear_regression.py --w 0.5 --b -0.3     # start from w = 0.5, b = -0.3
    python examples/01_linear_regression.py --w 0.5 --b -0.3 --engine torch   # same ten losses
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the repo, when run as a script


def load_engine(engine: str):
    """(torch, nn, optim) for ``"minitorch"`` (``import minitorch_cnn as torch``) or ``"torch"``."""
    names = {"minitorch": "minitorch_cnn", "torch": "torch"}
    if engine not in names:
        raise ValueError(f"engine must be one of {sorted(names)}, got {engine!r}")
    torch = importlib.import_module(names[engine])
    return torch, importlib.import_module(names[engine] + ".nn"), importlib.import_module(names[engine] + ".optim")


def main(engine: str = "minitorch", w0: float | None = None, b0: float | None = None, epochs: int = 10,
         lr: float = 0.01, seed: int = 0, print_fn=print) -> dict:
    """Train ``y = w·x + b`` on four points; returns ``{"losses": [...], "w": float, "b": float}``."""
    torch, nn, optim = load_engine(engine)
    torch.manual_seed(seed)

    x = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
    y = torch.tensor([[2.0], [4.0], [6.0], [8.0]])

    model = nn.Linear(1, 1)
    if w0 is not None or b0 is not None:          # start both engines from the same point
        with torch.no_grad():
            if w0 is not None:
                model.weight.fill_(w0)
            if b0 is not None:
                model.bias.fill_(b0)
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)

    losses = []
    for epoch in range(epochs):
        optimizer.zero_grad()            # gradients accumulate until zeroed
        output = model(x)                # forward: w·x + b
        loss = criterion(output, y)      # mean squared error
        loss.backward()                  # d loss / d w, d loss / d b
        optimizer.step()                 # w -= lr · dw, b -= lr · db
        losses.append(loss.item())
        print_fn(f"Epoch {epoch + 1}: loss={loss.item():.4f}")

    w, b = model.weight.item(), model.bias.item()
    print_fn(f"learned w={w:.4f}, b={b:.4f}  (target: w=2, b=0)")
    return {"losses": losses, "w": w, "b": b}


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--engine", choices=["minitorch", "torch"], default="minitorch")
    p.add_argument("--w", type=float, default=None, help="initial weight (default: from --seed)")
    p.add_argument("--b", type=float, default=None, help="initial bias (default: from --seed)")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    main(a.engine, a.w, a.b, a.epochs, a.lr, a.seed)
