"""``autograd.grad`` and ``autograd.backward``: the backward walk as functions, as in torch.

``grad(outputs, inputs)`` returns d(Σ outputs)/d(input) for each input instead of adding into
``.grad``; it runs only the part of the graph between them (see :func:`.engine.run_backward`).
First order only: ``create_graph=True`` (a graph of the backward itself) is not implemented.
"""
from __future__ import annotations

import numpy as np

from . import engine, function


def _as_list(x) -> list:
    return [x] if isinstance(x, function.tensor_class()) else list(x)


def _seeds(outputs, grad_outputs) -> list:
    Tensor = function.tensor_class()
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    else:
        grad_outputs = _as_list(grad_outputs) if not isinstance(grad_outputs, (list, tuple)) else list(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"grad requires one grad_output per output: got {len(grad_outputs)} for {len(outputs)} outputs")
    seeds = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if not out.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if out.array.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            seeds.append(np.ones_like(out.array))
            continue
        arr = np.asarray(g.array if isinstance(g, Tensor) else g, dtype=out.dtype)
        if arr.shape != out.array.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of Size({list(arr.shape)}) and output[{i}] "
                f"has a shape of Size({list(out.array.shape)})."
            )
        seeds.append(arr)
    return seeds


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of ``outputs`` (weighted by ``grad_outputs``) with respect to each of ``inputs``.

    Returns a tuple with one Tensor per input; ``.grad`` attributes are not touched. An input the
    outputs do not depend on is an error unless ``allow_unused=True`` (then None, or zeros with
    ``materialize_grads=True``). Without ``retain_graph=True`` the graph's saved values are freed.
    """
    if create_graph:
        raise NotImplementedError("autograd.grad: create_graph=True (higher-order gradients) is not supported")
    if is_grads_batched:
        raise NotImplementedError("autograd.grad: is_grads_batched=True is not supported")
    if allow_unused is None:
        allow_unused = materialize_grads
    if retain_graph is None:
        retain_graph = create_graph
    Tensor = function.tensor_class()
    outputs, inputs = _as_list(outputs), _as_list(inputs)
    seeds = _seeds(outputs, grad_outputs)
    for t in inputs:
        if not isinstance(t, Tensor):
            raise TypeError(f"autograd.grad: inputs must be Tensors, got {type(t).__name__}")
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    edges = [function.edge_of(t) for t in inputs]
    found = engine.run_backward(outputs, seeds, retain_graph=retain_graph, capture=edges, accumulate=False)
    result = []
    for i, (t, g) in enumerate(zip(inputs, found)):
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior."
                )
            result.append(Tensor(np.zeros_like(t.array)) if materialize_grads else None)
        else:
            result.append(Tensor(np.array(np.asarray(g).astype(t.dtype, copy=False), copy=True)))
    return tuple(result)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None) -> None:
    """``autograd.backward([y1, y2], [g1, g2])``: like ``y1.backward(g1)`` and ``y2.backward(g2)`` in one walk."""
    if create_graph:
        raise NotImplementedError("autograd.backward: create_graph=True (higher-order gradients) is not supported")
    if retain_graph is None:
        retain_graph = create_graph
    tensors = _as_list(tensors)
    seeds = _seeds(tensors, grad_tensors)
    if inputs is None:
        engine.run_backward(tensors, seeds, retain_graph=retain_graph)
        return
    inputs = _as_list(inputs)
    found = engine.run_backward(tensors, seeds, retain_graph=retain_graph,
                                capture=[function.edge_of(t) for t in inputs], accumulate=False)
    for t, g in zip(inputs, found):
        if g is not None:
            engine._accumulate(t, g, function.tensor_class())
