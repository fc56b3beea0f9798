"""Tensor's in-place operations (``add_``, ``zero_``, ``copy_``, ``t[i] = v``, ``+=``, ``exp_()``…), as torch.

Every in-place method runs the out-of-place operation and writes its result into this tensor's
own memory (so views, ``.numpy()`` arrays and the same Python object all see it), then adds 1
to the version counter. When the operation is recorded (grad mode on and something requires
grad), the tensor's ``grad_fn`` becomes the operation's node, whose edge points at the node that
produced the old value: the graph stays correct, as in torch. See ``_inplace``.

``Tensor`` inherits the methods from :class:`InplaceMixin`; the last lines of tensor.py add the
``<name>_`` variants of its elementwise methods with :func:`install_inplace_variants`. (This module
sits below tensor.py: it gets the Tensor class from autograd.function's registry, ``tensor_class()``,
instead of importing it.)
"""
from __future__ import annotations

import numbers
import weakref

import numpy as np

from . import random as _random
from .autograd.function import edge_of, tensor_class
from .autograd.views import CopySlices
from .autograd.grad_mode import is_grad_enabled
from .dtypes import checked_scalar
from .ops.inplace import Copy, Fill, SetItem, Zero


class InplaceMixin:
    """The in-place methods of Tensor (``self`` is always a Tensor)."""

    def _inplace(self, compute, *operands, fast=None) -> "Tensor":
        """``self ← compute(self, *operands)`` in place, with torch's rules.

        * Recording, a leaf that requires grad (or a view of one) may not change: torch's error.
        * Recording with something requiring grad: ``compute`` runs on a private copy of the old
          value that stands in for it in the graph (so a node saving ``self`` keeps the old values),
          then ``self`` takes over the new node (``grad_fn``, ``retain_grad``, the saved-output
          check). Through a *view* of a graph tensor, the base takes over a CopySlices node
          instead, as in torch (``_inplace_on_view``, autograd/views.py).
        * Otherwise ``compute`` runs on ``self`` directly (or ``fast()`` writes in place).
        """
        Tensor = tensor_class()
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
            return self._inplace_on_view(compute, operands)
        old = Tensor(self.array.copy())  # the old value, standing in for ``self`` in the graph
        old._requires_grad, old._ctx, old._output_nr = self._requires_grad, self._ctx, self._output_nr
        out = compute(old, *operands)
        self._write(out.array)
        self._version_counter.version += 1
        if out._ctx is not None:  # (None: the operation ignores its inputs' gradients)
            self._take_over_history(out._ctx, out)
        return self

    def _inplace_on_view(self, compute, operands) -> "Tensor":
        """A recorded in-place change through a view (``x[0].mul_(2)``): the view's memory is its base's,
        so the *base* gets the new history, torch's CopySlices (autograd/views.py); the view, like
        every other view of that base, then reads its history from the base (``_sync_view``)."""
        Tensor = tensor_class()
        base = self._base
        old = Tensor(self.array.copy(), requires_grad=self.requires_grad)  # stands in for the view's old values
        out = compute(old, *operands)
        base_edge = edge_of(base)  # the base's history before the change
        self._write(out.array)
        self._version_counter.version += 1
        if out._ctx is not None:
            base._take_over_history(CopySlices(base_edge, base, self, out._ctx), out)
        return self

    def _take_over_history(self, node, out) -> None:
        """``self`` (whose memory now holds ``out``'s values) gets ``node`` as its ``grad_fn``."""
        counter = self._version_counter
        if self._retains_grad and self._ctx is not None and self._ctx._retained:
            self._ctx._retained.pop(self._output_nr, None)
        self._ctx, self._output_nr, self._requires_grad = node, 0, True
        if self._retains_grad:
            node._retained = {0: weakref.ref(self)}
        saved = node.fn._saved if isinstance(node, CopySlices) else node._saved
        for record in saved:  # the node saved its output: that output now lives in this memory
            if record.counter is out._version_counter:
                record.counter, record.version = counter, counter.version
        counter.graph_changes += 1  # views of this memory now have a stale grad_fn (``_sync_view``)

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
        Tensor = tensor_class()
        idx = self._index(index)
        if is_grad_enabled() and self.is_leaf and self.requires_grad:  # torch writes through a view of t
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
        if isinstance(value, Tensor):
            v = value if value.dtype == self.dtype else value.to(self.dtype)
        elif isinstance(value, (bool, int, float, complex, np.integer)):  # (np.float64 is a float)
            v = Tensor(np.asarray(value, dtype=self.dtype))
        else:  # torch takes a Tensor or a number: not a list, an array, None, a NumPy float32
            kind = type(value)
            name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
            raise TypeError(f"can't assign a {name} to a {self.type()}")
        target = self.array[idx].shape
        lead = 0  # torch drops the value's leading size-1 dims first (a (1, 2) value fills a (2,) slot)
        while lead < len(v.shape) and v.shape[lead] == 1:
            lead += 1
        if lead:
            v = v.view(v.shape[lead:])
        try:
            fits = np.broadcast_shapes(v.shape, target) == target
        except ValueError:
            fits = False
        if not fits:
            raise RuntimeError(f"t[index] = value: a value of shape {list(v.shape)} cannot be broadcast to the "
                               f"indexed shape {list(target)}")

        def fast():
            self.array[idx] = v.array

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

    def div_(self, other, *, rounding_mode=None):
        return self._inplace(lambda x, o: x.div(o, rounding_mode=rounding_mode), other)

    def floor_divide_(self, other):
        return self._inplace(lambda x, o: x.floor_divide(o), other)

    def remainder_(self, other):
        return self._inplace(lambda x, o: x.remainder(o), other)

    def fmod_(self, other):
        return self._inplace(lambda x, o: x.fmod(o), other)

    def __ifloordiv__(self, other):
        return self.floor_divide_(other)

    def __imod__(self, other):
        return self.remainder_(other)

    def zero_(self):
        return self._inplace(lambda x: Zero.apply(x), fast=lambda: self.array.fill(0))

    def fill_(self, value):
        if isinstance(value, tensor_class()) and value.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} "
                               f"dimensions.")
        value = value.item() if isinstance(value, tensor_class()) else value
        if not isinstance(value, numbers.Number):
            raise TypeError(f"fill_(): argument 'value' (position 1) must be Number, not {type(value).__name__}")
        value = checked_scalar(value, self.dtype)  # torch's conversion: uint8.fill_(-1) is 255
        return self._inplace(lambda x: Fill.apply(x, value), fast=lambda: self.array.fill(value))

    def copy_(self, src):
        if isinstance(src, numbers.Number) and not isinstance(src, complex):  # t.copy_(6) fills, as torch
            src = tensor_class()(np.asarray(src))
        return self._inplace(lambda x, s: Copy.apply(x, s), self._tensor_arg(src, "copy_", name="src"))

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


