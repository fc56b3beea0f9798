"""Tensor methods that turn a tensor into something else: Python numbers and lists (``item``,
``tolist``, ``float(t)``, ``bool(t)``...), NumPy arrays (``numpy``), other dtypes (``to``, ``float``,
``long``, ``type_as``...) and copies (``clone``); and what a tensor's memory looks like
(``is_floating_point``, ``nelement``, ``element_size``, ``stride``, ``is_contiguous``). ``Tensor`` inherits them from :class:`ConversionMixin`.

(This module sits below tensor.py: it gets the Tensor class from autograd.function's registry,
``tensor_class()``, instead of importing it.)
"""
from __future__ import annotations

import numpy as np

from .autograd.function import tensor_class
from .device import Device, check_device
from .dtypes import LEGACY_TYPE_NAMES, bool_, float32, float64, int32, int64, uint8
from .ops.elementwise import Cast, Clone
from .ops.reduction import _one_dim


class ConversionMixin:
    """The methods listed in the module docstring; ``self`` is always a Tensor."""

    def numpy(self) -> np.ndarray:
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self.array

    def item(self):
        if self.array.size != 1:
            raise RuntimeError(
                f"a Tensor with {self.array.size} elements cannot be converted to Scalar"
            )
        return self.array.reshape(()).item()

    def tolist(self):
        return self.array.tolist()

    def __len__(self) -> int:
        if self.array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.array.shape[0]

    def __iter__(self):
        if self.array.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.array.shape[0]))

    def __contains__(self, element) -> bool:
        """``x in t``: whether any element of t equals x (a Tensor x broadcast against t), as torch —
        not Python's fallback of comparing x with each row."""
        if not isinstance(element, (tensor_class(), bool, int, float, complex, np.number, np.bool_)):
            raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a {type(element)}.")
        return bool((element == self).any())

    def __bool__(self) -> bool:
        if self.array.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with {self.array.size} values is ambiguous")
        return bool(self.array.reshape(()))

    def _scalar(self):
        """The one value of ``float(t)``/``int(t)`` (unlike ``item()``, more or fewer is torch's ValueError)."""
        if self.array.size != 1:
            raise ValueError(f"only one element tensors can be converted to Python scalars (got {self.array.size})")
        return self.item()

    def __float__(self) -> float:
        return float(self._scalar())

    def __int__(self) -> int:
        return int(self._scalar())

    def __index__(self) -> int:
        if self.array.dtype.kind not in "biu" or self.array.size != 1:  # bool counts as 0/1, as torch
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())


    def to(self, *args, **kwargs) -> "Tensor":
        """``t.to(dtype)``, ``t.to("cpu")``, ``t.to(other)``: a differentiable dtype cast (``t`` itself when
        nothing changes, unless ``copy=True``)."""
        dtype = kwargs.pop("dtype", None)
        device = kwargs.pop("device", None)
        copy = bool(kwargs.pop("copy", False))
        kwargs.pop("non_blocking", None)
        if kwargs:
            raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
        for a in args:
            if isinstance(a, tensor_class()):
                dtype = a.dtype
            elif isinstance(a, (str, Device)):
                device = a
            else:
                dtype = a
        if device is not None:
            check_device(device)
        if (dtype is None or np.dtype(dtype) == self.dtype) and not copy:
            return self
        return Cast.apply(self, self.dtype if dtype is None else np.dtype(dtype))

    def cpu(self) -> "Tensor":
        return self

    def float(self) -> "Tensor":
        return self.to(float32)

    def double(self) -> "Tensor":
        return self.to(float64)

    def long(self) -> "Tensor":
        return self.to(int64)

    def int(self) -> "Tensor":
        return self.to(int32)

    def bool(self) -> "Tensor":
        return self.to(bool_)

    def type(self, dtype=None):
        """``t.type()`` names the tensor's legacy type (``"minitorch_cnn.FloatTensor"``, as torch's
        ``"torch.FloatTensor"``); ``t.type(d)`` converts to ``d``: a dtype, a legacy type such as
        ``LongTensor``, or its name (``"torch.LongTensor"`` too, so torch code runs unchanged)."""
        if dtype is None:
            return f"minitorch_cnn.{LEGACY_TYPE_NAMES.get(self.dtype, self.dtype.name)}"
        if isinstance(dtype, str):
            by_name = {name: d for d, name in LEGACY_TYPE_NAMES.items()}
            name = dtype.rsplit(".", 1)[-1]
            if name not in by_name:
                raise ValueError(f"invalid type: {dtype!r} (expected a name such as 'torch.LongTensor')")
            dtype = by_name[name]
        if isinstance(getattr(dtype, "dtype", None), np.dtype) and isinstance(dtype, type):  # FloatTensor…
            dtype = dtype.dtype
        return self.to(dtype)

    def clone(self) -> "Tensor":
        return Clone.apply(self)

    def is_contiguous(self) -> bool:
        """Whether the elements lie in row-major order with no gaps (strides of size-1 dims do not
        matter, an empty tensor always is): NumPy's C-contiguous flag, which has the same rule."""
        return bool(self.array.flags.c_contiguous)

    def contiguous(self) -> "Tensor":
        """This tensor if its memory is in row-major order, else a row-major copy (so ``view`` works)."""
        return self if self.array.flags.c_contiguous else self.clone()

    def type_as(self, other) -> "Tensor":
        """This tensor in ``other``'s dtype (``self.to(other.dtype)``: itself when they agree)."""
        return self.to(self._tensor_arg(other, "type_as").dtype)

    def is_floating_point(self) -> bool:
        return self.dtype.kind == "f"

    def byte(self) -> "Tensor":
        return self.to(uint8)

    def ndimension(self) -> int:
        """The number of dims (``dim()``)."""
        return self.ndim

    @property
    def nbytes(self) -> int:
        """Bytes the elements take: ``numel() · element_size()``."""
        return int(self.array.nbytes)

    @property
    def itemsize(self) -> int:
        """Bytes per element (``element_size()``)."""
        return int(self.array.itemsize)

    def nelement(self) -> int:
        """The number of elements (``numel()``)."""
        return self.numel()

    def element_size(self) -> int:
        """Bytes per element: 4 for float32, 8 for float64 and int64, 1 for uint8 and bool."""
        return self.itemsize

    def stride(self, dim=None):
        """How many elements apart consecutive entries of each dim lie in memory (all dims as a tuple, or
        one): NumPy's strides in elements, so a transpose, a slice with a step or an ``expand`` (stride 0)
        report what torch reports for the same view. Two places where NumPy's numbers differ from
        torch's, although the memory is the same, take torch's: an empty tensor reports the strides of a
        row-major one (a dim of size 0 counting as 1), and a size-1 dim that NumPy gives stride 0 (an
        inserted axis, ``unsqueeze``) reports, as torch's ``unsqueeze``, the extent of the dim after it."""
        a = self.array
        strides = [s // a.itemsize for s in a.strides]
        if a.size == 0 and a.flags.c_contiguous:
            strides = [int(np.prod([max(n, 1) for n in a.shape[d + 1:]])) for d in range(a.ndim)]
        for d in reversed(range(a.ndim)):
            if a.shape[d] == 1 and strides[d] == 0:
                strides[d] = a.shape[d + 1] * strides[d + 1] if d + 1 < a.ndim else 1
        return tuple(strides) if dim is None else strides[_one_dim(dim, a.ndim, "stride")]
