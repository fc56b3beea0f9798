"""The data of a run: Fashion-MNIST as preprocessed arrays, and each epoch's batch order.

Both engines are fed the *same* batches: index arrays into the same preprocessed float32 arrays.
Epoch ``e``'s order comes from a DataLoader shuffling with its own generator seeded by
``(seed, e)`` (:func:`epoch_seed`), so it does not depend on anything that ran before — which is
what lets a resumed run continue the very same trajectory.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import TrainingError

# Fashion-MNIST's training-set pixel mean and standard deviation (after scaling to [0, 1])
MEAN, STD = 0.2860, 0.3530


@dataclass
class Data:
    x_train: np.ndarray    # float32 (N, 1, 28, 28), normalized
    y_train: np.ndarray    # int64 (N,)
    x_test: np.ndarray
    y_test: np.ndarray
    description: list[str]


def check_full_data_present() -> None:
    """A :class:`TrainingError` saying what to do when ``--data full``'s files are missing."""
    from ..data.fashion_mnist import locate

    try:
        locate(None, True)
        locate(None, False)
    except FileNotFoundError as e:
        raise TrainingError(f"--data full: the official Fashion-MNIST files are not present.\n{e}\n"
                            f"(--data mini uses the subset shipped with the package.)") from None


def load_data(which: str, train_limit: int | None = None, test_limit: int | None = None) -> Data:
    """Fashion-MNIST (``"mini"`` or ``"full"``) as normalized float32 N×1×28×28 arrays.

    Preprocessing is the lecture's ``ToDtype(float32, scale=True)`` then ``Normalize``, applied to
    the whole split at once (the transforms accept a batch) instead of image by image.
    """
    from ..data import FashionMNIST, transforms
    from .. import Tensor, float32

    if which not in ("mini", "full"):
        raise ValueError(f"--data must be 'mini' or 'full', got {which!r}")
    if which == "full":
        check_full_data_present()
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


def epoch_seed(seed: int, epoch: int) -> int:
    """The seed of epoch ``epoch``'s shuffling generator: a function of (seed, epoch) only."""
    return int(np.random.SeedSequence([int(seed), int(epoch)]).generate_state(1)[0])


def batch_order(n: int, batch_size: int, seed: int, epoch: int) -> list[np.ndarray]:
    """Epoch ``epoch``'s batches: index arrays from a DataLoader shuffling with its own seeded generator."""
    from ..data import DataLoader, TensorDataset
    from .. import arange

    loader = DataLoader(TensorDataset(arange(n)), batch_size=batch_size, shuffle=True,
                        seed=epoch_seed(seed, epoch))
    return loader.batch_indices()


def train_size(which: str, limit: int | None = None) -> int:
    """How many training images ``load_data(which, limit)`` gives, without loading them."""
    from ..data.fashion_mnist import MINI_PER_CLASS, SPLIT_SIZES

    n = SPLIT_SIZES[True] if which == "full" else 10 * MINI_PER_CLASS[True]
    return n if limit is None else min(n, limit)
