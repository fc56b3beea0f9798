"""Tensor and the autograd graph.

A :class:`Tensor` wraps a NumPy array (``t.array``) and, when it was produced by a differentiable
operation, remembers that operation (``t.grad_fn``). Every operation is a small :class:`Function`
subclass with a ``forward`` that computes the result from NumPy arrays and saves what ``backward``
needs, and a hand-written ``backward`` that turns the gradient of the output into one gradient per
input (the chain rule, written out in each docstring).

``loss.backward()`` does two things (see :meth:`Tensor.backward`):

1. order the graph topologically, so that a node is processed only after every node that uses it;
2. walk that order from the loss back to the leaves, calling each ``Function.backward`` and
   *adding* the results into the gradient of its inputs (a tensor used twice gets both terms).

Leaves that ``requires_grad`` (parameters) accumulate into ``.grad`` across ``backward()`` calls
until you zero them, exactly as in torch.
"""
from __future__ import annotations

import contextlib
import functools
import numbers
from collections import namedtuple

import numpy as np

from . import random as _random

# ---------------------------------------------------------------------------------------------
# dtypes and grad mode
# ---------------------------------------------------------------------------------------------
float32 = np.dtype("float32")
float64 = np.dtype("float64")
float16 = np.dtype("float16")
int64 = np.dtype("int64")
int32 = np.dtype("int32")
uint8 = np.dtype("uint8")
bool_ = np.dtype("bool")

_default_float = float32
_grad_enabled = True


def set_default_dtype(dtype) -> None:
    """Set the dtype that Python floats become (float32 unless changed), as torch does."""
    global _default_float
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"set_default_dtype: expected a floating dtype, got {dtype}")
    _default_float = dtype


def get_default_dtype() -> np.dtype:
    return _default_float


def is_grad_enabled() -> bool:
    return _grad_enabled


class set_grad_enabled(contextlib.ContextDecorator):
    """Turn graph recording on or off inside a ``with`` block (or for a decorated function)."""

    def __init__(self, mode: bool):
        self.mode = bool(mode)
        self.prev = _grad_enabled
        global_set(self.mode)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        global_set(self.prev)
        return False


def global_set(mode: bool) -> None:
    global _grad_enabled
    _grad_enabled = bool(mode)


class _GradMode(contextlib.ContextDecorator):
    """Set grad mode to ``self.mode`` inside a ``with`` block or a decorated function, then restore it."""

    mode = True

    def __enter__(self):
        self.prev = _grad_enabled
        global_set(self.mode)
        return self

    def __exit__(self, *exc):
        global_set(self.prev)
        return False

    def _recreate_cm(self):
        # as a decorator, each call gets its own instance: a shared ``self.prev`` would be
        # overwritten by a recursive call and leave grad mode off after the outermost one returns
        return type(self)()


class no_grad(_GradMode):
    """``with no_grad():`` runs operations without recording them for backward (as torch)."""

    mode = False


class enable_grad(_GradMode):
    """``with enable_grad():`` records operations again inside a ``no_grad`` block."""

    mode = True


def _dtype_name(dtype) -> str:
    return f"minitorch_cnn.{np.dtype(dtype).name}"


# ---------------------------------------------------------------------------------------------
# Function: one differentiable operation
# ---------------------------------------------------------------------------------------------
class Function:
    """One node of the graph: ``forward`` on arrays, ``backward`` returning one grad per input.

    Subclasses implement ``forward(self, *arrays, **kwargs) -> ndarray`` (saving on ``self``
    whatever backward needs) and ``backward(self, grad_output) -> tuple`` with one NumPy array
    (or None) per positional input. ``Fn.apply(*inputs, **kwargs)`` runs forward on the inputs'
    arrays and, when grad mode is on and some input requires grad, links the result to ``self``.
    """

    inputs: tuple = ()
    needs_input_grad: tuple = ()

    def forward(self, *args, **kwargs):  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, grad_output):  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs, **kwargs) -> "Tensor":
        fn = cls()
        arrays = [x.array if isinstance(x, Tensor) else x for x in inputs]
        fn.needs_input_grad = tuple(isinstance(x, Tensor) and x.requires_grad for x in inputs)
        track = _grad_enabled and any(fn.needs_input_grad)
        out = fn.forward(*arrays, **kwargs)
        result = Tensor(out, requires_grad=track)
        if track:
            fn.inputs = inputs
            result._ctx = fn
        return result

    def name(self) -> str:
        return type(self).__name__ + "Backward"

    def __repr__(self) -> str:
        return f"<{self.name()}>"


def unbroadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``grad`` back down to ``shape``: the backward of NumPy broadcasting.

    Broadcasting copies an input along new leading axes and along axes of size 1; each copy
    contributed to the output, so the input's gradient is the sum over those axes.
    """
    if grad.shape == tuple(shape):
        return grad
    lead = grad.ndim - len(shape)
    if lead > 0:
        grad = grad.sum(axis=tuple(range(lead)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)


# --- arithmetic -------------------------------------------------------------------------------
class Add(Function):
    """``y = a + b``;  ``da = dy``, ``db = dy`` (each summed over broadcast axes)."""

    def forward(self, a, b):
        self.shapes = (np.shape(a), np.shape(b))
        return np.add(a, b)

    def backward(self, g):
        return unbroadcast(g, self.shapes[0]), unbroadcast(g, self.shapes[1])


class Sub(Function):
    """``y = a - b``;  ``da = dy``, ``db = -dy``."""

    def forward(self, a, b):
        self.shapes = (np.shape(a), np.shape(b))
        return np.subtract(a, b)

    def backward(self, g):
        return unbroadcast(g, self.shapes[0]), unbroadcast(-g, self.shapes[1])


class Mul(Function):
    """``y = a * b``;  ``da = dy * b``, ``db = dy * a``."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return np.multiply(a, b)

    def backward(self, g):
        a, b = self.a, self.b
        ga = unbroadcast(g * b, np.shape(a)) if self.needs_input_grad[0] else None
        gb = unbroadcast(g * a, np.shape(b)) if self.needs_input_grad[1] else None
        return ga, gb


