"""The two engines behind the command, written once.

An :class:`Engine` holds one model, its loss, optimizer and scheduler, and drives them with NumPy
batches. Its ``train_step`` and ``evaluate`` are the lecture's code, written against a module
``lib`` that is either ``minitorch_cnn`` or ``torch`` — the same "only the import changes" story
as the examples. The two subclasses say only how each side gets its model and moves arrays in.
"""
from __future__ import annotations

import math

import numpy as np

from .config import TrainConfig, TrainingError, import_torch
from .factories import build_model, make_optimizer, make_scheduler


def to_numpy(t) -> np.ndarray:
    """A fresh NumPy copy of a tensor of either engine (or of an array)."""
    if hasattr(t, "detach"):
        t = t.detach()
    if hasattr(t, "cpu"):
        t = t.cpu()
    return np.array(t.numpy() if hasattr(t, "numpy") else t)


class Engine:
    """One engine's model, loss, optimizer and scheduler, driven with NumPy batches."""

    name = "?"
    lib = None        # the module playing `torch`: minitorch_cnn or torch
    device = None

    def __init__(self, model, cfg: TrainConfig, steps_per_epoch: int):
        self.model = model
        self.loss_fn = self.lib.nn.CrossEntropyLoss()
        self.optimizer = make_optimizer(self.name, cfg, self.model.parameters())
        self.scheduler = make_scheduler(self.name, cfg, self.optimizer, steps_per_epoch)

    def tensor(self, a: np.ndarray):
        t = self.lib.from_numpy(a)
        return t if self.device is None else t.to(self.device)

    def train_step(self, x: np.ndarray, y: np.ndarray) -> float:
        """zero_grad, forward, loss, and — if the loss is finite — backward and step; returns the loss."""
        self.model.train()
        self.optimizer.zero_grad()
        loss = self.loss_fn(self.model(self.tensor(x)), self.tensor(y))
        value = float(loss.item())
        if math.isfinite(value):
            loss.backward()
            self.optimizer.step()
        return value

    def evaluate(self, x: np.ndarray, y: np.ndarray, batch_size: int) -> tuple[float, float]:
        """(mean loss, accuracy in %) on ``x, y``, in eval mode without gradients."""
        self.model.eval()
        total, correct = 0.0, 0
        with self.lib.no_grad():
            for i in range(0, len(y), batch_size):
                logits = self.model(self.tensor(x[i:i + batch_size]))
                yb = y[i:i + batch_size]
                total += float(self.loss_fn(logits, self.tensor(yb)).item()) * len(yb)
                correct += int((to_numpy(logits).argmax(axis=1) == yb).sum())
        self.model.train()
        return total / len(y), 100.0 * correct / len(y)

    def weights(self) -> dict[str, np.ndarray]:
        return {k: to_numpy(v) for k, v in self.model.state_dict().items()}

    def load_weights(self, arrays: dict[str, np.ndarray]) -> None:
        self.model.load_state_dict({k: self.lib.from_numpy(np.array(v)) for k, v in arrays.items()})

    def optimizer_state(self):
        return self.optimizer.state_dict()

    def rng_state(self) -> np.ndarray:
        """The engine's global random generator (dropout masks draw from it) as uint8 bytes; both
        libraries spell it ``get_rng_state()``. A checkpoint stores it so a resumed run draws the same masks."""
        return to_numpy(self.lib.get_rng_state())

    def load_rng_state(self, state: np.ndarray) -> None:
        self.lib.set_rng_state(self.lib.from_numpy(np.ascontiguousarray(state, dtype=np.uint8)))

    def load_optimizer_state(self, sd) -> None:
        self.optimizer.load_state_dict(sd)

    def lr(self) -> float:
        return float(self.optimizer.param_groups[0]["lr"])

    def scheduler_step(self, metric: float) -> None:
        if self.scheduler is None:
            return
        if type(self.scheduler).__name__ == "ReduceLROnPlateau":
            self.scheduler.step(metric)
        else:
            self.scheduler.step()


class MinitorchEngine(Engine):
    """This engine: ``lib`` is ``minitorch_cnn``; the model is built from the seeded global generator."""

    name = "minitorch"

    def __init__(self, model, cfg: TrainConfig, steps_per_epoch: int):
        import minitorch_cnn
        self.lib = minitorch_cnn
        super().__init__(model, cfg, steps_per_epoch)


class TorchEngine(Engine):
    """PyTorch: the torch twin of the model (``reference/``), starting from a copy of our weights."""

    name = "torch"

    def __init__(self, ours_model, cfg: TrainConfig, steps_per_epoch: int):
        self.lib = import_torch()
        from minitorch_cnn.reference.device import pick_device
        from minitorch_cnn.reference.weights import copy_to_torch

        self.device = pick_device()
        model = build_model("torch", cfg.model)
        copy_to_torch(ours_model, model)          # the same initial weights as ours
        self.lib.manual_seed(cfg.seed)            # torch's own draws (dropout masks) repeat run to run
        model.to(self.device)
        super().__init__(model, cfg, steps_per_epoch)


ENGINE_CLASSES = {"minitorch": MinitorchEngine, "torch": TorchEngine}


def max_weight_diff(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> float:
    """The largest ``|a[k] - b[k]|`` over every weight (the two engines' parameter names agree)."""
    if set(a) != set(b):
        raise TrainingError(f"the two models' parameter names differ: {sorted(set(a) ^ set(b))}")
    return max(float(np.max(np.abs(a[k].astype(np.float64) - b[k].astype(np.float64)))) for k in a)
