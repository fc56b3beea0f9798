"""Lecture §6 — the learning rate: too large diverges, large oscillates, right converges — and how schedulers change it.

Part 1 is the lecture's linear regression: learn y = 2x with ``nn.Linear(1, 1)`` and ``nn.MSELoss``
using plain SGD from the same initial weights at three learning rates:

  * lr = 1     — every step overshoots by more than it corrects: the loss explodes to inf, then NaN;
  * lr = 0.38  — too large: the weight jumps from one side of the optimum to the other every step,
    overshooting, and only slowly settles (its error changes sign at each step);
  * lr = 0.1   — a good lr: the loss decreases steadily and fast.

Why: on x ∈ {−2, −1, 1, 2} the MSE's curvature (Hessian of the loss in (weight, bias)) is
diag(2·mean(x²), 2) = diag(5, 2).  Along a direction of curvature λ one step multiplies the error by
(1 − lr·λ): gradient descent is stable only while lr·5 < 2 (lr < 0.4), and overshoots — the factor
is negative, the error flips sign — once lr·5 > 1.

Part 2 draws every scheduler's lr curve over 100 steps (base lr 0.1).

Writes ``lr_cases.png`` and ``lr_schedulers.png`` into the output directory (default ``out/``).

    python examples/04_learning_rate.py [out_dir] [--steps 60]
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing
import minitorch_cnn as torch  # noqa: E402  (the lecture's code with only the import changed)
from minitorch_cnn import nn, optim  # noqa: E402
from minitorch_cnn.optim import lr_scheduler  # noqa: E402

LR_CASES = {"lr = 1 (diverges)": 1.0, "lr = 0.38 (too large: oscillates)": 0.38, "lr = 0.1 (good)": 0.1}
INITIAL_WEIGHT, INITIAL_BIAS = 0.5, 0.3


def data():
    x = torch.tensor([[-2.0], [-1.0], [1.0], [2.0]])
    y = 2 * x
    return x, y


def train(lr: float, steps: int):
    """The lecture's loop; returns per-step (loss, weight, bias) arrays, stopping at a non-finite loss."""
    x, y = data()
    model = nn.Linear(1, 1)
    with torch.no_grad():
        model.weight[...] = INITIAL_WEIGHT
        model.bias[...] = INITIAL_BIAS
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses, weights, biases = [], [], []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        losses.append(loss.item())
        weights.append(model.weight.item())
        biases.append(model.bias.item())
        if not math.isfinite(losses[-1]):
            break  # diverged: the lesson of lr = 1
        loss.backward()
        optimizer.step()
    return np.array(losses), np.array(weights), np.array(biases)


def scheduler_curves(steps: int = 100, base_lr: float = 0.1) -> dict:
    """{name: lr per step} for every scheduler, each driving its own SGD optimizer."""
    def sgd():
        return optim.SGD([nn.Parameter(torch.zeros(1))], lr=base_lr, momentum=0.9)

    builders = {
        "StepLR(step_size=30, γ=0.1)": lambda o: lr_scheduler.StepLR(o, step_size=30, gamma=0.1),
        "MultiStepLR([30, 80], γ=0.1)": lambda o: lr_scheduler.MultiStepLR(o, milestones=[30, 80], gamma=0.1),
        "ExponentialLR(γ=0.95)": lambda o: lr_scheduler.ExponentialLR(o, gamma=0.95),
        "CosineAnnealingLR(T_max=100)": lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=100),
        "CosineAnnealingWarmRestarts(T_0=10, T_mult=2)":
            lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2),
        "LinearLR(1/3 → 1, 20 iters)": lambda o: lr_scheduler.LinearLR(o, start_factor=1 / 3, total_iters=20),
        "ConstantLR(factor=0.5, 20 iters)": lambda o: lr_scheduler.ConstantLR(o, factor=0.5, total_iters=20),
        "LambdaLR(1/(1+0.05t))": lambda o: lr_scheduler.LambdaLR(o, lambda t: 1 / (1 + 0.05 * t)),
        "MultiplicativeLR(×0.97)": lambda o: lr_scheduler.MultiplicativeLR(o, lambda t: 0.97),
        "PolynomialLR(100, power=2)": lambda o: lr_scheduler.PolynomialLR(o, total_iters=100, power=2.0),
        "OneCycleLR(max_lr=0.1)": lambda o: lr_scheduler.OneCycleLR(o, max_lr=base_lr, total_steps=steps),
        "ReduceLROnPlateau(patience=5)": lambda o: lr_scheduler.ReduceLROnPlateau(o, patience=5, factor=0.5),
        "SequentialLR(Linear warm-up 10 → Cosine)": lambda o: lr_scheduler.SequentialLR(
            o, [lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=10),
                lr_scheduler.CosineAnnealingLR(o, T_max=steps - 10)], milestones=[10]),
    }
    curves = {}
    for name, build in builders.items():
        opt = sgd()
        sched = build(opt)
        lrs = []
        for t in range(steps):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            if isinstance(sched, lr_scheduler.ReduceLROnPlateau):
                sched.step(1.0 if t > 20 else 1.0 / (t + 1))  # a validation loss that stops improving
            elif t < steps - 1 or not isinstance(sched, lr_scheduler.OneCycleLR):
                sched.step()
        curves[name] = np.array(lrs)
    return curves


def _figure(width, height):
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def plot(results: dict, curves: dict, out_dir: Path) -> list[Path]:
    fig = _figure(15, 4.5)
    ax_loss, ax_w, ax_b = (fig.add_subplot(1, 3, i) for i in (1, 2, 3))
    for name, (losses, weights, biases) in results.items():
        finite = np.isfinite(losses)
        ax_loss.semilogy(np.arange(len(losses))[finite], losses[finite], ".-", label=name)
        ax_w.plot(weights, ".-", label=name)
        ax_b.plot(biases, ".-", label=name)
    ax_loss.set(title="MSE loss (log scale; lr = 1 leaves the plot at inf)", xlabel="step")
    ax_w.axhline(2.0, color="k", lw=0.8)
    ax_w.set(title="weight (target 2)", xlabel="step", ylim=(-2, 6))
    ax_b.axhline(0.0, color="k", lw=0.8)
    ax_b.set(title="bias (target 0)", xlabel="step", ylim=(-2, 2))
    ax_loss.legend(fontsize=8)
    cases_png = out_dir / "lr_cases.png"
    fig.savefig(cases_png, bbox_inches="tight")

    fig = _figure(16, 12)
    for k, (name, lrs) in enumerate(curves.items()):
        ax = fig.add_subplot(4, 4, k + 1)
        ax.plot(lrs)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("step", fontsize=8)
        ax.set_ylabel("lr", fontsize=8)
    fig.tight_layout()
    sched_png = out_dir / "lr_schedulers.png"
    fig.savefig(sched_png, bbox_inches="tight")
    return [cases_png, sched_png]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", default="out", help="where the PNGs go (default: out/)")
    parser.add_argument("--steps", type=int, default=60, help="training steps per lr (default 60)")
    args = parser.parse_args(argv)
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    results = {name: train(lr, args.steps) for name, lr in LR_CASES.items()}
    for name, (losses, weights, _) in results.items():
        print(f"{name:36s} steps run {len(losses):3d}  first loss {losses[0]:.4g}  last loss {losses[-1]:.4g}  "
              f"last weight {weights[-1]:.4g}")
    curves = scheduler_curves()
    for png in plot(results, curves, out_dir):
        print("wrote", png)
    return results, curves


if __name__ == "__main__":
    main()
