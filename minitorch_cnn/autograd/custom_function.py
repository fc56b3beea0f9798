"""``autograd.Function``: write your own differentiable operation with torch's contract.

::

    class MyExp(mt.autograd.Function):
        @staticmethod
        def forward(ctx, x):              # Tensors in, Tensor(s) out; runs without recording a graph
            y = x.exp()
            ctx.save_for_backward(y)      # what backward will need
            return y

        @staticmethod
        def backward(ctx, grad):          # one gradient per output in, one per forward input out
            (y,) = ctx.saved_tensors      # checked: freed after backward, or modified in place → error
            return grad * y

    y = MyExp.apply(x)                    # y.grad_fn.name() == "MyExpBackward"
    mt.autograd.gradcheck(MyExp.apply, (x,))   # compare backward with finite differences

``ctx`` is the graph node itself (``y.grad_fn is ctx``, as in torch): ``ctx.needs_input_grad``
says which forward inputs want a gradient, ``ctx.mark_non_differentiable(t)`` marks an output
(indices, masks) that gets no gradient, and any other attribute (``ctx.k = k``) is yours.

How this relates to the engine's own operations
-----------------------------------------------
The engine's ops (:mod:`minitorch_cnn.ops`, :mod:`minitorch_cnn.nn.functional`) use the same idea
with NumPy arrays instead of Tensors: ``forward(self, *arrays)`` saves what it needs on ``self``
(``self.x = x`` plays the part of ``ctx.save_for_backward(x)``), ``backward(self, grad)`` returns one
array per input. Working on arrays keeps each op a few lines of plain NumPy with the math in its
docstring, and no graph can be recorded by accident inside it. This class is a thin adapter on the
same :class:`~.function.Function` node: it turns arrays into Tensors on the way in and back on the way
out, and checks what your backward returns (docs/architecture.md, "Autograd").
"""
from __future__ import annotations

import numpy as np

from . import function, grad_mode
from .function import SECOND_BACKWARD, Function as _EngineFunction, SavedRecord, edge_of


