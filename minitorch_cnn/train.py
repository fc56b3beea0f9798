"""The training loop behind ``minitorch-cnn train``: one engine, or minitorch_cnn and torch side by side.

The loop is the lecture's::

    for epoch in range(epochs):
        for images, labels in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(images), labels)
            loss.backward()
            optimizer.step()
        scheduler.step()

run by an :class:`Engine` (``MinitorchEngine`` or ``TorchEngine``). With ``engine="both"`` the torch
twin starts from a copy of our initial weights and both engines are fed the *same* batches (the same
index arrays into the same preprocessed arrays), so any gap between them is the engines' own.

Reproducible and resumable:

* the initial weights come from ``seed`` (``mt.manual_seed(seed)`` then ``build_model``);
* epoch ``e``'s batch order comes from a DataLoader shuffling with its own generator seeded by
  ``(seed, e)`` (:func:`epoch_seed`), so it does not depend on anything that ran before;
* a checkpoint stores the weights, the optimizer's ``state_dict``, the scheduler's ``state_dict``,
  the position (epoch, batch within it, global step), the current epoch's index order and the history;
  resuming from it continues the very same trajectory as a run that was never stopped.

Checkpoints are ``.npz`` files read with ``allow_pickle=False``: arrays are stored as arrays, and
everything else (hyperparameters, step counters, the scheduler's state) as one JSON string, see
:func:`pack` / :func:`unpack`. Every file is written to a temporary file and renamed into place.

torch is imported only inside :class:`TorchEngine` (and the functions it calls): the minitorch
engine runs without it.
"""
from __future__ import annotations

import ast
import io
import json
import math
import os
import platform
import signal
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

TORCH_MISSING = ("this needs PyTorch, which is not installed; install the test extra: "
                 "pip install 'minitorch-cnn[test]'")

OPTIMIZERS = ["SGD", "Momentum", "NAG", "Adagrad", "RMSprop", "Adam", "AdamW", "Adadelta", "NAdam",
              "RAdam", "Adafactor", "Lion", "LAMB"]
SCHEDULERS = ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts",
              "LinearLR", "ConstantLR", "LambdaLR", "MultiplicativeLR", "PolynomialLR", "OneCycleLR",
              "ReduceLROnPlateau", "SequentialLR"]
MODELS = ["fcn", "cnn", "cnn2", "cnn_bn"]
# build_model's keyword arguments for 28×28 Fashion-MNIST (SimpleFCN's defaults are the lecture's 4×4×3 toy)
MODEL_KWARGS = {"fcn": dict(in_features=28 * 28, num_classes=10), "cnn": {}, "cnn2": {}, "cnn_bn": {}}
ENGINES = ["minitorch", "torch", "both"]

# Fashion-MNIST's training-set pixel mean and standard deviation (after scaling to [0, 1])
MEAN, STD = 0.2860, 0.3530

CHECKPOINT_NAME = "checkpoint.npz"
LOG_NAME = "log.json"
CURVES_NAME = "curves.png"
FORMAT_VERSION = 1


class TrainingError(RuntimeError):
    """A run that cannot go on; the CLI prints the message and exits with ``exit_code``."""

    exit_code = 2


class NonFiniteLoss(TrainingError):
    """The loss became NaN or infinite."""

    exit_code = 3


def import_torch():
    """``import torch``, or a :class:`TrainingError` saying how to install it."""
    try:
        import torch
    except ImportError:
        raise TrainingError(TORCH_MISSING) from None
    return torch


# ---------------------------------------------------------------------------------------------
# command-line values


def parse_value(text: str) -> Any:
    """``"0.9"`` → 0.9, ``"(0.9,0.99)"``/``"0.9,0.99"`` → (0.9, 0.99), ``"true"`` → True, else the string."""
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("none", "null"):
        return None
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_key_values(items: list[str] | None, flag: str) -> dict[str, Any]:
    """``["momentum=0.9", "nesterov=true"]`` → ``{"momentum": 0.9, "nesterov": True}``."""
    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip().isidentifier():
            raise ValueError(f"{flag}: expected key=value (e.g. {flag} momentum=0.9), got {item!r}")
        out[key.strip()] = parse_value(value)
    return out


