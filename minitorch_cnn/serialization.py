"""``save`` and ``load``: tensors, state_dicts and optimizer state_dicts in a NumPy ``.npz`` file, never pickle.

torch's ``torch.save`` pickles Python objects; unpickling a file can run arbitrary code, which is why
torch 2.6 made ``torch.load(..., weights_only=True)`` the default. This engine never pickles at all:
a file holds only numeric arrays and one JSON text that says how to rebuild the Python structure.

The file format (version 1)
---------------------------
An uncompressed NumPy ``.npz`` archive (a zip of ``.npy`` files, readable with
``np.load(path, allow_pickle=False)``) with these members:

``__minitorch_cnn__``
    a 0-d unicode array holding a JSON object
    ``{"format": "minitorch_cnn.save", "version": 1, "root": NODE}``.
``a0``, ``a1``, ...
    the arrays: one per distinct tensor or NumPy array in the saved object (a tensor that appears
    twice is stored once and loaded back as one object).

A NODE is a JSON object with a ``"kind"``:

==============  ======================================================================================
kind            fields and meaning
==============  ======================================================================================
``none``        Python ``None``
``bool``        ``value``: true/false
``int``         ``value``: the integer
``float``       ``value``: ``repr(x)`` as a string, so ``nan``, ``inf`` and every bit round-trip
``str``         ``value``: the string
``tensor``      ``array``: member name; ``requires_grad``; ``parameter`` (load as ``nn.Parameter``)
``ndarray``     ``array``: member name (a NumPy array, loaded as a NumPy array)
``npscalar``    ``array``: member name of a 0-d array (a NumPy scalar such as ``np.float32(1.5)``)
``dtype``       ``value``: the dtype's name (``"float32"``)
``list``        ``items``: list of NODEs
``tuple``       ``items``: list of NODEs
``dict``        ``items``: list of ``[key NODE, value NODE]`` pairs (keys may be ints, as in an
                optimizer's ``state``); ``ordered``: true for an ``OrderedDict``
==============  ======================================================================================

Loading reads the manifest first, checks the format name and version, and refuses anything else with
a one-line error naming the file. Saving writes to a temporary file beside the target and renames it
over the target only when it is complete (atomic: a crash never leaves half a checkpoint).

Usage, as in torch::

    mt.save(model.state_dict(), "model.pt")
    model.load_state_dict(mt.load("model.pt", weights_only=True))
    mt.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}, "ckpt.pt")
"""
from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from collections import OrderedDict

import numpy as np

from .device import check_device
from .tensor import Tensor

FORMAT = "minitorch_cnn.save"
VERSION = 1
MANIFEST = "__minitorch_cnn__"
_ARRAY_KINDS = "biufc"  # bool, signed and unsigned ints, floats, complex: never object arrays


