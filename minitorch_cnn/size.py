"""``Size``: a tensor's shape, a tuple printed and combined like torch's ``torch.Size``."""
from __future__ import annotations

import numpy as np


class Size(tuple):
    """Shape tuple, printed like torch's (``Size([2, 3])``)."""

    def __repr__(self) -> str:
        return f"Size({list(self)})"

    def numel(self) -> int:
        return int(np.prod(self)) if self else 1

    # slices and sums of shapes are shapes too, as torch's (``x.shape[1:]`` prints Size([...]))
    def __getitem__(self, index):
        item = tuple.__getitem__(self, index)
        return Size(item) if isinstance(index, slice) else item

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n):
        return Size(tuple(self) * n)

    __rmul__ = __mul__
