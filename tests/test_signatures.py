"""Every default argument is torch's: the signature of each public class and function that torch defines
in Python (nn layers, nn.functional, nn.init, optimizers, schedulers, data) is compared with torch's own.

A program written for torch relies on defaults it never spells out (``nn.Conv2d(1, 16, 3)`` means
``stride=1, padding=0, bias=True``; ``Adam(params)`` means ``lr=1e-3, betas=(0.9, 0.999)``). Parity tests
mostly pass every argument, so a wrong default would go unnoticed there: this test reads both signatures.

Rules, for every parameter of ours that torch's signature also has (ours may lack torch's extra ones):
- its default is torch's (both without a default, or equal values);
- the parameters a caller can pass by position come in torch's order (``Conv2d(1, 16, 3, 2)`` binds the
  same names on both).
torch's builtins (``torch.sum``, ``Tensor.max``, ``F.conv2d``…) are written in C and have no Python
signature; their docstrings open with it (``sum(dim=None, keepdim=False, dtype=None) -> Tensor``, one line
per overload), so for those the defaults are read from there and compared the same way (ours may merge
overloads: a parameter torch requires in one overload may have a default here). Lion and LAMB are not in
torch: they are compared with their torch twins in ``reference/optimizers.py``.
"""
from __future__ import annotations

import ast
import inspect
import math
import re

import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as TF  # noqa: E402
import torch.utils.data  # noqa: E402

import minitorch_cnn as M  # noqa: E402
from reference import optimizers as ref_optimizers  # noqa: E402

# (ours, torch's) namespaces whose public callables are compared
NAMESPACES = {
    "nn": (M.nn, torch.nn),
    "nn.functional": (M.nn.functional, TF),
    "nn.init": (M.nn.init, torch.nn.init),
    "nn.utils": (M.nn.utils, torch.nn.utils),
    "optim": (M.optim, torch.optim),
    "optim.lr_scheduler": (M.optim.lr_scheduler, torch.optim.lr_scheduler),
    "utils.data": (M.utils.data, torch.utils.data),
    "reference": (M.optim, ref_optimizers),
}

# deliberate differences, each with its reason
DIFFERENT = {
    "utils.data.random_split.generator": "torch's default is its global generator object; ours None means our "
                                         "global generator: the same draw order from a seeded run",
}


def _signature(f):
    target = f.__init__ if inspect.isclass(f) else f
    try:
        return inspect.signature(target)
    except (TypeError, ValueError):
        return None


def _pairs():
    out = []
    for label, (ours_ns, theirs_ns) in NAMESPACES.items():
        for name in sorted(dir(ours_ns)):
            if name.startswith("_"):
                continue
            ours, theirs = getattr(ours_ns, name), getattr(theirs_ns, name, None)
            if theirs is None or not callable(ours) or not callable(theirs):
                continue
            if inspect.isclass(ours) != inspect.isclass(theirs) or inspect.ismodule(theirs):
                continue
            so, st = _signature(ours), _signature(theirs)
            if so is not None and st is not None and list(st.parameters) not in (["self", "args", "kwargs"],
                                                                                  ["args", "kwargs"]):
                out.append(pytest.param(so, st, id=f"{label}.{name}"))
            if inspect.isclass(ours):  # and its public methods (zero_grad, named_modules, state_dict…)
                for meth in sorted(vars(ours)):
                    mo, mt_ = getattr(ours, meth, None), getattr(theirs, meth, None)
                    if meth.startswith("_") or not inspect.isfunction(mo) or not inspect.isfunction(mt_):
                        continue
                    smo, smt = _signature(mo), _signature(mt_)
                    if smo is not None and smt is not None:
                        out.append(pytest.param(smo, smt, id=f"{label}.{name}.{meth}"))
    return out


PAIRS = _pairs()


def _same(a, b) -> bool:
    if a is b:
        return True
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    try:
        return bool(a == b) and type(a) is type(b) or (isinstance(a, (int, float)) and not isinstance(a, bool)
                                                        and isinstance(b, (int, float)) and not isinstance(b, bool)
                                                        and a == b)
    except Exception:  # noqa: BLE001 - a default that cannot be compared is not equal
        return False


def test_enough_signatures_are_compared():
    """The comparison is not vacuous: the lecture's layers, losses, optimizers and schedulers are in it."""
    ids = {p.id for p in PAIRS}
    for must in ("nn.Conv2d", "nn.Linear", "nn.MaxPool2d", "nn.CrossEntropyLoss", "nn.functional.cross_entropy",
                 "optim.Adam", "optim.SGD", "optim.Adafactor", "optim.lr_scheduler.OneCycleLR",
                 "utils.data.DataLoader", "reference.Lion", "reference.LAMB", "nn.init.kaiming_uniform_"):
        assert must in ids, must
    assert len(PAIRS) >= 95, len(PAIRS)


