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

import weakref
from collections import namedtuple

import numpy as np

from . import random as _random
from .autograd import engine, function as _function
from .autograd.function import VersionCounter
from .autograd.gradients import backward as autograd_backward
from .autograd.grad_mode import is_grad_enabled
from .device import Device, check_device
from .dtypes import _check_float, _dtype_name, bool_, float32, float64, get_default_dtype, int32, int64, result_dtype
from .ops.activation import ReLU, LogSoftmaxFn, SoftmaxFn, _softmax_dim
from .ops.arithmetic import Add, Div, MatMul, Mul, Neg, Pow, Rsub, Sub
from .ops.elementwise import Abs, Cast, Clone, Exp, Log, Sigmoid, Sqrt, Tanh
from .ops.reduction import MaxAlong, MaxAll, Mean, MeanDim, Sum, SumDim, _norm_dims
from .ops.inplace import Copy, Fill, SetItem, Zero
from .ops.shape import Expand, GetItem, Permute, Repeat, Reshape, Squeeze, SqueezeDim, T, Transpose, Unsqueeze


def _as_operands(a, b):
    dt = result_dtype(*(x.array if isinstance(x, Tensor) else x for x in (a, b)))
    out = []
    for x in (a, b):
        if isinstance(x, Tensor):
            out.append(x if x.dtype == dt else x.to(dt))
        else:
            out.append(Tensor(np.asarray(x, dtype=dt)))
    return out


_SUPPORTED = "float64, float32, float16, int64, int32, int16, int8, uint64, uint32, uint16, uint8, and bool"


def check_numpy_array(a: np.ndarray) -> None:
    """Refuse, as torch does, the arrays a Tensor cannot hold: object, string, datetime and record
    arrays (TypeError), and arrays in the non-native byte order (ValueError: the Numba kernels would
    fail to compile for them, and NumPy arithmetic on them is slow). Complex arrays are refused too
    (torch accepts them; this engine has no complex arithmetic)."""
    if a.dtype.kind not in "fiub":
        raise TypeError(f"can't convert np.ndarray of type numpy.{a.dtype.type.__name__}. "
                        f"The only supported types are: {_SUPPORTED}.")
    if not a.dtype.isnative:
        raise ValueError("given numpy array has byte order different from the native byte order. "
                         "Conversion between byte orders is currently not supported. "
                         "(Convert it first: a.astype(a.dtype.newbyteorder('=')))")


def _python_to_array(data) -> np.ndarray:
    """``np.asarray`` for Python data, with torch's errors for what a tensor cannot be made of."""
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    try:
        arr = np.asarray(data)
    except ValueError as e:  # a ragged nested list
        raise ValueError(f"expected a nested sequence of equal lengths (a rectangular shape): {e}") from None
    if arr.dtype.kind in "US":
        raise ValueError(f"too many dimensions '{'str' if arr.dtype.kind == 'U' else 'bytes'}'")
    if arr.dtype.kind == "O":
        for x in (arr.ravel() if arr.ndim else [arr.item()]):
            if isinstance(x, int) and not isinstance(x, bool) and not -2**63 <= x < 2**63:
                raise ValueError(f"Overflow when unpacking long long ({x} does not fit in int64)")
            if not isinstance(x, (float, int, np.number, np.bool_)):
                raise RuntimeError(f"Could not infer dtype of {type(x).__name__}")
    return arr


def _to_array(data, dtype=None) -> np.ndarray:
    """Turn Python data / arrays / Tensors into an array with torch's dtype inference."""
    if isinstance(data, Tensor):
        arr = data.array
    elif isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in _flatten(data)):
        arr = np.array([_to_array(x) for x in data])
    elif isinstance(data, (np.ndarray, np.generic)):
        arr = np.asarray(data)
        check_numpy_array(arr)
    else:
        arr = _python_to_array(data)
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


