"""Checkpoints: ``.npz`` files read with ``allow_pickle=False``, written atomically.

Arrays are stored as arrays; everything else (hyperparameters, step counters, the scheduler's
state, the run's config and position) as one JSON string ``__meta__``, see :func:`pack` /
:func:`unpack`. Every file is written to a temporary file beside its target and renamed into place,
so a crash or a full disk leaves the previous checkpoint intact. Each engine's entry also holds its
global random generator's state (``get_rng_state()``), so a resumed run draws the same dropout masks.

Reading is defensive: a checkpoint comes from disk and may be empty, truncated, another kind of
file, or made by another run. Every such case is a :class:`TrainingError` of one line that names the
file and what is wrong with it (the command prints it and exits with code 2).
"""
from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from .config import TrainingError, config_fields

CHECKPOINT_NAME = "checkpoint.npz"
LOG_NAME = "log.json"
CURVES_NAME = "curves.png"
FORMAT_VERSION = 1
META_KEYS = ("format", "config", "position", "order", "engines", "history")


def pack(obj: Any, arrays: dict[str, np.ndarray], prefix: str) -> Any:
    """A JSON-able copy of ``obj``; each array inside goes into ``arrays`` under a key from ``prefix``.

    Tags keep what JSON would lose: ``{"__array__": key}`` (a NumPy array), ``{"__tensor__": key}``
    (a torch tensor), ``{"__tuple__": [...]}``, ``{"__dict__": [[key, value], ...]}`` (a dict with
    non-string keys, such as an optimizer's ``state``), ``{"__scalar__": [dtype, value]}`` (a NumPy
    scalar). Functions (a LambdaLR's lambda) become None, as in torch's own ``state_dict``.
    """
    if isinstance(obj, np.ndarray):
        arrays[prefix] = obj.copy()
        return {"__array__": prefix}
    if type(obj).__module__.startswith("torch") and hasattr(obj, "detach"):
        arrays[prefix] = obj.detach().cpu().numpy().copy()
        return {"__tensor__": prefix}
    if isinstance(obj, np.generic):
        return {"__scalar__": [obj.dtype.str, obj.item()]}
    if isinstance(obj, (bool, int, float, str)) or obj is None:
        return obj
    if isinstance(obj, tuple):
        return {"__tuple__": [pack(v, arrays, f"{prefix}/{i}") for i, v in enumerate(obj)]}
    if isinstance(obj, list):
        return [pack(v, arrays, f"{prefix}/{i}") for i, v in enumerate(obj)]
    if isinstance(obj, dict):
        if all(isinstance(k, str) for k in obj):
            return {k: pack(v, arrays, f"{prefix}/{k}") for k, v in obj.items()}
        return {"__dict__": [[pack(k, arrays, f"{prefix}/k{i}"), pack(v, arrays, f"{prefix}/{k}")]
                             for i, (k, v) in enumerate(obj.items())]}
    if callable(obj):
        return None
    raise TypeError(f"cannot store a {type(obj).__name__} in a checkpoint ({prefix})")


def unpack(obj: Any, arrays, torch=None) -> Any:
    """The inverse of :func:`pack`; ``__tensor__`` entries need ``torch``."""
    if isinstance(obj, list):
        return [unpack(v, arrays, torch) for v in obj]
    if isinstance(obj, dict):
        if "__array__" in obj:
            return np.array(arrays[obj["__array__"]])
        if "__tensor__" in obj:
            return torch.from_numpy(np.array(arrays[obj["__tensor__"]]))
        if "__scalar__" in obj:
            dtype, value = obj["__scalar__"]
            return np.dtype(dtype).type(value)
        if "__tuple__" in obj:
            return tuple(unpack(v, arrays, torch) for v in obj["__tuple__"])
        if "__dict__" in obj:
            return {unpack(k, arrays, torch): unpack(v, arrays, torch) for k, v in obj["__dict__"]}
        return {k: unpack(v, arrays, torch) for k, v in obj.items()}
    return obj


# ---------------------------------------------------------------------------------------------
# writing


