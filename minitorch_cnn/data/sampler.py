"""Samplers: which dataset indices a DataLoader visits, in which order (``torch.utils.data``'s names).

``DataLoader(ds, sampler=SubsetRandomSampler(train_idx))`` is the classic train/validation split over
one dataset. Random orders come from this engine's generator (``minitorch_cnn.manual_seed``), so the
same seed gives other orders than torch's.
"""
from __future__ import annotations

import numpy as np

from .. import random as _random


class Sampler:
    """Base class: iterate over dataset indices; ``len()`` says how many."""

    def __iter__(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def __len__(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError


class SequentialSampler(Sampler):
    """0, 1, …, len(data_source) − 1."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A random permutation of all indices (a new one per epoch), or, with ``replacement``,
    ``num_samples`` indices drawn independently."""

    def __init__(self, data_source, replacement: bool = False, num_samples=None, generator=None):
        self.data_source, self.replacement, self.generator = data_source, bool(replacement), generator
        self._num_samples = num_samples
        if not isinstance(self.num_samples, int) or isinstance(self.num_samples, bool) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={self.num_samples}")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        rng, n = _random.rng_of(self.generator), len(self.data_source)
        if self.replacement:
            return iter(rng.integers(0, n, self.num_samples).tolist())
        reps = -(-self.num_samples // n)  # whole permutations, as many as num_samples needs
        return iter(np.concatenate([rng.permutation(n) for _ in range(reps)])[:self.num_samples].tolist())

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given ``indices`` in a random order (a new one per epoch)."""

    def __init__(self, indices, generator=None):
        self.indices, self.generator = indices, generator

    def __iter__(self):
        order = _random.rng_of(self.generator).permutation(len(self.indices))
        return (self.indices[i] for i in order)

    def __len__(self) -> int:
        return len(self.indices)
