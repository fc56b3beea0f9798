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

import numpy as np

from .autograd import engine, function as _function, hooks
from .autograd.function import VersionCounter
from .autograd.gradients import backward as autograd_backward
from .autograd.views import AsStrided
from .device import Device
from .dtypes import _check_float, _dtype_name, as_dtype, bool_, get_default_dtype
from .ops.activation import ReLU, LogSoftmaxFn, SoftmaxFn, _softmax_dim
from .ops.elementwise import Abs, Exp, Log, Sigmoid, Sqrt, Tanh
from .ops.args import bool_arg
from .ops.reduction import _one_dim
from .ops.shape import GetItem
from .printing import tensor_repr
from .python_data import inferred_dtype, python_to_array
from .size import Size
from .tensor_arithmetic import ArithmeticMixin
from .tensor_convert import ConversionMixin
from .tensor_bits import BitsMixin
from .tensor_extras import TensorExtrasMixin
from .tensor_inplace import InplaceMixin, install_inplace_variants
from .tensor_math import TensorMathMixin
from .tensor_pointwise import PointwiseMixin
from .tensor_reduce import ReductionMixin
from .tensor_select import SelectionMixin
from .tensor_shape import ShapeMixin, legacy_new


_SUPPORTED = "float64, float32, float16, int64, int32, int16, int8, uint64, uint32, uint16, uint8, and bool"


def check_numpy_array(a: np.ndarray) -> None:
    """Refuse, as torch does, the arrays a Tensor cannot hold: object, string, datetime and record
    arrays (TypeError), and arrays in the non-native byte order (ValueError: the Numba kernels would
    fail to compile for them, and NumPy arithmetic on them is slow). Complex arrays are refused too
    (torch accepts them; this engine has no complex arithmetic)."""
    if a.dtype.kind not in "fiub" or (a.dtype.kind == "f" and a.dtype.itemsize > 8):  # > 8: np.longdouble
        raise TypeError(f"can't convert np.ndarray of type numpy.{a.dtype.type.__name__}. "
                        f"The only supported types are: {_SUPPORTED}.")
    if not a.dtype.isnative:
        raise ValueError("given numpy array has byte order different from the native byte order. "
                         "Conversion between byte orders is currently not supported. "
                         "(Convert it first: a.astype(a.dtype.newbyteorder('=')))")


def _check_fits(arr: np.ndarray, dtype) -> None:
    """torch refuses Python numbers that an integer dtype cannot hold (``tensor([300], dtype=uint8)``,
    ``tensor([inf], dtype=int64)``) instead of wrapping them; NumPy's ``astype`` would wrap silently."""
    target = np.dtype(dtype)
    if target.kind not in "iu" or arr.size == 0 or arr.dtype.kind not in "fiu":
        return
    info = np.iinfo(target)
    # torch's range check (c10::overflows): an unsigned dtype also takes -max … -1, which wrap
    # (tensor([-1], dtype=uint8) is 255), but 300 or -300 do not fit
    lo = -int(info.max) if target.kind == "u" else int(info.min)
    vals = arr.astype(np.float64) if arr.dtype.kind == "f" else arr
    if arr.dtype.kind == "f" and not np.isfinite(vals).all():
        bad = vals[~np.isfinite(vals)].flat[0]
    elif vals.min() < lo or vals.max() > info.max:
        bad = vals.min() if vals.min() < lo else vals.max()
    else:
        return
    raise RuntimeError(f"value cannot be converted to type {target.name} without overflow (got {bad})")


def _to_array(data, dtype=None) -> np.ndarray:
    """Turn Python data / arrays / Tensors into an array with torch's dtype inference."""
    dtype = as_dtype(dtype, "tensor")
    if isinstance(data, Tensor):
        arr = data.array
    elif isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in _flatten(data)):
        # torch reads a Tensor inside a list as one number (tensor([t1, t2]) of 1-element tensors is (2,))
        arr = python_to_array(_scalars(data), dtype)
    elif isinstance(data, (np.ndarray, np.generic)):
        arr = np.asarray(data)
        check_numpy_array(arr)
    else:
        arr = python_to_array(data, dtype)
        if dtype is not None:
            _check_fits(arr, dtype)
    if dtype is not None:
        return arr.astype(np.dtype(dtype), copy=False)
    if not isinstance(data, (np.ndarray, Tensor, np.generic)) and arr.dtype.kind in "fiub":
        inferred = inferred_dtype(data)  # torch's promotion over the elements (NumPy's would differ)
        if inferred is not None:
            arr = arr.astype(inferred)
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"tensor: can't convert data of dtype {arr.dtype} to a Tensor")
    return arr


def _scalars(xs):
    """A nested list with each Tensor in it replaced by its one value (torch's rule; more is a ValueError)."""
    out = []
    for x in xs:
        if isinstance(x, (list, tuple)):
            out.append(_scalars(x))
        elif isinstance(x, Tensor):
            if x.array.size != 1:
                raise ValueError("only one element tensors can be converted to Python scalars")
            out.append(x.array.reshape(()).item())
        else:
            out.append(x)
    return out


def _flatten(xs):
    for x in xs:
        if isinstance(x, (list, tuple)):
            yield from _flatten(x)
        else:
            yield x


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


