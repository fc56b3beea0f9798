"""Random numbers: one global NumPy generator, seeded by :func:`manual_seed`.

torch and this engine draw from different generators, so the same seed does NOT give the same
numbers in both; parity tests copy weights from one engine to the other instead.

Seeds follow torch's range: any integer in [−2⁶³, 2⁶⁴); a negative seed is taken modulo 2⁶⁴ (so
``manual_seed(-1)`` is seed 2⁶⁴ − 1, as torch reports it). ``get_rng_state``/``set_rng_state`` save and
restore the global stream (a uint8 tensor, as torch's, holding the NumPy generator's state as JSON).
"""
from __future__ import annotations

import json

import numpy as np

from .autograd.function import tensor_class  # random.py sits below tensor.py

_initial_seed = int(np.random.SeedSequence().entropy % 2**64)
_rng = np.random.default_rng(_initial_seed)


def _check_seed(seed, where: str) -> int:
    """torch's seed rules: an integer in [−2⁶³, 2⁶⁴), negatives wrapping modulo 2⁶⁴. The global
    ``manual_seed`` takes ``int(seed)`` first, as torch (so 1.5 → 1, "7" → 7, True → 1); a Generator's
    ``manual_seed`` wants an int."""
    if where == "manual_seed":
        seed = int(seed)  # torch's own conversion, with Python's errors for None, "a", NaN
    elif not isinstance(seed, (int, np.integer)) or isinstance(seed, (bool, np.bool_)):
        raise RuntimeError(f"{where} expected a long, but got {type(seed).__name__}")
    seed = int(seed)
    if not -2**63 <= seed < 2**64:
        raise ValueError(f"{where}: Overflow when unpacking long long (seed {seed} is outside [-2**63, 2**64))")
    return seed % 2**64


def manual_seed(seed: int) -> "Generator":
    """Seed the global generator (like ``torch.manual_seed``) and return it wrapped as a Generator."""
    global _rng, _initial_seed
    _initial_seed = _check_seed(seed, "manual_seed")
    _rng = np.random.default_rng(_initial_seed)
    g = Generator.__new__(Generator)
    g.rng = _rng
    g.initial_seed_value = _initial_seed
    return g


def initial_seed() -> int:
    """The seed the global generator started from (``torch.initial_seed``)."""
    return _initial_seed


def _state_tensor(rng: np.random.Generator):
    return tensor_class()(np.frombuffer(json.dumps(rng.bit_generator.state).encode(), dtype=np.uint8).copy())


def _load_state(rng: np.random.Generator, state) -> None:
    """Restore ``rng`` from a tensor made by :func:`get_rng_state` (torch's checks: a uint8 tensor)."""
    Tensor = tensor_class()
    if not isinstance(state, Tensor) or state.dtype != np.uint8:
        raise TypeError("RNG state must be a uint8 tensor (torch.ByteTensor), as get_rng_state() returns, "
                        f"got {type(state).__name__}{'' if not isinstance(state, Tensor) else ' of ' + str(state.dtype)}")
    try:
        value = json.loads(state.array.tobytes().decode())
        if value.get("bit_generator") != rng.bit_generator.state["bit_generator"]:
            raise ValueError
        rng.bit_generator.state = value
    except (ValueError, UnicodeDecodeError, AttributeError, TypeError, KeyError):
        raise RuntimeError(f"set_rng_state: the tensor ({state.numel()} bytes) is not a state made by "
                           "get_rng_state()") from None


def get_rng_state():
    """The global generator's state as a uint8 tensor (``torch.get_rng_state``; restore with set_rng_state)."""
    return _state_tensor(_rng)


def set_rng_state(new_state) -> None:
    """Restore the global generator from :func:`get_rng_state`'s tensor: the next draws repeat."""
    _load_state(_rng, new_state)


def get_rng() -> np.random.Generator:
    """The global NumPy generator used by initialisers, ``rand``/``randn`` and shuffling."""
    return _rng


class Generator:
    """A private random stream, as ``torch.Generator``: ``g = Generator().manual_seed(0)``.

    ``g.rng`` is the underlying :class:`numpy.random.Generator`.
    """

    def __init__(self, device: str = "cpu"):
        self.initial_seed_value = int(np.random.SeedSequence().entropy % 2**64)
        self.rng = np.random.default_rng(self.initial_seed_value)

    def manual_seed(self, seed: int) -> "Generator":
        self.initial_seed_value = _check_seed(seed, "Generator.manual_seed")
        self.rng = np.random.default_rng(self.initial_seed_value)
        return self

    def initial_seed(self):
        return self.initial_seed_value

    def get_state(self):
        return _state_tensor(self.rng)

    def set_state(self, new_state) -> "Generator":
        _load_state(self.rng, new_state)
        return self

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
