"""The base class of every transform (transforms.py, augment.py): a callable with a torch-like repr."""
from __future__ import annotations


class Transform:
    """Base class: a callable with a torch-like ``repr`` built from :meth:`extra_repr`."""

    def __call__(self, inpt):  # pragma: no cover - abstract
        raise NotImplementedError

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.extra_repr()})"