@pytest.mark.parametrize("ours, theirs", PAIRS)
def test_defaults_and_positional_order_are_torchs(request, ours, theirs):
    name = request.node.callspec.id
    problems = []
    tp = theirs.parameters
    for pname, p in ours.parameters.items():
        if pname in ("self", "args", "kwargs") or pname not in tp:
            continue
        key = f"{name}.{pname}"
        if not _same(p.default, tp[pname].default):
            if key not in DIFFERENT:
                problems.append(f"{pname}: ours {p.default!r}, torch {tp[pname].default!r}")
        elif key in DIFFERENT:
            problems.append(f"{pname}: listed as different ({DIFFERENT[key]}) but now the same")
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ours_pos = [n for n, p in ours.parameters.items() if p.kind in positional and n != "self"]
    theirs_pos = [n for n, p in tp.items() if p.kind in positional and n != "self"]
    if ours_pos != theirs_pos[:len(ours_pos)]:
        problems.append(f"positional order: ours {ours_pos}, torch {theirs_pos}")
    assert not problems, "\n".join(problems)


# -- builtins: the signatures written at the top of torch's docstrings --------------------------------------
BUILTIN_NAMESPACES = {
    "Tensor": (M.Tensor, torch.Tensor),
    "torch": (M, torch),
    "nn.functional": (M.nn.functional, TF),
}
# defaults that read differently and mean the same
BUILTIN_SAME = {
    "Tensor.std.correction": "ours None means torch's 1 (Bessel's correction) unless unbiased=False is given",
    "Tensor.var.correction": "see Tensor.std.correction",
    "torch.std.correction": "see Tensor.std.correction",
    "torch.var.correction": "see Tensor.std.correction",
    "Tensor.topk.dim": "torch documents None, meaning the last dimension; ours writes it -1",
    "torch.topk.dim": "see Tensor.topk.dim",
}
_EMPTY = inspect.Parameter.empty


def _documented(f) -> list[dict]:
    """{parameter: default (a Python value, _EMPTY, or None when it is not a literal)} per overload line."""
    out = []
    for line in (f.__doc__ or "").strip().splitlines()[:8]:
        m = re.match(r"^([A-Za-z_0-9.]+)\((.*)\)\s*(->.*)?$", line.strip())
        if not m:
            continue
        params_text = re.sub(r"(\*\w+),\s*\*,", r"\1,", m.group(2))  # "*size, *, dtype=None": the bare * is implied
        try:
            a = ast.parse(f"def f({params_text}): pass").body[0].args
        except SyntaxError:
            continue
        pos = a.posonlyargs + a.args
        params = {arg.arg: _EMPTY for arg in pos}
        for arg, d in zip(pos[len(pos) - len(a.defaults):], a.defaults):
            params[arg.arg] = d
        for arg, d in zip(a.kwonlyargs, a.kw_defaults):
            params[arg.arg] = _EMPTY if d is None else d
        out.append(params)
    return out


_NOT_LITERAL = object()  # torch.contiguous_format, torch.strided…: not compared


def _literal(node):
    if node is _EMPTY:
        return _EMPTY
    try:
        return ast.literal_eval(node)
    except ValueError:
        return _NOT_LITERAL


def _opaque(f) -> bool:
    """No Python signature to read: a C builtin, or a wrapper taking ``*args, **kwargs``."""
    sig = _signature(f)
    return sig is None or [p.kind for p in sig.parameters.values()] == [inspect.Parameter.VAR_POSITIONAL,
                                                                      inspect.Parameter.VAR_KEYWORD]


def _builtin_pairs():
    out = []
    for label, (ours_ns, theirs_ns) in BUILTIN_NAMESPACES.items():
        for name in sorted(dir(ours_ns)):
            ours, theirs = getattr(ours_ns, name), getattr(theirs_ns, name, None)
            if name.startswith("_") or theirs is None or not callable(ours) or inspect.isclass(ours) \
                    or inspect.ismodule(theirs) or not _opaque(theirs):
                continue
            so, documented = _signature(ours), _documented(theirs)
            if so is not None and documented:
                out.append(pytest.param(so, documented, id=f"{label}.{name}"))
    return out


BUILTIN_PAIRS = _builtin_pairs()


def test_enough_builtin_signatures_are_compared():
    ids = {p.id for p in BUILTIN_PAIRS}
    for must in ("Tensor.sum", "Tensor.max", "Tensor.view", "torch.cat",
                 "nn.functional.conv2d", "nn.functional.max_pool2d"):
        assert must in ids, must
    assert len(BUILTIN_PAIRS) >= 150, len(BUILTIN_PAIRS)


@pytest.mark.parametrize("ours, documented", BUILTIN_PAIRS)
def test_builtin_defaults_are_torchs(request, ours, documented):
    name = request.node.callspec.id
    problems = []
    for pname, p in ours.parameters.items():
        if pname == "self" or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        theirs = [_literal(d[pname]) for d in documented if pname in d]
        if any(t is _EMPTY for t in theirs):
            continue  # torch requires it in some overload: a default here merges overloads
        theirs = [t for t in theirs if t is not _NOT_LITERAL]
        if not theirs:
            continue
        same = any(_same(p.default, t) for t in theirs)
        key = f"{name}.{pname}"
        if same and key in BUILTIN_SAME:
            problems.append(f"{pname}: listed as reading differently ({BUILTIN_SAME[key]}) but now identical")
        elif not same and key not in BUILTIN_SAME:
            problems.append(f"{pname}: ours {p.default!r}, torch documents {theirs}")
    assert not problems, "\n".join(problems)