class Div(Function):
    """``y = a / b``;  ``da = dy / b``, ``db = -dy * a / b²``."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return np.true_divide(a, b)

    def backward(self, g):
        a, b = self.a, self.b
        ga = unbroadcast(g / b, np.shape(a)) if self.needs_input_grad[0] else None
        gb = unbroadcast(-g * a / (b * b), np.shape(b)) if self.needs_input_grad[1] else None
        return ga, gb


class Neg(Function):
    """``y = -a``;  ``da = -dy``."""

    def forward(self, a):
        return np.negative(a)

    def backward(self, g):
        return (-g,)


class Pow(Function):
    """``y = a ** b``;  ``da = dy * b * a**(b-1)``, ``db = dy * a**b * ln a``."""

    def forward(self, a, b):
        self.a, self.b = a, b
        self.out = np.power(a, b)
        return self.out

    def backward(self, g):
        a, b = self.a, self.b
        ga = gb = None
        if self.needs_input_grad[0]:
            ga = unbroadcast(g * b * np.power(a, b - 1), np.shape(a))
        if self.needs_input_grad[1]:
            with np.errstate(divide="ignore", invalid="ignore"):
                # torch defines d(a**b)/db as 0 where a == 0 and b >= 0
                log_a = np.where(a == 0, 0.0, np.log(np.where(a == 0, 1.0, a)))
            gb = unbroadcast(g * self.out * log_a, np.shape(b))
        return ga, gb


class MatMul(Function):
    """``Y = A @ B``;  ``dA = dY @ Bᵀ``, ``dB = Aᵀ @ dY`` (batch axes broadcast like NumPy).

    A 1-D operand is treated as a row (left) or a column (right) and the added axis is removed again.
    """

    def forward(self, a, b):
        self.a, self.b = a, b
        return np.matmul(a, b)

    def backward(self, g):
        a, b = self.a, self.b
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        # dY with the removed axes put back: the shape of a2 @ b2 (a 1-D @ 1-D product is 0-d)
        g2 = g.reshape(np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2]) + (a2.shape[-2], b2.shape[-1]))
        ga = gb = None
        if self.needs_input_grad[0]:
            ga = unbroadcast(np.matmul(g2, np.swapaxes(b2, -1, -2)), a2.shape).reshape(a.shape)
        if self.needs_input_grad[1]:
            gb = unbroadcast(np.matmul(np.swapaxes(a2, -1, -2), g2), b2.shape).reshape(b.shape)
        return ga, gb


# --- elementwise functions ------------------------------------------------------------------
class Exp(Function):
    """``y = eᵃ``;  ``da = dy * y``."""

    def forward(self, a):
        self.out = np.exp(a)
        return self.out

    def backward(self, g):
        return (g * self.out,)


class Log(Function):
    """``y = ln a``;  ``da = dy / a``."""

    def forward(self, a):
        self.a = a
        return np.log(a)

    def backward(self, g):
        return (g / self.a,)


class Sqrt(Function):
    """``y = √a``;  ``da = dy / (2√a)``."""

    def forward(self, a):
        self.out = np.sqrt(a)
        return self.out

    def backward(self, g):
        return (g / (2 * self.out),)


class Abs(Function):
    """``y = |a|``;  ``da = dy * sign(a)`` (0 at a = 0, as torch)."""

    def forward(self, a):
        self.a = a
        return np.abs(a)

    def backward(self, g):
        return (g * np.sign(self.a),)


class Tanh(Function):
    """``y = tanh a``;  ``da = dy * (1 - y²)``."""

    def forward(self, a):
        self.out = np.tanh(a)
        return self.out

    def backward(self, g):
        return (g * (1 - self.out * self.out),)


class Sigmoid(Function):
    """``y = 1 / (1 + e⁻ᵃ)``;  ``da = dy * y * (1 - y)``."""

    def forward(self, a):
        self.out = np.where(a >= 0, 1 / (1 + np.exp(-np.abs(a))), np.exp(-np.abs(a)) / (1 + np.exp(-np.abs(a))))
        self.out = self.out.astype(a.dtype, copy=False)
        return self.out

    def backward(self, g):
        return (g * self.out * (1 - self.out),)


class ReLU(Function):
    """``y = max(a, 0)``;  ``da = dy * [a > 0]`` (the gradient at exactly 0 is 0, as torch).

    ``[a > 0] = [y > 0]``, so only the output is kept. Kernels: ``kernels/activation.py``.
    """

    def forward(self, a):
        from ._backend import use_numba
        from .kernels import activation as K  # imported on first use: it loads Numba

        self.numba = use_numba() and a.dtype.kind == "f"
        self.out = (K.relu_forward_numba if self.numba else K.relu_forward)(a)
        return self.out

    def backward(self, g):
        from .kernels import activation as K

        if self.numba and g.shape == self.out.shape and g.dtype == self.out.dtype:
            return (K.relu_backward_numba(self.out, g),)
        return (K.relu_backward(self.out, g),)


class Cast(Function):
    """``y = a.astype(dtype)``;  ``da = dy.astype(a.dtype)``."""

    def forward(self, a, dtype):
        self.in_dtype = a.dtype
        return a.astype(dtype)

    def backward(self, g):
        return g.astype(self.in_dtype), None


class Clone(Function):
    """``y = copy(a)``;  ``da = dy``."""

    def forward(self, a):
        return a.copy()

    def backward(self, g):
        return (g,)


# --- reductions -----------------------------------------------------------------------------
def _norm_dims(dim, ndim: int, op: str) -> tuple:
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    out = []
    for d in dims:
        if not -max(ndim, 1) <= d < max(ndim, 1):
            raise IndexError(
                f"{op}: dimension out of range (expected to be in range of "
                f"[{-max(ndim, 1)}, {max(ndim, 1) - 1}], but got {d})"
            )
        out.append(int(d) % max(ndim, 1))
    return tuple(sorted(set(out))) if ndim else ()


def _expand_back(g: np.ndarray, shape: tuple, dims: tuple, keepdim: bool) -> np.ndarray:
    """Undo a reduction's shape change: re-insert reduced axes and broadcast to ``shape``."""
    if not keepdim:
        for d in dims:
            g = np.expand_dims(g, d)
    return np.broadcast_to(g, shape)


class Sum(Function):
    """``y = Σ_dims a``;  ``da = dy`` copied along the summed axes."""

    def forward(self, a, dims, keepdim):
        self.shape, self.dims, self.keepdim = a.shape, dims, keepdim
        return np.asarray(a.sum(axis=dims, keepdims=keepdim))

    def backward(self, g):
        # np.array copies the broadcast view (np.ascontiguousarray would turn a 0-d grad into shape (1,))
        return (np.array(_expand_back(g, self.shape, self.dims, self.keepdim)), None, None)