def canonical_name(name: str, choices: list[str], what: str) -> str:
    """The spelling in ``choices`` of ``name``, compared case-insensitively."""
    by_lower = {c.lower(): c for c in choices}
    if name.lower() not in by_lower:
        raise ValueError(f"unknown {what} {name!r}; choose one of {', '.join(choices)}")
    return by_lower[name.lower()]


# ---------------------------------------------------------------------------------------------
# settings


@dataclass
class TrainConfig:
    """Everything that decides a run's trajectory (saved in the checkpoint and the log)."""

    model: str = "cnn"
    optimizer: str = "Adam"
    lr: float | None = None
    opt_args: dict = field(default_factory=dict)
    scheduler: str | None = None
    sched_args: dict = field(default_factory=dict)
    epochs: int = 3
    batch_size: int = 64
    seed: int = 0
    data: str = "mini"
    engine: str = "minitorch"
    max_steps: int | None = None
    eval_batch_size: int = 1000
    train_limit: int | None = None     # use only the first N training images (tests)
    test_limit: int | None = None      # evaluate on the first N test images (tests)

    def trajectory(self) -> dict:
        """The settings a resumed run must share with the run it continues."""
        keys = ("model", "optimizer", "lr", "opt_args", "scheduler", "sched_args", "batch_size", "seed",
                "data", "engine", "train_limit", "test_limit")
        return {k: getattr(self, k) for k in keys}


def engines_of(engine: str) -> list[str]:
    return ["minitorch", "torch"] if engine == "both" else [engine]


def epoch_seed(seed: int, epoch: int) -> int:
    """The seed of epoch ``epoch``'s shuffling generator: a function of (seed, epoch) only."""
    return int(np.random.SeedSequence([int(seed), int(epoch)]).generate_state(1)[0])


# ---------------------------------------------------------------------------------------------
# data


@dataclass
class Data:
    x_train: np.ndarray    # float32 (N, 1, 28, 28), normalized
    y_train: np.ndarray    # int64 (N,)
    x_test: np.ndarray
    y_test: np.ndarray
    description: list[str]


def load_data(which: str, train_limit: int | None = None, test_limit: int | None = None) -> Data:
    """Fashion-MNIST (``"mini"`` or ``"full"``) as normalized float32 N×1×28×28 arrays.

    Preprocessing is the lecture's ``ToDtype(float32, scale=True)`` then ``Normalize``, applied to
    the whole split at once (the transforms accept a batch) instead of image by image.
    """
    from .data import FashionMNIST, transforms
    from .data.fashion_mnist import locate
    from .dtypes import float32
    from .tensor import Tensor

    if which not in ("mini", "full"):
        raise ValueError(f"--data must be 'mini' or 'full', got {which!r}")
    if which == "full":
        try:
            locate(None, True)
            locate(None, False)
        except FileNotFoundError as e:
            raise TrainingError(f"--data full: the official Fashion-MNIST files are not present.\n{e}\n"
                                f"(--data mini uses the subset shipped with the package.)") from None
    prep = transforms.Compose([transforms.ToDtype(float32, scale=True),
                               transforms.Normalize(mean=[MEAN], std=[STD])])
    out, desc = [], []
    for train, limit in ((True, train_limit), (False, test_limit)):
        ds = FashionMNIST(train=train, subset=which)
        images = ds.data.array[:limit, None]                  # N×1×28×28 uint8
        x = np.ascontiguousarray(prep(Tensor(images)).array, dtype=np.float32)
        y = ds.targets.array[:limit].astype(np.int64)
        out += [x, y]
        text = ds.describe()
        if limit is not None and limit < len(ds):
            text += f" (first {limit:,} used)"
        desc.append(text)
    return Data(*out, description=desc)


