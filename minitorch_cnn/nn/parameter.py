"""Parameter: a leaf Tensor that a Module registers as learnable."""
from __future__ import annotations

import numpy as np

from ..errors import DTypeError
from ..tensor import Tensor


class Parameter(Tensor):
    """A Tensor that ``Module.parameters()`` finds; ``requires_grad=True`` by default.

    Wraps the same array as the tensor it is built from (no copy), as ``torch.nn.Parameter``.
    """

    def __init__(self, data=None, requires_grad: bool = True):
        if data is None:
            data = np.zeros(0, dtype=np.float32)
        arr = data.array if isinstance(data, Tensor) else np.asarray(data)
        if arr.dtype.kind != "f" and requires_grad:
            raise DTypeError(f"Parameter: expected a floating point tensor, got dtype {arr.dtype} (Only Tensors of "
                             "floating point and complex dtype can require gradients)")
        super().__init__(arr, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
