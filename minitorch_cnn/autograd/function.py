"""Function: one differentiable operation, i.e. one node of the autograd graph.

Every operation in :mod:`minitorch_cnn.ops` and :mod:`minitorch_cnn.nn.functional` is a small
``Function`` subclass: ``forward`` computes the result from NumPy arrays and saves on ``self`` what
``backward`` needs; ``backward`` turns the gradient of the output into one gradient per input (the
chain rule, written out in each docstring). ``Fn.apply(*inputs)`` runs it on Tensors and links the
result into the graph. (Students who write their own op use torch's contract instead,
:class:`minitorch_cnn.autograd.Function` in ``custom_function.py``; it is built on this class.)

The graph is made of nodes, as torch's is
------------------------------------------
A node does not keep its input *Tensors*; it keeps, per input, an **edge** ``(node, output_nr)``:
the node that produced the input (its ``grad_fn``) and which of that node's outputs it was, or, for
a leaf that requires grad, the leaf's :class:`AccumulateGrad` node (which adds into ``leaf.grad``),
or ``None`` for an input that needs no gradient. ``grad_fn.next_functions`` shows these edges, as
in torch. Because edges point at nodes, an in-place operation can give a tensor a new ``grad_fn``
without changing what earlier consumers of the old value see.

What a node saved, and the version counter
------------------------------------------
Every tensor carries a **version counter** (``t._version``), shared by all tensors that alias the
same memory (views such as ``view``/``reshape``/``permute``/basic indexing, and ``detach()``); each
in-place operation on any of them adds 1. ``apply`` looks at the arrays the node kept on ``self``
after ``forward``: if one of them shares memory with an input or with the output, the node saved
that tensor, and ``apply`` writes down the tensor's version at that moment. Before the node's
backward runs, the engine compares: a different version means the values backward would read were
overwritten in place, and it raises torch's error ("one of the variables needed for gradient
computation has been modified by an inplace operation ... is at version 1; expected version 0
instead") instead of returning a silently wrong gradient. Anything a node keeps is "saved" for
``retain_graph``: after backward (without ``retain_graph=True``) those arrays are released, and a
second backward through the node raises torch's "Trying to backward through the graph a second
time" error. Nodes that keep no arrays (``Add``, ``Sum``, ``Reshape``...) can be traversed again, as
in torch.
"""
from __future__ import annotations

import weakref

import numpy as np

from . import grad_mode

# ``apply`` wraps its result in a Tensor, but tensor.py imports the ops (and so this module) to
# define Tensor's methods: importing tensor.py here would be an import cycle. Instead tensor.py
# hands its class over once, when it is imported (``_register_tensor_class(Tensor)`` at the end of
# tensor.py). The dependency stays one-way: autograd -> ops -> tensor. See docs/architecture.md.
_Tensor = None


def _register_tensor_class(cls) -> None:
    """Called once by tensor.py: the class ``apply`` (and the backward engine) wrap arrays in."""
    global _Tensor
    _Tensor = cls


def tensor_class():
    """The Tensor class registered by tensor.py (for modules below tensor.py that must build Tensors)."""
    return _Tensor


SECOND_BACKWARD = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they "
    "have already been freed). Saved intermediate values of the graph are freed when you call .backward() "
    "or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second "
    "time or if you need to access saved tensors after calling backward."
)


class VersionCounter:
    """How many in-place changes the memory behind a tensor has seen (torch's ``t._version``).

    One counter is shared by a tensor and every view or ``detach()`` of it, since they are the same
    memory. ``graph_changes`` counts the in-place operations that were *recorded* in the graph; a
    view remembers the value it last saw, so that a view whose base got a new ``grad_fn`` rebuilds
    its own history from the base before it is used (``Tensor._sync_view``, autograd/views.py).
    """

    __slots__ = ("version", "graph_changes")

    def __init__(self):
        self.version = 0
        self.graph_changes = 0


_TORCH_TYPE = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
               "int64": "LongTensor", "int32": "IntTensor", "uint8": "ByteTensor", "bool": "BoolTensor"}


class SavedRecord:
    """A tensor a node saved: its version counter and the version it had when saved (plus a description)."""

    __slots__ = ("counter", "version", "what")

    def __init__(self, tensor):
        self.counter = tensor._version_counter
        self.version = self.counter.version
        kind = _TORCH_TYPE.get(tensor.dtype.name, tensor.dtype.name)
        what = f"[minitorch_cnn.{kind} {list(tensor.shape)}]"
        if tensor.grad_fn is not None:
            what += f", which is output {tensor._output_nr} of {tensor.grad_fn.name().removesuffix('Backward0')},"
        self.what = what

    def check(self) -> None:
        if self.counter.version != self.version:
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an inplace "
                f"operation: {self.what} is at version {self.counter.version}; expected version "
                f"{self.version} instead. Hint: the backward needs the values this tensor had when it was "
                "used; use an out-of-place operation (y = y + 1 instead of y += 1) or .clone() it first."
            )


def _held_arrays(value):
    """The NumPy arrays an attribute value holds (an array, or a list/tuple with arrays in it)."""
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, np.ndarray)]
    return []


