"""Tensor methods that pick elements or pieces: ``argsort``, ``nonzero``/``argwhere``, ``masked_select``,
``count_nonzero``, ``unbind``, ``narrow``, ``diag``, ``repeat_interleave`` and ``cumprod``.

``Tensor`` inherits them from :class:`SelectionMixin`. Each checks its arguments with torch's errors and
applies a Function from :mod:`minitorch_cnn.ops.rearrange` (or an existing one: ``narrow`` is a slice,
``repeat_interleave`` an ``index_select``); the index-valued ones (argsort, nonzero, count_nonzero) have
no gradient. (This module sits below tensor.py: it builds Tensors with ``tensor_class()``.)
"""
from __future__ import annotations

import numpy as np

from .autograd.function import tensor_class
from .dtypes import bool_, int64
from .ops.arithmetic import broadcast_shape
from .ops.args import bool_arg, int_arg
from .ops.reduction import _norm_dims, _reduce_dim
from .ops.rearrange import Diagonal, DiagEmbed, MaskedSelect, UnbindPart
from .ops.selection import CumProd
from .tensor_inplace import _SCALAR_NAME


def _no_dims(name: str = "Dimension specified as 0") -> IndexError:
    return IndexError(f"{name} but tensor has no dimensions")


def _int_arg(value, who: str, what: str) -> int:
    """``value`` as an int for narrow's start and length and repeat_interleave's repeats, which take a
    0-d integer tensor too but name any other tensor in a RuntimeError (as torch); else ``int_arg``."""
    if hasattr(value, "array") and hasattr(value, "requires_grad"):
        if value.array.dtype.kind not in "iu" or value.array.ndim:
            raise RuntimeError(f"{what} must be an 0-dim integral Tensor.")
        return int(value.array)
    return int_arg(value, who, what)


