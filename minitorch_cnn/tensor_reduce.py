"""Tensor reductions: ``sum``, ``mean``, ``max``/``min`` (whole tensor, or ``(values, indices)``
along a dimension, like torch's named return types), ``argmax``/``argmin``, ``amax``/``amin`` (values
only, over any dims) and the NaN-skipping ``nansum``/``nanmean``. ``Tensor`` inherits
them from :class:`ReductionMixin`; the differentiable ones apply Functions from
:mod:`minitorch_cnn.ops.reduction`.

(This module sits below tensor.py: it gets the Tensor class from autograd.function's registry,
``tensor_class()``, instead of importing it.)
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from .autograd.function import tensor_class
from .dtypes import _dtype_name, int64
from .ops.args import bool_arg, dims_arg
from .ops.reduction import (Amax, MaxAlong, MaxAll, MedianAlong, MedianAll, Mean, MeanDim, NanSum, Sum, SumDim,
                             _norm_dims, _reduce_dim)
from .tensor_inplace import _SCALAR_NAME


class MaxResult(namedtuple("max", ["values", "indices"])):
    """``(values, indices)`` of ``max``/``min`` along a dimension, printed like torch's return type."""

    def __repr__(self) -> str:
        return (f"minitorch_cnn.return_types.{self.kind}(\nvalues={self.values!r},\n"
                f"indices={self.indices!r})")

    kind = "max"


class MinResult(MaxResult):
    kind = "min"


class MedianResult(MaxResult):
    kind = "median"


# named as torch's return types are, so ``type(t.max(0)).__name__ == "max"``
MaxResult.__name__ = MaxResult.__qualname__ = "max"
MinResult.__name__ = MinResult.__qualname__ = "min"
MedianResult.__name__ = MedianResult.__qualname__ = "median"


