"""``F.pad``: add (or, with negative amounts, remove) values around a tensor's last dimensions."""
from __future__ import annotations

from ...ops.more_ops import ConstantPad
from ...tensor import Tensor
from ._checks import _check_tensor


def pad(input: Tensor, pad, mode: str = "constant", value=None) -> Tensor:
    """``pad`` lists (before, after) amounts from the last dimension backwards: ``(1, 1)`` pads the last
    dim by one on each side, ``(1, 1, 2, 0)`` also adds two rows on top. Only ``mode="constant"`` (with
    ``value``, default 0) is implemented; torch's reflect/replicate/circular raise NotImplementedError."""
    _check_tensor(input, "pad")
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) > 2 * input.ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.ndim}")
    if mode != "constant":
        raise NotImplementedError(f"pad: mode={mode!r} is not implemented here (only 'constant')")
    for k in range(len(pad) // 2):
        # torch first crops by the negative pads (one narrow per dimension), then pads: the crop alone
        # must leave a non-negative length, whatever the positive pad on the other side adds back
        size = input.shape[input.ndim - 1 - k] + min(pad[2 * k], 0) + min(pad[2 * k + 1], 0)
        if size < 0:
            raise RuntimeError(f"The input size {input.shape[input.ndim - 1 - k]}, plus negative padding "
                               f"{pad[2 * k]} and {pad[2 * k + 1]} resulted in a negative output size, which is "
                               f"invalid. Check dimension {input.ndim - 1 - k} of your input.")
    return ConstantPad.apply(input, pad, 0 if value is None else value)
