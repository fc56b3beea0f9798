"""Tensor's shape methods: ``view``/``reshape``(``_as``), ``flatten``/``ravel``, ``(un)squeeze``,
``permute``/``transpose``/``swapaxes``/``movedim``/``T``/``mT``, ``expand``/``broadcast_to``, ``repeat``/``tile``,
``flip``, ``roll``. Each checks its arguments with torch's messages and applies a Function from
:mod:`minitorch_cnn.ops.shape`, where forward and backward are written out. Also ``legacy_new``: what
``Tensor(2, 3)`` and ``Tensor([1, 2])`` hold (torch.Tensor called as a constructor).

``Tensor`` inherits these from :class:`ShapeMixin` (this module sits below tensor.py).
"""
from __future__ import annotations

import numpy as np

from .dtypes import get_default_dtype
from .errors import warn
from .ops.reduction import _norm_dims, _one_dim, _reduce_dim
from .ops.rearrange import Flip, Roll
from .ops.shape import (Expand, Permute, Repeat, Reshape, ReshapeAlias, Squeeze, SqueezeDim, T, Transpose,
                        UnsafeView, Unsqueeze)
from .size import Size
from .tensor_math import _size


def _viewable(a: np.ndarray, shape: tuple) -> bool:
    """Whether ``a``'s memory can show ``shape`` without a copy (strides exist for it)."""
    try:
        np.reshape(a, shape, copy=False)
    except ValueError:
        return False
    return True


def _size_args(size, who: str | None = None) -> tuple:
    """The sizes of ``view(2, 3)`` or ``view((2, 3))`` as a tuple of ints; ``who`` names a method whose size
    is a required argument (``t.view()`` is torch's TypeError, not an empty shape)."""
    if who is not None and not size:
        raise TypeError(f'{who}() missing 1 required positional arguments: "size"')
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for s in size:
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"size must be ints, got {size!r}")
    return tuple(int(s) for s in size)


