"""Linear (fully connected) layer: ``y = x·Wᵀ + b``."""
from __future__ import annotations

import math

import numpy as np

from ..device import check_device
from ..dtypes import get_default_dtype
from ..errors import DTypeError, ShapeError
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


def _float_dtype(dtype, layer: str, device=None):
    """The parameters' dtype (a float; the default one if None), after refusing a device other than the CPU
    (``nn.Linear(2, 3, device="cuda")`` is a clear error, as any CUDA tensor here, not a CPU layer)."""
    if device is not None:
        check_device(device)
    dt = np.dtype(get_default_dtype() if dtype is None else dtype)
    if dt.kind != "f":
        raise DTypeError(f"{layer}: expected a floating point dtype for the parameters, got {dt} (Only Tensors of "
                         "floating point dtype can require gradients)")
    return dt


def _check_positive(value, name: str, layer: str, minimum: int = 1) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise TypeError(f"{layer}: expected {name} to be an int, got {value!r}")
    if value < minimum:
        raise ShapeError(f"{layer}: expected {name} ≥ {minimum}, got {value}")
    return int(value)


class Linear(Module):
    """``y = x·Wᵀ + b`` for x of shape (*, in_features); W (out_features, in_features), b (out_features,).

    Initialised as torch: W ~ kaiming_uniform(a=√5) = U(−1/√in, 1/√in), b ~ U(−1/√in, 1/√in).
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device=None, dtype=None):
        super().__init__()
        layer = f"Linear({in_features}→{out_features})"
        self.in_features = _check_positive(in_features, "in_features", layer, 0)
        self.out_features = _check_positive(out_features, "out_features", layer, 0)
        dt = _float_dtype(dtype, layer, device)
        self.weight = Parameter(np.empty((out_features, in_features), dtype=dt))
        if bias:
            self.bias = Parameter(np.empty(out_features, dtype=dt))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
