"""torch-level functions: ``mt.exp(t)`` and friends (the Tensor method of the same name), the
reductions ``mt.sum/mean/max/min``, arithmetic with ``out=`` (``mt.add/sub/mul/div/pow/matmul/mm``,
``mt.floor_divide/remainder/fmod``),
``mt.where``, ``mt.stack`` / ``mt.cat`` / ``mt.hstack`` / ``mt.vstack``, which join tensors
(differentiable), and ``mt.broadcast_tensors``."""
from __future__ import annotations

import functools
import numbers

from .autograd.grad_mode import is_grad_enabled
from .creation import arange, tensor
from .dtypes import _promote
from .ops.arithmetic import broadcast_shape
from .ops.reduction import _reduce_dim
from .ops.shape import Cat, Stack
from .tensor import Tensor
from .tensor_arithmetic import floor_divide as _floor_divide, remainder as _remainder, rounded_div as _rounded_div
from .tensor_math import where as _where
from .tensor_inplace import _SCALAR_NAME


def _empty_list(name):
    from .errors import ShapeError  # torch: ValueError for cat, RuntimeError for stack; it is both

    return ShapeError(f"{name}: expected a non-empty list of Tensors")


def _check_elements(tensors) -> None:
    for k, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {k} in argument 0, but got {type(t).__name__}")


def _joined(tensors, name):
    """The tensors to join, each in the dtype torch gives the result (``torch.result_type`` over all of
    them: ``cat([float32, int64])`` is float32, where NumPy's concatenate would make float64)."""
    if isinstance(tensors, Tensor):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor")
    tensors = list(tensors)
    _check_elements(tensors)
    dt = None
    for t in tensors:
        dt = _promote(dt, t.dtype)
    return [t if t.dtype == dt else t.to(dt) for t in tensors]


def stack(tensors, dim: int = 0) -> Tensor:
    """Join same-shaped tensors along a new axis ``dim`` (differentiable)."""
    tensors = _joined(tensors, "stack")
    if not tensors:
        raise _empty_list("stack")
    shapes = {tuple(t.shape) for t in tensors}
    if len(shapes) != 1:
        raise RuntimeError(f"stack expects each tensor to be equal size, but got shapes {sorted(shapes)}")
    n = tensors[0].ndim + 1
    if not -n <= dim < n:
        raise IndexError(f"stack: dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return Stack.apply(*tensors, dim=dim % n)


def cat(tensors, dim: int = 0) -> Tensor:
    """Join tensors along an existing axis ``dim`` (differentiable)."""
    tensors = _joined(tensors, "cat")
    if not tensors:
        raise _empty_list("cat")
    for k, t in enumerate(tensors):
        if not t.ndim:
            raise RuntimeError(f"zero-dimensional tensor (at position {k}) cannot be concatenated")
    # torch's legacy rule: a 1-D empty tensor is skipped, whatever the others' shapes (if any remain)
    kept = [t for t in tensors if not (t.ndim == 1 and t.shape[0] == 0)]
    if kept and len(kept) < len(tensors):
        tensors = kept
    d = _reduce_dim(dim, tensors[0].ndim, "cat")
    for t in tensors:
        if t.ndim != tensors[0].ndim or t.shape[:d] + t.shape[d + 1:] != tensors[0].shape[:d] + tensors[0].shape[d + 1:]:
            raise RuntimeError(
                f"cat: sizes of tensors must match except in dimension {d}, got shapes {[tuple(x.shape) for x in tensors]}"
            )
    return Cat.apply(*tensors, dim=d)


def broadcast_tensors(*tensors) -> tuple:
    """The tensors expanded to their common broadcast shape; one already of that shape is returned itself."""
    _check_elements(tensors)
    shape = broadcast_shape(*(t.shape for t in tensors)) if tensors else ()
    return tuple(t if t.shape == shape else t.expand(shape) for t in tensors)


def hstack(tensors) -> Tensor:
    """Join along dim 1 (dim 0 when the tensors are 1-D; a 0-d tensor counts as 1-D)."""
    tensors = [t.reshape(1) if isinstance(t, Tensor) and not t.ndim else t for t in _listed(tensors, "hstack")]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors) -> Tensor:
    """Join along dim 0 after making every tensor at least 2-D (a 1-D tensor of n becomes a row 1×n)."""
    tensors = _listed(tensors, "vstack")
    return cat([t.reshape(1, -1) if isinstance(t, Tensor) and t.ndim < 2 else t for t in tensors], 0)


