"""Functions behind in-place writes that are not arithmetic: ``zero_``, ``fill_``, ``copy_`` and ``t[i] = v``.

``Tensor._inplace`` (tensor.py) runs one of these on the tensor's old value and writes the result
back into the tensor's memory; when the write is recorded, the tensor's ``grad_fn`` becomes the
node below, with torch's name. (Arithmetic in place, ``add_`` ``mul_`` ``exp_``..., reuses the
out-of-place Functions.)
"""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from .arithmetic import unbroadcast


class Zero(Function):
    """``y = 0``;  ``da = 0`` (the old values no longer matter)."""

    node_name = "ZeroBackward0"

    def forward(self, a):
        return np.zeros_like(a)

    def backward(self, g):
        return (np.zeros_like(g),)


class Fill(Function):
    """``y = value`` everywhere (a number, or an array of a's shape for ``uniform_``/``normal_``);  ``da = 0``."""

    node_name = "FillBackward2"

    def forward(self, a, value):
        return np.broadcast_to(np.asarray(value, dtype=a.dtype), a.shape).copy()

    def backward(self, g):
        return np.zeros_like(g), None


class Copy(Function):
    """``y = broadcast(src)`` into a's shape and dtype;  ``da = 0``,  ``dsrc = Σ dy`` over the broadcast axes."""

    node_name = "torch::autograd::CopyBackwards"

    def forward(self, a, src):
        self.src_shape, self.src_dtype = src.shape, src.dtype
        try:
            return np.broadcast_to(src, a.shape).astype(a.dtype)
        except ValueError:
            raise RuntimeError(
                f"copy_: the source of shape {list(src.shape)} cannot be broadcast to the destination's shape "
                f"{list(a.shape)}"
            ) from None

    def backward(self, g):
        return np.zeros_like(g), unbroadcast(g, self.src_shape).astype(self.src_dtype, copy=False)


class SetItem(Function):
    """``y = a`` with ``y[index] = v``;  ``da = dy`` with zeros at ``index``,  ``dv = Σ dy[index]`` over
    the axes along which v was broadcast. torch calls this node ``CopySlices``."""

    node_name = "torch::autograd::CopySlices"

    def forward(self, a, v, index):
        self.index, self.v_shape = index, v.shape
        out = a.copy()
        out[index] = v
        return out

    def backward(self, g):
        da = g.copy()
        da[self.index] = 0
        return da, unbroadcast(np.asarray(g[self.index]), self.v_shape), None
