"""Lecture §7 — the table of 13 optimizers, raced on three 2-D test functions.

Each optimizer starts from the same point and follows its own path, computed with minitorch_cnn's
Tensor autograd (the loss is built from Tensor ops and ``loss.backward()`` fills ``w.grad``) and
its optimizer classes — exactly the training loop of the lecture::

    optimizer.zero_grad(); loss = f(w); loss.backward(); optimizer.step()

Functions:
  * Rosenbrock ``(1 − x)² + 100·(y − x²)²`` — a curved narrow valley, minimum 0 at (1, 1);
  * a saddle ``x²/2 + y⁴/4 − y²/2`` — a saddle point at (0, 0) and minima −¼ at (0, ±1); the race
    starts almost on the ridge (y = 10⁻³), where plain gradient descent barely moves;
  * an ill-conditioned bowl ``(x² + 50·y²)/2`` — condition number 50.

Writes ``optimizer_paths.png`` (paths over the contours) and ``optimizer_losses.png`` (f − f_min
per step, log scale) into the output directory (default ``out/``).

    python examples/05_optimizer_paths.py [out_dir] [--steps 300]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing
import minitorch_cnn as mt  # noqa: E402
from minitorch_cnn import nn, optim  # noqa: E402


def rosenbrock(w):
    x, y = w[0], w[1]
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def saddle(w):
    x, y = w[0], w[1]
    return x**2 / 2 + y**4 / 4 - y**2 / 2


def bowl(w):
    x, y = w[0], w[1]
    return (x**2 + 50 * y**2) / 2


# name: (function, start, f_min, lr multiplier, plot window (xmin, xmax, ymin, ymax))
# The functions are written with operators only, so they run on minitorch and torch tensors alike.
FUNCTIONS = {
    "Rosenbrock": (rosenbrock, (-1.5, 2.0), 0.0, 1.0, (-2.0, 2.0, -1.0, 3.0)),
    "saddle": (saddle, (1.5, 1e-3), -0.25, 3.0, (-2.0, 2.0, -1.5, 1.5)),
    "ill-conditioned bowl": (bowl, (-4.0, 1.0), 0.0, 1.0, (-5.0, 5.0, -1.5, 1.5)),
}

# The lecture's 13 optimizers with learning rates that suit these toy problems (times the
# function's lr multiplier).  Sign-based Lion moves every coordinate by about lr per step.
OPTIMIZERS = {
    "SGD": (optim.SGD, dict(lr=1e-3)),
    "Momentum": (optim.Momentum, dict(lr=1e-3, momentum=0.9)),
    "NAG": (optim.NAG, dict(lr=1e-3, momentum=0.9)),
    "Adagrad": (optim.Adagrad, dict(lr=0.5)),
    "RMSprop": (optim.RMSprop, dict(lr=0.01)),
    "Adam": (optim.Adam, dict(lr=0.05)),
    "AdamW": (optim.AdamW, dict(lr=0.05, weight_decay=0.01)),
    "Adadelta": (optim.Adadelta, dict(lr=1.0)),
    "NAdam": (optim.NAdam, dict(lr=0.05)),
    # RAdam's first steps (until ρ_t > 5) are plain momentum steps lr·m̂: at 0.05 those throw it off
    # Rosenbrock's steep walls (gradient ≈ 155 at the start), so it gets an lr SGD-like steps survive.
    "RAdam": (optim.RAdam, dict(lr=0.01)),
    "Adafactor": (optim.Adafactor, dict(lr=0.05)),
    "Lion": (optim.Lion, dict(lr=0.01)),
    "LAMB": (optim.LAMB, dict(lr=0.05)),
}


def optimizer_kwargs(opt_name: str, fn_name: str) -> dict:
    """The optimizer's settings for one function (its lr scaled by the function's multiplier)."""
    kwargs = dict(OPTIMIZERS[opt_name][1])
    kwargs["lr"] *= FUNCTIONS[fn_name][3]
    return kwargs


def run(fn_name: str, opt_name: str, steps: int):
    """Follow one optimizer on one function; returns (path (steps+1, 2), losses (steps+1,))."""
    f, start = FUNCTIONS[fn_name][:2]
    w = nn.Parameter(mt.tensor(start, dtype=mt.float64))
    opt = OPTIMIZERS[opt_name][0]([w], **optimizer_kwargs(opt_name, fn_name))
    path, losses = [w.detach().numpy().copy()], []
    for _ in range(steps):
        opt.zero_grad()
        loss = f(w)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        path.append(w.detach().numpy().copy())
    losses.append(f(w).item())
    return np.array(path), np.array(losses)


def race(steps: int) -> dict:
    """{function: {optimizer: (path, losses)}} for every function and optimizer."""
    return {fn: {name: run(fn, name, steps) for name in OPTIMIZERS} for fn in FUNCTIONS}


def _figure(width, height):
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def plot(results: dict, out_dir: Path) -> list[Path]:
    palette = matplotlib.colormaps["tab20"]
    colors = {name: palette(i) for i, name in enumerate(OPTIMIZERS)}
    styles = {name: "-" if i % 2 == 0 else "--" for i, name in enumerate(OPTIMIZERS)}
    fig = _figure(6 * len(FUNCTIONS), 5.5)
    for k, (fn_name, runs) in enumerate(results.items()):
        f, start, _, _, (x0, x1, y0, y1) = FUNCTIONS[fn_name]
        ax = fig.add_subplot(1, len(FUNCTIONS), k + 1)
        X, Y = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
        Z = f(np.stack([X, Y]))
        ax.contour(X, Y, np.log1p(Z - Z.min()), levels=25, cmap="Greys", linewidths=0.6)
        for name, (path, _) in runs.items():
            ax.plot(path[:, 0], path[:, 1], styles[name], color=colors[name], lw=1.2, label=name)
        ax.plot(*start, "k*", ms=12)
        ax.set(xlim=(x0, x1), ylim=(y0, y1), title=fn_name, xlabel="x", ylabel="y")
    fig.axes[0].legend(fontsize=7, loc="lower left", ncol=2)
    paths_png = out_dir / "optimizer_paths.png"
    fig.savefig(paths_png, bbox_inches="tight")

    fig = _figure(6 * len(FUNCTIONS), 4.5)
    for k, (fn_name, runs) in enumerate(results.items()):
        f_min = FUNCTIONS[fn_name][2]
        ax = fig.add_subplot(1, len(FUNCTIONS), k + 1)
        for name, (_, losses) in runs.items():
            gap = np.clip(losses - f_min, 1e-16, None)
            ax.semilogy(gap, styles[name], color=colors[name], lw=1.2, label=name)
        ax.set(title=fn_name, xlabel="step", ylabel="f(w) − f_min")
    fig.axes[0].legend(fontsize=7, ncol=2)
    losses_png = out_dir / "optimizer_losses.png"
    fig.savefig(losses_png, bbox_inches="tight")
    return [paths_png, losses_png]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", default="out", help="where the PNGs go (default: out/)")
    parser.add_argument("--steps", type=int, default=300, help="steps per optimizer (default 300)")
    args = parser.parse_args(argv)
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    results = race(args.steps)
    for fn_name, runs in results.items():
        f_min = FUNCTIONS[fn_name][2]
        print(f"{fn_name}: final f − f_min after {args.steps} steps")
        for name, (path, losses) in sorted(runs.items(), key=lambda kv: kv[1][1][-1]):
            print(f"  {name:10s} {losses[-1] - f_min:12.4e}  at ({path[-1, 0]: .4f}, {path[-1, 1]: .4f})")
    for png in plot(results, out_dir):
        print("wrote", png)
    return results


if __name__ == "__main__":
    main()
