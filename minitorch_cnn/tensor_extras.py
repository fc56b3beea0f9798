"""More Tensor methods that small image and MLP programs reach for: NaN/inf tests, any/all, equal/allclose/isclose, rounding, var/std, gather,
masked_fill, cumsum, bmm/dot, chunk/split, sort/topk; and prod, logsumexp, index_select, tril/triu,
outer, unflatten (:class:`TensorMoreMixin`, ops from :mod:`minitorch_cnn.ops.more_ops`). ``Tensor`` inherits them from
:class:`TensorExtrasMixin`; the differentiable ones apply Functions from :mod:`minitorch_cnn.ops.selection`.
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from .autograd.function import tensor_class
from .dtypes import bool_, get_default_dtype, int64
from .ops import more_ops as M, selection as S
from .ops.arithmetic import broadcast_shape
from .ops.args import bool_arg, dims_arg, int_arg
from .ops.reduction import _norm_dims, _reduce_dim


def _named(kind):
    base = namedtuple(kind, ["values", "indices"])
    return type(kind, (base,), {"__repr__": lambda self: (
        f"minitorch_cnn.return_types.{kind}(\nvalues={self.values!r},\nindices={self.indices!r})")})


SortResult, TopkResult = _named("sort"), _named("topk")
_SCALAR = {"float32": "Float", "float64": "Double", "float16": "Half"}


def _index_vector(index, dim_size: int, who: str, dim1: bool = False) -> np.ndarray:
    """The 1-D int32/int64 index as an array, every entry in ``[0, dim_size)`` (torch refuses negative
    entries here). Out of range is torch's IndexError, except along dim 1 of an input of 2+ dims, where
    torch's separate kernel for that dim raises a RuntimeError (``dim1``)."""
    arr = getattr(index, "array", None)
    if arr is None:
        raise TypeError(f"{who}(): argument 'index' (position 2) must be Tensor, not {type(index).__name__}")
    if arr.dtype not in (np.int64, np.int32) or arr.ndim > 1:
        raise (IndexError if arr.ndim > 1 else RuntimeError)(
            f"{who}(): Expected a 1-D index tensor of dtype int32 or int64, got {arr.dtype.name} with {arr.ndim} dims")
    if arr.size and (arr.min() < 0 or arr.max() >= dim_size):
        bad = int(arr.min()) if arr.min() < 0 else int(arr.max())
        if dim1:
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={dim_size}")
        raise IndexError("index out of range in self")
    return arr.reshape(-1)


