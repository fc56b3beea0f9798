"""``t.register_hook(fn)``: a function run on the gradient of ``t`` when backward computes it.

``fn(grad)`` gets the gradient as a Tensor and returns None (it only looks: printing, logging) or a
Tensor of the same shape and dtype that replaces it (clipping, scaling) for everything after it:

- a **leaf** (a parameter, an input): the hooks run before the gradient is added to ``t.grad`` (and
  before ``autograd.grad`` returns it). They are kept on the tensor, so they run on every backward.
- a **non-leaf** (an intermediate result): the hooks run on the gradient flowing into ``t`` before it
  goes on to the node that made ``t`` (and before ``retain_grad`` keeps it). They are kept on that node,
  ``t.grad_fn``, for as long as the graph lives.

Hooks run in the order they were registered; ``handle.remove()`` takes one off.
"""
from __future__ import annotations

import itertools
from collections import OrderedDict

_ids = itertools.count()


def new_hook_id() -> int:
    """A fresh handle id (shared with the Module forward hooks, as torch's handles count up together)."""
    return next(_ids)


class RemovableHandle:
    """What ``register_hook`` returns: ``remove()`` unregisters the hook (a second call does nothing)."""

    def __init__(self, hooks: OrderedDict, key: int):
        self._hooks, self.id = hooks, key

    def remove(self) -> None:
        self._hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


def register_hook(t, hook) -> RemovableHandle:
    """Add ``hook`` to tensor ``t`` (see the module docstring for where it is kept and when it runs)."""
    if not t.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if t._ctx is None:  # a leaf
        if t._hooks is None:
            t._hooks = OrderedDict()
        hooks = t._hooks
    else:
        node = t._ctx
        if node._tensor_hooks is None:
            node._tensor_hooks = {}
        hooks = node._tensor_hooks.setdefault(t._output_nr, OrderedDict())
    key = new_hook_id()
    hooks[key] = hook
    return RemovableHandle(hooks, key)


def run_hooks(hooks, grad, Tensor):
    """The gradient array after each hook in ``hooks`` (an OrderedDict) has looked at it or replaced it."""
    for hook in list(hooks.values()):
        out = hook(Tensor(grad))
        if out is None:
            continue
        name = getattr(hook, "__name__", type(hook).__name__)
        if not isinstance(out, Tensor):
            raise TypeError(f"expected Variable, but hook returned '{type(out).__name__}'")
        if out.array.shape != grad.shape:
            raise RuntimeError(f"hook '{name}' has changed the size of value (from {list(grad.shape)} to "
                               f"{list(out.array.shape)})")
        if out.array.dtype != grad.dtype:
            raise RuntimeError(f"hook '{name}' has changed the type of value (was {grad.dtype.name}, got "
                               f"{out.array.dtype.name})")
        grad = out.array
    return grad