def _listed(tensors, name: str) -> list:
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{type(tensors).__name__}")
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    _check_elements(tensors)
    return tensors


# --- torch.f(input, ...) for a Tensor method f ---------------------------------------------------
def _method(name, doc_of=None):
    """``torch.<name>(input, *args, **kwargs)`` = ``input.<name>(*args, **kwargs)``, refusing a
    non-Tensor input with torch's TypeError (``sin(): argument 'input' (position 1) must be Tensor, not list``)."""
    method = getattr(Tensor, doc_of or name)

    @functools.wraps(method)
    def f(input, *args, **kwargs):  # noqa: A002 - torch's argument name
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
        return getattr(input, doc_of or name)(*args, **kwargs)

    f.__name__ = f.__qualname__ = name
    return f


exp = _method("exp")
log = _method("log")
sqrt = _method("sqrt")
abs = _method("abs")  # noqa: A001 - mirrors torch.abs
tanh = _method("tanh")
sigmoid = _method("sigmoid")
relu = _method("relu")
flatten = _method("flatten")
argmax = _method("argmax")
argmin = _method("argmin")
sin, cos, tan = _method("sin"), _method("cos"), _method("tan")
log1p, expm1, exp2 = _method("log1p"), _method("expm1"), _method("exp2")
log2, log10, rsqrt = _method("log2"), _method("log10"), _method("rsqrt")
reciprocal, sign, square = _method("reciprocal"), _method("sign"), _method("square")
neg = negative = _method("neg")
clamp, clip = _method("clamp"), _method("clip")
maximum, minimum = _method("maximum"), _method("minimum")
squeeze, unsqueeze = _method("squeeze"), _method("unsqueeze")
transpose, t = _method("transpose"), _method("t")


def reshape(input, shape):  # noqa: A002
    """``input.reshape(shape)``; the function takes the shape as one tuple (``reshape(x, -1)`` is torch's
    TypeError, where the method ``x.reshape(-1)`` is fine)."""
    _sequence_arg(shape, "reshape", "shape")
    return _method("reshape")(input, tuple(shape))


def permute(input, dims):  # noqa: A002
    """``input.permute(dims)``, the dims as one tuple, as torch's function takes them."""
    _sequence_arg(dims, "permute", "dims")
    return _method("permute")(input, tuple(dims))


softmax, log_softmax = _method("softmax"), _method("log_softmax")
clone, numel, detach = _method("clone"), _method("numel"), _method("detach")
where = _where
isnan, isinf, isfinite = _method("isnan"), _method("isinf"), _method("isfinite")
logical_not, logical_and, logical_or = _method("logical_not"), _method("logical_and"), _method("logical_or")
any, all = _method("any"), _method("all")  # noqa: A001 - torch.any / torch.all
equal, isclose, allclose = _method("equal"), _method("isclose"), _method("allclose")
round, floor, ceil, trunc = _method("round"), _method("floor"), _method("ceil"), _method("trunc")  # noqa: A001
var, std, gather, masked_fill, cumsum = (_method("var"), _method("std"), _method("gather"),
                                         _method("masked_fill"), _method("cumsum"))
