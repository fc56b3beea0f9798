"""DataLoader: turn a dataset into batches, as ``torch.utils.data.DataLoader`` (single process).

One epoch is::

    order   = permutation(len(dataset)) if shuffle else 0, 1, ..., N-1
    batches = order cut into pieces of batch_size (the last one shorter unless drop_last)
    for idx in batches: yield collate_fn([dataset[i] for i in idx])

``batch_indices()`` gives the index arrays of the next epoch without loading anything, and
``fetch(idx)`` loads one batch, so the same order can be fed to a PyTorch DataLoader too
(``torch.utils.data.DataLoader(ds, batch_sampler=[i.tolist() for i in order])``).
"""
from __future__ import annotations

import collections.abc as abc
import math
from typing import Any, Callable

import numpy as np

from .. import random as _random
from ..dtypes import _promote
from ..tensor import Tensor


def default_collate(batch: list | tuple) -> Any:
    """Merge a list of samples into a batch, following ``torch.utils.data.default_collate``.

    * Tensors / NumPy arrays of one shape → one Tensor with a new leading batch dimension
      (C×H×W samples → B×C×H×W);
    * Python ints → int64 Tensor (B,), Python floats → float64, bools → bool, NumPy scalars keep
      their dtype; strings are returned as they came;
    * dicts → dict of collated values; tuples and lists → a list with each position collated
      (so ``images, labels = batch`` works); named tuples keep their type.
    """
    if not batch:
        raise ValueError("default_collate: got an empty batch")
    elem = batch[0]
    if isinstance(elem, (Tensor, np.ndarray)):
        arrays = [b.array if isinstance(b, Tensor) else np.asarray(b) for b in batch]
        if elem.dtype.kind in "OUS":
            raise TypeError(f"default_collate: batch must contain numbers, got an array of dtype {elem.dtype}")
        shapes = {a.shape for a in arrays}
        if len(shapes) > 1:
            from ..errors import ShapeError  # a ValueError, and the RuntimeError torch raises

            raise ShapeError(f"default_collate: cannot stack samples of different shapes "
                             f"{sorted(shapes)}; every sample in a batch needs the same shape "
                             f"(pass a collate_fn to batch them differently)")
        dt = None
        for a in arrays:  # torch.stack's promotion (float32 with int64 is float32; NumPy's stack: float64)
            dt = _promote(dt, a.dtype)
        return Tensor(np.stack(arrays).astype(dt, copy=False))
    if isinstance(elem, (bool, np.bool_)):
        return Tensor(np.asarray(batch, dtype=np.bool_))
    if isinstance(elem, int):
        return Tensor(np.asarray(batch, dtype=np.int64))
    if isinstance(elem, float):
        return Tensor(np.asarray(batch, dtype=np.float64))
    if isinstance(elem, np.generic) and elem.dtype.kind in "biuf":
        return Tensor(np.asarray(batch, dtype=elem.dtype))
    if isinstance(elem, (str, bytes)):
        return batch                     # as torch: the list (or tuple) of strings, unchanged
    if isinstance(elem, abc.Mapping):
        return {key: default_collate([d[key] for d in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):   # namedtuple
        return type(elem)(*(default_collate(s) for s in zip(*batch)))
    if isinstance(elem, abc.Sequence):
        sizes = {len(e) for e in batch}
        if len(sizes) > 1:
            raise RuntimeError("default_collate: each element in list of batch should be of equal size")
        return [default_collate(samples) for samples in zip(*batch)]
    raise TypeError(f"default_collate: batch must contain tensors, NumPy arrays, numbers, dicts or "
                    f"lists; found {type(elem).__name__}")


def default_convert(data: Any) -> Any:
    """One sample as the loader returns it when ``batch_size=None`` (no batching), as
    ``torch.utils.data.default_convert``: NumPy arrays and scalars → Tensors (arrays of strings or
    objects as they are), tuples → lists, named tuples, dicts and lists converted item by item,
    everything else (Tensors, Python numbers, strings) unchanged."""
    if isinstance(data, np.ndarray):
        return data if data.dtype.kind in "OUS" else Tensor(data)
    if isinstance(data, np.generic) and data.dtype.kind in "biuf":
        return Tensor(np.asarray(data))
    if isinstance(data, abc.Mapping):
        return {key: default_convert(value) for key, value in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, abc.Sequence) and not isinstance(data, (str, bytes)):
        return [default_convert(d) for d in data]
    return data


class DataLoader:
    """Iterate over ``dataset`` in batches of ``batch_size`` samples.

    Args:
        dataset: any object with ``__getitem__`` and ``__len__``.
        batch_size: samples per batch; ``None`` turns batching off (each sample through
            :func:`default_convert`, or ``collate_fn`` if given).
        shuffle: draw a new random order each epoch (each ``iter()``); otherwise 0..N-1.
        drop_last: drop the last batch when it is smaller than ``batch_size``.
        collate_fn: merges a list of samples into a batch (default: :func:`default_collate`).
        generator: a ``minitorch_cnn.Generator`` to shuffle with (default: the global one, seeded
            by ``minitorch_cnn.manual_seed``).
        seed: shorthand for ``generator=Generator().manual_seed(seed)`` (a private stream).
        sampler: an iterable of indices (``SubsetRandomSampler(train_idx)``...) that decides the
            order instead of ``shuffle`` (the two exclude each other, as in torch).
        num_workers, pin_memory: accepted for torch compatibility; loading is always in-process.

    The first four can be passed by position, as in torch; the rest by name only (torch's fifth positional
    parameter is ``batch_sampler``, which this loader does not have, so a fifth positional argument is a
    TypeError rather than a silent mix-up).

    ``len(loader)`` is the number of batches: ``ceil(N / batch_size)``, or ``floor`` with drop_last.
    """

    def __init__(self, dataset, batch_size: int | None = 1, shuffle: bool | None = None, sampler=None, *,
                 num_workers: int = 0, collate_fn: Callable | None = None, pin_memory: bool = False,
                 drop_last: bool = False, generator: "_random.Generator | None" = None, seed: int | None = None):
        if batch_size is None:  # no batching: each sample as it comes (converted, not stacked)
            if drop_last:
                raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")
        elif isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if generator is not None and seed is not None:
            raise ValueError("DataLoader: pass either generator or seed, not both")
        if not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError(f"num_workers option should be non-negative; got num_workers={num_workers}")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if shuffle and hasattr(dataset, "__len__") and len(dataset) == 0:  # torch's RandomSampler refuses it
            raise ValueError("num_samples should be a positive integer value, but got num_samples=0")
        self.dataset = dataset
        self.batch_size = None if batch_size is None else int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        if collate_fn is None:
            collate_fn = default_collate if batch_size is not None else default_convert
        self.collate_fn = collate_fn
        self.generator = generator if seed is None else _random.Generator().manual_seed(seed)
        self.num_workers, self.pin_memory = num_workers, pin_memory
        self.sampler = sampler

    def __len__(self) -> int:
        n = len(self.dataset) if self.sampler is None else len(self.sampler)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def batch_indices(self) -> list[np.ndarray]:
        """The next epoch's batches as int64 index arrays; ``iter(loader)`` draws its order the same way.

        With ``shuffle`` each call draws a new permutation from the generator (one draw per epoch,
        as torch does), so call it once per epoch and load with :meth:`fetch`.
        """
        if self.sampler is not None:
            order = np.asarray(list(self.sampler), dtype=np.int64)
            n = len(order)
        elif self.shuffle:
            n = len(self.dataset)
            order = _random.rng_of(self.generator).permutation(n).astype(np.int64)
        else:
            n = len(self.dataset)
            order = np.arange(n, dtype=np.int64)
        size = 1 if self.batch_size is None else self.batch_size
        stop = len(self) * size
        return [order[i:min(i + size, n)] for i in range(0, min(stop, n), size)]

    def fetch(self, indices) -> Any:
        """Load and collate the samples at ``indices`` (one batch; with ``batch_size=None``, the one
        sample at ``indices[0]`` through ``collate_fn``, by default :func:`default_convert`)."""
        if self.batch_size is None:
            return self.collate_fn(self.dataset[int(indices[0])])
        return self.collate_fn([self.dataset[int(i)] for i in indices])

    def __iter__(self):
        for idx in self.batch_indices():
            yield self.fetch(idx)

    def __repr__(self) -> str:
        return (f"DataLoader(dataset={type(self.dataset).__name__} of {len(self.dataset)}, "
                f"batch_size={self.batch_size}, shuffle={self.shuffle}, drop_last={self.drop_last})")
