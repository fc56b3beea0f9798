"""Tensor's shape methods: ``view``/``reshape``, ``flatten``, ``(un)squeeze``, ``permute``/``transpose``/``T``,
``expand``, ``repeat``. Each checks its arguments with torch's messages and applies a Function from
:mod:`minitorch_cnn.ops.shape`, where forward and backward are written out. Also ``legacy_new``: what
``Tensor(2, 3)`` and ``Tensor([1, 2])`` hold (torch.Tensor called as a constructor).

``Tensor`` inherits these from :class:`ShapeMixin` (this module sits below tensor.py).
"""
from __future__ import annotations

import numpy as np

from .dtypes import get_default_dtype
from .ops.reduction import _norm_dims
from .ops.shape import Expand, Permute, Repeat, Reshape, Squeeze, SqueezeDim, T, Transpose, Unsqueeze
from .size import Size
from .tensor_math import _size


def _size_args(size) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for s in size:
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"size must be ints, got {size!r}")
    return tuple(int(s) for s in size)


class ShapeMixin:
    """The shape methods of Tensor (``self`` is always a Tensor)."""

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

    def expand_as(self, other) -> "Tensor":
        return self.expand(*other.shape)

    def view_as(self, other) -> "Tensor":
        return self.view(*other.shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> "Tensor":
        if self.ndim == 0:  # torch treats a 0-d tensor as one dimension here: dims -1 and 0 are valid
            _norm_dims(start_dim, 0, "flatten")
            _norm_dims(end_dim, 0, "flatten")
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
        if not dims:
            raise TypeError('permute() missing 1 required positional arguments: "dims"')
        dims = _size_args(dims)
        if len(dims) != self.ndim:
            raise RuntimeError(f"permute: dims {dims} for a tensor of shape {tuple(self.shape)}: number of dimensions "
                               f"in the tensor input does not match the length of the desired ordering of dimensions "
                               f"i.e. input.dim() = {self.ndim} is not equal to len(dims) = {len(dims)}")
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
        nd = max(self.ndim, 1)  # a 0-d tensor has dims 0 and -1, as torch: nothing to swap
        d0, d1 = _norm_dims(dim0, nd, "transpose")[0], _norm_dims(dim1, nd, "transpose")[0]
        if not self.ndim:
            return Transpose.apply(self, ())
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
        if not sizes:
            raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
        sizes = _size_args(sizes)
        if len(sizes) < self.ndim:
            raise RuntimeError(
                "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
                f" (got {len(sizes)} repeats for a tensor of shape {tuple(self.shape)})"
            )
        shape = [r * d for r, d in zip(sizes, (1,) * (len(sizes) - self.ndim) + tuple(self.shape))]
        negative = [d for d in shape if d < 0]
        if negative:
            raise RuntimeError(f"Trying to create tensor with negative dimension {negative[0]}: {shape}")
        # a negative repeat of an empty dim passes (0 · r = 0, as torch): the result is empty there
        return Repeat.apply(self, tuple(max(r, 0) for r in sizes))


def legacy_new(args: tuple, size, to_array, dtype=None) -> np.ndarray:
    """The array of ``torch.Tensor(...)``, the class called as a constructor (torch's legacy form):

    - ``Tensor()`` → an empty (0,) tensor;
    - ``Tensor(2, 3)``, ``Tensor(Size([2, 3]))``, ``Tensor(size=(2, 3))`` → a 2×3 tensor (torch leaves
      its memory uninitialised; here it is zeros, one of the values torch may show);
    - ``Tensor([1, 2])`` (any non-tuple-of-sizes sequence, e.g. a list or a range) → those values.

    The default dtype (float32), where ``tensor([1, 2])`` infers int64; ``dtype`` for the typed ones
    (``LongTensor([1.7])`` reads as ``tensor([1.7], dtype=int64)``: truncated, range-checked). ``Tensor(ndarray)`` is the
    engine's own constructor and does not come here (it wraps the array: see ``Tensor.__init__``).
    ``to_array`` reads data as ``tensor()`` does (tensor.py's ``_to_array``; this module sits below it).
    """
    dt = get_default_dtype() if dtype is None else np.dtype(dtype)
    if size is not None:
        if args:
            raise TypeError("new() received an invalid combination of arguments: the shape was given both "
                            f"positionally {args} and as size={size!r}")
        args = (Size(_size_args((size,))),)
    if not args:
        return np.zeros((0,), dtype=dt)
    data = args[0]
    if len(args) == 1 and (isinstance(data, bool) or not isinstance(data, (int, np.integer, Size))):
        if isinstance(data, (str, bytes)):
            raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
        if not isinstance(data, (list, tuple, range)):
            raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
        data = list(data) if isinstance(data, range) else data
        return to_array(data, dt)
    if len(args) == 1 and isinstance(args[0], Size):
        args = tuple(args[0])
    if any(isinstance(a, bool) or not isinstance(a, (int, np.integer)) for a in args):
        raise TypeError(f"new(): argument 'size' must be a tuple of ints, got {args!r}")
    return np.zeros(_size(tuple(int(a) for a in args)), dtype=dt)  # (_size refuses a negative size)