class SelectionMixin:
    """The methods listed in the module docstring; ``self`` is always a Tensor."""

    def argsort(self, dim: int = -1, descending: bool = False, *, stable: bool = False):
        """The int64 indices that sort ``self`` along ``dim`` (``sort(...).indices``). Always a stable
        sort here: ties keep their order, which torch promises only with ``stable=True``."""
        bool_arg(descending, "argsort", "descending")
        bool_arg(stable, "argsort", "stable")
        return self.sort(dim, descending, stable).indices

    def nonzero(self, *, as_tuple: bool = False):
        """The indices of the non-zero elements (NaN counts as non-zero), row-major order: an (n, ndim)
        int64 tensor, or with ``as_tuple`` one 1-D tensor per dimension (a 0-d tensor counts as 1-D)."""
        T, a = tensor_class(), self.array
        if as_tuple:
            return tuple(T(i.astype(int64)) for i in np.nonzero(a.reshape(a.shape or (1,))))
        return T(np.argwhere(a).astype(int64))

    def argwhere(self):
        """``nonzero()``: the (n, ndim) int64 indices of the non-zero elements."""
        return self.nonzero()

    def count_nonzero(self, dim=None, *more):
        """How many elements are not zero (NaN is not zero), over ``dim`` (an int, a tuple or several ints;
        all by default), as int64."""
        if more:
            dim = (dim, *more)
        dims = _norm_dims(dim, self.ndim, "count_nonzero")
        return tensor_class()(np.asarray(np.sum(self.array != 0, axis=dims), dtype=int64))

    def masked_select(self, mask):
        """The elements of ``self`` where the bool ``mask`` is True (the two broadcast), as a 1-D tensor."""
        self._tensor_arg(mask, "masked_select", name="mask")
        if mask.dtype != bool_:
            raise RuntimeError(f"masked_select: expected BoolTensor for mask, got {mask.dtype.name}")
        broadcast_shape(mask.shape, self.shape)
        return MaskedSelect.apply(self, mask)

    def unbind(self, dim: int = 0):
        """The slices ``self[..., i, ...]`` along ``dim``, as a tuple of views (the dim removed)."""
        if not self.ndim:
            raise _no_dims(f"Dimension specified as {int_arg(dim, 'unbind')}")
        d = _reduce_dim(dim, self.ndim, "unbind")
        return tuple(UnbindPart.apply(self, index=(slice(None),) * d + (i,)) for i in range(self.shape[d]))

    def narrow(self, dim: int, start, length: int):
        """``length`` elements along ``dim`` from ``start`` (negative: counted from the end): a view."""
        if not self.ndim:
            raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
        length = _int_arg(length, "narrow", "length")
        if length < 0:  # (torch checks the length before the dim)
            raise RuntimeError(f"narrow(): length must be non-negative, got {length}.")
        d = _reduce_dim(dim, self.ndim, "narrow")
        start, n = _int_arg(start, "narrow", "start"), self.shape[d]
        if not -n <= start <= n:
            raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
        start += n if start < 0 else 0
        if start + length > n:
            raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
        return self[(slice(None),) * d + (slice(start, start + length),)]

    def diag(self, diagonal: int = 0):
        """A vector → the square matrix with it on diagonal ``diagonal`` (above the main one when > 0);
        a matrix → that diagonal of it, as a vector (empty past the corner)."""
        k = int_arg(diagonal, "diag", "diagonal")
        if self.ndim == 1:
            return DiagEmbed.apply(self, k)
        if self.ndim == 2:
            return Diagonal.apply(self, k)
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {self.ndim}D")

    def repeat_interleave(self, repeats, dim=None, *, output_size=None):
        """Each element (each slice along ``dim``; of the flattened tensor when ``dim`` is None) repeated
        ``repeats`` times (an ``unsqueeze``, ``expand`` and ``reshape``, as torch builds it), or
        ``repeats[i]`` times for the i-th (``index_select`` with the index ``[0]*r₀ + [1]*r₁ + …``). Either
        way the gradient of a slice is the sum over its copies."""
        T = tensor_class()
        if isinstance(repeats, T):
            r = repeats.array
            if r.dtype.name not in ("int32", "int64"):  # torch's kernel: no uint8, int8, int16
                raise NotImplementedError(f'"repeat_interleave_cpu" not implemented for '
                                          f"'{_SCALAR_NAME.get(r.dtype.name, r.dtype.name)}'")
            if r.ndim > 1:
                raise RuntimeError(f"repeats must be 0-dim or 1-dim tensor, got {r.ndim} dims")
            if r.size and r.min() < 0:
                raise RuntimeError("repeats can not be negative")
        else:
            r = np.asarray(_int_arg(repeats, "repeat_interleave", "repeats"))
            if r < 0:
                raise RuntimeError(f"Repeats must be non-negative, got {int(r)}")
        if dim is not None and not self.ndim:  # torch refuses a dim for a 0-d input (a Python int repeats
            if isinstance(repeats, T):         # names the dim after it, 1: its kernel unsqueezes first)
                raise _no_dims(f"Dimension specified as {dim}")
            _norm_dims(dim, 0, "repeat_interleave")
            raise IndexError("repeat_interleave: Dimension out of range (expected to be in range of [-1, 0], but "
                             "got 1)")
        x = self.reshape(-1) if dim is None else self
        d = 0 if dim is None else _reduce_dim(dim, x.ndim, "repeat_interleave")
        n = x.shape[d]
        if r.ndim == 1 and r.size not in (1, n):
            raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                               f"{r.size} and input.size({d}) = {n}")
        index = np.repeat(np.arange(n), np.broadcast_to(r.reshape(-1), (n,)))
        if output_size is not None and output_size != index.size:
            raise RuntimeError(f"repeat_interleave: Invalid output_size, expected {index.size} but got {output_size}")
        if not isinstance(repeats, T):  # one count for all: each slice copied r times next to itself, as torch
            shape = x.shape[:d + 1] + (int(r),) + x.shape[d + 1:]
            # unsqueeze, expand, a row-major copy, view: torch's graph (… CloneBackward0, ViewBackward0)
            return x.unsqueeze(d + 1).expand(*shape).contiguous().view(*x.shape[:d], n * int(r), *x.shape[d + 1:])
        return x.index_select(d, T(index.astype(int64)))

    def cumprod(self, dim: int, *, dtype=None):
        """``y_k = Π_{i≤k} x_i`` along ``dim``; bool and integer tensors multiply in int64, as torch."""
        t = self if dtype is None else self.to(dtype)
        if t.dtype.kind in "biu" and dtype is None:
            t = t.to(int64)
        if not self.ndim:  # dim 0 or -1 of a 0-d tensor: the value itself, still 0-d
            _norm_dims(dim, 0, "cumprod")
            return CumProd.apply(t.reshape(1), 0).reshape(())
        return CumProd.apply(t, _reduce_dim(dim, self.ndim, "cumprod"))