def _seed_gradient(output, gradient, i: int) -> np.ndarray:
    """d output/d output for ``backward``/``autograd.grad``: ones for a scalar, else ``gradient`` checked."""
    if gradient is None:
        if output.array.size != 1:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        return np.ones_like(output.array)
    seed = _to_array(gradient, output.dtype)
    if seed.shape != output.array.shape:
        raise RuntimeError(
            f"Mismatch in shape: grad_output[{i}] has a shape of {Size(seed.shape)!r} and output[{i}] has a "
            f"shape of {Size(output.array.shape)!r}."
        )
    return seed


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
        self._ctx = None  # grad_fn: the node that produced this tensor (None for a leaf)
        self._output_nr = 0  # which output of that node this tensor is
        self._retains_grad = False
        self._accumulator = None  # weak reference to this leaf's AccumulateGrad node
        self._version_counter = VersionCounter()  # shared with views; see ``_version``
        self._base = None  # for a view: the tensor whose memory it shows
        self._view_seen = 0  # for a view: the base's ``graph_changes`` when it was last in step
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
                "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
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

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this non-leaf tensor after backward (leaves always keep it: a no-op there)."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.is_leaf:
            return
        if self._ctx._retained is None:
            self._ctx._retained = {}
        self._ctx._retained[self._output_nr] = weakref.ref(self)
        self._retains_grad = True

    @property
    def _version(self) -> int:
        """How many in-place operations changed this tensor's memory (torch's version counter).

        Every tensor starts at version 0, and every in-place operation (``+=``, ``add_``, ``zero_``,
        ``t[i] = v``, an optimizer's ``step()``...) adds 1. Tensors that share memory share the
        counter: a view (``view``, ``reshape``, ``permute``, ``t[0]``...) and ``detach()`` count
        changes made through any of them (``.data`` does not: it is the one way around the check).

        Why it exists: backward needs some values from the forward pass (``y = x * w`` needs ``x``
        and ``w``). A node remembers the version of each tensor it saved; if ``w -= lr * w.grad`` runs
        before ``loss.backward()``, the version has moved on and backward raises "one of the
        variables needed for gradient computation has been modified by an inplace operation"
        instead of computing the gradient with the new ``w``.
        """
        return self._version_counter.version

    def _make_view_of(self, other: "Tensor") -> None:
        """This tensor shows ``other``'s memory: share its version counter, remember the base."""
        self._version_counter = other._version_counter
        self._base = other._base if other._base is not None else other
        self._view_seen = self._version_counter.graph_changes

    def _check_view_is_current(self) -> None:
        """A view's ``grad_fn`` is stale once its base got a new node from an in-place operation."""
        if self._base is not None and self._view_seen != self._version_counter.graph_changes:
            raise RuntimeError(
                "this tensor is a view (view, reshape, indexing...) whose base was modified by an in-place "
                "operation recorded in the autograd graph afterwards; torch would rebuild the view's history, "
                "minitorch_cnn does not: take the view again after the in-place operation, or use "
                "out-of-place operations"
            )

    def detach(self) -> "Tensor":
        """A new leaf sharing this tensor's values (and version counter), cut off from the graph."""
        out = Tensor(self.array)
        out._version_counter = self._version_counter
        return out

    @property
    def data(self) -> "Tensor":
        """The values as a detached Tensor sharing memory (torch's ``.data``; its in-place changes are not counted)."""
        return Tensor(self.array)

    @data.setter
    def data(self, value) -> None:
        arr = value.array if isinstance(value, Tensor) else np.asarray(value)
        self.array = arr

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None) -> None:
        """Compute d(self)/d(leaf) for every leaf that requires grad and add it into ``leaf.grad``.

        The seed is ``d self/d self = 1`` (or ``gradient``); the walk itself — topological order,
        then the reverse pass adding each node's input gradients — is
        :func:`minitorch_cnn.autograd.engine.run_backward`. Without ``retain_graph=True`` the
        values the graph saved are freed, and a second backward through it raises (as torch).
        ``inputs``: accumulate only into these tensors' ``.grad``.
        """
        if create_graph:
            raise NotImplementedError("create_graph=True (higher-order gradients) is not supported")
        if retain_graph is None:
            retain_graph = create_graph
        if not self.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        seed = _seed_gradient(self, gradient, 0)
        if inputs is None:
            engine.run_backward([self], [seed], retain_graph=retain_graph)
        else:
            autograd_backward([self], [Tensor(seed)], retain_graph=retain_graph, inputs=inputs)

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
            extras.append(f"grad_fn=<{self._ctx.name().removeprefix('torch::autograd::')}>")
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
            from .errors import ShapeError

            raise ShapeError(
                f"{fn.__name__}: shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be broadcast together"
            ) from exc

    def __add__(self, other):
        return self._binary(Add, other)

    def __radd__(self, other):
        return self._binary(Add, other)  # 2 + x is x + 2 (exactly, and torch's graph shows it so)

    def __sub__(self, other):
        return self._binary(Sub, other)

    def __rsub__(self, other):
        return self._binary(Rsub, other, reverse=True)

    def __mul__(self, other):
        return self._binary(Mul, other)

    def __rmul__(self, other):
        return self._binary(Mul, other)  # 2 * x is x * 2

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
        if isinstance(other, (int, float)) and not isinstance(other, bool):
            a, b = _as_operands(self, other)
            return Pow.apply(a, b.array)  # a number exponent is not a graph input (torch: one edge)
        return self._binary(Pow, other)

    def __rpow__(self, other):
        if isinstance(other, (int, float)) and not isinstance(other, bool):
            b, a = _as_operands(self, other)
            return Pow.apply(a.array, b)  # a number base is not a graph input (torch: one edge)
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
            from .errors import ShapeError

            raise ShapeError(
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
        return (Sum if dim is None else SumDim).apply(t, _norm_dims(dim, t.ndim, "sum"), keepdim)

    def mean(self, dim=None, keepdim: bool = False, dtype=None):
        t = self if dtype is None else self.to(dtype)
        if t.dtype.kind != "f":
            raise RuntimeError(
                f"mean(): could not infer output dtype. Input dtype must be either a floating point "
                f"or complex dtype. Got: {_dtype_name(t.dtype)}"
            )
        return (Mean if dim is None else MeanDim).apply(t, _norm_dims(dim, t.ndim, "mean"), keepdim)

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
        return Unsqueeze.apply(self, self.shape[:dim] + (1,) + self.shape[dim:])

    def squeeze(self, dim=None) -> "Tensor":
        if dim is None:
            shape = tuple(s for s in self.shape if s != 1)
        else:
            dims = _norm_dims(dim, self.ndim, "squeeze")
            shape = tuple(s for i, s in enumerate(self.shape) if not (i in dims and s == 1))
        return (Squeeze if dim is None else SqueezeDim).apply(self, shape)

    def permute(self, *dims) -> "Tensor":
        dims = _size_args(dims)
        if any(not -self.ndim <= d < max(self.ndim, 1) for d in dims):
            raise IndexError(f"permute: dimension out of range (expected to be in range of "
                             f"[{-self.ndim}, {self.ndim - 1}], but got {dims})")
        if sorted(d % max(self.ndim, 1) for d in dims) != list(range(self.ndim)):
            raise RuntimeError(
                f"permute: dims {dims} are not a permutation of the {self.ndim} dimensions of a tensor of shape {tuple(self.shape)}"
            )
        return Permute.apply(self, tuple(d % self.ndim for d in dims))

    def transpose(self, dim0: int, dim1: int) -> "Tensor":
        order = list(range(self.ndim))
        d0, d1 = _norm_dims(dim0, self.ndim, "transpose")[0], _norm_dims(dim1, self.ndim, "transpose")[0]
        order[d0], order[d1] = order[d1], order[d0]
        return Transpose.apply(self, tuple(order))

    @property
    def T(self) -> "Tensor":
        return Permute.apply(self, tuple(reversed(range(self.ndim))))

    def t(self) -> "Tensor":
        if self.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
        return T.apply(self, tuple(reversed(range(self.ndim))))

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
            return GetItem.apply(self, index=self._index(index))  # a keyword: an index is not a graph input
        except IndexError as exc:
            raise IndexError(f"index {index!r} is out of range for a tensor of shape {tuple(self.shape)}: {exc}") from None

    # -- in-place operations ------------------------------------------------------------------------
    # Every in-place method runs the out-of-place operation and writes its result into this tensor's
    # own memory (so views, ``.numpy()`` arrays and the same Python object all see it), then adds 1
    # to the version counter. When the operation is recorded (grad mode on and something requires
    # grad), the tensor's ``grad_fn`` becomes the operation's node, whose edge points at the node that
    # produced the old value: the graph stays correct, as in torch. See ``_inplace``.
    def _inplace(self, compute, *operands, fast=None) -> "Tensor":
        """``self ← compute(self, *operands)`` in place, with torch's rules.

        * Recording, a leaf that requires grad (or a view of one) may not change: torch's error.
        * Recording with something requiring grad: ``compute`` runs on a private copy of the old
          value that stands in for it in the graph (so a node saving ``self`` keeps the old values),
          then ``self`` takes over the new node (``grad_fn``, ``retain_grad``, the saved-output
          check). An in-place change to a *view* of a graph tensor is refused (torch rewrites the
          base's history for it; this engine does not).
        * Otherwise ``compute`` runs on ``self`` directly (or ``fast()`` writes in place).
        """
        recording = is_grad_enabled()
        if recording:
            base = self._base
            if base is not None and base.is_leaf and base.requires_grad:
                raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
            if self.is_leaf and self.requires_grad:
                raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        if not self.array.flags.writeable:
            if 0 in self.array.strides and self.array.size > 1:
                raise RuntimeError(
                    "unsupported operation: more than one element of the written-to tensor refers to a single "
                    "memory location. Please clone() the tensor before performing the operation."
                )
            raise RuntimeError("in-place operation on a tensor whose memory is read-only; clone() it first")
        tracked = recording and (self.requires_grad or any(isinstance(o, Tensor) and o.requires_grad for o in operands))
        if not tracked:
            if fast is not None:
                fast()
            else:
                self._write(compute(self, *operands).array)
            self._version_counter.version += 1
            return self
        if self._base is not None:
            raise RuntimeError(
                "in-place operation on a view (view, reshape, indexing...) of a tensor that is part of the "
                "autograd graph is not supported by minitorch_cnn (torch rewrites the base's history for it); "
                "use an out-of-place operation (y = y * 2), or clone() the view first"
            )
        old = Tensor(self.array.copy())  # the old value, standing in for ``self`` in the graph
        old._requires_grad, old._ctx, old._output_nr = self._requires_grad, self._ctx, self._output_nr
        out = compute(old, *operands)
        self._write(out.array)
        counter = self._version_counter
        counter.version += 1
        node = out._ctx
        if node is None:  # e.g. the operation ignores its inputs' gradients
            return self
        if self._retains_grad and self._ctx is not None and self._ctx._retained:
            self._ctx._retained.pop(self._output_nr, None)
        self._ctx, self._output_nr, self._requires_grad = node, out._output_nr, True
        if self._retains_grad:
            node._retained = {self._output_nr: weakref.ref(self)}
        for record in node._saved:  # the node saved its output: that output now lives in ``self``
            if record.counter is out._version_counter:
                record.counter, record.version = counter, counter.version
        counter.graph_changes += 1  # views of this memory now have a stale grad_fn
        return self

    def _write(self, values: np.ndarray) -> None:
        """Copy an operation's result into this tensor's memory, with torch's shape and dtype rules."""
        if values.shape != self.array.shape:
            try:
                shape = np.broadcast_shapes(values.shape, self.array.shape)
            except ValueError:
                shape = values.shape
            if shape != self.array.shape:
                raise RuntimeError(
                    f"output with shape {list(self.array.shape)} doesn't match the broadcast shape {list(shape)}"
                )
        if not _can_cast(values.dtype, self.dtype):
            raise RuntimeError(
                f"result type {_SCALAR_NAME.get(values.dtype.name, values.dtype.name)} can't be cast to the "
                f"desired output type {_SCALAR_NAME.get(self.dtype.name, self.dtype.name)}"
            )
        np.copyto(self.array, values, casting="unsafe")

    def __setitem__(self, index, value) -> None:
        idx = self._index(index)

        def fast():
            self.array[idx] = value.array if isinstance(value, Tensor) else value

        if is_grad_enabled() and self.is_leaf and self.requires_grad:  # torch writes through a view of t
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
        if isinstance(value, Tensor):
            v = value if value.dtype == self.dtype else value.to(self.dtype)
        else:
            v = Tensor(np.asarray(value, dtype=self.dtype))
        self._inplace(lambda x, v: SetItem.apply(x, v, index=idx), v, fast=fast)

    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)

    def add_(self, other, alpha=1):
        return self._inplace(lambda x, o: x.add(o, alpha=alpha), other)

    def sub_(self, other, alpha=1):
        return self._inplace(lambda x, o: x.sub(o, alpha=alpha), other)

    def mul_(self, other):
        return self._inplace(lambda x, o: x.mul(o), other)

    def div_(self, other):
        return self._inplace(lambda x, o: x.div(o), other)

    def zero_(self):
        return self._inplace(lambda x: Zero.apply(x), fast=lambda: self.array.fill(0))

    def fill_(self, value):
        value = value.item() if isinstance(value, Tensor) else value
        return self._inplace(lambda x: Fill.apply(x, value), fast=lambda: self.array.fill(value))

    def copy_(self, src):
        if not isinstance(src, Tensor):
            src = Tensor(np.asarray(src))
        return self._inplace(lambda x, s: Copy.apply(x, s), src)

    def uniform_(self, a=0.0, b=1.0, generator=None):
        values = _random.rng_of(generator).uniform(a, b, self.array.shape)
        return self._inplace(lambda x: Fill.apply(x, values))

    def normal_(self, mean=0.0, std=1.0, generator=None):
        values = _random.rng_of(generator).normal(mean, std, self.array.shape)
        return self._inplace(lambda x: Fill.apply(x, values))


