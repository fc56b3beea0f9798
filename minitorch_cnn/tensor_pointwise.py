"""Tensor methods for elementwise math of one to three tensors: ``erf``, ``frac``, ``atan2``,
``nan_to_num``, ``lerp``, ``addcmul`` and ``addcdiv`` (the last three are what optimizers are written
with: ``exp_avg.lerp_(grad, 1 - beta1)``, ``exp_avg_sq.addcmul_(grad, grad, value=1 - beta2)``).

``Tensor`` inherits them from :class:`PointwiseMixin`. Each checks its arguments and dtypes with
torch's errors, casts its inputs to the result's dtype (a differentiable cast) and applies a Function
from :mod:`minitorch_cnn.ops.pointwise`, where the forward and backward are written out.
(This module sits below tensor.py: it builds Tensors with ``tensor_class()``.)
"""
from __future__ import annotations

import numbers

import numpy as np

from .autograd.function import tensor_class
from .dtypes import bool_, get_default_dtype, result_dtype
from .ops import pointwise as P
from .ops.arithmetic import broadcast_shape
from .tensor_inplace import _SCALAR_NAME

# the C++ type names torch's dtype errors use ("expected dtype float for `end` but got dtype double")
_CPP_NAME = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int", "int32": "int",
             "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}


def _kernel_missing(kernel: str, dtype) -> NotImplementedError:
    return NotImplementedError(f'"{kernel}" not implemented for \'{_SCALAR_NAME.get(dtype.name, dtype.name)}\'')


class PointwiseMixin:
    """The methods listed in the module docstring; ``self`` is always a Tensor."""

    def _tensor_args(self, who: str, **named) -> None:
        for position, (name, value) in enumerate(named.items(), start=1):
            self._tensor_arg(value, who, position, name)

    def erf(self):
        """The error function ``2/√π ∫₀ˣ e^(−t²) dt``; an int or bool tensor gives the default float."""
        return self._float_unary(P.Erf, "erf")

    def frac(self):
        """``x − trunc(x)``, the fractional part with x's sign; float tensors only, as torch."""
        if self.dtype.kind != "f":
            raise _kernel_missing("frac_cpu", self.dtype)
        return P.Frac.apply(self)

    def atan2(self, other):
        """The angle of the point (other, self) in (−π, π], elementwise (``atan(self/other)`` with the
        quadrant); ints and bools are computed in the default float."""
        self._tensor_args("atan2", other=other)
        dt = result_dtype(self.array, other.array)
        dt = dt if dt.kind == "f" else get_default_dtype()
        broadcast_shape(self.shape, other.shape)
        return P.Atan2.apply(self._as(self, dt), self._as(other, dt))

    arctan2 = atan2

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        """NaN → ``nan``, +inf → ``posinf`` and −inf → ``neginf`` (by default the dtype's largest and
        smallest finite values). The replacements are rounded to the dtype (1e300 is inf in float32, as
        torch). An integer or bool tensor has nothing to replace: a copy."""
        for name, v in (("nan", nan), ("posinf", posinf), ("neginf", neginf)):
            if v is not None and not isinstance(v, numbers.Real):
                raise TypeError(f"nan_to_num(): argument '{name}' must be float, not {type(v).__name__}")
        if self.dtype.kind != "f":
            return tensor_class()(self.array.copy())
        info = np.finfo(self.dtype)
        with np.errstate(over="ignore"):  # a replacement beyond the dtype's range becomes ±inf
            values = [np.asarray(v if v is not None else default).astype(self.dtype)
                      for v, default in ((nan, 0.0), (posinf, info.max), (neginf, info.min))]
        return P.NanToNum.apply(self, *values)

    def lerp(self, end, weight):
        """``self + weight·(end − self)``: ``weight`` a number or a tensor (all three broadcast). ``end``
        must have self's dtype, and so must a weight tensor with dimensions (a 0-d one is cast)."""
        self._tensor_args("lerp", end=end)
        is_tensor = isinstance(weight, tensor_class())
        if not is_tensor and not isinstance(weight, numbers.Real):
            raise TypeError(f"lerp(): argument 'weight' must be Number or Tensor, not {type(weight).__name__}")
        if self.dtype.kind != "f":
            raise _kernel_missing("lerp_kernel_tensor" if is_tensor else "lerp_kernel_scalar", self.dtype)
        for name, t in (("end", end), ("weight", weight if is_tensor and weight.ndim else None)):
            if t is not None and t.dtype != self.dtype:
                raise RuntimeError(f"expected dtype {_CPP_NAME.get(self.dtype.name)} for `{name}` but got dtype "
                                   f"{_CPP_NAME.get(t.dtype.name, t.dtype.name)}")
        if is_tensor:
            broadcast_shape(self.shape, end.shape, weight.shape)
            return P.Lerp.apply(self, end, self._as(weight, self.dtype))
        broadcast_shape(self.shape, end.shape)
        return P.Lerp.apply(self, end, float(weight))

    def _addc(self, fn, tensor1, tensor2, value, who):
        """addcmul/addcdiv: the three tensors in their promoted dtype, ``value`` rounded to it (an int
        tensor truncates 0.5 to 0, as torch)."""
        self._tensor_args(who, tensor1=tensor1, tensor2=tensor2)
        if isinstance(value, tensor_class()):
            value = value.item()
        if not isinstance(value, numbers.Number):
            raise TypeError(f"{who}(): argument 'value' must be Number, not {type(value).__name__}")
        dt = result_dtype(self.array, tensor1.array, tensor2.array)
        if dt == bool_:  # (addcdiv never gets here with bools: it refuses two non-float tensors first)
            raise _kernel_missing(f"{who}_cpu_out", dt)
        broadcast_shape(self.shape, tensor1.shape, tensor2.shape)
        v = np.asarray(value).astype(dt)[()]  # a NumPy scalar of dt (wrapping, as torch, for uint8)
        return fn.apply(self._as(self, dt), self._as(tensor1, dt), self._as(tensor2, dt), v)

    def addcmul(self, tensor1, tensor2, *, value=1):
        """``self + value · tensor1 · tensor2`` (the three broadcast; dtype by torch's promotion)."""
        return self._addc(P.Addcmul, tensor1, tensor2, value, "addcmul")

    def addcdiv(self, tensor1, tensor2, *, value=1):
        """``self + value · tensor1 / tensor2``; torch refuses two integer (or bool) tensors to divide."""
        self._tensor_args("addcdiv", tensor1=tensor1, tensor2=tensor2)
        if tensor1.dtype.kind in "biu" and tensor2.dtype.kind in "biu":
            raise RuntimeError(
                "Integer division with addcdiv is no longer supported, and in a future release addcdiv will "
                "perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented "
                "as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
                "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the "
                "latter implementation: (input + value * tensor1 / tensor2), for all dtypes.")
        return self._addc(P.Addcdiv, tensor1, tensor2, value, "addcdiv")
