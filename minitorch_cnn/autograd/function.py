"""Function: one differentiable operation, i.e. one node of the autograd graph.

Every operation in :mod:`minitorch_cnn.ops` and :mod:`minitorch_cnn.nn.functional` is a small
``Function`` subclass: ``forward`` computes the result from NumPy arrays and saves what ``backward``
needs; ``backward`` turns the gradient of the output into one gradient per input (the chain rule,
written out in each docstring). ``Fn.apply(*inputs)`` runs it on Tensors and links the result to
the graph.
"""
from __future__ import annotations

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


class Function:
    """One node of the graph: ``forward`` on arrays, ``backward`` returning one grad per input.

    Subclasses implement ``forward(self, *arrays, **kwargs) -> ndarray`` (saving on ``self``
    whatever backward needs) and ``backward(self, grad_output) -> tuple`` with one NumPy array
    (or None) per positional input. ``Fn.apply(*inputs, **kwargs)`` runs forward on the inputs'
    arrays and, when grad mode is on and some input requires grad, links the result to ``self``.
    """

    inputs: tuple = ()
    needs_input_grad: tuple = ()

    def forward(self, *args, **kwargs):  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, grad_output):  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs, **kwargs) -> "Tensor":
        fn = cls()
        arrays = [x.array if isinstance(x, _Tensor) else x for x in inputs]
        fn.needs_input_grad = tuple(isinstance(x, _Tensor) and x.requires_grad for x in inputs)
        track = grad_mode.is_grad_enabled() and any(fn.needs_input_grad)
        out = fn.forward(*arrays, **kwargs)
        result = _Tensor(out, requires_grad=track)
        if track:
            fn.inputs = inputs
            result._ctx = fn
        return result

    def name(self) -> str:
        return type(self).__name__ + "Backward"

    def __repr__(self) -> str:
        return f"<{self.name()}>"
