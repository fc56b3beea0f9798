"""Datasets: anything with ``__getitem__(i)`` and ``__len__()``, as in ``torch.utils.data``."""
from __future__ import annotations

import numpy as np

from .. import random as _random
from ..tensor import Tensor


class Dataset:
    """A map-style dataset: ``dataset[i]`` is the i-th sample, ``len(dataset)`` how many there are.

    Subclass it and define both methods (torch's base class leaves ``__len__`` out; here it is
    required because the DataLoader needs it to count batches).
    """

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(self, index)")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__(self)")

    def __add__(self, other: "Dataset") -> "ConcatDataset":
        """``a + b``: the samples of a, then those of b (a ConcatDataset), as in torch."""
        return ConcatDataset([self, other])


class TensorDataset(Dataset):
    """Samples are rows of the given tensors: ``dataset[i] == (t[i] for t in tensors)``.

    >>> ds = TensorDataset(mt.zeros(5, 3), mt.arange(5))
    >>> x, y = ds[0]         # x.shape == (3,), y is a 0-d int64 tensor
    """

    def __init__(self, *tensors: Tensor):
        if not tensors:
            raise ValueError("TensorDataset: expected at least one tensor")
        for k, t in enumerate(tensors):
            if not isinstance(t, Tensor):
                raise TypeError(f"TensorDataset: argument {k} is a {type(t).__name__}, expected a Tensor "
                                f"(wrap arrays with minitorch_cnn.from_numpy or minitorch_cnn.tensor)")
            if t.ndim == 0:
                raise ValueError(f"TensorDataset: argument {k} is a 0-d tensor; every tensor needs a first "
                                 f"(sample) dimension")
        sizes = [t.shape[0] for t in tensors]
        if any(s != sizes[0] for s in sizes):
            shapes = ", ".join(str(tuple(t.shape)) for t in tensors)
            raise ValueError(f"TensorDataset: size mismatch between tensors: every tensor needs the same "
                             f"first dimension, got shapes {shapes}")
        self.tensors = tensors

    def __getitem__(self, index):
        # np.asarray turns the NumPy scalar that an int index gives into a 0-d array, as torch does
        return tuple(Tensor(np.asarray(t.array[index])) for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def __repr__(self) -> str:
        shapes = ", ".join(str(tuple(t.shape)) for t in self.tensors)
        return f"TensorDataset({shapes})"


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order: ``Subset(ds, idx)[i] == ds[idx[i]]``
    (torch's ``torch.utils.data.Subset``; a shortened dataset for a quick run, or a split)."""

    def __init__(self, dataset, indices):
        self.dataset, self.indices = dataset, indices

    def __getitem__(self, i):
        if isinstance(i, list):
            return [self.dataset[self.indices[j]] for j in i]
        return self.dataset[self.indices[i]]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset):
    """Several datasets one after another: index ``i`` falls in the first dataset whose running total of
    lengths exceeds it (``cumulative_sizes``), at ``i`` minus the lengths before it."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("datasets should not be an empty iterable")
        self.cumulative_sizes = list(np.cumsum([len(d) for d in self.datasets]).tolist())

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        which = int(np.searchsorted(self.cumulative_sizes, idx, side="right"))
        if which >= len(self.datasets):
            raise IndexError(f"index {idx} is out of range for a ConcatDataset of length {len(self)}")
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][idx - start]


def random_split(dataset, lengths, generator=None) -> list:
    """Split ``dataset`` into non-overlapping Subsets of the given ``lengths`` (counts, or fractions that
    sum to 1), after one random permutation of all indices (torch's rule for fractions: each part gets
    ``floor(n·fraction)``, and the remainder is handed out one by one from the first part on).

    The permutation comes from this engine's generator, so the same seed splits differently than torch.
    """
    n = len(dataset)
    lengths = list(lengths)
    if np.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
        counts = [int(np.floor(n * frac)) for frac in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    order = _random.rng_of(generator).permutation(n).tolist()
    parts, start = [], 0
    for length in lengths:
        parts.append(Subset(dataset, order[start:start + length]))
        start += length
    return parts
