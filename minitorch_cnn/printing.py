"""``repr(tensor)`` laid out and formatted as torch prints it (a leaf module: NumPy and dtypes only).

torch's rules, with its default print options (4 digits, 80 columns, summarise past 1000 elements
keeping 3 at each edge):

1. **Pick one number format for the whole tensor** from its finite non-zero values (of the edge
   items only, when summarised):
   - integer dtypes and bool: plain ``str`` of each value;
   - floats that are all whole numbers: ``3.`` style, unless the largest is over 1e8 or more than
     1000 times the smallest, which switches to scientific ``3.0000e+00``;
   - other floats: fixed ``0.1235``, unless the largest is over 1e8, more than 1000 times the
     smallest, or the smallest is under 1e-4, which switches to scientific.
2. **Pad every value to the widest** so that the columns line up.
3. **Lay out** rows as nested brackets; a row that does not fit in 80 columns wraps; blocks of a
   3-D (or more) tensor are separated by blank lines; a summarised axis shows ``...``.
4. **Suffixes**: ``dtype=`` unless the dtype is the default float, int64 or bool (an empty tensor
   names its size and any non-default dtype), then ``grad_fn=<…>`` or ``requires_grad=True``.
"""
from __future__ import annotations

import math

import numpy as np

from .dtypes import _dtype_name, bool_, get_default_dtype, int64

PRECISION, LINEWIDTH, THRESHOLD, EDGEITEMS = 4, 80, 1000, 3


class _Format:
    """The one number format (and width) chosen for all the values of a tensor (rule 1 and 2)."""

    def __init__(self, values: np.ndarray):
        self.floating = values.dtype.kind == "f"
        self.int_mode, self.sci_mode, self.width = True, False, 1
        flat = values.reshape(-1)
        if not self.floating:
            self.width = max([self.width] + [len(str(v)) for v in flat.tolist()])
            return
        finite = flat[np.isfinite(flat) & (flat != 0)].astype(np.float64)
        if finite.size == 0:
            return
        big, small = np.abs(finite).max(), np.abs(finite).min()
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        spread = big / small > 1000.0 or big > 1.0e8
        if self.int_mode:
            self.sci_mode = spread
            strings = ([f"{v:.{PRECISION}e}" for v in finite.tolist()] if spread
                       else [f"{v:.0f}." for v in finite.tolist()])
        else:
            self.sci_mode = spread or small < 1.0e-4
            strings = [f"{v:.{PRECISION}{'e' if self.sci_mode else 'f'}}" for v in finite.tolist()]
        self.width = max([self.width] + [len(s) for s in strings])

    def __call__(self, value) -> str:
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:.{PRECISION}e}"
        elif self.int_mode:
            text = f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
        else:
            text = f"{value:.{PRECISION}f}"
        return text.rjust(self.width)


def _edges(a: np.ndarray) -> np.ndarray:
    """The values a summarised print shows: the first and last EDGEITEMS along every axis."""
    if a.ndim == 0:
        return a
    if a.shape[0] > 2 * EDGEITEMS:
        a = np.concatenate([a[:EDGEITEMS], a[-EDGEITEMS:]])
    return np.stack([_edges(row) for row in a]) if a.ndim > 1 else a


def _layout(a: np.ndarray, fmt: _Format, indent: int, summarise: bool) -> str:
    """Rule 3: brackets, wrapping and ``...`` for the sub-array ``a`` starting at column ``indent``."""
    if a.ndim == 0:
        return fmt(a.item())
    cut = summarise and a.shape[0] > 2 * EDGEITEMS
    if a.ndim == 1:
        items = [fmt(v) for v in a.tolist()]
        if cut:
            items = items[:EDGEITEMS] + [" ..."] + items[-EDGEITEMS:]
        per_line = max(1, (LINEWIDTH - indent) // (fmt.width + 2))
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    rows = range(a.shape[0])
    if cut:
        rows = list(range(EDGEITEMS)) + [None] + list(range(a.shape[0] - EDGEITEMS, a.shape[0]))
    parts = ["..." if i is None else _layout(a[i], fmt, indent + 1, summarise) for i in rows]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _with_suffixes(body: str, suffixes: list, indent: int) -> str:
    """Rule 4: ``, suffix`` after the values, on a new line when it would pass column 80."""
    out = [body]
    line_len = len(body) - body.rfind("\n") + 1
    for s in suffixes:
        if line_len + len(s) + 2 > LINEWIDTH:
            out.append(",\n" + " " * indent + s)
            line_len = indent + len(s)
        else:
            out.append(", " + s)
            line_len += len(s) + 2
    return "".join(out) + ")"


def tensor_repr(t) -> str:
    """``tensor([...], dtype=…, grad_fn=<…>)`` for a Tensor ``t``, as torch writes it."""
    a, prefix = t.array, "tensor("
    suffixes = []
    if a.size == 0:
        if a.ndim != 1:
            suffixes.append(f"size={tuple(a.shape)}")
        if a.dtype != get_default_dtype():
            suffixes.append(f"dtype={_dtype_name(a.dtype)}")
        body = "[]"
    else:
        if a.dtype not in (get_default_dtype(), int64, bool_):
            suffixes.append(f"dtype={_dtype_name(a.dtype)}")
        if a.dtype == np.float16:
            a = a.astype(np.float32)
        summarise = a.size > THRESHOLD
        body = _layout(a, _Format(_edges(a) if summarise else a), len(prefix), summarise)
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name().removeprefix('torch::autograd::')}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _with_suffixes(prefix + body, suffixes, len(prefix))
