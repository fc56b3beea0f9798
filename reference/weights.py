"""Copy weights between a minitorch_cnn module and its torch twin, matching ``state_dict`` names.

``copy_to_torch(ours, theirs)``    our values → the torch module (cast to each torch tensor's dtype,
                                   kept on its device)
``copy_from_torch(theirs, ours)``  torch values → our module (cast to each of our tensors' dtype)

Both check first, then copy: names must match exactly and shapes must agree, else a ``ValueError``
lists the missing/unexpected names or each shape mismatch, and nothing is changed.
"""
from __future__ import annotations

import numpy as np
import torch


def _our_arrays(module) -> dict:
    """Our module's parameters and buffers by name, as the live NumPy arrays (not copies)."""
    out = {name: p.array for name, p in module.named_parameters()}
    out.update({name: b.array for name, b in module.named_buffers()})
    return out


def _check(src: dict, dst: dict, src_name: str, dst_name: str) -> None:
    missing = sorted(set(dst) - set(src))
    unexpected = sorted(set(src) - set(dst))
    problems = []
    if missing:
        problems.append(f"names in {dst_name} but not in {src_name}: {missing}")
    if unexpected:
        problems.append(f"names in {src_name} but not in {dst_name}: {unexpected}")
    for k in sorted(set(src) & set(dst)):
        if tuple(src[k].shape) != tuple(dst[k].shape):
            problems.append(f"{k}: shape {tuple(src[k].shape)} in {src_name}, {tuple(dst[k].shape)} in {dst_name}")
    if problems:
        raise ValueError("weights do not match by name and shape:\n  " + "\n  ".join(problems))


def copy_to_torch(our_module, torch_module: torch.nn.Module) -> torch.nn.Module:
    """Copy every parameter and buffer of ``our_module`` into ``torch_module`` (in place); returns it."""
    ours = _our_arrays(our_module)
    theirs = torch_module.state_dict(keep_vars=True)
    _check(ours, theirs, type(our_module).__name__ + " (minitorch_cnn)", type(torch_module).__name__ + " (torch)")
    with torch.no_grad():
        for k, t in theirs.items():
            # np.array, not np.ascontiguousarray: the latter turns a 0-d buffer (num_batches_tracked) into shape (1,)
            t.copy_(torch.from_numpy(np.array(ours[k], order="C")).to(dtype=t.dtype, device=t.device))
    return torch_module


def copy_from_torch(torch_module: torch.nn.Module, our_module):
    """Copy every parameter and buffer of ``torch_module`` into ``our_module`` (in place); returns it."""
    theirs = {k: v.detach().cpu() for k, v in torch_module.state_dict().items()}
    ours = _our_arrays(our_module)
    _check(theirs, ours, type(torch_module).__name__ + " (torch)", type(our_module).__name__ + " (minitorch_cnn)")
    for k, arr in ours.items():
        arr[...] = theirs[k].numpy().astype(arr.dtype, copy=False)
    return our_module
