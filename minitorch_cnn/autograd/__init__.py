"""Autograd: the graph machinery, independent of what the operations compute.

- :mod:`.grad_mode`  the on/off switch for recording (``no_grad``, ``enable_grad``, ``set_grad_enabled``);
- :mod:`.function`   ``Function``, one node of the graph (``forward`` on arrays, ``backward`` by hand);
- :mod:`.engine`     the backward walk that ``Tensor.backward`` runs (topological order, reverse pass).

The differentiable operations themselves live in :mod:`minitorch_cnn.ops` and
:mod:`minitorch_cnn.nn.functional`.
"""
from .function import Function
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled

__all__ = ["Function", "enable_grad", "is_grad_enabled", "no_grad", "set_grad_enabled"]
