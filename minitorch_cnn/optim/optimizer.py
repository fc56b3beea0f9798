"""The ``Optimizer`` base class: parameter groups, per-parameter state, and checkpoints.

It mirrors ``torch.optim.Optimizer`` (torch 2.13) in what a user sees:

* ``param_groups`` — a list of dicts, each with ``"params"`` (a list of Parameters) and every
  hyperparameter of the optimizer; a value missing from a group is filled from ``defaults``
  with ``setdefault``, so ``[{"params": w, "lr": 0.1}, {"params": b}]`` gives ``b`` the default lr.
* ``state`` — a mapping from each parameter to a dict (its moments, step count, ...) filled on the
  parameter's first step.  It is keyed by the parameter object itself (by identity, like torch).
* ``zero_grad(set_to_none=True)``, ``step(closure=None)``, ``add_param_group(group)``,
  ``state_dict()`` / ``load_state_dict(sd)`` where parameters are replaced by integer ids
  (their position across all groups), exactly like torch's format.

A subclass supplies only three things: validation in ``__init__``, ``_init_state`` (the empty state
of one parameter) and ``_update`` (one step for one parameter), plus the two implementations of
that step as class attributes: ``numpy_update`` (the readable NumPy function in the subclass's own
file) and ``numba_update`` (its fused twin in :mod:`minitorch_cnn.kernels.optim_kernels`).
Parameters whose ``.grad is None`` are skipped: their state and values stay untouched.
"""
from __future__ import annotations

import copy
from collections.abc import MutableMapping
from itertools import chain
from typing import Any, Callable, Iterable

import numpy as np

from .._backend import get_backend


class _ParamState(MutableMapping):
    """``{parameter: state dict}`` keyed by identity; a missing parameter reads as ``{}``.

    Tensors compare element-wise, so they cannot be ordinary dict keys; torch keys by ``id`` too.
    """

    def __init__(self):
        self._data: dict[int, tuple[Any, dict]] = {}

    def __getitem__(self, param):
        if id(param) not in self._data:  # defaultdict(dict) behaviour, as torch's ``state``
            self._data[id(param)] = (param, {})
        return self._data[id(param)][1]

    def __setitem__(self, param, value):
        self._data[id(param)] = (param, value)

    def __delitem__(self, param):
        del self._data[id(param)]

    def __contains__(self, param):
        return id(param) in self._data

    def __iter__(self):
        return (param for param, _ in self._data.values())

    def __len__(self):
        return len(self._data)

    def __repr__(self):
        return f"ParamState({len(self)} parameters)"


def _copy_state_value(value):
    """Deep-copy one state entry (arrays are copied, scalars kept)."""
    return value.copy() if isinstance(value, np.ndarray) else copy.deepcopy(value)


def check_adam_hyperparameters(lr, betas, weight_decay, eps=None) -> None:
    """torch's checks for the Adam family, in torch's order and wording (``Invalid learning rate: -1.0``).

    Shared by Adam, AdamW, NAdam, RAdam, LAMB and (without ``eps``) Lion.
    """
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")
    if eps is not None and not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if isinstance(betas, str) or any(not (_is_real(b) or hasattr(b, "item")) for b in list(betas)[:2]):
        raise TypeError(f"betas must be a pair of numbers, e.g. (0.9, 0.999), got {betas!r}")
    for i in (0, 1):
        if not 0.0 <= betas[i] < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {betas[i]}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")


