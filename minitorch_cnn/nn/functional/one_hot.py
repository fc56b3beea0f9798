"""``F.one_hot``: class indices → rows of zeros with a 1 at the index (int64, as torch)."""
from __future__ import annotations

import numpy as np

from ...ops.args import int_arg
from ...tensor import Tensor


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """``out[..., k] = 1 if tensor[...] == k else 0`` for k < num_classes (-1: one more than the largest index).

    No gradient: the result is integer (int64), as torch's.
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"one_hot(): argument 'input' (position 1) must be Tensor, not {type(tensor).__name__}")
    num_classes = int_arg(num_classes, "one_hot", "num_classes")  # an int (a 0-d int tensor too), not a bool
    if tensor.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    idx = tensor.array
    if num_classes == -1:
        if idx.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(idx.max()) + 1
    if idx.size and idx.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if idx.size and idx.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return Tensor((idx[..., None] == np.arange(num_classes)).astype(np.int64))
