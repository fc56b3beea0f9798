"""Tensor: an n-dimensional array that can record the operations applied to it.

A :class:`Tensor` wraps a NumPy array (``t.array``) and, when it was produced by a differentiable
operation, remembers that operation (``t.grad_fn``, a :class:`~minitorch_cnn.autograd.Function`).
Its methods check their arguments and call the Functions in :mod:`minitorch_cnn.ops`;
``t.backward()`` hands the graph to :mod:`minitorch_cnn.autograd.engine`.

Imports go one way (docs/architecture.md): dtypes/grad_mode → autograd.function → ops → tensor →
creation → nn. The last line of this file registers :class:`Tensor` with autograd.function, which
must build Tensors without importing this module.
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from . import random as _random
from .autograd import engine, function as _function
from .autograd.grad_mode import is_grad_enabled
from .device import Device, check_device
from .dtypes import _check_float, _dtype_name, bool_, float32, float64, get_default_dtype, int32, int64, result_dtype
from .ops.activation import ReLU, LogSoftmaxFn, SoftmaxFn, _softmax_dim
from .ops.arithmetic import Add, Div, MatMul, Mul, Neg, Pow, Sub
from .ops.elementwise import Abs, Cast, Clone, Exp, Log, Sigmoid, Sqrt, Tanh
from .ops.reduction import MaxAlong, MaxAll, Mean, Sum, _norm_dims
from .ops.shape import Expand, GetItem, Permute, Repeat, Reshape


def _as_operands(a, b):
    dt = result_dtype(*(x.array if isinstance(x, Tensor) else x for x in (a, b)))
    out = []
    for x in (a, b):
        if isinstance(x, Tensor):
            out.append(x if x.dtype == dt else x.to(dt))
        else:
            out.append(Tensor(np.asarray(x, dtype=dt)))
    return out


def _to_array(data, dtype=None) -> np.ndarray:
    """Turn Python data / arrays / Tensors into an array with torch's dtype inference."""
    if isinstance(data, Tensor):
        arr = data.array
    elif isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in _flatten(data)):
        arr = np.array([_to_array(x) for x in data])
    else:
        arr = np.asarray(data)
    if dtype is not None:
        return arr.astype(np.dtype(dtype), copy=False)
    if not isinstance(data, (np.ndarray, Tensor, np.generic)):
        if arr.dtype.kind == "f":
            arr = arr.astype(get_default_dtype())
        elif arr.dtype.kind in "iu":
            arr = arr.astype(int64)
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"tensor: can't convert data of dtype {arr.dtype} to a Tensor")
    return arr


def _flatten(xs):
    for x in xs:
        if isinstance(x, (list, tuple)):
            yield from _flatten(x)
        else:
            yield x


def _size_args(size) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for s in size:
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"size must be ints, got {size!r}")
    return tuple(int(s) for s in size)


class Size(tuple):
    """Shape tuple, printed like torch's (``Size([2, 3])``)."""

    def __repr__(self) -> str:
        return f"Size({list(self)})"

    def numel(self) -> int:
        return int(np.prod(self)) if self else 1


MaxResult = namedtuple("max", ["values", "indices"])


