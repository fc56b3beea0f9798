"""Tensor methods beyond the lecture's, kept out of tensor.py so that file stays readable: more
elementwise math (``sin cos tan log1p … sign square``), ``clamp``/``clip``, ``maximum``/``minimum``,
``where``, ``mm``, the ``new_*`` factories, ``scatter``, ``format(t, spec)`` and the device methods.

``Tensor`` inherits these from :class:`TensorMathMixin`. Each method only checks its arguments and
applies a Function from :mod:`minitorch_cnn.ops.math`, where the forward and backward are written
out. (This module sits below tensor.py: it builds Tensors with ``tensor_class()`` instead of importing it.)
"""
from __future__ import annotations

import numbers

import numpy as np

from .autograd.function import tensor_class
from .device import check_device
from .dtypes import _dtype_name, as_dtype, bool_, checked_scalar, int64, result_dtype
from .ops import math as M
from .ops.arithmetic import broadcast_shape
from .ops.args import bool_arg
from .ops.reduction import _norm_dims
from .ops.selection import checked_index


def _arr(x):
    return x.array if hasattr(x, "array") and hasattr(x, "requires_grad") else x


class TensorMathMixin:
    """The methods listed in the module docstring; ``self`` is always a Tensor."""

    # -- helpers -----------------------------------------------------------------------------------
    def _as(self, value, dtype):
        """``value`` (a Tensor, array or number) as a Tensor of ``dtype`` (a differentiable cast)."""
        T = tensor_class()
        if isinstance(value, T):
            return value if value.dtype == dtype else value.to(dtype)
        return T(np.asarray(value, dtype=dtype))

    def _float_unary(self, fn, name):
        if not isinstance(self, TensorMathMixin):  # pragma: no cover - called through mt.<name>
            raise TypeError(f"{name}(): argument 'input' must be Tensor, not {type(self).__name__}")
        return fn.apply(self._float_only(name))

    # -- elementwise math (float results; an int or bool tensor is computed in the default float) --
    def sin(self):
        return self._float_unary(M.Sin, "sin")

    def cos(self):
        return self._float_unary(M.Cos, "cos")

    def tan(self):
        return self._float_unary(M.Tan, "tan")

    def log1p(self):
        return self._float_unary(M.Log1p, "log1p")

    def expm1(self):
        return self._float_unary(M.Expm1, "expm1")

    def exp2(self):
        return self._float_unary(M.Exp2, "exp2")

    def log2(self):
        return self._float_unary(M.Log2, "log2")

    def log10(self):
        return self._float_unary(M.Log10, "log10")

    def rsqrt(self):
        return self._float_unary(M.Rsqrt, "rsqrt")

    def reciprocal(self):
        return self._float_unary(M.Reciprocal, "reciprocal")

    # -- elementwise math that keeps an integer dtype -------------------------------------------------
    def sign(self):
        """-1, 0 or 1 (0 for NaN, as torch); the gradient is 0. Keeps the dtype (bool stays bool)."""
        if self.dtype == bool_:
            return tensor_class()(self.array.copy())
        return M.Sign.apply(self)

    def square(self):
        """``a²``; an int tensor stays int and a bool tensor becomes int64, as torch."""
        if self.dtype == bool_:
            return tensor_class()(self.array.astype(int64))
        return M.Square.apply(self)

    def neg(self):
        if self.dtype == bool_:
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. "
                               "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        return -self

    negative = neg

    # -- clamp ------------------------------------------------------------------------------------
    def clamp(self, min=None, max=None):  # noqa: A002 - torch's argument names
        """Limit every element to ``[min, max]`` (numbers or tensors that broadcast; either may be
        None). Where ``min > max`` the result is ``max``, as torch. The result's dtype follows torch's
        promotion (an int tensor clamped to 0.5 becomes float)."""
        lo, hi = min, max
        if lo is None and hi is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        for b, what in ((lo, "min"), (hi, "max")):
            if b is not None and not isinstance(b, (numbers.Real, np.ndarray, tensor_class())):
                raise TypeError(f"clamp(): argument '{what}' must be a number or a Tensor, not {type(b).__name__}")
        if sum(isinstance(b, tensor_class()) for b in (lo, hi)) == 1 and lo is not None and hi is not None:
            raise TypeError("clamp(): min and max must both be Tensors or both be numbers (one may be None)")
        dt = self.dtype
        for b in (lo, hi):  # torch's promotion of self with each bound (a number counts as a scalar)
            if b is not None:
                dt = result_dtype(np.empty((1,) * self.ndim, dt), _arr(b))
        x = self._as(self, dt)
        if dt == bool_ and not any(isinstance(b, tensor_class()) for b in (lo, hi)):
            raise NotImplementedError(f'"clamp{"_min" if hi is None else "_max" if lo is None else ""}_scalar_cpu" '
                                      f"not implemented for 'Bool'")
        if any(isinstance(b, tensor_class()) for b in (lo, hi)):
            lo_t = None if lo is None else self._as(lo, dt)
            hi_t = None if hi is None else self._as(hi, dt)
            broadcast_shape(*(t.shape for t in (x, lo_t, hi_t) if t is not None), name="clamp")
            return M.ClampTensor.apply(x, lo_t, hi_t)
        lo, hi = (None if b is None else checked_scalar(b, dt) if isinstance(b, numbers.Number) else b
                  for b in (lo, hi))  # as torch converts them: a uint8 tensor's clamp(-1) is clamp(255)
        return M.Clamp.apply(x, lo, hi)

    clip = clamp

    # -- maximum / minimum / where --------------------------------------------------------------------
    def _pair(self, other, name):
        self._tensor_arg(other, name)
        dt = result_dtype(self.array, other.array)
        broadcast_shape(self.shape, other.shape, name=name)
        return self._as(self, dt), self._as(other, dt)

    def maximum(self, other):
        """Elementwise larger of two tensors (NaN if either is NaN); a tie splits the gradient."""
        return M.Maximum.apply(*self._pair(other, "maximum"))

    def minimum(self, other):
        """Elementwise smaller of two tensors (NaN if either is NaN); a tie splits the gradient."""
        return M.Minimum.apply(*self._pair(other, "minimum"))

    def where(self, condition, other):
        """``self`` where ``condition`` holds, else ``other`` (``torch.where(condition, self, other)``)."""
        return where(condition, self, other)

    # -- linear algebra -----------------------------------------------------------------------------
    def norm(self, p="fro", dim=None, keepdim: bool = False):
        """The p-norm over all elements, or over ``dim`` (an int or a tuple): ``'fro'`` and 2 the Euclidean
        ``√(Σ x²)``; any other number p ``(Σ |x|^p)^(1/p)``, ±inf the max/min of |x|, 0 the count of non-zeros
        (ops/math.py: Norm2, NormP)."""
        bool_arg(keepdim, "norm", "keepdim")
        p = 2 if p is None else p  # torch: p=None is the 2-norm
        if not isinstance(p, (str, numbers.Real)):
            raise TypeError(f"norm(): argument 'p' must be a number or 'fro', not {type(p).__name__}")
        if isinstance(p, str) and p != "fro":
            raise NotImplementedError(f"norm: p={p!r} is not implemented here ('fro' or a number)")
        p = int(p) if isinstance(p, (bool, np.bool_)) else p  # torch reads True as 1
        if self.dtype.kind != "f":
            raise RuntimeError(f"norm(): input dtype should be floating point, got {self.dtype.name}")
        dims = _norm_dims(dim, self.ndim, "norm")
        if p != "fro" and (p < 0 or p == np.inf):  # min/max-like norms: an empty reduction has no value
            empty = [d for d in dims if self.shape[d] == 0] if dim is not None else [None] * (self.numel() == 0)
            if empty:
                where = ("an empty tensor because" if empty[0] is None else
                         f"the dimension {empty[0]} because this dimension is empty and")
                raise RuntimeError(f"linalg.vector_norm cannot compute the {p:g} norm on {where} the operation "
                                   f"does not have an identity")
        if p in ("fro", 2, 2.0):
            return M.Norm2.apply(self, dims, keepdim)
        return M.NormP.apply(self, float(p), dims, keepdim)

    def mm(self, mat2):
        """Matrix product of two 2-D tensors (``@`` without broadcasting or vectors)."""
        self._tensor_arg(mat2, "mm", name="mat2")
        if self.ndim != 2 or mat2.ndim != 2:
            raise RuntimeError(f"mm: both arguments must be matrices (2-D), got shapes {tuple(self.shape)} "
                               f"and {tuple(mat2.shape)}")
        if self.shape[1] != mat2.shape[0]:
            raise RuntimeError(f"mm: mat1 and mat2 shapes cannot be multiplied ({self.shape[0]}x{self.shape[1]} "
                               f"and {mat2.shape[0]}x{mat2.shape[1]})")
        return self @ mat2

    # -- new_* factories: same dtype (and device) as self unless told otherwise ----------------------
    def _new(self, array, dtype, requires_grad, device):
        if device is not None:
            check_device(device)
        return tensor_class()(np.asarray(array, dtype=self.dtype if dtype is None else as_dtype(dtype, "new_tensor")),
                          requires_grad=requires_grad)

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        return self._new(np.array(_arr(data)), dtype, requires_grad, device)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        return self._new(np.zeros(_size(size, "new_zeros")), dtype, requires_grad, device)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        return self._new(np.ones(_size(size, "new_ones")), dtype, requires_grad, device)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        return self._new(np.zeros(_size(size, "new_empty")), dtype, requires_grad, device)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        if not isinstance(size, (tuple, list)):
            raise TypeError(f"new_full(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}")
        return self._new(np.full(_size((size,)), fill_value), dtype, requires_grad, device)

    # -- scatter: write values at the positions an index tensor names ------------------------------
    def scatter(self, dim, index, src=None, value=None):
        """A copy of self with ``out[..., index[i], ...] = src[i]`` (or ``value``) along ``dim``: for a
        2-D tensor and dim=0, ``out[index[i][j]][j] = src[i][j]``. Not differentiable here."""
        out = tensor_class()(self.array.copy())
        return out._scatter_into(dim, index, src, value, "scatter")

    def scatter_(self, dim, index, src=None, value=None):
        """In-place :meth:`scatter` (the one-hot idiom: ``zeros(10).scatter_(0, tensor(y), value=1)``)."""
        if hasattr(self, "_inplace"):   # the autograd engine's in-place path (leaf rules, version counter)
            return self._inplace(lambda x: x.scatter(dim, index, src, value))
        self._check_inplace("scatter_")
        return self._scatter_into(dim, index, src, value, "scatter_")

    def _scatter_into(self, dim, index, src, value, name):
        """Write ``value`` (a number) or ``src`` (a tensor of self's dtype, at least as large as
        ``index`` in every dim) at ``out[..., index[p], ...]`` along ``dim``, for every position p of
        ``index``; ``index`` has self's number of dims and, apart from ``dim``, is no larger than self."""
        T = tensor_class()
        if src is not None and value is None and not isinstance(src, T):  # scatter(dim, index, 2.0)
            src, value = None, src
        if (src is None) == (value is None):
            raise TypeError(f"{name}(): give exactly one of 'src' (a Tensor) or 'value' (a number)")
        self._tensor_arg(index, name, 2, "index")
        if index.dtype not in (int64, np.dtype(np.int32)):
            raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index, got {index.dtype.name}")
        nd = max(self.ndim, 1)  # a 0-d tensor (or index) counts as one element along one dim, as torch
        if not -nd <= dim < nd:
            raise IndexError(f"{name}: dimension out of range (expected to be in range of [{-nd}, {nd - 1}], "
                             f"but got {dim})")
        d = dim % nd
        target = self.array.reshape(self.shape or (1,))
        idx = index.array.reshape(index.shape or (1,)).astype(np.int64)
        if idx.ndim != nd:
            raise RuntimeError(f"{name}(): Index tensor must have the same number of dimensions as self tensor "
                               f"(index {tuple(index.shape)}, self {tuple(self.shape)})")
        if any(idx.shape[k] > target.shape[k] for k in range(nd) if k != d):
            raise RuntimeError(f"{name}(): Expected index {list(index.shape)} to be no larger than self "
                               f"{list(self.shape)} apart from dimension {d}")
        checked_index(idx, target.shape[d], d, f"{name}(): ")
        if src is None:
            vals = np.broadcast_to(np.asarray(value, dtype=self.dtype), idx.shape)
        else:
            if src.dtype != self.dtype:
                raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype ({self.dtype.name} and "
                                   f"{src.dtype.name})")
            s = src.array.reshape(src.shape or (1,))
            if s.ndim < nd:  # torch reads src's size along every dim of index
                raise IndexError(f"{name}(): Dimension out of range (src {list(src.shape)} has fewer dims than "
                                 f"index {list(index.shape)})")
            if s.ndim != nd or any(i > n for i, n in zip(idx.shape, s.shape)):
                raise RuntimeError(f"{name}(): Expected index {list(index.shape)} to be no larger than src "
                                   f"{list(src.shape)} in every dimension")
            vals = s[tuple(slice(0, n) for n in idx.shape)]
        where = list(np.indices(idx.shape, sparse=True))  # position p of index → out[p with dim d = index[p]]
        where[d] = idx
        target[tuple(where)] = vals
        return self

    # -- formatting and devices ---------------------------------------------------------------------
    def __format__(self, spec: str) -> str:
        """``f"{loss:>7f}"`` formats a 0-d tensor as its Python number, as torch; any other tensor
        accepts only the empty spec (its ``str``)."""
        if self.ndim == 0:
            return self.item().__format__(spec)
        if spec:
            raise TypeError(f"unsupported format string passed to Tensor.__format__ (a tensor of shape "
                            f"{tuple(self.shape)}; only a 0-d tensor formats like a number)")
        return str(self)

    def cuda(self, device=None, non_blocking=False):
        """Always an error here (a CPU engine), naming the device asked for; torch's for a CPU device."""
        name = "cuda" if device is None else f"cuda:{device}" if isinstance(device, int) else str(device)
        if not name.startswith("cuda"):
            raise RuntimeError(f"Invalid device, must be cuda device (got {name!r})")
        check_device(name)

    def type_name(self) -> str:  # pragma: no cover - convenience
        return _dtype_name(self.dtype)