class TensorMoreMixin:
    """prod, logsumexp, index_select, tril/triu, unflatten (ops/more_ops.py); ``self`` is a Tensor."""

    def prod(self, dim=None, keepdim: bool = False, dtype=None):
        bool_arg(keepdim, "prod", "keepdim")
        t = self if dtype is None else self.to(dtype)
        if t.dtype.kind in "biu" and dtype is None:  # torch multiplies bool and ints in int64
            t = t.to(int64)
        if dim is None:
            return M.Prod.apply(t)
        return M.ProdDim.apply(t, _reduce_dim(dim, t.ndim, "prod"), keepdim)

    def logsumexp(self, dim, keepdim: bool = False):
        bool_arg(keepdim, "logsumexp", "keepdim")
        t = self if self.dtype.kind == "f" else self.to(get_default_dtype())
        return M.LogSumExp.apply(t, _norm_dims(dim, t.ndim, "logsumexp"), keepdim)

    def index_select(self, dim: int, index):
        int_arg(dim, "index_select")  # the arguments' types first, then the dim's range (as torch)
        self._tensor_arg(index, "index_select", 2, "index")
        d = _reduce_dim(dim, self.ndim, "index_select")
        idx = _index_vector(index, self.shape[d] if self.ndim else 1, "index_select", dim1=d == 1)  # (d = 1: 2+ dims)
        if not self.ndim:  # a 0-d input takes one index and stays 0-d, as torch
            if idx.size != 1:
                raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {idx.size} value(s)")
            return M.IndexSelect.apply(self.reshape(1), idx, 0).reshape(())
        return M.IndexSelect.apply(self, idx, d)

    def _triangle(self, fn, diagonal, name):
        diagonal = int_arg(diagonal, name, "diagonal")
        if self.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        return fn.apply(self, diagonal)

    def tril(self, diagonal: int = 0):
        return self._triangle(M.Tril, diagonal, "tril")

    def triu(self, diagonal: int = 0):
        return self._triangle(M.Triu, diagonal, "triu")

    def unique(self, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,  # noqa: A002
               dim=None):
        """The distinct values in ascending order (each NaN kept apart, as torch); optionally the index of
        each input element in them (``return_inverse``) and how often each occurs (``return_counts``).
        ``sorted=False`` gives them sorted too (torch promises no order then)."""
        for flag, value in (("sorted", sorted), ("return_inverse", return_inverse), ("return_counts", return_counts)):
            bool_arg(value, "unique", flag)
        d = None if dim is None else _reduce_dim(dim, self.ndim, "unique")
        if d is not None and any(n == 0 for i, n in enumerate(self.shape) if i != d):
            raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied")
        values = M.Unique.apply(self, d)
        if not (return_inverse or return_counts):
            return values
        _, inverse, counts = np.unique(self.array, return_inverse=True, return_counts=True, axis=d, equal_nan=False)
        out = [values]
        if return_inverse:
            shape = self.shape if d is None else (self.shape[d],)
            out.append(tensor_class()(np.asarray(inverse, dtype=np.int64).reshape(shape)))
        if return_counts:
            out.append(tensor_class()(np.asarray(counts, dtype=np.int64)))
        return out[0] if len(out) == 1 else tuple(out)

    def bincount(self, weights=None, minlength: int = 0):
        """``out[k]`` = how many elements equal k (or the sum of their ``weights``), for k < max + 1 (at least
        ``minlength`` entries). Only 1-D non-negative integer tensors (not bool), with weights of the same
        length, as torch."""
        a = self.array
        if weights is not None:
            self._tensor_arg(weights, "bincount", name="weights")
        if minlength < 0:
            raise RuntimeError("minlength should be >= 0")
        if a.dtype.kind not in "iu":  # bool too is refused by torch
            raise NotImplementedError(f'"bincount_cpu" not implemented for '
                                      f"'{_SCALAR.get(a.dtype.name, a.dtype.name)}'")
        if a.ndim != 1 or (a.size and a.min() < 0):
            raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
        if weights is None or a.size == 0:  # torch: an empty input gives int64 zeros, weights or not
            return tensor_class()(np.bincount(a, minlength=minlength).astype(np.int64))
        w = weights.array
        if w.shape != a.shape:
            raise RuntimeError("weights should be 1-d and have the same length as input")
        dtype = w.dtype if w.dtype.kind == "f" else np.dtype(np.float64)
        return tensor_class()(np.bincount(a, weights=w.astype(np.float64), minlength=minlength).astype(dtype))

    def outer(self, vec2):
        """``out[i, j] = self[i] · vec2[j]`` for two vectors: ``self.reshape(-1, 1) * vec2``, as torch builds it."""
        self._tensor_arg(vec2, "outer", name="vec2")
        for name, v in (("self", self), ("vec2", vec2)):
            if v.ndim != 1:
                raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v.ndim}-D")
        return self.reshape(self.shape[0], 1) * vec2

    ger = outer

    def unflatten(self, dim: int, sizes):
        """Split dimension ``dim`` into ``sizes`` (one entry may be -1): a view, as torch."""
        d = _reduce_dim(dim, self.ndim, "unflatten")
        sizes = tuple(int(s) for s in sizes)
        known = int(np.prod([s for s in sizes if s != -1]))
        if sizes.count(-1) > 1 or (-1 not in sizes and known != self.shape[d]) or (
                -1 in sizes and (known == 0 or self.shape[d] % known)):
            raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
                               f"({self.shape[d]}) in the input tensor")
        return self.view((*self.shape[:d], *sizes, *self.shape[d + 1:]))