class Mean(Function):
    """``y = (1/n) Σ_dims a``;  ``da = dy / n`` copied along the averaged axes."""

    def forward(self, a, dims, keepdim):
        self.shape, self.dims, self.keepdim = a.shape, dims, keepdim
        self.n = int(np.prod([a.shape[d] for d in dims])) if dims else 1
        return np.asarray(a.mean(axis=dims, keepdims=keepdim))

    def backward(self, g):
        g = _expand_back(g, self.shape, self.dims, self.keepdim) / self.n
        return (np.array(g), None, None)


class MaxAlong(Function):
    """``y = max(a, dim)``;  ``da = dy`` at the index that won (the one ``argmax`` returns)."""

    def forward(self, a, dim, keepdim, take_min=False):
        self.shape, self.dim, self.keepdim = a.shape, dim, keepdim
        idx = np.argmin(a, axis=dim) if take_min else np.argmax(a, axis=dim)
        self.idx = np.expand_dims(idx, dim)
        out = np.take_along_axis(a, self.idx, axis=dim)
        return out if keepdim else np.squeeze(out, axis=dim)

    def backward(self, g):
        if not self.keepdim:
            g = np.expand_dims(g, self.dim)
        da = np.zeros(self.shape, dtype=g.dtype)
        np.put_along_axis(da, self.idx, g, axis=self.dim)
        return da, None, None, None


class MaxAll(Function):
    """``y = max(a)`` over all elements; ``da = dy / k`` spread evenly over the k tied maxima (torch)."""

    def forward(self, a, take_min=False):
        self.a = a
        self.out = np.asarray(a.min() if take_min else a.max())
        return self.out

    def backward(self, g):
        mask = self.a == self.out
        return (np.where(mask, g / mask.sum(), 0).astype(self.a.dtype), None)


# --- shape operations ---------------------------------------------------------------------------
class Reshape(Function):
    """``y = a.reshape(shape)``;  ``da = dy.reshape(a.shape)``."""

    def forward(self, a, shape):
        self.shape = a.shape
        return a.reshape(shape)

    def backward(self, g):
        return g.reshape(self.shape), None


class Permute(Function):
    """``y = a.transpose(order)``;  ``da = dy.transpose(inverse(order))``."""

    def forward(self, a, order):
        self.inverse = tuple(np.argsort(order))
        return np.transpose(a, order)

    def backward(self, g):
        return np.transpose(g, self.inverse), None


class Expand(Function):
    """``y = broadcast_to(a, shape)``;  ``da = Σ dy`` over the broadcast axes."""

    def forward(self, a, shape):
        self.shape = a.shape
        return np.broadcast_to(a, shape)

    def backward(self, g):
        return unbroadcast(g, self.shape), None


class Repeat(Function):
    """``y = tile(a, reps)``;  ``da`` = sum of ``dy`` over the tiles."""

    def forward(self, a, reps):
        self.in_shape = (1,) * (len(reps) - a.ndim) + a.shape
        self.orig_shape = a.shape
        self.reps = reps
        return np.tile(a.reshape(self.in_shape), reps)

    def backward(self, g):
        split = []
        for r, n in zip(self.reps, self.in_shape):
            split += [r, n]
        g = g.reshape(split).sum(axis=tuple(range(0, 2 * len(self.reps), 2)))
        return g.reshape(self.orig_shape), None


def _is_advanced(index) -> bool:
    items = index if isinstance(index, tuple) else (index,)
    return any(isinstance(i, (list, np.ndarray)) for i in items)


class GetItem(Function):
    """``y = a[index]``;  ``da`` is zero except at the selected places, where it is ``dy``
    (added up where an advanced index selects the same place twice)."""

    def forward(self, a, index):
        self.shape, self.dtype, self.index = a.shape, a.dtype, index
        return np.asarray(a[index])

    def backward(self, g):
        da = np.zeros(self.shape, dtype=g.dtype)
        if _is_advanced(self.index):
            np.add.at(da, self.index, g)
        else:
            da[self.index] = g
        return da, None