# torch's scalar-type names for its dtype errors, and its rule for writing a result into a tensor
_SCALAR_NAME = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
                "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def _can_cast(src: np.dtype, dst: np.dtype) -> bool:
    """torch's ``canCast``: a float result may not go into an integer tensor, nor a number into a bool one."""
    if src.kind == "f" and dst.kind in "iub":
        return False
    return not (src.kind != "b" and dst.kind == "b")


def _inplace_variant(name: str):
    method = getattr(Tensor, name)

    def inplace(self, *args, **kwargs):
        return self._inplace(lambda x: method(x, *args, **kwargs))

    inplace.__name__ = inplace.__qualname__ = name + "_"
    inplace.__doc__ = f"In-place ``{name}``: ``t.{name}_(...)`` writes ``t.{name}(...)`` into ``t`` (see ``Tensor._inplace``)."
    return inplace


# ``t.exp_()``, ``t.clamp_(0, 1)``...: the in-place twin of every elementwise method Tensor has
# (including those added to it later in tensor_math, if any), built from the out-of-place one.
for _name in ("exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu", "neg", "pow", "clamp", "clamp_min",
              "clamp_max", "clip", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "log1p", "expm1",
              "log2", "log10", "exp2", "rsqrt", "reciprocal", "sign", "sgn", "square", "floor", "ceil", "round",
              "trunc", "frac", "erf"):
    if hasattr(Tensor, _name) and not hasattr(Tensor, _name + "_"):
        setattr(Tensor, _name + "_", _inplace_variant(_name))
if not hasattr(Tensor, "neg_"):
    Tensor.neg_ = lambda self: self._inplace(lambda x: -x)
if not hasattr(Tensor, "clamp_"):
    def _clamp_(self, min=None, max=None):  # noqa: A002 - torch's argument names
        """In-place clamp, written with the ops Tensor has (until ``clamp`` itself exists)."""
        def compute(x):
            out = x if min is None else x + (min - x).relu()  # max(x, min)
            return out if max is None else out - (out - max).relu()  # min(out, max)
        return self._inplace(compute)
    Tensor.clamp_ = _clamp_


# Function.apply and the backward engine build Tensors; they get the class from here (see autograd/function.py).
_function._register_tensor_class(Tensor)