class Tensor(ArithmeticMixin, ShapeMixin, InplaceMixin, TensorMathMixin, ReductionMixin, ConversionMixin,
             TensorExtrasMixin, BitsMixin, SelectionMixin, PointwiseMixin):
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

    def __init__(self, *args, requires_grad: bool = False, dtype=None, size=None):
        data = args[0] if len(args) == 1 else None
        if isinstance(data, np.ndarray) and dtype is None:  # the engine's constructor: wraps, dtype kept
            arr = data
        elif len(args) == 1 and (dtype is not None or isinstance(data, (np.generic, Tensor))):
            arr = _to_array(data, dtype)
        elif dtype is None:  # Tensor(2, 3), Tensor([1, 2]), Tensor(): torch.Tensor's legacy constructor
            arr = legacy_new(args, size, _to_array)
        else:
            raise TypeError(f"new() received an invalid combination of arguments: dtype= with {len(args)} arguments")
        self.array = arr
        self.grad = None
        self._ctx = None  # grad_fn: the node that produced this tensor (None for a leaf)
        self._output_nr = 0  # which output of that node this tensor is
        self._retains_grad = False
        self._accumulator = None  # weak reference to this leaf's AccumulateGrad node
        self._hooks = None  # a leaf's gradient hooks (autograd/hooks.py)
        self._version_counter = VersionCounter()  # shared with views; see ``_version``
        self._base = None  # for a view: the tensor whose memory it shows
        self._view_seen = 0  # for a view: the base's ``graph_changes`` when it was last in step
        self.requires_grad = requires_grad

    # -- autograd attributes ----------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        if self._base is not None:
            self._sync_view()
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

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        self.requires_grad = bool_arg(requires_grad, "requires_grad_", "requires_grad")
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
        if self._base is not None:
            self._sync_view()
        return self._ctx

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

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

    def register_hook(self, hook):
        """Run ``hook(grad)`` on this tensor's gradient during backward; a Tensor it returns replaces
        the gradient. Returns a handle whose ``remove()`` takes the hook off (autograd/hooks.py)."""
        return hooks.register_hook(self, hook)

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

    def _sync_view(self) -> None:
        """Rebuild a view's history after its base got a new ``grad_fn`` from an in-place operation.

        A view's ``grad_fn`` describes how it was computed from its base's *old* history. Once an
        in-place operation recorded in the graph changed the base (directly, or through this or another
        view: autograd/views.py), the view's values are those of the new base at the view's positions,
        so, as in torch, its ``grad_fn`` becomes ``AsStridedBackward0`` on top of the base's node.
        Called wherever the view's history is read (``grad_fn``, ``requires_grad``, ``is_leaf``, and
        when an operation links the view into the graph)."""
        if self._base is None or self._view_seen == self._version_counter.graph_changes:
            return
        self._view_seen = self._version_counter.graph_changes
        base = self._base
        if base._ctx is None and not base._requires_grad:
            return
        self._ctx, self._output_nr, self._requires_grad = AsStrided(self, base), 0, True

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
        if gradient is not None and not isinstance(gradient, Tensor):  # torch: no list/float/ndarray here
            raise TypeError(f"backward(): gradient must be a Tensor or None, got {type(gradient).__name__}")
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
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
            raise TypeError(f"size(): argument 'dim' (position 1) must be int, not {type(dim).__name__}")
        return int(self.array.shape[_one_dim(dim, self.ndim, "size")])

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
    def device(self) -> Device:
        return Device("cpu")

    @property
    def is_cuda(self) -> bool:
        return False

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        """torch's layout and number formatting (see printing.py)."""
        return tensor_repr(self)

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
        if self.dtype == bool_:
            raise NotImplementedError('"abs_cpu" not implemented for \'Bool\'')
        return Abs.apply(self)

    __abs__ = abs  # abs(t)

    def tanh(self):
        return Tanh.apply(self._float_only("tanh"))

    def sigmoid(self):
        return Sigmoid.apply(self._float_only("sigmoid"))

    def relu(self):
        if self.dtype == bool_:
            raise RuntimeError("Boolean inputs not supported for relu")
        return ReLU.apply(self)

    def softmax(self, dim):
        """The same checks and Function as ``F.softmax(self, dim)`` (ops/activation.py)."""
        d = _softmax_dim(dim, self.ndim, "softmax")  # torch checks the dim before the dtype
        _check_float(self, "softmax")
        return SoftmaxFn.apply(self, d)

    def log_softmax(self, dim):
        """The same checks and Function as ``F.log_softmax(self, dim)`` (ops/activation.py)."""
        d = _softmax_dim(dim, self.ndim, "log_softmax")
        _check_float(self, "log_softmax")
        return LogSoftmaxFn.apply(self, d)

    # -- indexing ------------------------------------------------------------------------------
    @staticmethod
    def _index(index):
        """``t[index]``'s index for NumPy: Tensors become arrays; a negative slice step is refused (torch
        has no reversed views; NumPy would silently reverse)."""
        for i in index if isinstance(index, tuple) else (index,):
            if isinstance(i, slice) and i.step is not None and i.step < 0:
                raise ValueError("step must be greater than zero")
        def part(i):  # an empty list selects nothing, as torch (NumPy reads it as a float array)
            return i.array if isinstance(i, Tensor) else np.empty(0, np.intp) if isinstance(i, list) and not i else i

        return tuple(part(i) for i in index) if isinstance(index, tuple) else part(index)

    def __getitem__(self, index) -> "Tensor":
        try:
            return GetItem.apply(self, index=self._index(index))  # a keyword: an index is not a graph input
        except IndexError as exc:
            raise IndexError(f"index {index!r} is out of range for a tensor of shape {tuple(self.shape)}: {exc}") from None


# ``t.exp_()``, ``t.clamp_(0, 1)``...: the in-place twin of every elementwise method (tensor_inplace.py)
install_inplace_variants(Tensor)

# Function.apply and the backward engine build Tensors; they get the class from here (see autograd/function.py).
_function._register_tensor_class(Tensor)