class Stack(Function):
    """``y = stack([a₀, a₁, …], dim)``;  ``daᵢ = dy`` taken at position i along ``dim``."""

    def forward(self, *arrays, dim):
        self.dim = dim
        return np.stack(arrays, axis=dim)

    def backward(self, g):
        return tuple(np.take(g, i, axis=self.dim) for i in range(g.shape[self.dim]))


class Cat(Function):
    """``y = concatenate([a₀, a₁, …], dim)``;  ``daᵢ`` is the slice of ``dy`` that came from aᵢ."""

    def forward(self, *arrays, dim):
        self.dim = dim
        self.bounds = np.cumsum([a.shape[dim] for a in arrays])[:-1]
        return np.concatenate(arrays, axis=dim)

    def backward(self, g):
        return tuple(np.split(g, self.bounds, axis=self.dim))


# ---------------------------------------------------------------------------------------------
# dtype promotion (torch's rules, which differ from NumPy's for int ⊕ float)
# ---------------------------------------------------------------------------------------------
def _promote(x, y):
    """``torch.promote_types`` for the dtypes here (None = no operand of that tier): a float wins
    over ints and bools; otherwise the wider type (NumPy's table agrees with torch's there)."""
    if x is None or y is None:
        return y if x is None else x
    fx, fy = x.kind == "f", y.kind == "f"
    if fx != fy:
        return x if fx else y
    return x if x == y else np.result_type(x, y)


def _combine(higher, lower):
    """A lower-priority tier changes the result only when its category is higher (torch's
    ``combine_categories``): ``float32 tensor ⊕ float64 0-d tensor`` stays float32, but
    ``int tensor ⊕ float64 0-d tensor`` becomes float64."""
    if higher is None or lower is None:
        return lower if higher is None else higher
    if higher.kind == "f":
        return higher
    if higher.kind == "b" or lower.kind == "f":
        return _promote(higher, lower)
    return higher


def _result_dtype(a, b) -> np.dtype:
    """The dtype torch gives ``a ⊕ b``. Operands come in three tiers, highest first: tensors with
    at least one dimension, 0-d tensors, Python numbers (bool → bool, int → int64, float → the
    default float). Each tier is promoted within itself, then a lower tier only counts when it is
    of a higher category (bool < int < float): ``int tensor ⊕ 2.5`` → float32, ``uint8 tensor ⊕ 300``
    → uint8, ``float32 tensor ⊕ float64 0-d tensor`` → float32."""
    tiers = [None, None, None]  # dimensioned, 0-d, Python scalar
    for x in (a, b):
        if isinstance(x, (Tensor, np.ndarray)):
            tier, dt = (0 if x.ndim else 1), np.dtype(x.dtype)
        elif isinstance(x, (bool, np.bool_)):
            tier, dt = 2, bool_
        elif isinstance(x, numbers.Integral):
            tier, dt = 2, int64
        elif isinstance(x, numbers.Real):
            tier, dt = 2, _default_float
        else:
            raise TypeError(f"unsupported operand type {type(x).__name__} for a Tensor operation")
        tiers[tier] = _promote(tiers[tier], dt)
    return _combine(tiers[0], _combine(tiers[1], tiers[2]))


def _as_operands(a, b):
    dt = _result_dtype(a, b)
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
            arr = arr.astype(_default_float)
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


