"""Autograd: the graph machinery, independent of what the operations compute.

- :mod:`.grad_mode`  the on/off switch for recording (``no_grad``, ``enable_grad``, ``set_grad_enabled``);
- :mod:`.function`   ``Function``, one node of the graph (``forward`` on arrays, ``backward`` by hand);
- :mod:`.engine`     the backward walk that ``Tensor.backward`` runs (topological order, reverse pass);
- :mod:`.gradients`  ``autograd.grad`` and ``autograd.backward`` (the same walk as functions);
- :mod:`.custom_function`  the public ``autograd.Function`` (torch's ``forward(ctx, ...)`` contract);
- :mod:`.gradcheck`  ``autograd.gradcheck``: backward against central differences.

The differentiable operations themselves live in :mod:`minitorch_cnn.ops` and
:mod:`minitorch_cnn.nn.functional`.
"""
from .custom_function import BackwardCFunction, Function
from .gradcheck import GradcheckError, gradcheck
from .gradients import backward, grad
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled

__all__ = ["Function", "BackwardCFunction", "GradcheckError", "backward", "enable_grad", "grad", "gradcheck",
           "inference_mode", "is_grad_enabled", "no_grad", "set_grad_enabled"]
