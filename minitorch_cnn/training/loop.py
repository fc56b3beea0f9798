"""The training loop. Underneath the bookkeeping it is the lecture's, shown in ``training/__init__.py``:
:meth:`Trainer.run` is exactly that loop (the four inner lines are ``Engine.train_step``), plus:
the same batch fed to one engine or to both side by side, a NaN stop, the test-set evaluation and
a checkpoint after every epoch, a progress bar, and signals (Ctrl-C, SIGTERM) that take effect
between steps only — so a checkpoint never holds half an optimizer step and resuming continues the
very same trajectory as a run that was never stopped.
"""
from __future__ import annotations

import json
import math
import platform
import signal
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from .checkpoint import (CHECKPOINT_NAME, CURVES_NAME, FORMAT_VERSION, LOG_NAME, atomic_write, check_optimizer_state,
                         check_weights, load_npz, pack, save_npz, unpack)
from .config import NonFiniteLoss, TrainConfig, TrainingError, engines_of, import_torch
from .data import batch_order, load_data
from .engines import ENGINE_CLASSES, Engine, max_weight_diff
from .factories import PER_STEP_SCHEDULERS, build_model, steps_per_epoch


class StopSignals:
    """SIGINT (Ctrl-C) and SIGTERM set a flag that the loop checks between steps; nothing is cut short.

    Every signal only records itself (a second Ctrl-C too): a step that has begun always finishes,
    so the checkpoint saved afterwards never holds a half-applied optimizer step. Installed only in
    the main thread; the previous handlers come back on exit.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self):
        self.signum: int | None = None
        self._old: dict = {}

    @property
    def set(self) -> bool:
        return self.signum is not None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for s in self.SIGNALS:
                self._old[s] = signal.signal(s, self._handler)
        return self

    def _handler(self, signum, frame):
        if self.signum is None:
            self.signum = signum

    def __exit__(self, *exc):
        for s, old in self._old.items():
            signal.signal(s, old)
        return False


def versions(with_torch: bool) -> dict[str, str]:
    import matplotlib
    import numba

    from .. import __version__
    out = {"minitorch_cnn": __version__, "python": platform.python_version(), "numpy": np.__version__,
           "numba": numba.__version__, "matplotlib": matplotlib.__version__}
    if with_torch:
        out["torch"] = import_torch().__version__
    return out


def limit_blas_threads(n: int = 1) -> bool:
    """Cap NumPy's BLAS (OpenBLAS) at ``n`` threads, when threadpoolctl is installed; True if done.

    Side by side, the engines take turns: while torch computes, OpenBLAS's idle threads keep spinning
    on the same cores. On a 2-core machine that made ``--engine both`` about 3× slower (30 steps of
    cnn2: 107 s with 2 BLAS threads, 32 s with 1, measured under load).
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return False
    threadpool_limits(limits=n, user_api="blas")
    return True


def train_briefly(model, steps: int, seed: int = 0, batch_size: int = 64, data=None) -> float:
    """``steps`` Adam steps of ``model`` on the mini data, in the command's batch order; returns the
    test accuracy in % (the figures command's "trained briefly" weights)."""
    from .engines import MinitorchEngine

    cfg = TrainConfig(optimizer="Adam", data="mini", seed=seed, batch_size=batch_size)
    d = data if data is not None else load_data("mini")
    engine = MinitorchEngine(model, cfg, steps_per_epoch(len(d.y_train), batch_size))
    step, epoch = 0, 0
    while step < steps:
        for idx in batch_order(len(d.y_train), batch_size, seed, epoch)[:steps - step]:
            engine.train_step(d.x_train[idx], d.y_train[idx])
            step += 1
        epoch += 1
    return engine.evaluate(d.x_test, d.y_test, 500)[1]