# ---------------------------------------------------------------------------------------------
# Tensor
# ---------------------------------------------------------------------------------------------
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

        Step 1 — topological order: a depth-first walk from ``self`` lists every node after all the
        nodes it depends on. Step 2 — reverse walk: starting from ``d self/d self = 1`` (or
        ``gradient``), each node's gradient is complete when we reach it, because every use of it
        (every later node) has already added its contribution; its Function's backward then hands
        one gradient to each input.
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

        # 1. topological order (iterative DFS, so deep graphs do not hit the recursion limit)
        order, seen = [], set()
        stack = [(self, False)]
        while stack:
            node, processed = stack.pop()
            if processed:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            if node._ctx is not None:
                for parent in node._ctx.inputs:
                    if isinstance(parent, Tensor) and parent.requires_grad and id(parent) not in seen:
                        stack.append((parent, False))

        # 2. walk it backwards, adding each node's contributions into its inputs' gradients
        grads = {id(self): seed}
        for node in reversed(order):
            g = grads.pop(id(node), None)
            if g is None:
                continue
            if node._ctx is None or node._retains_grad:
                g_t = g.astype(node.dtype, copy=False)
                if node._grad is None:
                    node._grad = Tensor(np.array(g_t, copy=True))
                else:
                    node._grad = Tensor(node._grad.array + g_t)
                if node._ctx is None:
                    continue
            in_grads = node._ctx.backward(g)
            if not isinstance(in_grads, tuple):
                in_grads = (in_grads,)
            for parent, pg in zip(node._ctx.inputs, in_grads):
                if pg is None or not isinstance(parent, Tensor) or not parent.requires_grad:
                    continue
                pg = np.asarray(pg)
                if pg.shape != parent.array.shape:  # an op's backward is wrong: fail loudly
                    raise RuntimeError(
                        f"{node._ctx.name()} returned a gradient of shape {pg.shape} "
                        f"for an input of shape {parent.array.shape}"
                    )
                if id(parent) in grads:
                    grads[id(parent)] = grads[id(parent)] + pg
                else:
                    grads[id(parent)] = pg

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
        if self.dtype not in (_default_float, int64, bool_):
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
            a, b = a.to(_default_float), b.to(_default_float)
        return Div.apply(a, b)

    def __rtruediv__(self, other):
        b, a = _as_operands(self, other)
        if a.dtype.kind != "f":
            a, b = a.to(_default_float), b.to(_default_float)
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
        return self if self.dtype.kind == "f" else self.to(_default_float)

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
        from .nn import functional as F
        return F.softmax(self, dim)

    def log_softmax(self, dim):
        from .nn import functional as F
        return F.log_softmax(self, dim)

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
        if _grad_enabled and self.requires_grad:
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


# ---------------------------------------------------------------------------------------------
# devices (CPU only; accepted so that lecture code with `.to(device)` runs unchanged)
# ---------------------------------------------------------------------------------------------
class Device:
    def __init__(self, kind: str = "cpu"):
        check_device(kind)
        self.type = "cpu"

    def __repr__(self) -> str:
        return "device(type='cpu')"

    def __str__(self) -> str:
        return "cpu"

    def __eq__(self, other) -> bool:
        return str(other) == "cpu"

    __hash__ = object.__hash__


def check_device(device) -> None:
    name = str(device).split(":")[0]
    if name != "cpu":
        raise RuntimeError(
            f"minitorch_cnn runs on the CPU only, got device {device!r} "
            "(use the torch twins in reference/ for CUDA)"
        )