def _inplace_variant(cls, name: str):
    method = getattr(cls, name)

    def inplace(self, *args, **kwargs):
        return self._inplace(lambda x: method(x, *args, **kwargs))

    inplace.__name__ = inplace.__qualname__ = name + "_"
    inplace.__doc__ = f"In-place ``{name}``: ``t.{name}_(...)`` writes ``t.{name}(...)`` into ``t`` (see ``Tensor._inplace``)."
    return inplace


def install_inplace_variants(cls) -> None:
    """Give ``cls`` (Tensor, once complete) ``t.exp_()``, ``t.clamp_(0, 1)``...: the in-place twin of
    every elementwise method it has (including those of its mixins), built from the out-of-place one."""
    for name in ("exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu", "neg", "pow", "clamp", "clamp_min",
                  "clamp_max", "clip", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "log1p", "expm1",
                  "log2", "log10", "exp2", "rsqrt", "reciprocal", "sign", "sgn", "square", "floor", "ceil", "round",
                  "trunc", "frac", "erf", "atan2", "nan_to_num", "lerp", "addcmul", "addcdiv", "bitwise_and",
                  "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_left_shift", "bitwise_right_shift", "logical_not",
                  "logical_and", "logical_or", "logical_xor"):
        if hasattr(cls, name) and not hasattr(cls, name + "_"):
            setattr(cls, name + "_", _inplace_variant(cls, name))