class ShapeMixin:
    """The shape methods of Tensor (``self`` is always a Tensor)."""

    def view(self, *shape) -> "Tensor":
        """Same values, new shape (one entry may be -1 and is inferred), sharing this tensor's memory: a
        shape that this memory layout cannot show without a copy (``x.t().view(-1)``) is torch's error."""
        shape = self._checked_shape(_size_args(shape, "view"))
        if not _viewable(self.array, shape):
            raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                               "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
        return Reshape.apply(self, shape)

    def reshape(self, *shape) -> "Tensor":
        """``view`` when the memory allows it (ViewBackward0, or ReshapeAliasBackward0 for a non-contiguous
        tensor), else a row-major copy reshaped (CloneBackward0, then UnsafeViewBackward0), as torch."""
        shape = self._checked_shape(_size_args(shape, "reshape"))
        if _viewable(self.array, shape):  # a view: torch names it by whether self was contiguous
            return (Reshape if self.is_contiguous() else ReshapeAlias).apply(self, shape)
        return UnsafeView.apply(self.clone(), shape)

    def _checked_shape(self, shape: tuple) -> tuple:
        """``shape`` if it has this tensor's number of elements (one −1 entry inferred later), else torch's error."""
        n = self.array.size
        if shape.count(-1) > 1:
            raise RuntimeError(f"view: only one dimension can be inferred, got shape {shape}")
        known = int(np.prod([s for s in shape if s != -1])) if shape else 1
        if any(s < -1 for s in shape) or (-1 in shape and (known == 0 or n % known)) or (-1 not in shape and known != n):
            raise RuntimeError(
                f"shape '{list(shape)}' is invalid for input of size {n} (input shape {tuple(self.shape)})"
            )
        return shape

    def expand_as(self, other) -> "Tensor":
        return self.expand(self._tensor_arg(other, "expand_as").shape)

    def view_as(self, other) -> "Tensor":
        return self.view(self._tensor_arg(other, "view_as").shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> "Tensor":
        if self.ndim == 0:  # torch treats a 0-d tensor as one dimension here: dims -1 and 0 are valid
            _norm_dims(start_dim, 0, "flatten")
            _norm_dims(end_dim, 0, "flatten")
            return self.view(1)
        s, e = _reduce_dim(start_dim, self.ndim, "flatten"), _reduce_dim(end_dim, self.ndim, "flatten")
        if s > e:
            raise RuntimeError(f"flatten() has invalid args: start_dim ({start_dim}) cannot come after end_dim ({end_dim})")
        shape = self.shape[:s] + (int(np.prod(self.shape[s:e + 1])),) + self.shape[e + 1:]
        return Reshape.apply(self, shape)

    def unsqueeze(self, dim: int) -> "Tensor":
        dim = _reduce_dim(dim, self.ndim + 1, "unsqueeze")  # one more place than dims
        return Unsqueeze.apply(self, self.shape[:dim] + (1,) + self.shape[dim:])

    def squeeze(self, dim=None, *more) -> "Tensor":
        """Drop size-1 dims: all of them, or those among ``dim`` (an int, a tuple, or several ints)."""
        if more:
            dim = (dim, *more)
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
        d0, d1 = _reduce_dim(dim0, nd, "transpose"), _reduce_dim(dim1, nd, "transpose")
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
        sizes = _size_args(sizes, "expand")
        lead = len(sizes) - self.ndim
        if lead < 0:
            raise RuntimeError(f"expand(tensor of shape {list(self.shape)}, size={list(sizes)}): the number of sizes "
                               f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in the "
                               f"tensor ({self.ndim})")
        if -1 in sizes[:lead]:
            raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing "
                               f"dimension {sizes.index(-1)} (expanded size {list(sizes)}, tensor shape "
                               f"{list(self.shape)})")
        shape = tuple(self.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
        for i in reversed(range(lead, len(sizes))):  # torch checks from the last dim on
            if self.shape[i - lead] not in (1, shape[i]):
                raise RuntimeError(f"The expanded size of the tensor ({shape[i]}) must match the existing size "
                                   f"({self.shape[i - lead]}) at non-singleton dimension {i}.  Target sizes: "
                                   f"{list(sizes)}.  Tensor sizes: {list(self.shape)}")
        if any(s < 0 for s in shape):
            raise RuntimeError(f"expand: the expanded size {list(sizes)} has a negative entry (tensor shape "
                               f"{list(self.shape)})")
        return Expand.apply(self, shape)

    def broadcast_to(self, size=None, *more) -> "Tensor":
        """``self.expand(size)``: a view of ``self`` repeated along new leading dims and its size-1 dims."""
        if size is None:
            raise TypeError('broadcast_to() missing 1 required positional arguments: "size"')
        return self.expand(_size_args((size,) + more))

    def reshape_as(self, other) -> "Tensor":
        return self.reshape(self._tensor_arg(other, "reshape_as").shape)

    def ravel(self) -> "Tensor":
        """The elements as a 1-D tensor in row-major order (a view when the memory allows, as torch)."""
        return self.reshape(-1)

    def swapaxes(self, axis0: int, axis1: int) -> "Tensor":
        return self.transpose(axis0, axis1)

    def swapdims(self, dim0: int, dim1: int) -> "Tensor":
        return self.transpose(dim0, dim1)

    @property
    def mT(self) -> "Tensor":  # noqa: N802 - torch's name
        """The last two dims swapped (each matrix of a batch transposed); a 0-d tensor is itself (torch
        warns that this is deprecated), a 1-D one is refused."""
        if self.ndim == 0:
            warn("Tensor.mT is deprecated on 0-D tensors. This function is the identity in these cases.")
            return self
        if self.ndim == 1:
            raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")
        return self.transpose(-2, -1)

    def movedim(self, source, destination) -> "Tensor":
        """Move dim ``source[i]`` to position ``destination[i]`` (ints or sequences); the other dims keep
        their order in the places left over. A permutation (a view)."""
        src = (source,) if isinstance(source, (int, np.integer)) else tuple(source)
        dst = (destination,) if isinstance(destination, (int, np.integer)) else tuple(destination)
        if len(src) != len(dst):
            raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} dims) should "
                               f"contain the same number of dims as destination ({list(dst)} dims)")
        def wrap(d):  # a 0-d tensor has dims 0 and -1, as torch
            _norm_dims(d, self.ndim, "movedim")
            return int(d) % max(self.ndim, 1)

        src_n, dst_n = [wrap(d) for d in src], [wrap(d) for d in dst]
        for name, given, dims in (("source", src, src_n), ("destination", dst, dst_n)):
            if len(set(dims)) != len(dims):
                raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(given)})")
        if not self.ndim:  # (dims 0 and -1 of a 0-d tensor: nothing moves)
            return Permute.apply(self, ())
        order = [None] * self.ndim
        for s, d in zip(src_n, dst_n):
            order[d] = s
        rest = iter(d for d in range(self.ndim) if d not in src_n)
        return Permute.apply(self, tuple(o if o is not None else next(rest) for o in order))

    moveaxis = movedim

    def flip(self, dims=None, *more) -> "Tensor":
        """The values in reverse order along each of ``dims`` (a copy, as torch's)."""
        if dims is None:
            raise TypeError('flip() missing 1 required positional arguments: "dims"')
        dims = _size_args((dims,) + more)
        return Flip.apply(self, _norm_dims(dims, self.ndim, "flip") if dims else ())

    def roll(self, shifts, dims=None) -> "Tensor":
        """Shift the values cyclically by ``shifts`` places along ``dims`` (ints or sequences of the same
        length); with ``dims=None`` along the flattened tensor, its shape kept."""
        shifts, dims = _size_args((shifts,)), () if dims is None else _size_args((dims,))
        if not shifts:
            raise RuntimeError("`shifts` required")
        if len(shifts) != len(dims) and not (len(shifts) == 1 and not dims):
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
        if self.numel() == 0:  # torch returns a copy of an empty tensor before it reads the dims
            return self.clone()
        if not dims:
            return Roll.apply(self, shifts[0], None)
        return Roll.apply(self, shifts, tuple(_one_dim(d, self.ndim, "roll") for d in dims))

    def tile(self, dims=None, *more) -> "Tensor":
        """``repeat`` with ``dims`` padded with leading 1s to the tensor's number of dims."""
        if dims is None:
            raise TypeError('tile() missing 1 required positional arguments: "dims"')
        dims = _size_args((dims,) + more)
        dims = (1,) * (self.ndim - len(dims)) + dims
        return self.repeat(*dims) if dims else Repeat.apply(self, ())

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