def _is_real(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _check_group_numbers(group: dict, defaults: dict) -> None:
    """A hyperparameter whose default is a number must be a number in every group (and each entry of
    a tuple of numbers, such as ``betas``).

    The constructor's checks (``Invalid learning rate: …``) see only its own arguments; a value
    given in a group dict, ``{"params": w, "lr": "0.1"}``, reached the update, where NumPy parsed
    the string and the step ran silently. torch raises a TypeError at its first ``step()``; we raise
    it when the group is added, naming the group's key.
    """
    for name, default in defaults.items():
        value = group.get(name)
        if _is_real(default) and not _is_real(value):
            raise TypeError(f"param group's {name!r} must be a number, got {type(value).__name__} {value!r}")
        if (isinstance(default, tuple) and default and all(_is_real(d) or d is None for d in default)
                and not (isinstance(value, (tuple, list)) and len(value) == len(default)
                         and all(_is_real(v) or (v is None and d is None) for v, d in zip(value, default)))):
            raise TypeError(f"param group's {name!r} must be a tuple of {len(default)} numbers, got {value!r}")


class Optimizer:
    """Base class of every optimizer (see the module docstring for the contract)."""

    def __init__(self, params: Iterable, defaults: dict[str, Any]):
        self.defaults = dict(defaults)
        self.state = _ParamState()
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but "
                "the ordering of tensors in sets will change between runs. Please use a list instead."
            )
        if hasattr(params, "array"):  # a single Tensor, as torch refuses it
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            f"but got {type(params).__name__}")
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(dict(group))

    # ------------------------------------------------------------------ groups
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Append a group; missing hyperparameters come from ``defaults`` (``setdefault``)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if hasattr(params, "array"):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but "
                "the ordering of tensors in sets will change between runs. Please use a list instead."
            )
        param_group["params"] = list(params)
        for p in param_group["params"]:
            if not hasattr(p, "array"):
                raise TypeError(
                    f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}"
                )
            if not p.is_leaf:  # its update would be lost: the graph recomputes it from the leaves
                raise ValueError("can't optimize a non-leaf Tensor")
        first = {}
        for i, p in enumerate(param_group["params"]):
            if id(p) in first:
                # torch warns ("in future, this will cause an error") and then updates the tensor twice per
                # step, each algorithm in its own way (SGD's momentum restarts from the gradient); we refuse
                raise ValueError("optimizer contains a parameter group with duplicate parameters: "
                                 f"params[{first[id(p)]}] and params[{i}] are the same tensor (list each "
                                 "parameter once, e.g. model.parameters())")
            first[id(p)] = i
        for name, default in self.defaults.items():
            param_group.setdefault(name, default)
        _check_group_numbers(param_group, self.defaults)
        seen = {id(p) for group in self.param_groups for p in group["params"]}
        if any(id(p) in seen for p in param_group["params"]):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # ------------------------------------------------------------------ stepping
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: set ``p.grad = None`` (default) or fill them with zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.array[...] = 0

    def step(self, closure: Callable[[], Any] | None = None):
        """Update every parameter that has a gradient; return ``closure()``'s loss if given."""
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                # read without creating: an optimizer that keeps no state for p (SGD without momentum)
                # leaves ``self.state`` empty, as torch's does
                state = self.state[p] if p in self.state else {}
                if not state:
                    state.update(self._init_state(p.array, group))
                self._update(p.array, p.grad.array, state, group)
                if state and p not in self.state:
                    self.state[p] = state
                # an in-place change of p, as torch's p.add_(...): a pending backward that saved p now raises
                p._version_counter.version += 1
        return loss

    # Each subclass names its step for one parameter: the readable NumPy update and its fused Numba
    # twin (e.g. ``numpy_update = staticmethod(adam_update)``, ``numba_update = staticmethod(adam_update_numba)``).
    numpy_update: Callable | None = None
    numba_update: Callable | None = None

    def _implementation(self, param: np.ndarray) -> Callable:
        """The update function to run for ``param``.

        Under the "numba" backend (the default) this is the subclass's ``numba_update``, the fused
        twin from :mod:`minitorch_cnn.kernels.optim_kernels`, provided the parameter is
        C-contiguous (the twins walk flat views); otherwise its readable ``numpy_update``.
        """
        if get_backend() == "numba" and param.flags.c_contiguous:
            return self.numba_update
        return self.numpy_update

    def _init_state(self, param: np.ndarray, group: dict) -> dict:  # pragma: no cover
        raise NotImplementedError

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        raise NotImplementedError  # pragma: no cover

    # ------------------------------------------------------------------ checkpoints
    def state_dict(self) -> dict[str, Any]:
        """``{"state": {id: {...}}, "param_groups": [{..., "params": [ids]}]}`` (copies, like torch's format).

        A parameter's id is its position when all groups' params are chained; arrays are copied.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            ids = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            packed = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            packed["params"] = ids
            groups.append(packed)
        state = {
            index[id(p)]: {k: _copy_state_value(v) for k, v in s.items()}
            for p, s in ((p, self.state[p]) for p in self.state)
            if id(p) in index and s
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyperparameters and state saved by :meth:`state_dict` (arrays cast to each param's dtype).

        Checked as torch checks (the number of groups, the number of parameters in each group, with
        torch's wording), and more: every state entry must have the keys, shapes and kinds of values
        this optimizer's own state for that parameter has. torch loads a state of the wrong shape and
        fails at the next ``step()`` (``RuntimeError: The size of tensor a …``); we refuse it at load
        with a ``RuntimeError`` naming the parameter, because the fused Numba updates walk the arrays
        by index — a wrong shape must never reach them (on a 256×256 Linear it was a segfault).
        Nothing changes unless the whole state dict is valid.
        """
        if not isinstance(state_dict, dict):
            raise TypeError(f"optimizer state_dict must be a dict, got {type(state_dict).__name__}")
        for key in ("state", "param_groups"):
            if key not in state_dict:
                raise KeyError(f"{key!r} (the optimizer state_dict has no {key!r} entry)")
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if not isinstance(saved_groups, (list, tuple)) or not all(
                isinstance(g, dict) and isinstance(g.get("params"), (list, tuple)) for g in saved_groups):
            raise TypeError("optimizer state_dict['param_groups'] must be a list of dicts, each with a list "
                            "'params' of integer ids")
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(s["params"]) != len(g["params"]) for s, g in zip(saved_groups, self.param_groups)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"
            )
        for saved in saved_groups:
            missing = [k for k in self.defaults if k not in saved]
            if missing:
                raise KeyError(f"loaded state dict's parameter group lacks the hyperparameters {missing}")
            _check_group_numbers(saved, self.defaults)
        if not isinstance(state_dict["state"], dict):
            raise TypeError(f"optimizer state_dict['state'] must be a dict, got {type(state_dict['state']).__name__}")
        id_map = {}  # saved id → (parameter, the group it is loaded into)
        for saved, group in zip(saved_groups, self.param_groups):
            for key, param in zip(saved["params"], group["params"]):
                id_map[key] = (param, saved)
        new_state = _ParamState()
        for key, saved in state_dict["state"].items():
            if key not in id_map:  # as torch: state of ids that no group lists is dropped
                continue
            param, group = id_map[key]
            new_state[param] = self._checked_state(key, saved, param.array, group)
        for saved, group in zip(saved_groups, self.param_groups):
            saved["params"] = group["params"]
        self.state = new_state
        self.param_groups = saved_groups

    def _checked_state(self, key, saved, param: np.ndarray, group: dict) -> dict:
        """One parameter's loaded state, validated against a fresh ``_init_state`` and cast to its dtype."""
        where = f"loaded optimizer state for parameter {key!r} (shape {param.shape})"
        if not isinstance(saved, dict):
            raise TypeError(f"{where}: expected a dict, got {type(saved).__name__}")
        if not saved:
            return {}
        fresh = self._init_state(param, group)
        missing = [k for k in fresh if k not in saved]
        if missing:
            raise KeyError(f"{where} lacks {missing}")
        out = {}
        for name, value in saved.items():
            if hasattr(value, "array") and not isinstance(value, np.ndarray):  # an mt.Tensor
                value = value.array
            like = fresh.get(name)
            if isinstance(like, np.ndarray) or (like is None and isinstance(value, np.ndarray)):
                if not isinstance(value, np.ndarray):
                    raise TypeError(f"{where}: {name!r} must be an array, got {type(value).__name__}")
                expected = like.shape if like is not None else param.shape
                if value.shape != expected:
                    raise RuntimeError(f"{where}: {name!r} has shape {value.shape}, expected {expected}")
                if value.dtype.kind not in "biuf":
                    raise TypeError(f"{where}: {name!r} has dtype {value.dtype}, expected a real number array")
                out[name] = value.astype(param.dtype, copy=True)
            elif like is None and name in fresh:  # e.g. SGD's momentum_buffer before the first step
                if value is not None:
                    raise TypeError(f"{where}: {name!r} must be None or an array, got {type(value).__name__}")
                out[name] = None
            elif isinstance(like, (int, float, np.number)):  # step counts, NAdam's mu_product
                if isinstance(value, np.ndarray) and value.ndim == 0:
                    value = value.item()
                if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
                    raise TypeError(f"{where}: {name!r} must be a number, got {type(value).__name__}")
                out[name] = type(like)(value)
            else:  # a key this optimizer does not use: kept as it came (torch keeps it too)
                out[name] = copy.deepcopy(value)
        return out

    # ------------------------------------------------------------------ display
    def __repr__(self) -> str:
        lines = [self.__class__.__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines.extend(f"    {key}: {group[key]}" for key in sorted(group) if key != "params")
        lines.append(")")
        return "\n".join(lines)


def lerp_(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """In place ``start = start + weight·(end − start)``, rounded as torch's ``lerp_`` rounds it.

    torch computes ``start + w·(end − start)`` when ``|w| < 0.5`` and ``end − (end − start)·(1 − w)``
    otherwise; both equal ``(1 − w)·start + w·end`` in exact arithmetic.
    """
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        start[...] = end - (end - start) * (1 - weight)


def signed_decayed_grad(param: np.ndarray, grad: np.ndarray, weight_decay: float, maximize: bool) -> np.ndarray:
    """``g = ±grad + wd·param``: the sign flip of ``maximize`` then L2 weight decay (a new array)."""
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = g + weight_decay * param
    return g
