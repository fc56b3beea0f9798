"""In-place changes through a view, as torch records them: ``CopySlices`` and ``AsStridedBackward0``.

A view (``x[0]``, ``x.view(12)``, ``x.t()``…) shows part of its *base*'s memory. Writing into it in
place (``x[0].mul_(2)``, ``y[:, 1] += b``) changes the base too, so the base's history must change:

* the base gets a new ``grad_fn``, :class:`CopySlices`: "the old base, with the view's elements
  replaced by the in-place op's result". Its edges are the old base's node, then the in-place op's
  other inputs (``b`` in ``v.add_(b)``), as torch's;
* every view of that base (the written one included) now reads its values from the new base:
  its ``grad_fn`` becomes :class:`AsStrided` on top of the base's node (rebuilt when next used,
  ``Tensor._sync_view``).

Which elements of the base does a view show? Both arrays share memory, and an element's address is
``start + Σ index·stride``; :func:`view_positions` lists the address of every element of the base and
looks up each element of the view among them, giving each view element's C-order position in the base.

The math. Let ``P`` be those positions, ``f`` the in-place op (``v ↦ 2v``) and ``B`` the base:

* CopySlices: ``B' = B`` with ``B'[P] = f(B[P], others)``.
  ``dB = dB'`` with zeros at P, plus ``∂f/∂v (dB'[P])`` written at P (f's gradient for its first
  input); the others get f's gradients for them.
* AsStrided: ``v = B[P]``;  ``dB = 0`` except ``dB[P] += dv``.

Both nodes are built by hand (not through ``Function.apply``): their inputs' values are already in
memory. They keep index arrays, not tensors, so nothing is version-checked or freed for them
(CopySlices defers those checks to the op it wraps).
"""
from __future__ import annotations

import numpy as np

from .function import Node, edge_of


def _addresses(arr: np.ndarray) -> np.ndarray:
    """The memory address of every element of ``arr`` (an integer array of its shape)."""
    addr = np.full(arr.shape, arr.__array_interface__["data"][0], dtype=np.int64)
    for axis, (n, stride) in enumerate(zip(arr.shape, arr.strides)):
        shape = [1] * arr.ndim
        shape[axis] = n
        addr += (np.arange(n, dtype=np.int64) * stride).reshape(shape)
    return addr


def view_positions(view: np.ndarray, base: np.ndarray) -> np.ndarray:
    """For each element of ``view`` (which shares ``base``'s memory), its C-order flat index in ``base``."""
    base_addr = _addresses(base).ravel()
    order = np.argsort(base_addr, kind="stable")  # already sorted for a C-contiguous base
    return order[np.searchsorted(base_addr, _addresses(view), sorter=order)]


class AsStrided(Node):
    """``v = B[P]`` (a view read from its base);  ``dB[P] += dv``, zeros elsewhere."""

    node_name = "AsStridedBackward0"
    _retained = None

    def __init__(self, view, base):
        self.positions = view_positions(view.array, base.array)
        self.base_shape = base.array.shape
        self._edges = (edge_of(base),)
        self._tensor_inputs = (True,)
        self._output_shapes = ((view.array.shape, view.array.dtype),)
        self.needs_input_grad = (True,)

    def _check_saved(self) -> None:  # keeps no tensors: nothing to check, nothing to free
        pass

    def _release(self) -> None:
        pass

    def _run_backward(self, grads):
        g = grads[0]  # one output: the engine runs a node only once a gradient reached it, so never None
        d_base = np.zeros(self.base_shape, g.dtype)
        np.add.at(d_base.reshape(-1), self.positions, g)  # add.at: an expanded view repeats positions
        return (d_base,)


class CopySlices(Node):
    """``B' = B`` with ``B'[P] = f(B[P], others)``: the base's node after an in-place ``f`` on a view.

    ``dB = dB'`` with ``dB[P] = (f's gradient for the view, from dB'[P])``; ``d others`` = f's gradients.
    """

    node_name = "torch::autograd::CopySlices"
    _retained = None

    def __init__(self, base_edge, base, view, fn):
        self.fn = fn  # the in-place op's node, run on a stand-in for the view's old values
        self.positions = view_positions(view.array, base.array)
        self._edges = (base_edge,) + tuple(fn._edges[1:])
        self._tensor_inputs = (True,) + tuple(fn._tensor_inputs[1:])
        self._output_shapes = ((base.array.shape, base.array.dtype),)
        self.needs_input_grad = (base_edge is not None,) + tuple(fn.needs_input_grad[1:])

    def _check_saved(self) -> None:
        self.fn._check_saved()

    def _release(self) -> None:
        self.fn._release()

    def _run_backward(self, grads):
        g = grads[0]  # one output: never None (see AsStrided)
        d_base = np.array(g, copy=True)  # C order, so reshape(-1) is a view of it
        flat = d_base.reshape(-1)
        in_grads = self.fn._run_backward([flat[self.positions]])
        if not isinstance(in_grads, tuple):
            in_grads = (in_grads,)
        flat[self.positions] = 0 if in_grads[0] is None else in_grads[0]
        return (d_base,) + tuple(in_grads[1:])
