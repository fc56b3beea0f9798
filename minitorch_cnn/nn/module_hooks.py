"""Forward hooks: functions a Module calls around its ``forward``, as torch's
``register_forward_pre_hook`` and ``register_forward_hook``.

The usual use is to look inside a network without changing its code — the lecture's feature maps::

    maps = {}
    model.conv1.register_forward_hook(lambda module, args, output: maps.update(conv1=output.detach()))
    model(images)                      # maps["conv1"] now holds conv1's output

``hook(module, args)`` runs before ``forward`` (``args``: the positional arguments, a tuple) and may return
new arguments (a tuple, or one value); ``hook(module, args, output)`` runs after and may return a new
output. With ``with_kwargs=True`` the keyword arguments come too (``hook(module, args, kwargs)`` returning
``(args, kwargs)``; ``hook(module, args, kwargs, output)``). Hooks run in the order registered
(``prepend=True``: first); the handle's ``remove()`` takes one off.
"""
from __future__ import annotations

from collections import OrderedDict

from ..autograd.hooks import RemovableHandle, new_hook_id


class ForwardHooksMixin:
    """The two ``register_*`` methods and the call that runs the hooks (``Module.__call__`` uses it)."""

    _forward_pre_hooks = None  # OrderedDict: id → (hook, with_kwargs); made on first registration
    _forward_hooks = None

    def _add_hook(self, attribute: str, hook, prepend: bool, with_kwargs: bool) -> RemovableHandle:
        hooks = self.__dict__.get(attribute)
        if hooks is None:
            hooks = OrderedDict()
            object.__setattr__(self, attribute, hooks)
        key = new_hook_id()
        hooks[key] = (hook, with_kwargs)
        if prepend:
            hooks.move_to_end(key, last=False)
        return RemovableHandle(hooks, key)

    def register_forward_pre_hook(self, hook, *, prepend: bool = False, with_kwargs: bool = False):
        """Call ``hook(module, args)`` before each ``forward``; a returned value replaces the arguments."""
        return self._add_hook("_forward_pre_hooks", hook, prepend, with_kwargs)

    def register_forward_hook(self, hook, *, prepend: bool = False, with_kwargs: bool = False,
                              always_call: bool = False):
        """Call ``hook(module, args, output)`` after each ``forward``; a returned value replaces the output."""
        return self._add_hook("_forward_hooks", hook, prepend, with_kwargs)

    def _call_with_hooks(self, args: tuple, kwargs: dict):
        for hook, with_kwargs in list((self._forward_pre_hooks or {}).values()):
            if with_kwargs:
                result = hook(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError("forward pre-hook must return None or a tuple of (new_args, new_kwargs), "
                                           f"but got {result}.")
                    args, kwargs = result
            else:
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        output = self.forward(*args, **kwargs)
        for hook, with_kwargs in list((self._forward_hooks or {}).values()):
            result = hook(self, args, kwargs, output) if with_kwargs else hook(self, args, output)
            if result is not None:
                output = result
        return output