bmm, dot, split, chunk = _method("bmm"), _method("dot"), _method("split"), _method("chunk")
sort, topk, norm = _method("sort"), _method("topk"), _method("norm")
eq, ne, lt, le, gt, ge = (_method(n) for n in ("eq", "ne", "lt", "le", "gt", "ge"))
not_equal, less, less_equal, greater, greater_equal = ne, lt, le, gt, ge
prod, logsumexp, index_select = _method("prod"), _method("logsumexp"), _method("index_select")
tril, triu, unflatten = _method("tril"), _method("triu"), _method("unflatten")
outer, ger = _method("outer"), _method("ger")
unique, bincount = _method("unique"), _method("bincount")
is_floating_point = _method("is_floating_point")
roll, movedim, moveaxis = _method("roll"), _method("movedim"), _method("moveaxis")
swapaxes, swapdims, ravel = _method("swapaxes"), _method("swapdims"), _method("ravel")
argsort, unbind, narrow, diag, cumprod = (_method("argsort"), _method("unbind"), _method("narrow"), _method("diag"),
                                          _method("cumprod"))
nonzero, argwhere, masked_select, count_nonzero = (_method("nonzero"), _method("argwhere"), _method("masked_select"),
                                                   _method("count_nonzero"))
amax, amin, nansum, nanmean = _method("amax"), _method("amin"), _method("nansum"), _method("nanmean")
median = _method("median")
erf, frac, atan2, arctan2, nan_to_num = (_method("erf"), _method("frac"), _method("atan2"), _method("arctan2"),
                                         _method("nan_to_num"))
lerp, addcmul, addcdiv = _method("lerp"), _method("addcmul"), _method("addcdiv")


def _sequence_arg(value, name: str, what: str) -> None:
    """torch.flip/tile/broadcast_to/reshape/permute take the dims or sizes as a sequence (the methods also
    take ints)."""
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{name}(): argument '{what}' (position 2) must be tuple of ints, not {type(value).__name__}")


def flip(input, dims) -> Tensor:  # noqa: A002 - torch's argument name
    """``input.flip(dims)``: reversed along each dim in the sequence ``dims``."""
    _sequence_arg(dims, "flip", "dims")
    return _method("flip")(input, dims)


def tile(input, dims) -> Tensor:  # noqa: A002
    """``input.tile(dims)``: ``repeat`` with ``dims`` padded by leading 1s."""
    _sequence_arg(dims, "tile", "dims")
    return _method("tile")(input, dims)


def broadcast_to(input, size) -> Tensor:  # noqa: A002
    """``input.expand(size)`` (``size`` a sequence; -1 keeps a dim)."""
    _sequence_arg(size, "broadcast_to", "size")
    return _method("broadcast_to")(input, size)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None) -> Tensor:  # noqa: A002
    """``input.repeat_interleave(repeats, dim)``; with one argument, a 1-D int tensor of counts r, the index
    of each position repeated: ``[0]*r₀ + [1]*r₁ + …``."""
    if repeats is not None:
        return _method("repeat_interleave")(input, repeats, dim, output_size=output_size)
    if not isinstance(input, Tensor):
        raise TypeError(f"repeat_interleave(): argument 'repeats' must be Tensor, not {type(input).__name__}")
    if input.dtype.name not in ("int32", "int64"):
        raise NotImplementedError(f'"repeat_interleave_cpu" not implemented for '
                                  f"'{_SCALAR_NAME.get(input.dtype.name, input.dtype.name)}'")
    if input.ndim != 1:
        raise RuntimeError(f"repeat_interleave only accept 1D vector as repeat, got {input.ndim} dims")
    return arange(input.shape[0], dtype=input.dtype).repeat_interleave(input, output_size=output_size)


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


# --- reductions as functions -------------------------------------------------------------------
def sum(input, dim=None, keepdim: bool = False, *, dtype=None):  # noqa: A001 - torch.sum
    """``torch.sum(x)``, ``torch.sum(x, dim, keepdim)`` (= ``x.sum(...)``)."""
    return _method("sum")(input, dim, keepdim, dtype=dtype)


def mean(input, dim=None, keepdim: bool = False, *, dtype=None):
    """``torch.mean(x)``, ``torch.mean(x, dim, keepdim)`` (= ``x.mean(...)``)."""
    return _method("mean")(input, dim, keepdim, dtype=dtype)