def _sum_to(arr: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum a gradient that was broadcast to a bigger shape back down to ``shape`` (as torch's ``sum_to``)."""
    lead = arr.ndim - len(shape)
    if lead:
        arr = arr.sum(axis=tuple(range(lead)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and arr.shape[i] != 1)
    return (arr.sum(axis=axes, keepdims=True) if axes else arr).reshape(shape)


class BackwardCFunction(_EngineFunction):
    """The node (and ``ctx``) of one call of a custom Function; torch calls this class the same."""

    node_name = "CustomFunctionBackward"
    _fn_cls = None
    _to_save: tuple = ()
    materialize_grads = True

    def name(self) -> str:
        return (self._fn_cls.__name__ + "Backward") if self._fn_cls is not None else self.node_name

    # -- the ctx API ----------------------------------------------------------------------------------
    def save_for_backward(self, *tensors) -> None:
        """Keep these tensors (inputs, outputs or None) for ``backward``; read them with ``ctx.saved_tensors``."""
        Tensor = function.tensor_class()
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save tensors, but argument 0 is of type {type(t).__name__}")
        self._to_save = tensors

    @property
    def saved_tensors(self) -> tuple:
        if self._freed:
            raise RuntimeError(SECOND_BACKWARD)
        for record in self._saved:
            record.check()
        return tuple(self._to_save)

    def mark_non_differentiable(self, *tensors) -> None:
        """These outputs get ``requires_grad=False``; backward still receives a (zero) gradient for them."""
        self._non_differentiable = tuple(tensors)

    def mark_dirty(self, *tensors) -> None:
        raise NotImplementedError("ctx.mark_dirty (a custom Function that changes its inputs in place) is not supported")

    def set_materialize_grads(self, value: bool) -> None:
        """False: an output that got no gradient is passed to backward as None instead of zeros."""
        self.materialize_grads = bool(value)

    # -- the engine's side ----------------------------------------------------------------------------
    def _release(self) -> None:
        if self._to_save:
            self._to_save = ()
            self._saved = ()
            self._freed = True

    def _run_backward(self, grads):
        Tensor = function.tensor_class()
        if self._freed:
            raise RuntimeError(SECOND_BACKWARD)
        grad_tensors = []
        for g, meta in zip(grads, self._output_shapes):
            if meta is None or (g is None and not self.materialize_grads):
                grad_tensors.append(None)
            else:
                grad_tensors.append(Tensor(np.zeros(*meta) if g is None else np.asarray(g)))
        with grad_mode.no_grad():
            result = self._fn_cls.backward(self, *grad_tensors)
        return self._check_gradients(result if isinstance(result, tuple) else (result,))

    def _check_gradients(self, result: tuple) -> tuple:
        """torch's checks on what a custom backward returned: count, type, shape (sum-to if broadcastable)."""
        Tensor = function.tensor_class()
        n = len(self._input_meta)
        if len(result) > n and all(r is None for r in result[n:]):
            result = result[:n]
        if len(result) != n:
            raise RuntimeError(
                f"function {self.name()} returned an incorrect number of gradients (expected {n}, got {len(result)})"
            )
        out = []
        for i, (r, meta) in enumerate(zip(result, self._input_meta)):
            if r is None:
                out.append(None)
                continue
            if meta is None:
                raise RuntimeError(
                    f"function {self.name()} returned a gradient different than None at position {i + 1}, but the "
                    "corresponding forward input was not a Variable"
                )
            arr = r.array if isinstance(r, Tensor) else np.asarray(r)
            shape, dtype = meta
            if arr.shape != shape:
                try:
                    ok = np.broadcast_shapes(arr.shape, shape) == arr.shape
                except ValueError:
                    ok = False
                if not ok:
                    raise RuntimeError(
                        f"Function {self.name()} returned an invalid gradient at index {i} - got {list(arr.shape)} "
                        f"but expected shape compatible with {list(shape)}"
                    )
                arr = _sum_to(arr, shape)
            out.append(arr.astype(dtype, copy=False))
        return tuple(out)


class Function:
    """Base class of a custom differentiable operation (torch's ``torch.autograd.Function``).

    Subclass it with two static methods, ``forward(ctx, *args)`` and ``backward(ctx, *grads)``, and
    call ``YourFn.apply(*args)``. See the module docstring for an example.
    """

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not overridden")

    def __init__(self, *args, **kwargs):
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please use new-style "
            "autograd function with static forward method. (Example: https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)"
        )

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run ``forward`` (without recording), then, if grad mode is on and some input requires grad,
        make the outputs non-leaf tensors whose ``grad_fn`` calls this class's ``backward``."""
        Tensor = function.tensor_class()
        ctx = BackwardCFunction()
        ctx._fn_cls = cls
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        track = grad_mode.is_grad_enabled() and any(ctx.needs_input_grad)
        with grad_mode.no_grad():
            if cls.setup_context is not Function.setup_context:
                outputs = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, outputs)
            else:
                outputs = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(outputs, tuple)
        outs = list((outputs,) if single else outputs)
        for i, o in enumerate(outs):
            if isinstance(o, Tensor) and any(o is a for a in args):  # an input returned as is: a new alias
                alias = Tensor(o.array)
                alias._make_view_of(o)
                outs[i] = alias
        if track:
            non_diff = {id(t) for t in getattr(ctx, "_non_differentiable", ())}
            # only Tensor arguments show in next_functions: unlike a built-in op's absent optional tensor,
            # a None passed to a custom Function is just an argument, as in torch
            ctx._tensor_inputs = tuple(isinstance(a, Tensor) for a in args)
            ctx._edges = tuple(edge_of(a) if isinstance(a, Tensor) else None for a in args)
            ctx._input_meta = tuple((a.array.shape, a.dtype) if isinstance(a, Tensor) else None for a in args)
            ctx._output_shapes = tuple((o.array.shape, o.dtype) if isinstance(o, Tensor) else None for o in outs)
            for i, o in enumerate(outs):
                if isinstance(o, Tensor) and id(o) not in non_diff and o.dtype.kind == "f":
                    o._ctx, o._output_nr, o._requires_grad = ctx, i, True
            ctx._has_saved = bool(ctx._to_save)
            ctx._saved = tuple(SavedRecord(t) for t in ctx._to_save if t is not None)
        return outs[0] if single else tuple(outs)