class Node:
    """What every graph node has: a name, edges to the next nodes, and a printable form."""

    node_name = "Node"
    _edges: tuple = ()
    _tensor_hooks = None  # {output_nr: the hooks registered on that output tensor} (hooks.py)

    def name(self) -> str:
        return self.node_name

    @property
    def next_functions(self) -> tuple:
        """``((node, output_nr), ...)``: one edge per Tensor input, ``(None, 0)`` where no gradient flows."""
        return tuple((None, 0) if e is None else e for e, is_tensor in zip(self._edges, self._tensor_inputs) if is_tensor)

    _tensor_inputs: tuple = ()

    def __repr__(self) -> str:
        return f"<{self.name().removeprefix('torch::autograd::')} object at {hex(id(self))}>"


class AccumulateGrad(Node):
    """The node at a leaf that requires grad: backward adds the incoming gradient into ``variable.grad``.

    One per leaf (cached on the leaf while the graph lives), as in torch; ``variable`` is the leaf.
    """

    node_name = "torch::autograd::AccumulateGrad"

    def __init__(self, variable):
        self.variable = variable

    @property
    def next_functions(self) -> tuple:
        return ()

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"


def edge_of(t):
    """The edge a graph node keeps to tensor ``t``: ``(t.grad_fn, output_nr)``, or ``(AccumulateGrad, 0)``
    for a leaf that requires grad, or None when no gradient is wanted."""
    if t._base is not None:
        t._sync_view()  # a view whose base changed in place reads from the new base (autograd/views.py)
    if t._ctx is not None:
        return (t._ctx, t._output_nr)
    if not t.requires_grad:
        return None
    acc = t._accumulator() if t._accumulator is not None else None
    if acc is None:
        acc = AccumulateGrad(t)
        t._accumulator = weakref.ref(acc)
    return (acc, 0)


class Function(Node):
    """One node of the graph: ``forward`` on arrays, ``backward`` returning one grad per input.

    Subclasses implement ``forward(self, *arrays, **kwargs) -> ndarray`` (saving on ``self``
    whatever backward needs) and ``backward(self, grad_output) -> tuple`` with one NumPy array
    (or None) per positional input, and set ``node_name`` to the name torch gives the same node
    (``"AddBackward0"``; ``grad_fn.name()`` returns it). ``Fn.apply(*inputs, **kwargs)`` runs
    forward on the inputs' arrays and, when grad mode is on and some input requires grad, links
    the result to ``self``.
    """

    node_name = "FunctionBackward0"
    needs_input_grad: tuple = ()
    _freed = False
    _has_saved = False
    _saved: tuple = ()
    _retained = None  # {output_nr: weakref to a tensor that called retain_grad()}

    def forward(self, *args, **kwargs):  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, grad_output):  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs, **kwargs) -> "Tensor":
        Tensor = _Tensor
        fn = cls()
        tensors = [x for x in inputs if isinstance(x, Tensor)]
        fn.needs_input_grad = tuple(isinstance(x, Tensor) and x.requires_grad for x in inputs)
        out = fn.forward(*(x.array if isinstance(x, Tensor) else x for x in inputs), **kwargs)
        # an integer or bool result is not differentiable: no graph, requires_grad False (``x.long()`` of a
        # parameter, as torch), whatever its inputs
        track = grad_mode.is_grad_enabled() and any(fn.needs_input_grad) and np.asarray(out).dtype.kind in "fc"
        result = Tensor(out, requires_grad=track)
        # a result that shares memory with an input is a view of it: one memory, one version counter
        for x in tensors:
            if np.may_share_memory(result.array, x.array):
                result._make_view_of(x)
                break
        if track:
            # a tensor slot (a Tensor, or None for an absent optional tensor such as a bias) shows in
            # next_functions; other arguments (dims, shapes, flags) do not, as in torch
            fn._tensor_inputs = tuple(isinstance(x, Tensor) or x is None for x in inputs)
            fn._edges = tuple(edge_of(x) if isinstance(x, Tensor) else None for x in inputs)
            fn._output_shapes = ((result.array.shape, result.array.dtype),)
            result._ctx, result._output_nr = fn, 0
            fn._record_saved(tensors, [result])
        return result

    def _record_saved(self, inputs, outputs) -> None:
        """Note which input/output tensors this node saved (it keeps an array sharing their memory)."""
        held = [a for v in vars(self).values() for a in _held_arrays(v)]
        self._has_saved = bool(held)
        records = []
        for t in list(inputs) + list(outputs):
            if any(np.may_share_memory(a, t.array) for a in held):
                records.append(SavedRecord(t))
        self._saved = tuple(records)

    def _check_saved(self) -> None:
        """Called by the engine before ``backward``: refuse freed buffers and overwritten saved tensors."""
        if self._freed:
            raise RuntimeError(SECOND_BACKWARD)
        for record in self._saved:
            record.check()

    def _release(self) -> None:
        """Free what forward saved (the engine calls this after backward unless ``retain_graph``)."""
        if not self._has_saved:
            return
        for key, value in list(vars(self).items()):
            if _held_arrays(value):
                delattr(self, key)
        self._saved = ()
        self._freed = True

    def _run_backward(self, grads):
        """The engine's entry: ``grads`` holds one array (or None: nothing arrived) per output."""
        grads = [np.zeros(*meta) if g is None else g for g, meta in zip(grads, self._output_shapes)]
        return self.backward(*grads)

    def name(self) -> str:
        return self.node_name