class Tensor:
    """An n-dimensional array that can record the operations applied to it.

    ``array``          the NumPy array holding the values (shared, not copied)
    ``requires_grad``  whether gradients are wanted for this tensor
    ``grad``           after ``backward()``: the accumulated gradient (a Tensor), else None
    ``grad_fn``        the Function that produced this tensor (None for leaves)
    """

    __array_ufunc__ = None  # make ``ndarray ⊕ Tensor`` call our reflected operators

    def __array__(self, dtype=None, copy=None):
        """``np.asarray(t)`` / ``plt.imshow(t)``: the values (refused while the tensor requires grad, as torch)."""
        arr = self.numpy()
        return arr if dtype is None else arr.astype(dtype, copy=False)

    def __init__(self, data, requires_grad: bool = False, dtype=None):
        if isinstance(data, np.ndarray) and dtype is None:
            arr = data
        else:
            arr = _to_array(data, dtype)
        self.array = arr
        self.grad = None
        self._ctx = None
        self._retains_grad = False
        self.requires_grad = requires_grad

    # -- autograd attributes ----------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if flag and self.array.dtype.kind not in "fc":
            raise RuntimeError(
                f"only Tensors of floating point dtype can require gradients, got {_dtype_name(self.array.dtype)}"
            )
        if not flag and self._ctx is not None:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables; use .detach() instead"
            )
        self._requires_grad = bool(flag)

    def requires_grad_(self, flag: bool = True) -> "Tensor":
        self.requires_grad = flag
        return self

    @property
    def grad(self):
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got {type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError(
                    f"assigned grad has data of a different size: expected {tuple(self.shape)}, got {tuple(value.shape)}"
                )
            if value.dtype != self.dtype:
                raise RuntimeError(f"assigned grad has dtype {value.dtype}, but the tensor has dtype {self.dtype}")
        self._grad = value

    @property
    def grad_fn(self):
        return self._ctx

    @property
    def is_leaf(self) -> bool:
        return self._ctx is None

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this non-leaf tensor after backward (leaves always keep it)."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        self._retains_grad = True

    def detach(self) -> "Tensor":
        """A new leaf sharing this tensor's values, cut off from the graph."""
        return Tensor(self.array)

    @property
    def data(self) -> "Tensor":
        """The values as a detached Tensor sharing memory (torch's ``.data``)."""
        return Tensor(self.array)

    @data.setter
    def data(self, value) -> None:
        arr = value.array if isinstance(value, Tensor) else np.asarray(value)
        self.array = arr

    def backward(self, gradient=None, retain_graph=None, create_graph=False) -> None:
        """Compute d(self)/d(leaf) for every leaf that requires grad and add it into ``leaf.grad``.

        The seed is ``d self/d self = 1`` (or ``gradient``); the walk itself — topological order,
        then the reverse pass adding each Function's input gradients — is
        :func:`minitorch_cnn.autograd.engine.run_backward`.
        """
        if create_graph:
            raise NotImplementedError("create_graph=True (higher-order gradients) is not supported")
        if not self.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        if gradient is None:
            if self.array.size != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for scalar outputs (this tensor has shape {tuple(self.shape)})"
                )
            seed = np.ones_like(self.array)
        else:
            seed = _to_array(gradient, self.dtype)
            if seed.shape != self.array.shape:
                raise RuntimeError(
                    f"backward: gradient has shape {seed.shape}, expected the output's shape {self.array.shape}"
                )

        engine.run_backward(self, seed)

    # -- basic properties ----------------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return Size(self.array.shape)

    def size(self, dim=None):
        if dim is None:
            return self.shape
        return self.array.shape[dim]

    @property
    def dtype(self) -> np.dtype:
        return self.array.dtype

    @property
    def ndim(self) -> int:
        return self.array.ndim

    def dim(self) -> int:
        return self.array.ndim

    def numel(self) -> int:
        return int(self.array.size)

    @property
    def device(self) -> str:
        return "cpu"

    @property
    def is_cuda(self) -> bool:
        return False

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

    def __bool__(self) -> bool:
        if self.array.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with {self.array.size} values is ambiguous")
        return bool(self.array.reshape(()))

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.array.dtype.kind not in "iu" or self.array.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        body = np.array2string(
            self.array, separator=", ", prefix="tensor(", precision=4, floatmode="maxprec_equal"
        )
        extras = []
        if self.dtype not in (get_default_dtype(), int64, bool_):
            extras.append(f"dtype={_dtype_name(self.dtype)}")
        if self._ctx is not None:
            extras.append(f"grad_fn={self._ctx!r}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + body + "".join(", " + e for e in extras) + ")"

    # -- conversion ----------------------------------------------------------------------------
    def to(self, *args, **kwargs) -> "Tensor":
        """``t.to(dtype)``, ``t.to("cpu")``, ``t.to(other)``: a differentiable dtype cast."""
        dtype = kwargs.pop("dtype", None)
        device = kwargs.pop("device", None)
        kwargs.pop("non_blocking", None)
        if kwargs:
            raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
        for a in args:
            if isinstance(a, Tensor):
                dtype = a.dtype
            elif isinstance(a, (str, Device)):
                device = a
            else:
                dtype = a
        if device is not None:
            check_device(device)
        if dtype is None or np.dtype(dtype) == self.dtype:
            return self
        return Cast.apply(self, np.dtype(dtype))

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
        if dtype is None:
            return f"minitorch_cnn.{self.dtype.name}"
        return self.to(dtype)

    def clone(self) -> "Tensor":
        return Clone.apply(self)

    def contiguous(self) -> "Tensor":
        return self

    # -- arithmetic ------------------------------------------------------------------------------
    def _binary(self, fn, other, reverse=False):
        a, b = _as_operands(self, other)
        if reverse:
            a, b = b, a
        try:
            return fn.apply(a, b)
        except ValueError as exc:
            raise ValueError(
                f"{fn.__name__}: shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be broadcast together"
            ) from exc

    def __add__(self, other):
        return self._binary(Add, other)

    def __radd__(self, other):
        return self._binary(Add, other, reverse=True)

    def __sub__(self, other):
        return self._binary(Sub, other)

    def __rsub__(self, other):
        return self._binary(Sub, other, reverse=True)

    def __mul__(self, other):
        return self._binary(Mul, other)

    def __rmul__(self, other):
        return self._binary(Mul, other, reverse=True)

    def __truediv__(self, other):
        a, b = _as_operands(self, other)
        if a.dtype.kind != "f":  # true division of ints gives the default float, as torch
            a, b = a.to(get_default_dtype()), b.to(get_default_dtype())
        return Div.apply(a, b)

    def __rtruediv__(self, other):
        b, a = _as_operands(self, other)
        if a.dtype.kind != "f":
            a, b = a.to(get_default_dtype()), b.to(get_default_dtype())
        return Div.apply(a, b)

    def __pow__(self, other):
        return self._binary(Pow, other)

    def __rpow__(self, other):
        return self._binary(Pow, other, reverse=True)

    def __neg__(self):
        return Neg.apply(self)

    def __pos__(self):
        return self

    def __matmul__(self, other):
        if not isinstance(other, Tensor):
            raise TypeError(f"matmul: expected a Tensor operand, got {type(other).__name__}")
        a, b = _as_operands(self, other)
        if a.ndim == 0 or b.ndim == 0:
            raise RuntimeError("matmul: both arguments need at least 1 dimension, got a 0-d tensor")
        ka = a.shape[-1]
        kb = b.shape[-2] if b.ndim > 1 else b.shape[0]
        if ka != kb:
            raise ValueError(
                f"matmul: shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be multiplied "
                f"(inner dimensions {ka} and {kb} differ)"
            )
        return MatMul.apply(a, b)

    def __rmatmul__(self, other):
        return Tensor(np.asarray(other)).__matmul__(self)

    def add(self, other, alpha=1):
        return self + (other * alpha if alpha != 1 else other)

    def sub(self, other, alpha=1):
        return self - (other * alpha if alpha != 1 else other)

    def mul(self, other):
        return self * other

    def div(self, other):
        return self / other

    def pow(self, exponent):
        return self ** exponent

    def matmul(self, other):
        return self @ other

    # comparisons: no gradient, bool results
    def _compare(self, op, other):
        o = other.array if isinstance(other, Tensor) else other
        return Tensor(op(self.array, o))

    def __eq__(self, other):  # noqa: D105
        return self._compare(np.equal, other)

    def __ne__(self, other):
        return self._compare(np.not_equal, other)

    def __lt__(self, other):
        return self._compare(np.less, other)

    def __le__(self, other):
        return self._compare(np.less_equal, other)

    def __gt__(self, other):
        return self._compare(np.greater, other)

    def __ge__(self, other):
        return self._compare(np.greater_equal, other)

    def eq(self, other):
        return self == other

    # -- elementwise functions ---------------------------------------------------------------
    def _float_only(self, op):
        """torch computes exp/log/… of an int or bool tensor in the default float dtype."""
        return self if self.dtype.kind == "f" else self.to(get_default_dtype())

    def exp(self):
        return Exp.apply(self._float_only("exp"))

    def log(self):
        return Log.apply(self._float_only("log"))

    def sqrt(self):
        return Sqrt.apply(self._float_only("sqrt"))

    def abs(self):
        return Abs.apply(self)

    def tanh(self):
        return Tanh.apply(self._float_only("tanh"))

    def sigmoid(self):
        return Sigmoid.apply(self._float_only("sigmoid"))

    def relu(self):
        return ReLU.apply(self)

    def softmax(self, dim):
        """The same checks and Function as ``F.softmax(self, dim)`` (ops/activation.py)."""
        _check_float(self, "softmax")
        return SoftmaxFn.apply(self, _softmax_dim(dim, self.ndim, "softmax"))

    def log_softmax(self, dim):
        """The same checks and Function as ``F.log_softmax(self, dim)`` (ops/activation.py)."""
        _check_float(self, "log_softmax")
        return LogSoftmaxFn.apply(self, _softmax_dim(dim, self.ndim, "log_softmax"))

    # -- reductions ------------------------------------------------------------------------------
    def sum(self, dim=None, keepdim: bool = False, dtype=None):
        t = self if dtype is None else self.to(dtype)
        if t.dtype.kind in "bi" and dtype is None:
            t = t.to(int64)
        return Sum.apply(t, _norm_dims(dim, t.ndim, "sum"), keepdim)

    def mean(self, dim=None, keepdim: bool = False, dtype=None):
        t = self if dtype is None else self.to(dtype)
        if t.dtype.kind != "f":
            raise RuntimeError(
                f"mean(): could not infer output dtype. Input dtype must be either a floating point "
                f"or complex dtype. Got: {_dtype_name(t.dtype)}"
            )
        return Mean.apply(t, _norm_dims(dim, t.ndim, "mean"), keepdim)

    def _extreme(self, dim, keepdim, take_min):
        if dim is None:
            return MaxAll.apply(self, take_min)
        d = _norm_dims(dim, self.ndim, "max")[0] if self.ndim else 0
        values = MaxAlong.apply(self, d, keepdim, take_min)
        op = np.argmin if take_min else np.argmax
        indices = op(self.array, axis=d)
        if keepdim:
            indices = np.expand_dims(indices, d)
        return MaxResult(values, Tensor(indices.astype(int64)))

    def max(self, dim=None, keepdim: bool = False):
        """``t.max()`` → the largest value; ``t.max(dim)`` → ``(values, indices)`` like torch."""
        return self._extreme(dim, keepdim, take_min=False)

    def min(self, dim=None, keepdim: bool = False):
        return self._extreme(dim, keepdim, take_min=True)

    def argmax(self, dim=None, keepdim: bool = False) -> "Tensor":
        if dim is None:
            return Tensor(np.asarray(np.argmax(self.array), dtype=int64))
        d = _norm_dims(dim, self.ndim, "argmax")[0]
        out = np.argmax(self.array, axis=d)
        return Tensor((np.expand_dims(out, d) if keepdim else out).astype(int64))

    def argmin(self, dim=None, keepdim: bool = False) -> "Tensor":
        if dim is None:
            return Tensor(np.asarray(np.argmin(self.array), dtype=int64))
        d = _norm_dims(dim, self.ndim, "argmin")[0]
        out = np.argmin(self.array, axis=d)
        return Tensor((np.expand_dims(out, d) if keepdim else out).astype(int64))

    # -- shape operations ----------------------------------------------------------------------
    def view(self, *shape) -> "Tensor":
        """Same values, new shape (one entry may be -1 and is inferred)."""
        shape = _size_args(shape)
        n = self.array.size
        if shape.count(-1) > 1:
            raise RuntimeError(f"view: only one dimension can be inferred, got shape {shape}")
        known = int(np.prod([s for s in shape if s != -1])) if shape else 1
        if any(s < -1 for s in shape) or (-1 in shape and (known == 0 or n % known)) or (-1 not in shape and known != n):
            raise RuntimeError(
                f"shape '{list(shape)}' is invalid for input of size {n} (input shape {tuple(self.shape)})"
            )
        return Reshape.apply(self, shape)

    def reshape(self, *shape) -> "Tensor":
        return self.view(*shape)

    def view_as(self, other) -> "Tensor":
        return self.view(*other.shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> "Tensor":
        if self.ndim == 0:
            return self.view(1)
        s, e = _norm_dims(start_dim, self.ndim, "flatten")[0], _norm_dims(end_dim, self.ndim, "flatten")[0]
        if s > e:
            raise RuntimeError(f"flatten() has invalid args: start_dim ({start_dim}) cannot come after end_dim ({end_dim})")
        shape = self.shape[:s] + (int(np.prod(self.shape[s:e + 1])),) + self.shape[e + 1:]
        return Reshape.apply(self, shape)

    def unsqueeze(self, dim: int) -> "Tensor":
        n = self.ndim + 1
        if not -n <= dim < n:
            raise IndexError(f"unsqueeze: dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
        dim = dim % n
        return Reshape.apply(self, self.shape[:dim] + (1,) + self.shape[dim:])

    def squeeze(self, dim=None) -> "Tensor":
        if dim is None:
            shape = tuple(s for s in self.shape if s != 1)
        else:
            dims = _norm_dims(dim, self.ndim, "squeeze")
            shape = tuple(s for i, s in enumerate(self.shape) if not (i in dims and s == 1))
        return Reshape.apply(self, shape)

    def permute(self, *dims) -> "Tensor":
        dims = _size_args(dims)
        if sorted(d % max(self.ndim, 1) for d in dims) != list(range(self.ndim)):
            raise RuntimeError(
                f"permute: dims {dims} are not a permutation of the {self.ndim} dimensions of a tensor of shape {tuple(self.shape)}"
            )
        return Permute.apply(self, tuple(d % self.ndim for d in dims))

    def transpose(self, dim0: int, dim1: int) -> "Tensor":
        order = list(range(self.ndim))
        d0, d1 = _norm_dims(dim0, self.ndim, "transpose")[0], _norm_dims(dim1, self.ndim, "transpose")[0]
        order[d0], order[d1] = order[d1], order[d0]
        return Permute.apply(self, tuple(order))

    @property
    def T(self) -> "Tensor":
        return Permute.apply(self, tuple(reversed(range(self.ndim))))

    def t(self) -> "Tensor":
        if self.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
        return self.T

    def expand(self, *sizes) -> "Tensor":
        sizes = _size_args(sizes)
        lead = len(sizes) - self.ndim
        if lead < 0 or -1 in sizes[:lead]:
            raise RuntimeError(
                f"expand: the expanded size {sizes} must have at least {self.ndim} dimensions and "
                f"-1 is not allowed in a leading, non-existing dimension (tensor shape {tuple(self.shape)})"
            )
        shape = tuple(self.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
        try:
            if np.broadcast_shapes(self.shape, shape) != shape:
                raise ValueError
        except ValueError:
            raise RuntimeError(f"expand: cannot expand shape {tuple(self.shape)} to {sizes}") from None
        return Expand.apply(self, shape)

    def repeat(self, *sizes) -> "Tensor":
        sizes = _size_args(sizes)
        if len(sizes) < self.ndim:
            raise RuntimeError(
                "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
                f" (got {len(sizes)} repeats for a tensor of shape {tuple(self.shape)})"
            )
        return Repeat.apply(self, sizes)

    # -- indexing ------------------------------------------------------------------------------
    @staticmethod
    def _index(index):
        if isinstance(index, Tensor):
            return index.array
        if isinstance(index, tuple):
            return tuple(i.array if isinstance(i, Tensor) else i for i in index)
        return index

    def __getitem__(self, index) -> "Tensor":
        try:
            return GetItem.apply(self, self._index(index))
        except IndexError as exc:
            raise IndexError(f"index {index!r} is out of range for a tensor of shape {tuple(self.shape)}: {exc}") from None

    def _check_inplace(self, op: str) -> None:
        if is_grad_enabled() and self.requires_grad:
            if self.is_leaf:
                raise RuntimeError(
                    f"{op}: a leaf Variable that requires grad is being used in an in-place operation "
                    "(wrap it in `with no_grad():`)"
                )
            raise RuntimeError(f"{op}: in-place operations on tensors that are part of a graph are not supported")

    def __setitem__(self, index, value) -> None:
        self._check_inplace("__setitem__")
        v = value.array if isinstance(value, Tensor) else value
        self.array[self._index(index)] = v

    # -- in-place helpers (used under no_grad, e.g. by initialisers) -----------------------------
    def zero_(self):
        self._check_inplace("zero_")
        self.array[...] = 0
        return self

    def fill_(self, value):
        self._check_inplace("fill_")
        self.array[...] = value.item() if isinstance(value, Tensor) else value
        return self

    def copy_(self, src):
        self._check_inplace("copy_")
        src_arr = src.array if isinstance(src, Tensor) else np.asarray(src)
        self.array[...] = np.broadcast_to(src_arr, self.array.shape)
        return self

    def add_(self, other, alpha=1):
        self._check_inplace("add_")
        self.array += (other.array if isinstance(other, Tensor) else other) * alpha
        return self

    def sub_(self, other, alpha=1):
        return self.add_(other, alpha=-alpha)

    def mul_(self, other):
        self._check_inplace("mul_")
        self.array *= other.array if isinstance(other, Tensor) else other
        return self

    def uniform_(self, a=0.0, b=1.0, generator=None):
        self._check_inplace("uniform_")
        self.array[...] = _random.rng_of(generator).uniform(a, b, self.array.shape)
        return self

    def normal_(self, mean=0.0, std=1.0, generator=None):
        self._check_inplace("normal_")
        self.array[...] = _random.rng_of(generator).normal(mean, std, self.array.shape)
        return self


# Function.apply and the backward engine build Tensors; they get the class from here (see autograd/function.py).
_function._register_tensor_class(Tensor)
