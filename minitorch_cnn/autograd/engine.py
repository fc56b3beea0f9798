"""The backward walk: ``loss.backward()`` computes d(loss)/d(leaf) for every leaf that requires grad.

Two steps (see :func:`run_backward`):

1. order the graph's nodes topologically, so that a node is processed only after every node that
   uses its output;
2. walk that order from the root back to the leaves, calling each node's ``backward`` and *adding*
   the results into the gradient buffers of the nodes its edges point at (an output used twice gets
   both terms). At a leaf's :class:`~.function.AccumulateGrad` node the sum is added into ``.grad``.

Leaves that ``requires_grad`` (parameters) accumulate into ``.grad`` across ``backward()`` calls
until you zero them, exactly as in torch. Before a node's backward runs, the node checks that what
it saved is still there (``retain_graph``) and unchanged (the version counter); after it runs, the
saved arrays are released unless ``retain_graph=True``. :func:`minitorch_cnn.autograd.grad` uses
the same walk but hands the gradients back instead of adding them into ``.grad``.
"""
from __future__ import annotations

import numpy as np

from . import function, hooks
from .function import AccumulateGrad


def _topological_order(root_edges) -> list:
    """Every node reachable from the roots, each listed after all nodes it points at (iterative DFS)."""
    order, seen = [], set()
    stack = [(node, False) for node, _ in root_edges]
    while stack:
        node, processed = stack.pop()
        if processed:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for edge in node._edges:  # a node seen already is skipped when popped
            if edge is not None:
                stack.append((edge[0], False))
    return order


def run_backward(roots, seeds, retain_graph: bool = False, capture=None, accumulate: bool = True):
    """Propagate ``seeds`` (d root/d root, one array per root tensor) back through the graph.

    ``capture``: a list of edges ``(node, output_nr)`` whose incoming gradient sum is returned (for
    ``autograd.grad``); then only the nodes that lead to them run, and ``.grad`` is left alone
    unless ``accumulate``. Returns the captured gradients (None where nothing arrived).
    """
    Tensor = function.tensor_class()
    root_edges = [function.edge_of(r) for r in roots]
    order = _topological_order(root_edges)

    # with targets, run only the nodes from which a target can be reached (children come first in `order`)
    targets = {(id(n), nr) for n, nr in capture} if capture else set()
    run = None
    if capture is not None:
        reaches, run = set(), set()
        target_nodes = {id(n) for n, _ in capture}
        for node in order:
            if any(e is not None and id(e[0]) in reaches for e in node._edges):
                run.add(id(node))
                reaches.add(id(node))
            elif id(node) in target_nodes:
                reaches.add(id(node))
    captured = {}

    # gradient buffers: id(node) -> [sum of incoming grads per output]
    buffers = {}
    for (node, nr), seed in zip(root_edges, seeds):
        _add(buffers, node, nr, seed)

    for node in reversed(order):
        buf = buffers.pop(id(node), None)
        if buf is None:
            continue
        _run_tensor_hooks(node, buf, Tensor)
        for nr, g in enumerate(buf):
            if (id(node), nr) in targets:  # (None where nothing arrived, as a missing entry)
                captured[(id(node), nr)] = g
        if isinstance(node, AccumulateGrad):
            if accumulate:
                _accumulate(node.variable, buf[0], Tensor)
            continue
        if node._retained:  # retain_grad() tensors get .grad in autograd.grad too, as in torch
            for nr, ref in list(node._retained.items()):
                t = ref()
                if t is not None and t._ctx is node and buf[nr] is not None:
                    _accumulate(t, buf[nr], Tensor)
        if run is not None and id(node) not in run:
            continue
        node._check_saved()
        in_grads = node._run_backward(buf)
        if not retain_graph:
            node._release()
        if not isinstance(in_grads, tuple):
            in_grads = (in_grads,)
        for edge, pg in zip(node._edges, in_grads):
            if edge is None or pg is None:
                continue
            pg = np.asarray(pg)
            expected = edge[0].variable.shape if isinstance(edge[0], AccumulateGrad) else edge[0]._output_shapes[edge[1]][0]
            if pg.shape != tuple(expected):  # an op's backward is wrong: fail loudly
                raise RuntimeError(
                    f"{node.name()} returned a gradient of shape {pg.shape} for an input of shape {tuple(expected)}"
                )
            _add(buffers, edge[0], edge[1], pg)
    return [captured.get((id(n), nr)) for n, nr in capture] if capture is not None else None


def _run_tensor_hooks(node, buf, Tensor) -> None:
    """Let the hooks of the tensors whose gradients ``buf`` holds look at or replace them (hooks.py):
    a leaf's are kept on the tensor, a non-leaf's on the node that made it."""
    if isinstance(node, AccumulateGrad):
        if node.variable._hooks and buf[0] is not None:
            buf[0] = hooks.run_hooks(node.variable._hooks, buf[0], Tensor)
    elif node._tensor_hooks:
        for nr, fns in node._tensor_hooks.items():
            if fns and buf[nr] is not None:
                buf[nr] = hooks.run_hooks(fns, buf[nr], Tensor)


def _add(buffers, node, nr, g) -> None:
    n_out = 1 if isinstance(node, AccumulateGrad) else len(node._output_shapes)
    buf = buffers.setdefault(id(node), [None] * n_out)
    buf[nr] = g if buf[nr] is None else buf[nr] + g


def _accumulate(t, g, Tensor) -> None:
    """``t.grad += g`` (a fresh Tensor the first time), in ``t``'s dtype."""
    g = np.asarray(g).astype(t.dtype, copy=False)
    if t._grad is None:
        t._grad = Tensor(np.array(g, copy=True))
    else:
        t._grad = Tensor(t._grad.array + g)