# ---------------------------------------------------------------------------------------------
# factory functions
# ---------------------------------------------------------------------------------------------
def tensor(data, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """Copy ``data`` into a new leaf Tensor (Python floats → float32, ints → int64, as torch)."""
    if device is not None:
        check_device(device)
    arr = np.array(_to_array(data, dtype), copy=True)
    return Tensor(arr, requires_grad=requires_grad)


def as_tensor(data, dtype=None) -> Tensor:
    if isinstance(data, Tensor) and (dtype is None or data.dtype == np.dtype(dtype)):
        return data
    return Tensor(_to_array(data, dtype))


def from_numpy(a: np.ndarray) -> Tensor:
    """Wrap a NumPy array without copying (changes to one show in the other)."""
    if not isinstance(a, np.ndarray):
        raise TypeError(f"from_numpy: expected np.ndarray (got {type(a).__name__})")
    return Tensor(a)


def _factory(fill, size, dtype, requires_grad):
    shape = _size_args(size)
    dt = np.dtype(dtype) if dtype is not None else _default_float
    return Tensor(fill(shape, dt), requires_grad=requires_grad)


def zeros(*size, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    return _factory(np.zeros, size, dtype, requires_grad)


def ones(*size, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    return _factory(np.ones, size, dtype, requires_grad)


def empty(*size, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    return _factory(np.zeros, size, dtype, requires_grad)


def full(size, fill_value, dtype=None, requires_grad: bool = False) -> Tensor:
    if dtype is None:
        dtype = _to_array(fill_value).dtype
    return Tensor(np.full(_size_args((size,)), fill_value, dtype=dtype), requires_grad=requires_grad)


def zeros_like(t: Tensor, dtype=None, requires_grad: bool = False) -> Tensor:
    return Tensor(np.zeros(t.shape, dtype=dtype or t.dtype), requires_grad=requires_grad)


def ones_like(t: Tensor, dtype=None, requires_grad: bool = False) -> Tensor:
    return Tensor(np.ones(t.shape, dtype=dtype or t.dtype), requires_grad=requires_grad)


def rand(*size, dtype=None, requires_grad: bool = False, generator=None) -> Tensor:
    """Uniform samples in [0, 1) from the global generator (seeded by ``manual_seed``)."""
    rng = _random.rng_of(generator)
    return _factory(lambda s, dt: rng.random(s).astype(dt), size, dtype, requires_grad)


def randn(*size, dtype=None, requires_grad: bool = False, generator=None) -> Tensor:
    """Standard normal samples from the global generator."""
    rng = _random.rng_of(generator)
    return _factory(lambda s, dt: rng.standard_normal(s).astype(dt), size, dtype, requires_grad)


def randint(low, high=None, size=None, dtype=None, generator=None) -> Tensor:
    """Integers in [low, high): ``randint(high, size)`` or ``randint(low, high, size)`` as torch."""
    if size is None:
        low, high, size = 0, low, high
    if size is None:
        raise TypeError("randint: missing the size argument")
    rng = _random.rng_of(generator)
    return Tensor(rng.integers(low, high, size=_size_args((size,))).astype(dtype or int64))


def randperm(n: int, generator=None) -> Tensor:
    return Tensor(_random.rng_of(generator).permutation(n).astype(int64))


def arange(start, end=None, step=1, dtype=None, requires_grad: bool = False) -> Tensor:
    if end is None:
        start, end = 0, start
    arr = np.arange(start, end, step)
    if dtype is None:
        dtype = int64 if all(isinstance(v, (int, np.integer)) for v in (start, end, step)) else _default_float
    return Tensor(arr.astype(dtype), requires_grad=requires_grad)


def linspace(start, end, steps: int, dtype=None) -> Tensor:
    return Tensor(np.linspace(start, end, steps).astype(dtype or _default_float))


def stack(tensors, dim: int = 0) -> Tensor:
    """Join same-shaped tensors along a new axis ``dim`` (differentiable)."""
    tensors = [t if isinstance(t, Tensor) else tensor(t) for t in tensors]
    if not tensors:
        raise RuntimeError("stack expects a non-empty sequence of tensors")
    shapes = {tuple(t.shape) for t in tensors}
    if len(shapes) != 1:
        raise RuntimeError(f"stack expects each tensor to be equal size, but got shapes {sorted(shapes)}")
    n = tensors[0].ndim + 1
    if not -n <= dim < n:
        raise IndexError(f"stack: dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return Stack.apply(*tensors, dim=dim % n)


def cat(tensors, dim: int = 0) -> Tensor:
    """Join tensors along an existing axis ``dim`` (differentiable)."""
    tensors = [t if isinstance(t, Tensor) else tensor(t) for t in tensors]
    if not tensors:
        raise RuntimeError("cat expects a non-empty sequence of tensors")
    d = _norm_dims(dim, tensors[0].ndim, "cat")[0]
    for t in tensors:
        if t.ndim != tensors[0].ndim or t.shape[:d] + t.shape[d + 1:] != tensors[0].shape[:d] + tensors[0].shape[d + 1:]:
            raise RuntimeError(
                f"cat: sizes of tensors must match except in dimension {d}, got shapes {[tuple(x.shape) for x in tensors]}"
            )
    return Cat.apply(*tensors, dim=d)


def _unary(method):
    @functools.wraps(getattr(Tensor, method))
    def f(t, *args, **kwargs):
        return getattr(t, method)(*args, **kwargs)
    return f


exp = _unary("exp")
log = _unary("log")
sqrt = _unary("sqrt")
abs = _unary("abs")  # noqa: A001 - mirrors torch.abs
tanh = _unary("tanh")
sigmoid = _unary("sigmoid")
relu = _unary("relu")
flatten = _unary("flatten")
argmax = _unary("argmax")
matmul = _unary("matmul")