def _size(size, who: str | None = None) -> tuple:
    """The sizes of a new tensor (``new_zeros(2, 3)`` or ``new_zeros((2, 3))``), none negative; ``who`` names
    a method whose size is required (``t.new_zeros()`` is torch's TypeError, not a 0-d tensor)."""
    if who is not None and not size:
        raise TypeError(f'{who}() missing 1 required positional arguments: "size"')
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for s in size:
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"size must be tuple of ints, got {size!r}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return tuple(int(s) for s in size)


def where(condition, input=None, other=None):  # noqa: A002
    """``torch.where(condition, input, other)``: ``input`` where ``condition`` is True, else ``other``
    (tensors or numbers, broadcast together; the dtype follows torch's promotion of the two).
    ``torch.where(condition)`` alone gives the indices of the True elements, one tensor per axis."""
    if not hasattr(condition, "requires_grad"):
        raise TypeError(f"where(): argument 'condition' must be Tensor, not {type(condition).__name__}")
    T = type(condition)  # the Tensor class (this module sits below tensor.py and cannot import it)
    if input is None and other is None:  # where(x) is nonzero(x, as_tuple=True): any dtype, NaN counts
        return tuple(T(i.astype(int64)) for i in np.nonzero(np.atleast_1d(condition.array)))  # 0-d: as 1-D
    if input is None or other is None:
        raise TypeError("where() takes a condition alone, or a condition, an input and an other (got one of the two)")
    if condition.dtype != bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                        f"{condition.dtype.name}")
    dt = result_dtype(_arr(input), _arr(other))
    x = input if isinstance(input, T) else T(np.asarray(input, dtype=dt))
    z = other if isinstance(other, T) else T(np.asarray(other, dtype=dt))
    x, z = (x if x.dtype == dt else x.to(dt)), (z if z.dtype == dt else z.to(dt))
    broadcast_shape(condition.shape, x.shape, z.shape, name="where")
    return M.Where.apply(condition, x, z)
