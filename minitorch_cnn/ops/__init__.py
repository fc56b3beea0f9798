"""The differentiable operations behind Tensor's methods, one small file per family.

Each is a :class:`~minitorch_cnn.autograd.Function` subclass: ``forward`` on NumPy arrays, a
hand-written ``backward`` whose docstring gives the math. Tensor's methods (``tensor.py``) check
their arguments and call ``Fn.apply``; the layers and losses are in :mod:`minitorch_cnn.nn.functional`.

- ``arithmetic.py``  Add Sub Mul Div Neg Pow MatMul, and ``unbroadcast`` (the backward of broadcasting)
- ``elementwise.py`` Exp Log Sqrt Abs Tanh Sigmoid Cast Clone
- ``activation.py``  ReLU, SoftmaxFn, LogSoftmaxFn (shared with ``nn.functional``)
- ``reduction.py``   Sum Mean MaxAlong MaxAll
- ``shape.py``       Reshape Permute Expand Repeat GetItem Stack Cat
- ``rearrange.py``   Flip Roll DiagEmbed Diagonal MaskedSelect UnbindPart
- ``pointwise.py``   Erf Frac Atan2 NanToNum Lerp Addcmul Addcdiv
"""
from .activation import LogSoftmaxFn, ReLU, SoftmaxFn
from .arithmetic import Add, Div, MatMul, Mul, Neg, Pow, Sub, unbroadcast
from .elementwise import Abs, Cast, Clone, Exp, Log, Sigmoid, Sqrt, Tanh
from .reduction import MaxAlong, MaxAll, Mean, Sum
from .shape import Cat, Expand, GetItem, Permute, Repeat, Reshape, Stack

__all__ = [
    "Add", "Sub", "Mul", "Div", "Neg", "Pow", "MatMul", "unbroadcast",
    "Exp", "Log", "Sqrt", "Abs", "Tanh", "Sigmoid", "Cast", "Clone",
    "ReLU", "SoftmaxFn", "LogSoftmaxFn",
    "Sum", "Mean", "MaxAlong", "MaxAll",
    "Reshape", "Permute", "Expand", "Repeat", "GetItem", "Stack", "Cat",
]
