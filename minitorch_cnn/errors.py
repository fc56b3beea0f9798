"""Exceptions that are both Python's conventional type and the one torch raises.

This engine names a user's mistake with a ``ValueError`` (a bad value or shape) or a ``TypeError``
(a bad dtype or type), naming the layer, what was expected and what came. torch raises a
``RuntimeError`` for most of the same mistakes (its checks are in C++), an ``IndexError`` for a class
index out of range, a ``NotImplementedError`` for an op without a kernel for the dtype. So torch code
ported here (``except RuntimeError:``) and code written for this engine (``except ValueError:``)
both catch our errors, each class below derives from both. And :func:`warn`, through which every
warning of the engine goes, so that it points at the user's line.
"""
from __future__ import annotations

import os
import sys
import warnings


class ShapeError(ValueError, RuntimeError):
    """A shape, size or value torch refuses with a RuntimeError (``mat1 and mat2 shapes cannot be
    multiplied``, ``negative dimension``, a kernel larger than the input, …)."""


class DTypeError(TypeError, RuntimeError):
    """Two dtypes that must agree do not (``mat1 and mat2 must have the same dtype``)."""


class UnsupportedDTypeError(TypeError, NotImplementedError):
    """An op given a dtype it has no kernel for (torch: ``"mse_cpu" not implemented for 'Long'``;
    ``NotImplementedError`` is a ``RuntimeError``)."""


class TargetOutOfBounds(ValueError, IndexError):
    """A class index outside ``[0, C)`` (torch: ``IndexError: Target 4 is out of bounds.``)."""


_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def warn(message: str, category=UserWarning) -> None:
    """``warnings.warn`` pointed at the user's line: the first frame outside minitorch_cnn, however deep
    the engine's own frames are below it (``t.std()`` reaches the warning one frame deeper than
    ``t.var()``), as torch's warnings point at the Python line that called it."""
    level, frame = 2, sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