def file_mode() -> int:
    """The permissions ``open()`` would give a new file (0o666 less the umask); mkstemp gives 0o600."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


TMP_SUFFIX = ".tmp"


def atomic_write(path: Path, write) -> None:
    """Call ``write(file)`` on a temporary file beside ``path``, then rename it to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=TMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_npz(path: Path, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Write ``arrays`` plus ``meta`` (as the JSON string array ``__meta__``) atomically."""
    payload = dict(arrays)
    payload["__meta__"] = np.array(json.dumps(meta))
    buf = io.BytesIO()
    np.savez(buf, **payload)
    atomic_write(path, lambda f: f.write(buf.getvalue()))


# ---------------------------------------------------------------------------------------------
# reading


def _bad(path, what: str, flag: str) -> TrainingError:
    return TrainingError(f"{flag} {path}: {what}".replace("\n", " "))


def _read_arrays(path: Path, flag: str) -> dict[str, np.ndarray]:
    """Every array of the ``.npz`` at ``path``; a clear error for anything that is not one."""
    if not path.exists():
        raise _bad(path, "no such file", flag)
    if not path.is_file():
        raise _bad(path, "not a file (give the checkpoint.npz inside a run's folder)", flag)
    try:
        with open(path, "rb") as f:
            head = f.read(6)
    except OSError as e:
        raise _bad(path, f"cannot be read ({e.strerror or e})", flag) from None
    if not head:
        raise _bad(path, "the file is empty (not a checkpoint)", flag)
    if head.startswith(b"\x93NUMPY"):
        raise _bad(path, "a single-array .npy file, not a checkpoint (.npz)", flag)
    if not head.startswith(b"PK"):
        raise _bad(path, "not a checkpoint: not a .npz (zip) file", flag)
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except ValueError as e:
        if "pickle" in str(e):
            raise _bad(path, "holds pickled object arrays, which are refused (allow_pickle=False)", flag) from None
        raise _bad(path, f"a damaged array ({e})", flag) from None
    except (zipfile.BadZipFile, EOFError, zlib.error, OSError, KeyError) as e:
        raise _bad(path, f"truncated or damaged ({type(e).__name__}: {e})", flag) from None


def check_config(saved: Any, path, flag: str) -> dict:
    """The checkpoint's config, if it has exactly :class:`TrainConfig`'s keys."""
    if not isinstance(saved, dict):
        raise _bad(path, "wrong metadata: 'config' is not a mapping", flag)
    names = [f.name for f in config_fields()]
    missing = [k for k in names if k not in saved]
    extra = [k for k in saved if k not in names]
    if missing or extra:
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + \
                ([f"unknown {', '.join(map(str, extra))}"] if extra else [])
        raise _bad(path, f"wrong metadata: config keys {'; '.join(parts)}", flag)
    return saved


def load_npz(path: str | Path, flag: str = "--resume") -> tuple[dict[str, np.ndarray], dict]:
    """Read a checkpoint written by :func:`save_npz` (``allow_pickle=False``): (arrays, meta)."""
    path = Path(path)
    arrays = _read_arrays(path, flag)
    if "__meta__" not in arrays:
        raise _bad(path, "not a minitorch-cnn checkpoint (no __meta__ entry)", flag)
    raw = arrays.pop("__meta__")
    try:
        meta = json.loads(str(raw))
    except (ValueError, TypeError) as e:
        raise _bad(path, f"wrong metadata: __meta__ is not JSON ({e})", flag) from None
    if not isinstance(meta, dict):
        raise _bad(path, "wrong metadata: __meta__ is not a JSON object", flag)
    if meta.get("format") != FORMAT_VERSION:
        raise _bad(path, f"checkpoint format {meta.get('format')!r}, this version reads format "
                         f"{FORMAT_VERSION}", flag)
    missing = [k for k in META_KEYS if k not in meta]
    if missing:
        raise _bad(path, f"wrong metadata: no {', '.join(missing)}", flag)
    check_config(meta["config"], path, flag)
    pos = meta["position"]
    if not (isinstance(pos, dict) and all(isinstance(pos.get(k), int) and not isinstance(pos.get(k), bool)
                                          and pos[k] >= 0 for k in ("epoch", "batch", "step"))):
        raise _bad(path, f"wrong metadata: position {pos!r} is not three counts epoch, batch, step", flag)
    return arrays, meta


def check_weights(path, engine: str, got: dict[str, np.ndarray], want: dict[str, np.ndarray],
                  flag: str = "--resume") -> None:
    """The checkpoint's weights for ``engine`` have the model's names, shapes and dtypes."""
    if set(got) != set(want):
        missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want))
        raise _bad(path, f"the {engine} weights are not this model's (missing {missing or 'none'}, "
                         f"unexpected {extra or 'none'})", flag)
    for k, w in want.items():
        if got[k].shape != w.shape or got[k].dtype != w.dtype:
            raise _bad(path, f"the {engine} weight {k} is {got[k].dtype}{list(got[k].shape)}, the model "
                             f"needs {w.dtype}{list(w.shape)}", flag)


def check_optimizer_state(path, engine: str, saved: Any, optimizer, flag: str = "--resume") -> None:
    """``saved`` is an optimizer ``state_dict`` of the same kind as ``optimizer``'s: same groups, the
    same hyperparameter names, the same number of parameters."""
    own = optimizer.state_dict()
    if not (isinstance(saved, dict) and isinstance(saved.get("param_groups"), list)
            and isinstance(saved.get("state"), dict)):
        raise _bad(path, f"the {engine} optimizer state is not a state_dict", flag)
    groups, own_groups = saved["param_groups"], own["param_groups"]
    if len(groups) != len(own_groups) or any(not isinstance(g, dict) for g in groups):
        raise _bad(path, f"the {engine} optimizer state has {len(groups)} parameter groups, this "
                         f"optimizer {len(own_groups)}", flag)
    name = type(optimizer).__name__
    for g, o in zip(groups, own_groups):
        if set(g) != set(o):
            raise _bad(path, f"the {engine} optimizer state is not a {name}'s (its hyperparameters "
                             f"{sorted(set(g) - {'params'})})", flag)
        if len(g.get("params", [])) != len(o["params"]):
            raise _bad(path, f"the {engine} optimizer state is for {len(g.get('params', []))} parameters, "
                             f"the model has {len(o['params'])}", flag)


def load_model(path: str | Path, flag: str = "--checkpoint"):
    """(our model with the checkpoint's weights, the checkpoint's meta): the minitorch weights, or the
    torch engine's when the run had only torch."""
    from ..random import manual_seed
    from .engines import to_numpy
    from .factories import MODELS, build_model

    arrays, meta = load_npz(path, flag)
    name = meta["config"]["model"]
    if name not in MODELS:
        raise _bad(path, f"unknown model {name!r} in its config", flag)
    manual_seed(0)
    model = build_model("minitorch", name)
    engine = "minitorch" if any(k.startswith("minitorch/model/") for k in arrays) else "torch"
    prefix = f"{engine}/model/"
    weights = {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}
    check_weights(path, engine, weights, {k: to_numpy(v) for k, v in model.state_dict().items()}, flag)
    from .. import from_numpy
    model.load_state_dict({k: from_numpy(np.array(v)) for k, v in weights.items()})
    return model, meta