# ---------------------------------------------------------------------------------------------
# save
# ---------------------------------------------------------------------------------------------
class _Encoder:
    """Turn a Python object into (JSON-able NODE, {member name: array})."""

    def __init__(self):
        self.arrays: dict[str, np.ndarray] = {}
        self.names: dict[int, str] = {}  # id(tensor or array) -> member name, so a shared one is stored once
        self.keep = []  # keeps the objects whose ids are in ``names`` alive while encoding
        self.active: set[int] = set()  # containers being encoded (to refuse a cycle instead of recursing forever)

    def _member(self, obj, arr: np.ndarray) -> str:
        if id(obj) not in self.names:
            if arr.dtype.kind not in _ARRAY_KINDS:
                raise TypeError(f"save: cannot store an array of dtype {arr.dtype} (numbers and bools only)")
            name = f"a{len(self.arrays)}"
            self.arrays[name] = np.asarray(arr)
            self.names[id(obj)] = name
            self.keep.append(obj)
        return self.names[id(obj)]

    def encode(self, obj):
        from .nn.module import Module
        from .optim.optimizer import Optimizer

        if obj is None:
            return {"kind": "none"}
        if isinstance(obj, (bool, np.bool_)):
            return {"kind": "bool", "value": bool(obj)}
        if isinstance(obj, Tensor):
            from .nn.parameter import Parameter

            return {"kind": "tensor", "array": self._member(obj, obj.array),
                    "requires_grad": bool(obj.requires_grad), "parameter": isinstance(obj, Parameter)}
        if isinstance(obj, np.ndarray):
            return {"kind": "ndarray", "array": self._member(obj, obj)}
        if isinstance(obj, np.generic):
            return {"kind": "npscalar", "array": self._member(obj, np.asarray(obj))}
        if isinstance(obj, int):
            return {"kind": "int", "value": int(obj)}
        if isinstance(obj, float):
            return {"kind": "float", "value": repr(float(obj))}
        if isinstance(obj, str):
            return {"kind": "str", "value": obj}
        if isinstance(obj, np.dtype):
            return {"kind": "dtype", "value": obj.name}
        if isinstance(obj, Module):
            raise TypeError(
                f"save: cannot save a whole {type(obj).__name__} module (that would need pickle); "
                "save its weights with mt.save(model.state_dict(), path) and restore them with "
                "model.load_state_dict(mt.load(path))"
            )
        if isinstance(obj, Optimizer):
            raise TypeError(
                f"save: cannot save a whole {type(obj).__name__} optimizer (that would need pickle); "
                "save optimizer.state_dict() and restore it with optimizer.load_state_dict(mt.load(path))"
            )
        if isinstance(obj, (list, tuple, dict)):
            if id(obj) in self.active:
                raise ValueError("save: the object contains itself (a reference cycle); cannot save it")
            self.active.add(id(obj))
            try:
                if isinstance(obj, dict):
                    items = [[self.encode(k), self.encode(v)] for k, v in obj.items()]
                    return {"kind": "dict", "ordered": isinstance(obj, OrderedDict), "items": items}
                kind = "list" if isinstance(obj, list) else "tuple"
                return {"kind": kind, "items": [self.encode(x) for x in obj]}
            finally:
                self.active.discard(id(obj))
        raise TypeError(
            f"save: cannot store an object of type {type(obj).__name__} without pickle; minitorch_cnn "
            "files hold tensors, NumPy arrays, numbers, strings, None, dtypes, and lists, tuples and "
            "dicts of them (a state_dict or an optimizer's state_dict)"
        )


def save(obj, f) -> None:
    """Write ``obj`` (a tensor, a state_dict, an optimizer state_dict, or a dict/list of them) to ``f``.

    ``f`` is a path (``str`` / ``os.PathLike``) or a binary file object. A path is written atomically:
    to a temporary file in the same folder, then renamed over the target. The format is described in
    this module's docstring; no pickle is involved. A whole ``nn.Module`` or optimizer is refused with
    an error telling to save its ``state_dict()``.
    """
    enc = _Encoder()
    root = enc.encode(obj)
    manifest = json.dumps({"format": FORMAT, "version": VERSION, "root": root}, allow_nan=False)
    members = {MANIFEST: np.array(manifest), **enc.arrays}

    if hasattr(f, "write"):
        np.savez(f, **members)
        return
    path = os.fspath(f)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            np.savez(out, **members)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# ---------------------------------------------------------------------------------------------
# load
# ---------------------------------------------------------------------------------------------
class _Decoder:
    def __init__(self, archive, where: str):
        self.archive = archive
        self.where = where
        self.loaded: dict[str, object] = {}  # member name -> the object built from it (shared once)

    def _fail(self, what: str):
        raise RuntimeError(f"load: {self.where} is not a valid minitorch_cnn file: {what}")

    def _array(self, node) -> np.ndarray:
        name = node.get("array")
        if not isinstance(name, str) or name == MANIFEST or name not in self.archive.files:
            self._fail(f"it refers to an array {name!r} that it does not contain")
        arr = self.archive[name]
        if arr.dtype.kind not in _ARRAY_KINDS:
            self._fail(f"array {name!r} has dtype {arr.dtype}, not a number type")
        return arr

    def decode(self, node):
        if not isinstance(node, dict) or "kind" not in node:
            self._fail(f"malformed node {str(node)[:80]!r}")
        kind = node["kind"]
        try:
            if kind == "none":
                return None
            if kind == "bool":
                return bool(node["value"])
            if kind == "int":
                return int(node["value"])
            if kind == "float":
                return float(node["value"])
            if kind == "str":
                return str(node["value"])
            if kind == "dtype":
                return np.dtype(node["value"])
            if kind in ("tensor", "ndarray", "npscalar"):
                name = node.get("array")
                if name not in self.loaded:
                    self.loaded[name] = self._build(kind, node)
                return self.loaded[name]
            if kind in ("list", "tuple"):
                items = [self.decode(x) for x in node["items"]]
                return items if kind == "list" else tuple(items)
            if kind == "dict":
                out = OrderedDict() if node.get("ordered") else {}
                for key, value in node["items"]:
                    out[self.decode(key)] = self.decode(value)
                return out
        except (KeyError, TypeError, ValueError) as exc:
            self._fail(f"malformed {kind!r} node ({exc})")
        self._fail(f"unknown node kind {kind!r}")

    def _build(self, kind, node):
        arr = self._array(node)
        if kind == "ndarray":
            return arr
        if kind == "npscalar":
            return arr[()]
        if node.get("parameter"):
            from .nn.parameter import Parameter

            return Parameter(arr, requires_grad=bool(node.get("requires_grad", True)))
        return Tensor(arr, requires_grad=bool(node.get("requires_grad", False)))