class TensorExtrasMixin(TensorMoreMixin):
    """The methods listed in the module docstring; ``self`` is always a Tensor."""

    def _tensor_arg(self, other, who, position=1, name="other"):
        """``other`` itself when it is a Tensor, else torch's TypeError naming the argument: where torch
        takes only a tensor (``t.dot(2)``, ``t.expand_as(0)``), a number is not silently wrapped."""
        if not isinstance(other, tensor_class()):
            raise TypeError(f"{who}(): argument '{name}' (position {position}) must be Tensor, not {type(other).__name__}")
        return other

    def isnan(self):
        return tensor_class()(np.isnan(self.array))

    def isinf(self):
        return tensor_class()(np.isinf(self.array))

    def isfinite(self):
        return tensor_class()(np.isfinite(self.array))

    def any(self, dim=None, keepdim: bool = False):
        """Whether some element (along ``dim``) is nonzero: bool, except uint8 in, uint8 out (as torch)."""
        return self._truth(np.any, "any", dim, keepdim)

    def all(self, dim=None, keepdim: bool = False):
        """Whether every element (along ``dim``) is nonzero: bool, except uint8 in, uint8 out (as torch)."""
        return self._truth(np.all, "all", dim, keepdim)

    def _truth(self, reduce, name, dim, keepdim):
        bool_arg(keepdim, name, "keepdim")
        dims = None if dim is None else _norm_dims(dim, self.ndim, name)
        out = np.asarray(reduce(self.array, axis=dims, keepdims=keepdim))
        return tensor_class()(out.astype(np.uint8) if self.dtype == np.uint8 else out)

    def equal(self, other) -> bool:
        """True when both tensors have the same shape and the same values."""
        self._tensor_arg(other, "equal")
        return self.shape == other.shape and bool(np.array_equal(self.array, other.array))

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        """``|a − b| ≤ atol + rtol·|b|`` elementwise (torch's and NumPy's rule); both tensors of one dtype."""
        b = self._tensor_arg(other, "isclose", 2).array
        broadcast_shape(self.shape, b.shape, name="isclose")
        if other.dtype != self.dtype:
            raise RuntimeError(f"isclose: {self.dtype.name} did not match {other.dtype.name}")
        return tensor_class()(np.isclose(self.array, b, rtol, atol, equal_nan))

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
        return bool(self.isclose(other, rtol, atol, equal_nan).array.all())

    # -- rounding (zero gradient) ----------------------------------------------------------------------
    def _round(self, how):
        if self.dtype.kind == "b":  # torch rounds ints (to themselves) but has no bool kernel
            raise NotImplementedError(f'"{how}" not implemented for \'Bool\'')
        return self if self.dtype.kind in "iu" else S.Round.apply(self, how)

    def round(self):
        """Round half to even, as torch and NumPy."""
        return self._round("round")

    def floor(self):
        return self._round("floor")

    def ceil(self):
        return self._round("ceil")

    def trunc(self):
        return self._round("trunc")

    # -- statistics ------------------------------------------------------------------------------------
    def var(self, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
        """Variance over ``dim`` (all elements by default) with Bessel's correction unless
        ``unbiased=False`` / ``correction=0``; ``t.var(True)`` is torch's ``var(unbiased)`` form."""
        return self._spread(S.Var, "var", dim, unbiased, keepdim, correction)

    def std(self, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
        """Standard deviation: ``√var`` with the same arguments as :meth:`var`."""
        return self._spread(S.Std, "std", dim, unbiased, keepdim, correction)

    def _spread(self, fn, name, dim, unbiased, keepdim, correction):
        if isinstance(dim, (bool, np.bool_)) and unbiased is None:  # torch's var(unbiased) overload
            dim, unbiased = None, dim
        bool_arg(keepdim, name, "keepdim")
        if unbiased is not None:
            bool_arg(unbiased, name, "unbiased")
        dims_arg(dim, name)  # the dims' type before the dtype, their range after (as torch)
        if self.dtype.kind != "f":
            raise RuntimeError(f"{name}(): input dtype should be floating point, got {self.dtype.name}")
        c = 1 if correction is None and unbiased is None else correction if correction is not None else int(unbiased)
        return fn.apply(self, _norm_dims(dim, self.ndim, name), c, keepdim)

    # -- picking and spreading ------------------------------------------------------------------------
    def gather(self, dim, index):
        """``out[i][j] = self[index[i][j]][j]`` for dim 0 (likewise for other dims); ``index`` int64."""
        self._tensor_arg(index, "gather", 3, "index")
        if index.dtype not in (int64, np.dtype(np.int32)):
            raise RuntimeError(f"gather(): Expected dtype int32/int64 for index, got {index.dtype.name}")
        if index.ndim != self.ndim:
            raise RuntimeError(f"gather: index {tuple(index.shape)} must have as many dimensions as the input "
                               f"{tuple(self.shape)}")
        d = _reduce_dim(dim, self.ndim, "gather")
        if not self.ndim:  # 0-d input and index: index 0 picks the value (torch treats it as one element)
            return S.Gather.apply(self.reshape(1), S.checked_index(index.array.reshape(1), 1, 0), 0).reshape(())
        S.checked_index(index.array, self.shape[d], d)
        # torch: the output has index's shape; along every other dim the index may be shorter than the
        # input (only its first index.shape[k] entries are read), never longer
        for k in range(self.ndim):
            if k != d and index.shape[k] > self.shape[k]:
                raise RuntimeError(f"gather(): Size does not match at dimension {k} expected index "
                                   f"{list(index.shape)} to be no larger than self {list(self.shape)} apart from "
                                   f"dimension {d}")
        src = self
        if any(k != d and index.shape[k] < self.shape[k] for k in range(self.ndim)):
            src = self[tuple(slice(None) if k == d else slice(0, index.shape[k]) for k in range(self.ndim))]
        return S.Gather.apply(src, index.array.astype(np.int64, copy=False), d)

    def masked_fill(self, mask, value):
        """``value`` where ``mask`` (a bool tensor that broadcasts) is True, the input elsewhere."""
        self._tensor_arg(mask, "masked_fill", name="mask")
        if mask.dtype != bool_:
            raise RuntimeError(f"masked_fill only supports boolean masks, but got mask with dtype {mask.dtype.name}")
        try:
            shape = np.broadcast_shapes(mask.shape, self.shape)
        except ValueError:
            raise RuntimeError(f"masked_fill: the mask of shape {tuple(mask.shape)} does not broadcast with the "
                               f"input's shape {tuple(self.shape)}") from None
        v = value.item() if isinstance(value, tensor_class()) else value
        src = self if shape == self.shape else self.expand(shape)  # torch: the result has the broadcast shape
        return S.MaskedFill.apply(src, np.broadcast_to(mask.array, shape), v)

    def masked_fill_(self, mask, value):
        """In place :meth:`masked_fill`; the mask must broadcast to self's own shape (torch's in-place rule)."""
        if isinstance(mask, tensor_class()):
            try:
                shape = np.broadcast_shapes(mask.shape, self.shape)
            except ValueError:
                shape = None  # masked_fill names the mismatch
            if shape is not None and shape != self.shape:
                raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape {list(shape)}")
        return self._inplace(lambda x: x.masked_fill(mask, value))

    def cumsum(self, dim, *, dtype=None):
        """Running sums along ``dim``; bool and integer tensors add in int64 unless ``dtype`` says otherwise."""
        t = self.to(dtype) if dtype is not None else self.to(int64) if self.dtype.kind in "biu" else self
        if not self.ndim:  # dim 0 or -1 of a 0-d tensor: the value itself, still 0-d
            _norm_dims(dim, self.ndim, "cumsum")
            return S.CumSum.apply(t.reshape(1), 0).reshape(())
        return S.CumSum.apply(t, _reduce_dim(dim, self.ndim, "cumsum"))

    def bmm(self, mat2):
        """Batched matrix product: (b, n, m) @ (b, m, p) → (b, n, p), no broadcasting."""
        self._tensor_arg(mat2, "bmm", name="mat2")
        if self.ndim != 3 or mat2.ndim != 3:
            raise RuntimeError(f"bmm: batch1 and batch2 must be 3-D tensors, got {tuple(self.shape)} and "
                               f"{tuple(getattr(mat2, 'shape', ()))}")
        if self.shape[0] != mat2.shape[0] or self.shape[2] != mat2.shape[1]:
            raise RuntimeError(f"bmm: shapes {tuple(self.shape)} and {tuple(mat2.shape)} cannot be multiplied")
        return self @ mat2

    def dot(self, other):
        """Inner product of two 1-D tensors of the same length."""
        self._tensor_arg(other, "dot", name="tensor")
        if self.ndim != 1 or other.ndim != 1:
            raise RuntimeError(f"1D tensors expected, but got {self.ndim}D and {other.ndim}D tensors")
        if self.shape != other.shape:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{self.shape[0]}] and src "
                               f"[{other.shape[0]}] to have the same number of elements, but got "
                               f"{self.shape[0]} and {other.shape[0]} elements respectively")
        return self @ other

    def split(self, split_size_or_sections, dim: int = 0):
        """Pieces along ``dim``: of ``split_size`` each (the last may be smaller), or of the given sizes."""
        by_size = not isinstance(split_size_or_sections, (list, tuple))
        sizes = [int_arg(s, "split" if by_size else "split_with_sizes", "split_size" if by_size else "split_sizes")
                 for s in ([split_size_or_sections] if by_size else split_size_or_sections)]
        if not self.ndim:
            raise RuntimeError("split expects at least a 1-dimensional tensor")
        d = _reduce_dim(dim, self.ndim, "split")
        n = self.shape[d]
        if by_size:
            step = sizes[0]
            if step < 0:
                raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
            if step == 0 and n:
                raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
            sizes = [min(step, n - s) for s in range(0, n, step)] if n else [0]
        else:
            if min(sizes, default=0) < 0:
                raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                                   f"split_sizes={sizes}")
            if sum(sizes) != n:
                raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's "
                                   f"size at dimension {d}), but got split_sizes={sizes}")
        out, start = [], 0
        for s in sizes:
            index = (slice(None),) * d + (slice(start, start + s),)
            out.append(self[index])
            start += s
        return tuple(out)

    def chunk(self, chunks: int, dim: int = 0):
        """At most ``chunks`` pieces of equal size ``ceil(n / chunks)`` along ``dim``."""
        if int_arg(chunks, "chunk", "chunks") <= 0:
            raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
        if not self.ndim:
            raise RuntimeError("chunk expects at least a 1-dimensional tensor")
        n = self.shape[_reduce_dim(dim, self.ndim, "chunk")]
        if n == 0:  # torch: `chunks` empty pieces
            return self.split([0] * chunks, dim)
        return self.split(-(-n // chunks), dim)

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False):
        """``(values, indices)`` sorted along ``dim`` (a stable sort; ties keep their order)."""
        bool_arg(descending, "sort", "descending")
        bool_arg(stable, "sort", "stable")
        d = _reduce_dim(dim, self.ndim, "sort")
        if not self.ndim:
            idx = np.zeros((), int64)
        elif descending:
            # The ascending stable order of the line read backwards, itself read backwards and mapped back
            # to positions: largest first, ties in their original order, NaN (torch's largest) first.
            # Negating the values instead would wrap unsigned ints and the smallest int64.
            n = self.shape[d]
            idx = n - 1 - np.flip(np.argsort(np.flip(self.array, d), axis=d, kind="stable"), d)
        else:
            idx = np.argsort(self.array, axis=d, kind="stable")  # NaN last, as torch
        index = tensor_class()(np.asarray(idx, dtype=int64))
        return SortResult(self.gather(d, index) if self.ndim else self.clone(), index)

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):  # noqa: A002
        """The ``k`` largest (or smallest) values along ``dim`` and their indices."""
        bool_arg(largest, "topk", "largest")
        bool_arg(sorted, "topk", "sorted")
        k, d = int_arg(k, "topk", "k"), _reduce_dim(dim, self.ndim, "topk")
        if self.dtype == bool_:
            raise RuntimeError("topk does not support bool dtypes on CPU")
        if not 0 <= k <= (self.shape[d] if self.ndim else 1):
            raise RuntimeError(f"topk: k ({k}) is out of range for dimension {d} of size "
                               f"{self.shape[d] if self.ndim else 1}")
        values, indices = self.sort(d, descending=largest)
        if not self.ndim:  # k is 0 or 1 here; torch gives the value and index 0 either way
            return TopkResult(values, indices)
        index = (slice(None),) * d + (slice(0, k),)
        return TopkResult(values[index], tensor_class()(indices.array[index]))

