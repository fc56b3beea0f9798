"""Grad mode: whether operations are recorded for backward (``no_grad``, ``enable_grad``, ``set_grad_enabled``).

One module-level flag, read by :meth:`Function.apply <minitorch_cnn.autograd.function.Function.apply>`
each time an operation runs. A leaf module: imports nothing from the engine.
"""
from __future__ import annotations

import contextlib

_grad_enabled = True


def is_grad_enabled() -> bool:
    return _grad_enabled


class set_grad_enabled(contextlib.ContextDecorator):
    """Turn graph recording on or off inside a ``with`` block (or for a decorated function)."""

    def __init__(self, mode: bool):
        if not isinstance(mode, bool):  # torch: 'no' or 1 is a TypeError (bool('no') would be True)
            raise TypeError(f"set_grad_enabled(): argument 'enabled' (position 1) must be bool, not "
                            f"{type(mode).__name__}")
        self.mode = mode
        self.prev = _grad_enabled
        global_set(self.mode)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        global_set(self.prev)
        return False


def global_set(mode: bool) -> None:
    global _grad_enabled
    _grad_enabled = bool(mode)


class _GradMode(contextlib.ContextDecorator):
    """Set grad mode to ``self.mode`` inside a ``with`` block or a decorated function, then restore it.
    Each subclass says its ``mode``."""

    mode: bool

    def __new__(cls, *args, **kwargs):
        # ``@no_grad`` without parentheses (torch allows it): called with the function to decorate
        if len(args) == 1 and not kwargs and callable(args[0]) and not isinstance(args[0], bool):
            return cls()(args[0])
        return super().__new__(cls)

    def __enter__(self):
        self.prev = _grad_enabled
        global_set(self.mode)
        return self

    def __exit__(self, *exc):
        global_set(self.prev)
        return False

    def _recreate_cm(self):
        # as a decorator, each call gets its own instance: a shared ``self.prev`` would be
        # overwritten by a recursive call and leave grad mode off after the outermost one returns
        return type(self)()


class no_grad(_GradMode):
    """``with no_grad():`` runs operations without recording them for backward (as torch)."""

    mode = False


class enable_grad(_GradMode):
    """``with enable_grad():`` records operations again inside a ``no_grad`` block."""

    mode = True


class inference_mode(_GradMode):
    """``with inference_mode():`` (or ``@inference_mode()``): torch's faster ``no_grad`` for evaluation;
    here it is ``no_grad``. ``inference_mode(False)`` leaves grad mode as it is."""

    def __init__(self, mode: bool = True):
        self._enabled = bool(mode)

    def __enter__(self):
        self.prev = _grad_enabled
        if self._enabled:
            global_set(False)
        return self

    def _recreate_cm(self):
        return type(self)(self._enabled)
