"""``minitorch-cnn train``: the lecture's training loop, run on minitorch_cnn, torch, or both side by side.

Underneath everything in this package is the lecture's loop::

    for epoch in range(epochs):
        for images, labels in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(images), labels)
            loss.backward()
            optimizer.step()
        scheduler.step()

Read it in this order:

* ``loop.py`` — :class:`Trainer`: that loop plus bookkeeping (NaN stop, evaluation, checkpoints,
  signals taking effect between steps, the log and the curves);
* ``engines.py`` — ``Engine.train_step``/``evaluate``: the four inner lines, written once against a
  module ``lib`` that is ``minitorch_cnn`` or ``torch``;
* ``config.py`` — :class:`TrainConfig`, the one set of defaults (the command's options are built from it);
* ``factories.py`` — models, optimizers and schedulers by name, for either engine;
* ``data.py`` — Fashion-MNIST as arrays and each epoch's seeded batch order;
* ``checkpoint.py`` — ``.npz`` checkpoints (no pickle, atomic writes, defensive reads).

With ``engine="both"`` the torch twin starts from a copy of our initial weights and both engines
are fed the *same* batches, so any gap between them is the engines' own. torch is imported only
when a torch engine is asked for: the minitorch engine runs without it.
"""
from .checkpoint import (CHECKPOINT_NAME, CURVES_NAME, FORMAT_VERSION, LOG_NAME, atomic_write, load_npz, pack,
                         save_npz, unpack)
from .config import (DATA, ENGINES, OPTIMIZERS, SCHEDULERS, NonFiniteLoss, TrainConfig, TrainingError,
                     canonical_name, defaults, engines_of, import_torch, parse_key_values, parse_value)
from .data import MEAN, STD, Data, batch_order, epoch_seed, load_data
from .engines import Engine, MinitorchEngine, TorchEngine, max_weight_diff
from .factories import MODELS, PER_STEP_SCHEDULERS, build_model, make_optimizer, make_scheduler, optimizer_class
from .loop import Trainer, limit_blas_threads

__all__ = [
    "CHECKPOINT_NAME", "CURVES_NAME", "FORMAT_VERSION", "LOG_NAME", "atomic_write", "load_npz", "pack", "save_npz",
    "unpack", "DATA", "ENGINES", "OPTIMIZERS", "SCHEDULERS", "NonFiniteLoss", "TrainConfig", "TrainingError",
    "canonical_name", "defaults", "engines_of", "import_torch", "parse_key_values", "parse_value", "MEAN", "STD",
    "Data", "batch_order", "epoch_seed", "load_data", "Engine", "MinitorchEngine", "TorchEngine",
    "max_weight_diff", "MODELS", "PER_STEP_SCHEDULERS", "build_model", "make_optimizer", "make_scheduler",
    "optimizer_class", "Trainer", "limit_blas_threads",
]
