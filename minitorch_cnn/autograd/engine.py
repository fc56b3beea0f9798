"""The backward walk: ``loss.backward()`` computes d(loss)/d(leaf) for every leaf that requires grad.

Two steps (see :func:`run_backward`):

1. order the graph topologically, so that a node is processed only after every node that uses it;
2. walk that order from the root back to the leaves, calling each ``Function.backward`` and
   *adding* the results into the gradient of its inputs (a tensor used twice gets both terms).

Leaves that ``requires_grad`` (parameters) accumulate into ``.grad`` across ``backward()`` calls
until you zero them, exactly as in torch.
"""
from __future__ import annotations

import numpy as np

from . import function


def run_backward(root, seed: np.ndarray) -> None:
    """Propagate ``seed`` (d root/d root, same shape as ``root``) back through the graph below ``root``.

    Step 1 — topological order: a depth-first walk from ``root`` lists every node after all the
    nodes it depends on. Step 2 — reverse walk: starting from the seed, each node's gradient is
    complete when we reach it, because every use of it (every later node) has already added its
    contribution; its Function's backward then hands one gradient to each input.
    """
    Tensor = function.tensor_class()  # the class tensor.py registered (see autograd/function.py)

    # 1. topological order (iterative DFS, so deep graphs do not hit the recursion limit)
    order, seen = [], set()
    stack = [(root, False)]
    while stack:
        node, processed = stack.pop()
        if processed:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        if node._ctx is not None:
            for parent in node._ctx.inputs:
                if isinstance(parent, Tensor) and parent.requires_grad and id(parent) not in seen:
                    stack.append((parent, False))

    # 2. walk it backwards, adding each node's contributions into its inputs' gradients
    grads = {id(root): seed}
    for node in reversed(order):
        g = grads.pop(id(node), None)
        if g is None:
            continue
        if node._ctx is None or node._retains_grad:
            g_t = g.astype(node.dtype, copy=False)
            if node._grad is None:
                node._grad = Tensor(np.array(g_t, copy=True))
            else:
                node._grad = Tensor(node._grad.array + g_t)
            if node._ctx is None:
                continue
        in_grads = node._ctx.backward(g)
        if not isinstance(in_grads, tuple):
            in_grads = (in_grads,)
        for parent, pg in zip(node._ctx.inputs, in_grads):
            if pg is None or not isinstance(parent, Tensor) or not parent.requires_grad:
                continue
            pg = np.asarray(pg)
            if pg.shape != parent.array.shape:  # an op's backward is wrong: fail loudly
                raise RuntimeError(
                    f"{node._ctx.name()} returned a gradient of shape {pg.shape} "
                    f"for an input of shape {parent.array.shape}"
                )
            if id(parent) in grads:
                grads[id(parent)] = grads[id(parent)] + pg
            else:
                grads[id(parent)] = pg
