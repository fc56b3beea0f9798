"""Exceptions that are both Python's conventional type and the one torch raises.

This engine names a user's mistake with a ``ValueError`` (a bad value or shape) or a ``TypeError``
(a bad dtype or type), naming the layer, what was expected and what came. torch raises a
``RuntimeError`` for most of the same mistakes (its checks are in C++), an ``IndexError`` for a class
index out of range, a ``NotImplementedError`` for an op without a kernel for the dtype. So torch code
ported here (``except RuntimeError:``) and code written for this engine (``except ValueError:``)
both catch our errors, each class below derives from both.
"""
from __future__ import annotations


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