def batch_order(n: int, batch_size: int, seed: int, epoch: int) -> list[np.ndarray]:
    """Epoch ``epoch``'s batches: index arrays from a DataLoader shuffling with its own seeded generator."""
    from .data import DataLoader, TensorDataset
    from .creation import arange

    loader = DataLoader(TensorDataset(arange(n)), batch_size=batch_size, shuffle=True,
                        seed=epoch_seed(seed, epoch))
    return loader.batch_indices()


# ---------------------------------------------------------------------------------------------
# optimizers and schedulers for either engine


def _torch_momentum(torch):
    """Momentum and NAG on the torch side: SGD configurations with DESIGN.md's defaults."""

    def momentum(params, lr=1e-3, momentum=0.9, dampening=0, weight_decay=0, *, maximize=False):
        return torch.optim.SGD(params, lr=lr, momentum=momentum, dampening=dampening,
                               weight_decay=weight_decay, maximize=maximize)

    def nag(params, lr=1e-3, momentum=0.9, weight_decay=0, *, maximize=False):
        return torch.optim.SGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay,
                               nesterov=True, maximize=maximize)

    return {"Momentum": momentum, "NAG": nag}


def optimizer_class(engine: str, name: str):
    """The optimizer class (or factory) called ``name`` on ``engine`` ("minitorch" or "torch")."""
    name = canonical_name(name, OPTIMIZERS, "optimizer")
    if engine == "minitorch":
        from . import optim
        return getattr(optim, name)
    torch = import_torch()
    if name in ("Lion", "LAMB"):
        from reference import optimizers as ref
        return getattr(ref, name)
    if name in ("Momentum", "NAG"):
        try:
            from reference import optimizers as ref
            if hasattr(ref, name):
                return getattr(ref, name)
        except ImportError:
            pass
        return _torch_momentum(torch)[name]
    return getattr(torch.optim, name)


def make_optimizer(engine: str, cfg: TrainConfig, params):
    kwargs = dict(cfg.opt_args)
    if cfg.lr is not None:
        kwargs["lr"] = cfg.lr
    cls = optimizer_class(engine, cfg.optimizer)
    try:
        return cls(params, **kwargs)
    except TypeError as e:
        raise ValueError(f"--optimizer {cfg.optimizer} with {kwargs}: {e}") from None


# Schedulers stepped after every batch rather than every epoch
PER_STEP_SCHEDULERS = {"OneCycleLR"}