def _check_map_location(map_location) -> None:
    if map_location is None or callable(map_location) and not isinstance(map_location, str):
        return
    if isinstance(map_location, dict):
        for v in map_location.values():
            check_device(v)
        return
    check_device(map_location)


def load(f, map_location=None, weights_only=True, **kwargs):
    """Read an object written by :func:`save` (tensors come back as Tensors, arrays as arrays).

    ``weights_only`` must stay True (the default, as in torch ≥ 2.6): this engine never unpickles,
    so it cannot load arbitrary Python objects. ``map_location`` may be ``"cpu"`` (or a CPU device);
    anything else raises, as the engine runs on the CPU only. A file that was not written by
    :func:`save` raises a ``RuntimeError`` naming the file and what is wrong.
    """
    if kwargs.pop("mmap", None):
        raise ValueError("load: mmap=True is not supported")
    if kwargs:
        raise TypeError(f"load() got unexpected keyword arguments {sorted(kwargs)}")
    if weights_only is False:
        raise ValueError(
            "load: weights_only=False is not supported; minitorch_cnn files never contain pickled "
            "objects, so load them with the default weights_only=True"
        )
    _check_map_location(map_location)
    where = repr(os.fspath(f)) if not hasattr(f, "read") else "the file object"
    if hasattr(f, "read"):
        f = io.BytesIO(f.read())
    elif not os.path.exists(os.fspath(f)):
        raise FileNotFoundError(f"load: no such file {os.fspath(f)!r}")
    if not zipfile.is_zipfile(f):
        raise RuntimeError(
            f"load: {where} is not a minitorch_cnn file (not a zip/.npz archive; files are written by minitorch_cnn.save)"
        )
    if hasattr(f, "seek"):
        f.seek(0)
    try:
        archive = np.load(f, allow_pickle=False)
    except Exception as exc:  # a damaged zip directory
        raise RuntimeError(f"load: {where} could not be read as an .npz archive: {exc}") from None
    with archive:
        if MANIFEST not in archive.files:
            hint = ""
            if any(name.endswith(".pkl") for name in archive.zip.namelist()):
                hint = " (it looks like a torch.save file, which holds pickle; load it with torch and save its state_dict with minitorch_cnn.save)"
            raise RuntimeError(f"load: {where} is not a minitorch_cnn file: it has no {MANIFEST} manifest{hint}")
        try:
            text = archive[MANIFEST]
            manifest = json.loads(str(text[()]))
        except Exception as exc:
            raise RuntimeError(f"load: {where} has an unreadable manifest: {exc}") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise RuntimeError(f"load: {where} is not a minitorch_cnn file (its manifest names no {FORMAT!r} format)")
        if manifest.get("version") != VERSION:
            raise RuntimeError(
                f"load: {where} has format version {manifest.get('version')!r}; this minitorch_cnn reads version {VERSION}"
            )
        if "root" not in manifest:
            raise RuntimeError(f"load: {where} is not a valid minitorch_cnn file: its manifest has no root")
        return _Decoder(archive, where).decode(manifest["root"])


__all__ = ["save", "load"]
