"""Random numbers: one global NumPy generator, seeded by :func:`manual_seed`.

torch and this engine draw from different generators, so the same seed does NOT give the same
numbers in both; parity tests copy weights from one engine to the other instead.
"""
from __future__ import annotations

import numpy as np

_rng = np.random.default_rng()


def manual_seed(seed: int) -> "Generator":
    """Seed the global generator (like ``torch.manual_seed``) and return it wrapped as a Generator."""
    global _rng
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"manual_seed: expected an int seed, got {type(seed).__name__}")
    _rng = np.random.default_rng(int(seed))
    g = Generator.__new__(Generator)
    g.rng = _rng
    g.initial_seed_value = int(seed)
    return g


def get_rng() -> np.random.Generator:
    """The global NumPy generator used by initialisers, ``rand``/``randn`` and shuffling."""
    return _rng


class Generator:
    """A private random stream, as ``torch.Generator``: ``g = Generator().manual_seed(0)``.

    ``g.rng`` is the underlying :class:`numpy.random.Generator`.
    """

    def __init__(self, device: str = "cpu"):
        self.initial_seed_value = None
        self.rng = np.random.default_rng()

    def manual_seed(self, seed: int) -> "Generator":
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
            raise TypeError(f"Generator.manual_seed: expected an int seed, got {type(seed).__name__}")
        self.initial_seed_value = int(seed)
        self.rng = np.random.default_rng(int(seed))
        return self

    def initial_seed(self):
        return self.initial_seed_value

    def __repr__(self) -> str:
        return f"Generator(seed={self.initial_seed_value})"


def rng_of(generator: "Generator | None") -> np.random.Generator:
    """The NumPy generator behind ``generator``, or the global one when it is None."""
    if generator is None:
        return _rng
    if isinstance(generator, Generator):
        return generator.rng
    if isinstance(generator, np.random.Generator):
        return generator
    raise TypeError(f"expected a minitorch_cnn.Generator or None, got {type(generator).__name__}")