def make_scheduler(engine: str, cfg: TrainConfig, optimizer, steps_per_epoch: int, sched=None,
                   args: dict | None = None):
    """The scheduler ``cfg.scheduler`` (or ``sched`` with ``args``) on ``engine``, or None.

    Arguments that are functions or other schedulers cannot be typed on a command line, so:

    * ``LambdaLR``: ``lr_lambda=F`` (a number) means ``lambda epoch: F ** epoch``;
    * ``MultiplicativeLR``: ``lr_lambda=F`` means ``lambda epoch: F`` (default 0.95 for both);
    * ``SequentialLR``: ``schedulers=[("LinearLR", {"start_factor": 0.1, "total_iters": 2}),
      ("CosineAnnealingLR", {"T_max": 3})]`` and ``milestones=[2]``;
    * ``OneCycleLR``: ``max_lr`` defaults to the optimizer's lr and ``total_steps`` to ``epochs``
      times the batches per epoch; it is stepped after every batch, the others after every epoch.
    * ``StepLR``/``CosineAnnealingLR``/``CosineAnnealingWarmRestarts`` get ``step_size=1``/
      ``T_max=epochs``/``T_0=1`` when not given; ``MultiStepLR`` ``milestones=[epochs // 2]``.
    """
    name = sched if sched is not None else cfg.scheduler
    if name is None:
        return None
    name = canonical_name(name, SCHEDULERS, "scheduler")
    kwargs = dict(cfg.sched_args if args is None else args)
    if engine == "minitorch":
        from .optim import lr_scheduler as mod
    else:
        mod = import_torch().optim.lr_scheduler
    if name == "LambdaLR":
        f = float(kwargs.pop("lr_lambda", 0.95))
        kwargs["lr_lambda"] = lambda epoch, f=f: f ** epoch
    elif name == "MultiplicativeLR":
        f = float(kwargs.pop("lr_lambda", 0.95))
        kwargs["lr_lambda"] = lambda epoch, f=f: f
    elif name == "SequentialLR":
        parts = kwargs.pop("schedulers", [("LinearLR", {"start_factor": 0.1, "total_iters": 1}),
                                          ("ExponentialLR", {"gamma": 0.9})])
        kwargs["schedulers"] = [make_scheduler(engine, cfg, optimizer, steps_per_epoch, sched=n, args=a)
                                for n, a in parts]
        kwargs.setdefault("milestones", [1])
    elif name == "OneCycleLR":
        kwargs.setdefault("max_lr", optimizer.param_groups[0]["lr"])
        if "epochs" not in kwargs and "steps_per_epoch" not in kwargs:
            # not shortened by --max-steps: a run stopped early must stay the start of the full run
            kwargs.setdefault("total_steps", cfg.epochs * steps_per_epoch)
    elif name == "StepLR":
        kwargs.setdefault("step_size", 1)
    elif name == "MultiStepLR":
        kwargs.setdefault("milestones", [max(cfg.epochs // 2, 1)])
    elif name == "ExponentialLR":
        kwargs.setdefault("gamma", 0.9)
    elif name == "CosineAnnealingLR":
        kwargs.setdefault("T_max", cfg.epochs)
    elif name == "CosineAnnealingWarmRestarts":
        kwargs.setdefault("T_0", 1)
    try:
        return getattr(mod, name)(optimizer, **kwargs)
    except TypeError as e:
        raise ValueError(f"--scheduler {name} with {kwargs}: {e}") from None


# ---------------------------------------------------------------------------------------------
# checkpoint packing: arrays as arrays, everything else as JSON


def pack(obj: Any, arrays: dict[str, np.ndarray], prefix: str) -> Any:
    """A JSON-able copy of ``obj``; each array inside goes into ``arrays`` under a key from ``prefix``.

    Tags keep what JSON would lose: ``{"__array__": key}`` (a NumPy array), ``{"__tensor__": key}``
    (a torch tensor), ``{"__tuple__": [...]}``, ``{"__dict__": [[key, value], ...]}`` (a dict with
    non-string keys, such as an optimizer's ``state``), ``{"__scalar__": [dtype, value]}`` (a NumPy
    scalar). Functions (a LambdaLR's lambda) become None, as in torch's own ``state_dict``.
    """
    if isinstance(obj, np.ndarray):
        arrays[prefix] = obj.copy()
        return {"__array__": prefix}
    if type(obj).__module__.startswith("torch") and hasattr(obj, "detach"):
        arrays[prefix] = obj.detach().cpu().numpy().copy()
        return {"__tensor__": prefix}
    if isinstance(obj, np.generic):
        return {"__scalar__": [obj.dtype.str, obj.item()]}
    if isinstance(obj, (bool, int, float, str)) or obj is None:
        return obj
    if isinstance(obj, tuple):
        return {"__tuple__": [pack(v, arrays, f"{prefix}/{i}") for i, v in enumerate(obj)]}
    if isinstance(obj, list):
        return [pack(v, arrays, f"{prefix}/{i}") for i, v in enumerate(obj)]
    if isinstance(obj, dict):
        if all(isinstance(k, str) for k in obj):
            return {k: pack(v, arrays, f"{prefix}/{k}") for k, v in obj.items()}
        return {"__dict__": [[pack(k, arrays, f"{prefix}/k{i}"), pack(v, arrays, f"{prefix}/{k}")]
                             for i, (k, v) in enumerate(obj.items())]}
    if callable(obj):
        return None
    raise TypeError(f"cannot store a {type(obj).__name__} in a checkpoint ({prefix})")


def unpack(obj: Any, arrays, torch=None) -> Any:
    """The inverse of :func:`pack`; ``__tensor__`` entries need ``torch``."""
    if isinstance(obj, list):
        return [unpack(v, arrays, torch) for v in obj]
    if isinstance(obj, dict):
        if "__array__" in obj:
            return np.array(arrays[obj["__array__"]])
        if "__tensor__" in obj:
            return torch.from_numpy(np.array(arrays[obj["__tensor__"]]))
        if "__scalar__" in obj:
            dtype, value = obj["__scalar__"]
            return np.dtype(dtype).type(value)
        if "__tuple__" in obj:
            return tuple(unpack(v, arrays, torch) for v in obj["__tuple__"])
        if "__dict__" in obj:
            return {unpack(k, arrays, torch): unpack(v, arrays, torch) for k, v in obj["__dict__"]}
        return {k: unpack(v, arrays, torch) for k, v in obj.items()}
    return obj


def file_mode() -> int:
    """The permissions ``open()`` would give a new file (0o666 less the umask); mkstemp gives 0o600."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write(path: Path, write) -> None:
    """Call ``write(file)`` on a temporary file beside ``path``, then rename it to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_npz(path: Path, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Write ``arrays`` plus ``meta`` (as the JSON string array ``__meta__``) atomically."""
    payload = dict(arrays)
    payload["__meta__"] = np.array(json.dumps(meta))
    buf = io.BytesIO()
    np.savez(buf, **payload)
    atomic_write(path, lambda f: f.write(buf.getvalue()))


def load_npz(path: str | Path) -> tuple[dict[str, np.ndarray], dict]:
    """Read a checkpoint written by :func:`save_npz` (``allow_pickle=False``)."""
    path = Path(path)
    if not path.is_file():
        raise TrainingError(f"--resume: no checkpoint at {path}")
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    if "__meta__" not in arrays:
        raise TrainingError(f"--resume: {path} is not a minitorch-cnn checkpoint (no __meta__ entry)")
    meta = json.loads(str(arrays.pop("__meta__")))
    if meta.get("format") != FORMAT_VERSION:
        raise TrainingError(f"--resume: {path} has checkpoint format {meta.get('format')}, "
                            f"this version reads format {FORMAT_VERSION}")
    return arrays, meta


# ---------------------------------------------------------------------------------------------
# engines


class Engine:
    """One engine's model, loss, optimizer and scheduler, driven with NumPy batches."""

    name = "?"

    def train_step(self, x: np.ndarray, y: np.ndarray) -> float:
        """zero_grad, forward, loss, and — if the loss is finite — backward and step; returns the loss."""
        raise NotImplementedError

    def evaluate(self, x: np.ndarray, y: np.ndarray, batch_size: int) -> tuple[float, float]:
        """(mean loss, accuracy in %) on ``x, y``, in eval mode without gradients."""
        raise NotImplementedError

    def weights(self) -> dict[str, np.ndarray]:
        raise NotImplementedError

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
    name = "minitorch"

    def __init__(self, model, cfg: TrainConfig, steps_per_epoch: int):
        from . import nn
        self.model = model
        self.loss_fn = nn.CrossEntropyLoss()
        self.optimizer = make_optimizer("minitorch", cfg, model.parameters())
        self.scheduler = make_scheduler("minitorch", cfg, self.optimizer, steps_per_epoch)

    def train_step(self, x, y):
        from .tensor import Tensor
        self.model.train()
        self.optimizer.zero_grad()
        loss = self.loss_fn(self.model(Tensor(x)), Tensor(y))
        value = float(loss.item())
        if math.isfinite(value):
            loss.backward()
            self.optimizer.step()
        return value

    def evaluate(self, x, y, batch_size):
        from .autograd import no_grad
        from .tensor import Tensor
        self.model.eval()
        total, correct = 0.0, 0
        with no_grad():
            for i in range(0, len(y), batch_size):
                logits = self.model(Tensor(x[i:i + batch_size]))
                yb = y[i:i + batch_size]
                total += float(self.loss_fn(logits, Tensor(yb)).item()) * len(yb)
                correct += int((logits.numpy().argmax(axis=1) == yb).sum())
        self.model.train()
        return total / len(y), 100.0 * correct / len(y)

    def weights(self):
        # state_dict values are arrays here (Tensors in torch); np.array copies either
        return {k: np.array(v.detach().numpy() if hasattr(v, "detach") else v)
                for k, v in self.model.state_dict().items()}

    def load_weights(self, arrays: dict[str, np.ndarray]) -> None:
        from .tensor import Tensor
        self.model.load_state_dict({k: Tensor(np.array(v)) for k, v in arrays.items()})

    def optimizer_state(self):
        return self.optimizer.state_dict()

    def load_optimizer_state(self, sd) -> None:
        self.optimizer.load_state_dict(sd)


class TorchEngine(Engine):
    name = "torch"

    def __init__(self, ours_model, cfg: TrainConfig, steps_per_epoch: int):
        torch = import_torch()
        from reference.device import pick_device
        from reference.models import build_model as build_torch_model
        from reference.weights import copy_to_torch

        self.torch = torch
        self.device = pick_device()
        self.model = build_torch_model(cfg.model, **MODEL_KWARGS[cfg.model])
        copy_to_torch(ours_model, self.model)          # the same initial weights as ours
        self.model.to(self.device)
        self.loss_fn = torch.nn.CrossEntropyLoss()
        self.optimizer = make_optimizer("torch", cfg, self.model.parameters())
        self.scheduler = make_scheduler("torch", cfg, self.optimizer, steps_per_epoch)

    def _tensor(self, a):
        return self.torch.from_numpy(a).to(self.device)

    def train_step(self, x, y):
        self.model.train()
        self.optimizer.zero_grad()
        loss = self.loss_fn(self.model(self._tensor(x)), self._tensor(y))
        value = float(loss.item())
        if math.isfinite(value):
            loss.backward()
            self.optimizer.step()
        return value

    def evaluate(self, x, y, batch_size):
        self.model.eval()
        total, correct = 0.0, 0
        with self.torch.no_grad():
            for i in range(0, len(y), batch_size):
                logits = self.model(self._tensor(x[i:i + batch_size]))
                yb = y[i:i + batch_size]
                total += float(self.loss_fn(logits, self._tensor(yb)).item()) * len(yb)
                correct += int((logits.argmax(dim=1).cpu().numpy() == yb).sum())
        self.model.train()
        return total / len(y), 100.0 * correct / len(y)

    def weights(self):
        return {k: v.detach().cpu().numpy().copy() for k, v in self.model.state_dict().items()}

    def load_weights(self, arrays):
        self.model.load_state_dict({k: self.torch.from_numpy(np.array(v)) for k, v in arrays.items()})

    def optimizer_state(self):
        return self.optimizer.state_dict()

    def load_optimizer_state(self, sd) -> None:
        self.optimizer.load_state_dict(sd)


def max_weight_diff(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> float:
    """The largest ``|a[k] - b[k]|`` over every weight (the two engines' parameter names agree)."""
    if set(a) != set(b):
        raise TrainingError(f"the two models' parameter names differ: {sorted(set(a) ^ set(b))}")
    return max(float(np.max(np.abs(a[k].astype(np.float64) - b[k].astype(np.float64)))) for k in a)


# ---------------------------------------------------------------------------------------------
# the run


def versions(with_torch: bool) -> dict[str, str]:
    import matplotlib
    import numba

    from . import __version__
    out = {"minitorch_cnn": __version__, "python": platform.python_version(), "numpy": np.__version__,
           "numba": numba.__version__, "matplotlib": matplotlib.__version__}
    if with_torch:
        out["torch"] = import_torch().__version__
    return out


class _InterruptFlag:
    """Turns the first Ctrl-C into a flag checked between steps, so a step is never cut in half.

    A second Ctrl-C raises ``KeyboardInterrupt`` at once. Only installed in the main thread.
    """

    def __init__(self):
        self.set = False
        self._old = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._old = signal.signal(signal.SIGINT, self._handler)
        return self

    def _handler(self, signum, frame):
        if self.set:
            raise KeyboardInterrupt
        self.set = True

    def __exit__(self, *exc):
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)
        return False


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


class Trainer:
    """Runs a :class:`TrainConfig`, writing the checkpoint, log and curves into ``out``."""

    def __init__(self, cfg: TrainConfig, out: str | Path, resume: str | Path | None = None,
                 print_fn=None, progress: bool = True):
        from .models import build_model
        from .random import manual_seed

        self.cfg, self.out = cfg, Path(out)
        self.print = print_fn or (lambda s: print(s, flush=True))
        self.progress = progress
        self.names = engines_of(cfg.engine)
        if "torch" in self.names:
            import_torch()
        if len(self.names) == 2:
            limit_blas_threads(1)
        self.data = load_data(cfg.data, cfg.train_limit, cfg.test_limit)
        n = len(self.data.y_train)
        self.steps_per_epoch = math.ceil(n / cfg.batch_size)

        manual_seed(cfg.seed)
        ours = build_model(cfg.model, **MODEL_KWARGS[cfg.model])
        self.engines: dict[str, Engine] = {}
        if "minitorch" in self.names:
            self.engines["minitorch"] = MinitorchEngine(ours, cfg, self.steps_per_epoch)
        if "torch" in self.names:
            self.engines["torch"] = TorchEngine(ours, cfg, self.steps_per_epoch)

        # position: the next batch to run is batch `batch` of epoch `epoch`; `step` batches ran so far
        self.epoch, self.batch, self.step = 0, 0, 0
        self.order: list[np.ndarray] | None = None
        self.history: list[dict] = []
        self.step_losses: dict[str, list[float]] = {k: [] for k in self.names}
        self.epoch_losses: dict[str, list[float]] = {k: [] for k in self.names}
        self.epoch_seconds: dict[str, float] = {k: 0.0 for k in self.names}   # training time this epoch
        self.resumed_from = None
        self.command: list[str] | None = None       # the command line, for the log (set by the CLI)
        if resume is not None:
            self._load_checkpoint(resume)

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
        torch = import_torch() if "torch" in self.engines else None
        for name, eng in self.engines.items():
            prefix = f"{name}/model/"
            eng.load_weights({k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)})
            state = meta["engines"][name]
            eng.load_optimizer_state(unpack(state["optimizer"], arrays, torch))
            if eng.scheduler is not None:
                eng.scheduler.load_state_dict(unpack(state["scheduler"], arrays, torch))
            self.step_losses[name] = list(unpack(state["step_losses"], arrays))
            self.epoch_losses[name] = list(state["epoch_losses"])
            self.epoch_seconds[name] = float(state.get("epoch_seconds", 0.0))
        pos = meta["position"]
        self.epoch, self.batch, self.step = pos["epoch"], pos["batch"], pos["step"]
        order = unpack(meta["order"], arrays)
        bs = self.cfg.batch_size
        self.order = [order[i:i + bs] for i in range(0, len(order), bs)] if len(order) else None
        self.history = meta["history"]
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
        from .viz import plot_training_curves
        path = self.out / CURVES_NAME
        title = f"{self.cfg.model} · {self.cfg.optimizer} · {self.cfg.data} Fashion-MNIST"
        rows = self.history + ([partial_row] if partial_row else [])
        plot_training_curves(rows, self.step_losses, path, title=title,
                             steps_per_epoch=self.steps_per_epoch)
        return path

    # -- the loop ---------------------------------------------------------------------------------
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

    def _check_finite(self, name: str, loss: float) -> None:
        if not math.isfinite(loss):
            lr = self.engines[name].lr()
            raise NonFiniteLoss(
                f"the {name} loss became {loss} at step {self.step + 1} (epoch {self.epoch + 1}, batch "
                f"{self.batch + 1}) with learning rate {lr:g}: training diverged. Try a smaller learning "
                f"rate, e.g. --lr {lr / 10:g}.")

    def run(self) -> str:
        """Train; returns how it ended: "completed", "max_steps" or "interrupted" (NaN raises)."""
        from tqdm.auto import tqdm

        cfg = self.cfg
        status = "completed"
        for line in self.data.description:
            self.print(f"data: {line}")
        if self.resumed_from:
            self.print(f"resuming from {self.resumed_from} at epoch {self.epoch + 1}, batch {self.batch}, "
                       f"step {self.step}")
        self.out.mkdir(parents=True, exist_ok=True)
        n_train = len(self.data.y_train)
        # overflow on the way to a NaN loss is reported by _check_finite, not as NumPy warnings
        with _InterruptFlag() as interrupt, np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            try:
                while self.epoch < cfg.epochs:
                    if self.order is None:
                        self.order = batch_order(n_train, cfg.batch_size, cfg.seed, self.epoch)
                        self.batch = 0
                    bar = tqdm(total=n_train, initial=sum(len(b) for b in self.order[:self.batch]),
                               desc=f"epoch {self.epoch + 1}/{cfg.epochs}", unit="img",
                               disable=not self.progress, leave=False, dynamic_ncols=True)
                    try:
                        while self.batch < len(self.order):
                            if cfg.max_steps is not None and self.step >= cfg.max_steps:
                                status = "max_steps"
                                break
                            idx = self.order[self.batch]
                            x, y = self.data.x_train[idx], self.data.y_train[idx]
                            post = {}
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
                                post["loss" if len(losses) == 1 else f"loss_{name}"] = f"{loss:.4f}"
                                if cfg.scheduler in PER_STEP_SCHEDULERS:
                                    self.engines[name].scheduler_step(loss)
                            self.batch += 1
                            self.step += 1
                            bar.set_postfix(post, refresh=False)
                            bar.update(len(idx))
                            if interrupt.set:
                                raise KeyboardInterrupt
                    finally:
                        bar.close()
                    if status == "max_steps":
                        break
                    row = self._evaluate_epoch(partial=False)
                    self.history.append(row)
                    self.print(self._format_row(row))
                    for name, eng in self.engines.items():
                        if cfg.scheduler not in PER_STEP_SCHEDULERS:
                            eng.scheduler_step(row[name]["train_loss"])
                        self.epoch_losses[name] = []
                        self.epoch_seconds[name] = 0.0
                    self.epoch += 1
                    self.order = None
                    self.batch = 0
                    self.save_checkpoint()
            except KeyboardInterrupt:
                status = "interrupted"
            except NonFiniteLoss as e:
                self.write_log("diverged", {"error": str(e)})
                raise
        path = self.save_checkpoint()
        extra = {}
        if status == "max_steps" and any(self.epoch_losses.values()):
            row = self._evaluate_epoch(partial=True)
            self.print(self._format_row(row) + "   (* partial epoch)")
            extra["last_partial_epoch"] = row
        if status == "interrupted":
            self.print(f"interrupted at step {self.step}; checkpoint saved to {path} "
                       f"(continue with --resume {path})")
        elif status == "max_steps":
            self.print(f"stopped after --max-steps {cfg.max_steps}; checkpoint saved to {path}")
        self.write_log(status, extra)
        self.write_curves(extra.get("last_partial_epoch"))
        return status