class Trainer:
    """Runs a :class:`TrainConfig`, writing the checkpoint, log and curves into ``out``."""

    def __init__(self, cfg: TrainConfig, out: str | Path, resume: str | Path | None = None,
                 print_fn=None, progress: bool = True):
        from ..random import manual_seed

        self.cfg, self.out = cfg, Path(out)
        self.print = print_fn or (lambda s: print(s, flush=True))
        self.progress = progress
        self.names = engines_of(cfg.engine)
        if "torch" in self.names:
            import_torch()
        if len(self.names) == 2:
            limit_blas_threads(1)
        self.data = load_data(cfg.data, cfg.train_limit, cfg.test_limit)
        self.steps_per_epoch = steps_per_epoch(len(self.data.y_train), cfg.batch_size)

        manual_seed(cfg.seed)
        ours = build_model("minitorch", cfg.model)
        self.engines: dict[str, Engine] = {name: ENGINE_CLASSES[name](ours, cfg, self.steps_per_epoch)
                                           for name in self.names}

        # position: the next batch to run is batch `batch` of epoch `epoch`; `step` batches ran so far
        self.epoch, self.batch, self.step = 0, 0, 0
        self.order: list[np.ndarray] | None = None
        self.history: list[dict] = []
        self.step_losses: dict[str, list[float]] = {k: [] for k in self.names}
        self.epoch_losses: dict[str, list[float]] = {k: [] for k in self.names}
        self.epoch_seconds: dict[str, float] = {k: 0.0 for k in self.names}   # training time this epoch
        self.resumed_from = None
        self.command: list[str] | None = None       # the command line, for the log (set by the CLI)
        self.signal_name: str | None = None
        if resume is not None:
            self._load_checkpoint(resume)

    # -- the loop ---------------------------------------------------------------------------------
    def run(self) -> str:
        """Train; returns how it ended: "completed", "max_steps" or "interrupted" (NaN raises)."""
        cfg = self.cfg
        status = "completed"
        # overflow on the way to a NaN loss is reported by _check_finite, not as NumPy warnings
        with StopSignals() as stop, np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for line in self.data.description:
                self.print(f"data: {line}")
            if self.resumed_from:
                self.print(f"resuming from {self.resumed_from} at epoch {self.epoch + 1}, batch {self.batch}, "
                           f"step {self.step}")
            self.out.mkdir(parents=True, exist_ok=True)
            try:
                while self.epoch < cfg.epochs and status == "completed":
                    status = self._run_epoch(stop)
            except KeyboardInterrupt:            # raised by code, not by a signal (those only set `stop`)
                status = "interrupted"
            except NonFiniteLoss as e:
                self.write_log("diverged", {"error": str(e)})
                raise
            if stop.set:
                self.signal_name = signal.Signals(stop.signum).name
        return self._finish(status)

    def _run_epoch(self, stop: StopSignals) -> str:
        """The rest of the current epoch; then its evaluation, scheduler step and checkpoint."""
        from tqdm.auto import tqdm

        cfg, n_train = self.cfg, len(self.data.y_train)
        if self.order is None:
            self.order = batch_order(n_train, cfg.batch_size, cfg.seed, self.epoch)
            self.batch = 0
        with tqdm(total=n_train, initial=sum(len(b) for b in self.order[:self.batch]),
                  desc=f"epoch {self.epoch + 1}/{cfg.epochs}", unit="img", disable=not self.progress,
                  leave=False, dynamic_ncols=True) as bar:
            while self.batch < len(self.order):
                if stop.set:
                    return "interrupted"
                if cfg.max_steps is not None and self.step >= cfg.max_steps:
                    return "max_steps"
                idx = self.order[self.batch]
                losses = self._step(self.data.x_train[idx], self.data.y_train[idx])
                bar.set_postfix({"loss" if len(losses) == 1 else f"loss_{k}": f"{v:.4f}"
                                 for k, v in losses.items()}, refresh=False)
                bar.update(len(idx))
        row = self._evaluate_epoch(partial=False)
        self.history.append(row)
        self.print(self._format_row(row))
        for name, eng in self.engines.items():
            if cfg.scheduler not in PER_STEP_SCHEDULERS:
                eng.scheduler_step(row[name]["train_loss"])
            self.epoch_losses[name] = []
            self.epoch_seconds[name] = 0.0
        self.epoch, self.order, self.batch = self.epoch + 1, None, 0
        self.save_checkpoint()
        return "interrupted" if stop.set else "completed"

    def _step(self, x: np.ndarray, y: np.ndarray) -> dict[str, float]:
        """One training step of every engine on the same batch (the lecture's four lines each)."""
        losses = {}
        for name, eng in self.engines.items():
            t0 = time.perf_counter()
            losses[name] = eng.train_step(x, y)
            self.epoch_seconds[name] += time.perf_counter() - t0
        for name, loss in losses.items():
            self._check_finite(name, loss)
        for name, loss in losses.items():
            self.step_losses[name].append(loss)
            self.epoch_losses[name].append(loss)
            if self.cfg.scheduler in PER_STEP_SCHEDULERS:
                self.engines[name].scheduler_step(loss)
        self.batch += 1
        self.step += 1
        return losses

    def _finish(self, status: str) -> str:
        path = self.save_checkpoint()
        extra: dict[str, Any] = {}
        if status == "max_steps" and any(self.epoch_losses.values()):
            row = self._evaluate_epoch(partial=True)
            self.print(self._format_row(row) + "   (* partial epoch)")
            extra["last_partial_epoch"] = row
        if status == "interrupted":
            if self.signal_name:
                extra["signal"] = self.signal_name
            self.print(f"interrupted{f' by {self.signal_name}' if self.signal_name else ''} at step "
                       f"{self.step}; checkpoint saved to {path} (continue with --resume {path})")
        elif status == "max_steps":
            self.print(f"stopped after --max-steps {self.cfg.max_steps}; checkpoint saved to {path}")
        self.write_log(status, extra)
        self.write_curves(extra.get("last_partial_epoch"))
        return status

    def _check_finite(self, name: str, loss: float) -> None:
        if not math.isfinite(loss):
            lr = self.engines[name].lr()
            raise NonFiniteLoss(
                f"the {name} loss became {loss} at step {self.step + 1} (epoch {self.epoch + 1}, batch "
                f"{self.batch + 1}) with learning rate {lr:g}: training diverged. Try a smaller learning "
                f"rate, e.g. --lr {lr / 10:g}.")

    def _evaluate_epoch(self, partial: bool) -> dict:
        row: dict[str, Any] = {"epoch": self.epoch + 1, "step": self.step, "partial": partial,
                               "lr": next(iter(self.engines.values())).lr()}
        samples = sum(len(b) for b in self.order[:self.batch]) if self.order is not None else 0
        for name, eng in self.engines.items():
            losses = self.epoch_losses[name]
            test_loss, test_acc = eng.evaluate(self.data.x_test, self.data.y_test, self.cfg.eval_batch_size)
            seconds = self.epoch_seconds[name]
            row[name] = {"train_loss": float(np.mean(losses)) if losses else float("nan"),
                         "test_loss": test_loss, "test_acc": test_acc, "train_seconds": seconds,
                         "samples_per_s": samples / seconds if seconds else None}
        if len(self.engines) == 2:
            row["max_weight_diff"] = max_weight_diff(self.engines["minitorch"].weights(),
                                                     self.engines["torch"].weights())
        return row

    def _format_row(self, row: dict) -> str:
        parts = [f"epoch {row['epoch']:>3}{'*' if row['partial'] else ' '}"]
        for name in self.engines:
            r = row[name]
            speed = f" ({r['samples_per_s']:.0f} img/s)" if r.get("samples_per_s") else ""
            parts.append(f"{name}: loss {r['train_loss']:.4f} test loss {r['test_loss']:.4f} "
                         f"test acc {r['test_acc']:6.2f}%{speed}")
        if "max_weight_diff" in row:
            parts.append(f"max |Δw| {row['max_weight_diff']:.3e}")
        return " | ".join(parts)

    # -- checkpoints ----------------------------------------------------------------------------
    def checkpoint_path(self) -> Path:
        return self.out / CHECKPOINT_NAME

    def save_checkpoint(self) -> Path:
        arrays: dict[str, np.ndarray] = {}
        engines = {}
        for name, eng in self.engines.items():
            for k, v in eng.weights().items():
                arrays[f"{name}/model/{k}"] = v
            engines[name] = {
                "optimizer": pack(eng.optimizer_state(), arrays, f"{name}/optim"),
                "scheduler": (pack(eng.scheduler.state_dict(), arrays, f"{name}/sched")
                              if eng.scheduler is not None else None),
                "rng": pack(eng.rng_state(), arrays, f"{name}/rng"),
                "step_losses": pack(np.asarray(self.step_losses[name], dtype=np.float64), arrays,
                                    f"{name}/step_losses"),
                "epoch_losses": list(self.epoch_losses[name]),
                "epoch_seconds": self.epoch_seconds[name],
            }
        # the epoch's batches, stored as one index array (the DataLoader cuts it into batch_size pieces)
        order = np.concatenate(self.order) if self.order else np.zeros(0, dtype=np.int64)
        meta = {
            "format": FORMAT_VERSION,
            "config": asdict(self.cfg),
            "position": {"epoch": self.epoch, "batch": self.batch, "step": self.step},
            "order": pack(order, arrays, "order"),
            "engines": engines,
            "history": self.history,
        }
        path = self.checkpoint_path()
        save_npz(path, arrays, meta)
        return path

    def _load_checkpoint(self, path) -> None:
        arrays, meta = load_npz(path)
        saved = TrainConfig(**meta["config"]).trajectory()
        if saved != self.cfg.trajectory():
            diff = {k: (saved[k], v) for k, v in self.cfg.trajectory().items() if saved[k] != v}
            raise TrainingError(f"--resume {path}: the checkpoint was made with different settings "
                                f"(checkpoint, now): {diff}")
        try:
            self._restore(path, arrays, meta)
        except TrainingError:
            raise
        except (KeyError, IndexError, TypeError, ValueError, RuntimeError, AttributeError) as e:
            raise TrainingError(f"--resume {path}: its state does not fit this run "
                                f"({type(e).__name__}: {e})".replace("\n", " ")) from None

    def _restore(self, path, arrays: dict, meta: dict) -> None:
        torch = import_torch() if "torch" in self.engines else None
        if set(meta["engines"]) != set(self.engines):
            raise TrainingError(f"--resume {path}: it holds the engines {sorted(meta['engines'])}, its config "
                                f"says {sorted(self.engines)}")
        for name, eng in self.engines.items():
            prefix = f"{name}/model/"
            weights = {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}
            check_weights(path, name, weights, eng.weights())
            state = meta["engines"][name]
            optimizer_state = unpack(state["optimizer"], arrays, torch)
            check_optimizer_state(path, name, optimizer_state, eng.optimizer)
            eng.load_weights(weights)
            eng.load_optimizer_state(optimizer_state)
            if (eng.scheduler is None) != (state["scheduler"] is None):
                raise TrainingError(f"--resume {path}: the {name} scheduler state does not match the config")
            if eng.scheduler is not None:
                eng.scheduler.load_state_dict(unpack(state["scheduler"], arrays, torch))
            if state.get("rng") is not None:  # (checkpoints from before it was stored lack it)
                eng.load_rng_state(unpack(state["rng"], arrays))
            self.step_losses[name] = [float(v) for v in unpack(state["step_losses"], arrays)]
            self.epoch_losses[name] = [float(v) for v in state["epoch_losses"]]
            self.epoch_seconds[name] = float(state.get("epoch_seconds", 0.0))
        pos = meta["position"]
        self.epoch, self.batch, self.step = pos["epoch"], pos["batch"], pos["step"]
        order = np.asarray(unpack(meta["order"], arrays))
        n = len(self.data.y_train)
        if order.ndim != 1 or order.dtype.kind not in "iu" or (order.size and (order.min() < 0 or order.max() >= n)):
            raise TrainingError(f"--resume {path}: its batch order is not a list of indices into the "
                                f"{n} training images")
        bs = self.cfg.batch_size
        self.order = [order[i:i + bs] for i in range(0, len(order), bs)] if len(order) else None
        if self.order is not None and self.batch > len(self.order):
            raise TrainingError(f"--resume {path}: position batch {self.batch} lies past the epoch's "
                                f"{len(self.order)} batches")
        self.history = list(meta["history"])
        self.resumed_from = str(path)

    # -- outputs ----------------------------------------------------------------------------------
    def write_log(self, status: str, extra: dict | None = None) -> Path:
        log = {
            "status": status,
            "command": self.command,
            "config": asdict(self.cfg),
            "data": self.data.description,
            "versions": versions("torch" in self.names),
            "resumed_from": self.resumed_from,
            "steps": self.step,
            "steps_per_epoch": self.steps_per_epoch,
            "epochs": self.history,
            "step_losses": {k: v for k, v in self.step_losses.items()},
        }
        if extra:
            log.update(extra)
        path = self.out / LOG_NAME
        text = json.dumps(log, indent=2)
        atomic_write(path, lambda f: f.write(text.encode()))
        return path

    def write_curves(self, partial_row: dict | None = None) -> Path:
        from ..viz import plot_training_curves
        path = self.out / CURVES_NAME
        title = f"{self.cfg.model} · {self.cfg.optimizer} · {self.cfg.data} Fashion-MNIST"
        rows = self.history + ([partial_row] if partial_row else [])
        plot_training_curves(rows, self.step_losses, path, title=title,
                             steps_per_epoch=self.steps_per_epoch)
        return path