def max(input, dim=None, keepdim: bool = False):  # noqa: A001 - torch.max
    """Three forms, as torch: ``max(x)`` → the largest value (a 0-d tensor); ``max(x, dim, keepdim)``
    → ``(values, indices)``; ``max(x, other)`` with a tensor ``other`` → ``maximum(x, other)``."""
    return _method("max")(input, dim, keepdim)


def min(input, dim=None, keepdim: bool = False):  # noqa: A001 - torch.min
    """``min(x)``, ``min(x, dim, keepdim)`` → ``(values, indices)``, ``min(x, other)`` = ``minimum``."""
    return _method("min")(input, dim, keepdim)


# --- arithmetic with out= --------------------------------------------------------------------------
def _into(result: Tensor, out, name: str) -> Tensor:
    """Write ``result`` into the tensor ``out`` (resized when its shape differs, as torch) and return
    ``out``. Like torch, this refuses to record gradients: the result would have two histories."""
    if out is None:
        return result
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if is_grad_enabled() and (result.requires_grad or out.requires_grad):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    if result.dtype.kind == "f" and out.dtype.kind != "f" or result.dtype.kind in "iu" and out.dtype.kind == "b":
        raise RuntimeError(f"{name}(): result type {result.dtype.name} can't be cast to the desired "
                           f"output type {out.dtype.name}")
    if out.shape == result.shape:
        out.array[...] = result.array        # into the same memory: views and NumPy arrays see it
    else:
        out.array = result.array.astype(out.dtype)
    out._version_counter.version += 1        # an in-place write: a backward that saved ``out`` must refuse
    return out


def _binary_fn(name, op, two_numbers: bool = True):
    """``torch.<name>(input, other, out=None)``. ``two_numbers``: whether torch also takes two Python numbers
    (add, sub, mul, div and floor_divide do, computing on the first as a 0-d tensor; pow, remainder, fmod,
    matmul and mm refuse them)."""
    def f(input, other, *, out=None, **kwargs):  # noqa: A002
        if not isinstance(input, Tensor) and not isinstance(other, Tensor):
            if not two_numbers or not isinstance(input, numbers.Number):
                raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
            input = tensor(input)  # two numbers: torch computes on the first as a 0-d tensor  # noqa: A001
        return _into(op(input, other, **kwargs), out, name)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"``torch.{name}(input, other, out=None)``: see ``Tensor.{name}``; ``out=`` receives the result."
    return f


def _fmod(a, b):
    if not isinstance(a, Tensor):  # torch has fmod(Tensor, Tensor) and fmod(Tensor, Number) only
        raise TypeError(f"fmod(): argument 'input' (position 1) must be Tensor, not {type(a).__name__}")
    return a.fmod(b)


add = _binary_fn("add", lambda a, b, alpha=1: a.add(b, alpha=alpha) if isinstance(a, Tensor)
                 else a + (b * alpha if alpha != 1 else b))
sub = subtract = _binary_fn("sub", lambda a, b, alpha=1: a.sub(b, alpha=alpha) if isinstance(a, Tensor)
                            else a - (b * alpha if alpha != 1 else b))
mul = multiply = _binary_fn("mul", lambda a, b: a * b)
div = divide = _binary_fn("div", lambda a, b, rounding_mode=None: _rounded_div(a, b, rounding_mode))
true_divide = _binary_fn("true_divide", lambda a, b: _rounded_div(a, b, None))
floor_divide = _binary_fn("floor_divide", _floor_divide)
remainder = _binary_fn("remainder", _remainder, two_numbers=False)
fmod = _binary_fn("fmod", _fmod, two_numbers=False)
pow = _binary_fn("pow", lambda a, b: a ** b, two_numbers=False)  # noqa: A001 - torch.pow
matmul = _binary_fn("matmul", lambda a, b: _method("matmul")(a, b), two_numbers=False)
mm = _binary_fn("mm", lambda a, b: _method("mm")(a, b), two_numbers=False)