class ReductionMixin:
    """The methods listed in the module docstring; ``self`` is always a Tensor."""

    def _check_not_empty(self, name, dim):
        """max/min/argmax/argmin have no identity: torch refuses an empty input (or reduced dim)."""
        if dim is None and self.numel() == 0:
            error = RuntimeError if name in ("max", "min") else IndexError
            hint = " Specify the reduction dim with the 'dim' argument." if error is RuntimeError else ""
            raise error(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.{hint}")
        if dim is not None and self.ndim and self.shape[dim] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")

    def sum(self, dim=None, keepdim: bool = False, dtype=None):
        bool_arg(keepdim, "sum", "keepdim")
        t = self if dtype is None else self.to(dtype)
        if t.dtype.kind in "biu" and dtype is None:  # torch sums bool and every int dtype in int64
            t = t.to(int64)
        return (Sum if dim is None else SumDim).apply(t, _norm_dims(dim, t.ndim, "sum"), keepdim)

    def mean(self, dim=None, keepdim: bool = False, dtype=None):
        bool_arg(keepdim, "mean", "keepdim")
        dims_arg(dim, "mean")  # torch checks the dims' type before the dtype, their range after
        t = self if dtype is None else self.to(dtype)
        if t.dtype.kind != "f":
            raise RuntimeError(
                f"mean(): could not infer output dtype. Input dtype must be either a floating point "
                f"or complex dtype. Got: {_dtype_name(t.dtype)}"
            )
        return (Mean if dim is None else MeanDim).apply(t, _norm_dims(dim, t.ndim, "mean"), keepdim)

    def _extreme(self, dim, keepdim, take_min):
        name = "min" if take_min else "max"
        if dim is None:
            self._check_not_empty(name, None)
            return MaxAll.apply(self, take_min)
        d = _reduce_dim(dim, self.ndim, name)  # a 0-d tensor has dims 0 and -1, as torch
        if not self.ndim:  # the value itself and index 0
            values = MaxAlong.apply(self.reshape(1), 0, False, take_min).reshape(())
            return (MinResult if take_min else MaxResult)(values, tensor_class()(np.zeros((), int64)))
        self._check_not_empty(name, d)
        values = MaxAlong.apply(self, d, keepdim, take_min)
        op = np.argmin if take_min else np.argmax
        indices = op(self.array, axis=d)
        if keepdim:
            indices = np.expand_dims(indices, d)
        return (MinResult if take_min else MaxResult)(values, tensor_class()(indices.astype(int64)))

    def max(self, dim=None, keepdim: bool = False):
        """Three forms, as torch: ``t.max()`` → the largest value (0-d); ``t.max(dim, keepdim)`` →
        ``(values, indices)``; ``t.max(other)`` with a tensor ``other`` → ``t.maximum(other)``."""
        bool_arg(keepdim, "max", "keepdim")
        if isinstance(dim, tensor_class()):
            return self._elementwise_extreme("max", dim, keepdim)
        return self._extreme(dim, keepdim, take_min=False)

    def min(self, dim=None, keepdim: bool = False):
        """``t.min()``, ``t.min(dim, keepdim)`` → ``(values, indices)``, ``t.min(other)`` = ``minimum``."""
        bool_arg(keepdim, "min", "keepdim")
        if isinstance(dim, tensor_class()):
            return self._elementwise_extreme("min", dim, keepdim)
        return self._extreme(dim, keepdim, take_min=True)

    def _elementwise_extreme(self, name, other, keepdim):
        if keepdim:
            raise TypeError(f"{name}(): argument 'dim' (position 1) must be int, not Tensor (keepdim is not an "
                            f"argument of the elementwise form {name}(other))")
        return self.maximum(other) if name == "max" else self.minimum(other)

    def _arg_extreme(self, dim, keepdim, take_min) -> "Tensor":
        """The int64 position of the first maximum (minimum) overall or along ``dim``; no gradient."""
        name, op = ("argmin", np.argmin) if take_min else ("argmax", np.argmax)
        bool_arg(keepdim, name, "keepdim")
        dims_arg(dim, name)  # the dim's type first, then the dtype, then the dim's range (as torch)
        if self.dtype.kind == "b":
            raise RuntimeError(f"{name}(): does not support bool input")
        d = None if dim is None else _reduce_dim(dim, self.ndim, name)
        if dim is None:  # the flat position; keepdim keeps every dim, as size 1
            self._check_not_empty(name, None)
            return tensor_class()(np.asarray(op(self.array), dtype=int64).reshape((1,) * self.ndim if keepdim else ()))
        if not self.ndim:
            return tensor_class()(np.zeros((), int64))
        self._check_not_empty(name, d)
        out = op(self.array, axis=d)
        return tensor_class()((np.expand_dims(out, d) if keepdim else out).astype(int64))

    def median(self, dim=None, keepdim: bool = False):
        """``t.median()`` → the lower median of all elements (NaN if any is NaN); ``t.median(dim)`` →
        ``(values, indices)``: each line's lower median, the ⌊(n−1)/2⌋-th smallest, and where it is (the
        first NaN of a line that has one)."""
        bool_arg(keepdim, "median", "keepdim")
        d = None if dim is None else _reduce_dim(dim, self.ndim, "median")  # torch checks the dim first
        if self.dtype.kind == "b":
            raise NotImplementedError('"median_cpu" not implemented for \'Bool\'')
        if dim is None:
            return MedianAll.apply(self)
        t = self if self.ndim else self.reshape(1)
        t._check_not_empty("median", d)
        a = t.array
        k = (a.shape[d] - 1) // 2
        index = np.take(np.argsort(a, axis=d, kind="stable"), k, axis=d)  # (NaN sorts last)
        if a.dtype.kind == "f":
            nan = np.isnan(a)
            index = np.where(nan.any(axis=d), np.argmax(nan, axis=d), index)
        values = MedianAlong.apply(t, index, d, keepdim and self.ndim > 0)
        indices = np.expand_dims(index, d) if keepdim and self.ndim else index
        if not self.ndim:
            values, indices = values.reshape(()), indices.reshape(())
        return MedianResult(values, tensor_class()(indices.astype(int64)))

    def argmax(self, dim=None, keepdim: bool = False) -> "Tensor":
        return self._arg_extreme(dim, keepdim, take_min=False)

    def argmin(self, dim=None, keepdim: bool = False) -> "Tensor":
        return self._arg_extreme(dim, keepdim, take_min=True)

    def _amax(self, dim, keepdim, take_min):
        name = "amin" if take_min else "amax"
        bool_arg(keepdim, name, "keepdim")
        dims = _norm_dims(dim, self.ndim, name)
        if self.numel() == 0:  # no identity to return: torch wants non-empty reduced dims
            given = () if dim is None else (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
            if not given:
                raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                                   "Specify the reduction dim with the 'dim' argument.")
            for d in given:  # named as the caller wrote it, as torch
                if self.shape[d] == 0:
                    raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
        return Amax.apply(self, dims, keepdim, take_min)

    def amax(self, dim=None, keepdim: bool = False):
        """The largest value over ``dim`` (an int or a tuple; every dim by default), NaN if any is NaN.
        Unlike ``max(dim)`` no indices, and a tie shares the gradient equally."""
        return self._amax(dim, keepdim, take_min=False)

    def amin(self, dim=None, keepdim: bool = False):
        """The smallest value over ``dim``; see :meth:`amax`."""
        return self._amax(dim, keepdim, take_min=True)

    def nansum(self, dim=None, keepdim: bool = False, *, dtype=None):
        """``sum`` with every NaN counted as 0 (bool and integer tensors sum in int64, as ``sum``)."""
        bool_arg(keepdim, "nansum", "keepdim")
        t = self if dtype is None else self.to(dtype)
        if t.dtype.kind != "f":
            return t.sum(dim, keepdim)
        return NanSum.apply(t, _norm_dims(dim, t.ndim, "nansum"), keepdim)

    def nanmean(self, dim=None, keepdim: bool = False, *, dtype=None):
        """The mean of the non-NaN values (NaN where there are none): ``nansum / count``, as torch
        computes it, so the gradient is ``1/count`` at each non-NaN value."""
        bool_arg(keepdim, "nanmean", "keepdim")
        dims_arg(dim, "nanmean")  # torch checks the dims' type before the dtype, their range after
        if self.dtype.kind != "f":
            raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                               f"{_SCALAR_NAME.get(self.dtype.name, self.dtype.name)}")
        total = self.nansum(dim, keepdim, dtype=dtype)
        return total / tensor_class()(~np.isnan(self.array)).sum(dim, keepdim)
