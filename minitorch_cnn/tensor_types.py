"""torch's legacy typed constructors, ``FloatTensor``, ``LongTensor``…: old tutorials still write
``torch.FloatTensor(2, 3)``, ``torch.LongTensor([1, 2])`` and ``isinstance(x, torch.FloatTensor)``.

Each is a class whose instances are never made: calling it builds a :class:`~minitorch_cnn.Tensor` of
its dtype as ``Tensor(...)`` does (sizes → a tensor of that shape, a sequence → its values; see
``tensor_shape.legacy_new``) and ``isinstance(t, FloatTensor)`` asks whether ``t`` is a float32 tensor,
as torch's does. ``t.type()`` names them (``"minitorch_cnn.FloatTensor"``) and ``t.type(LongTensor)``
converts.
"""
from __future__ import annotations

import numpy as np

from .dtypes import LEGACY_TYPE_NAMES
from .tensor import Tensor, _to_array
from .tensor_shape import legacy_new


class _TensorType(type):
    """The metaclass: ``FloatTensor(...)`` makes a float32 Tensor; ``isinstance`` compares dtypes."""

    dtype: np.dtype

    def __call__(cls, *args, size=None):
        data = args[0] if len(args) == 1 else None
        if isinstance(data, Tensor):  # torch: an alias of the tensor when its type matches, else a TypeError
            if data.dtype != cls.dtype:
                raise TypeError(f"expected a {cls.dtype.name} tensor ({cls.__name__}), got {data.dtype.name}")
            return data.view(data.shape)
        if isinstance(data, np.ndarray) and size is None:
            return Tensor(np.array(data, dtype=cls.dtype))
        return Tensor(legacy_new(args, size, _to_array, cls.dtype))

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype

    def __repr__(cls) -> str:
        return f"<class 'minitorch_cnn.{cls.__name__}'>"


_TYPES = {name: _TensorType(name, (), {"dtype": dtype, "__doc__": f"A {dtype.name} tensor (torch's legacy {name})."})
          for dtype, name in LEGACY_TYPE_NAMES.items()}
FloatTensor, DoubleTensor, HalfTensor = _TYPES["FloatTensor"], _TYPES["DoubleTensor"], _TYPES["HalfTensor"]
LongTensor, IntTensor, ShortTensor = _TYPES["LongTensor"], _TYPES["IntTensor"], _TYPES["ShortTensor"]
CharTensor, ByteTensor, BoolTensor = _TYPES["CharTensor"], _TYPES["ByteTensor"], _TYPES["BoolTensor"]
