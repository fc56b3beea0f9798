"""Module: the base class of layers and models, and Sequential.

A Module keeps its learnable tensors in ``_parameters``, its sub-modules in ``_modules`` and other
saved arrays in ``_buffers``; assigning ``self.fc = Linear(...)`` or ``self.w = Parameter(...)`` in
``__init__`` registers them (``__setattr__`` below), which is how ``parameters()`` finds them.
"""
from __future__ import annotations

import operator

from collections import OrderedDict, namedtuple
from collections.abc import Mapping

import numpy as np

from ..device import Device, check_device
from ..tensor import Tensor
from .module_hooks import ForwardHooksMixin
from .parameter import Parameter

# what load_state_dict returns, as torch: a (missing_keys, unexpected_keys) tuple with names
_IncompatibleKeys = namedtuple("_IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class Module(ForwardHooksMixin):
    """Base class for all layers and models (same contract as ``torch.nn.Module``)."""

    training: bool

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "training", True)

    # -- registration ------------------------------------------------------------------------
    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"cannot assign {name!r} before Module.__init__() call (call super().__init__() first)"
            )
        if name in self._buffers and not isinstance(value, (Parameter, Module)):
            # assigning to a buffer's name replaces the buffer (torch: a Tensor or None only)
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{type(value).__name__}' object to buffer '{name}' "
                                f"(torch Tensor or None required)")
            self._buffers[name] = value
            return
        if name in self._parameters and value is not None and not isinstance(value, Parameter):
            raise TypeError(f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                            "(torch.nn.Parameter or None expected)")
        for store in (self._parameters, self._modules, self._buffers):
            store.pop(name, None)
        self._non_persistent_buffers_set.discard(name)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        else:
            object.__setattr__(self, name, value)
            return
        self.__dict__.pop(name, None)

    def __getattr__(self, name):
        d = self.__dict__
        for store in ("_parameters", "_modules", "_buffers"):
            if store in d and name in d[store]:
                return d[store][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for store in (self._parameters, self._modules, self._buffers):
            if name in store:
                del store[name]
                return
        object.__delattr__(self, name)

    def _check_new_name(self, name, kind: str, store: dict) -> None:
        """torch's checks on a name given to register_parameter/add_module (KeyError/TypeError)."""
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
        if "." in name:
            raise KeyError(f'{kind} name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')
        if name not in store and (name in self.__dict__ or name in self._parameters or name in self._modules
                                  or name in self._buffers):
            raise KeyError(f"attribute '{name}' already exists")

    def register_parameter(self, name: str, param) -> None:
        """Add ``param`` (an ``nn.Parameter``, or None for an absent optional one such as a bias)."""
        self._check_new_name(name, "parameter", self._parameters)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                            "(torch.nn.Parameter or None required)")
        if param is None:
            self._parameters[name] = None
        else:
            setattr(self, name, param)

    def register_buffer(self, name: str, tensor, persistent: bool = True) -> None:
        """Keep ``tensor`` on the module as ``self.<name>``: saved state that is not a parameter.

        A buffer (BatchNorm's ``running_mean``, ``running_var``, ``num_batches_tracked``) gets no
        gradient and no optimizer update, but ``to(dtype)`` converts it (floating ones only) and,
        when ``persistent``, it is in ``state_dict()`` under its dotted name, as in torch.
        """
        if not isinstance(name, str):
            raise TypeError(f"buffer name should be a string. Got {type(name).__name__}")
        if "." in name:
            raise KeyError('buffer name can\'t contain "."')
        if name == "":
            raise KeyError('buffer name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                            f"(torch Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module) -> None:
        """Add a child module (or None) under ``name``, as ``setattr`` would."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._check_new_name(name, "module", self._modules)
        self._modules[name] = module

    register_module = add_module  # torch's alias

    def apply(self, fn) -> "Module":
        """Call ``fn(m)`` on every sub-module, children first, then on ``self`` (torch's order; the usual
        use is weight initialisation: ``model.apply(init_weights)``). Returns ``self``."""
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    # -- traversal ---------------------------------------------------------------------------
    def named_modules(self, memo=None, prefix: str = "", remove_duplicate: bool = True):
        """(dotted name, module) for this module and every descendant, each module once unless
        ``remove_duplicate=False`` (then a module reused under two names comes under both, as
        torch's ``state_dict`` needs: ``Sequential(l, l)`` has ``0.weight`` and ``1.weight``)."""
        memo = set() if memo is None else memo
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, m in self._modules.items():
            if m is not None:
                yield from m.named_modules(memo, f"{prefix}.{name}" if prefix else name, remove_duplicate)

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def get_submodule(self, target: str) -> "Module":
        """The sub-module at the dotted path ``target`` (``"features.0"``; ``""`` is this module)."""
        mod = self
        for name in target.split(".") if target else []:
            if not hasattr(mod, name):
                raise AttributeError(f"{type(mod).__name__} has no attribute `{name}`")
            mod = getattr(mod, name)
            if not isinstance(mod, Module):
                raise AttributeError(f"`{name}` is not an nn.Module")
        return mod

    def _get_attribute(self, target: str, kind, what: str):
        path, _, name = target.rpartition(".")
        mod = self.get_submodule(path)
        if not hasattr(mod, name):
            raise AttributeError(f"{type(mod).__name__} has no attribute `{name}`")
        value = getattr(mod, name)
        if not kind(mod, name, value):
            raise AttributeError(f"`{name}` is not {what}")
        return value

    def get_parameter(self, target: str):
        """The parameter at the dotted path ``target`` (``"0.weight"``), with torch's errors."""
        return self._get_attribute(target, lambda mod, name, v: isinstance(v, Parameter), "an nn.Parameter")

    def get_buffer(self, target: str):
        """The buffer at the dotted path ``target`` (``"bn.running_mean"``), with torch's errors."""
        return self._get_attribute(target, lambda mod, name, v: name in mod._buffers, "a buffer")

    def named_children(self):
        for name, m in self._modules.items():
            if m is not None:
                yield name, m

    def children(self):
        for _, m in self.named_children():
            yield m

    def named_parameters(self, prefix: str = "", recurse: bool = True):
        seen = set()
        mods = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for mod_prefix, m in mods:
            for name, p in m._parameters.items():
                if p is None or id(p) in seen:
                    continue
                seen.add(id(p))
                yield (f"{mod_prefix}.{name}" if mod_prefix else name), p

    def parameters(self, recurse: bool = True):
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True):
        seen = set()
        mods = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for mod_prefix, m in mods:
            for name, b in m._buffers.items():
                if b is None or (remove_duplicate and id(b) in seen):
                    continue
                seen.add(id(b))
                yield (f"{mod_prefix}.{name}" if mod_prefix else name), b

    def buffers(self, recurse: bool = True):
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def _named_state(self):
        """(dotted name, tensor) of every parameter and persistent buffer, module by module in
        registration order: a module's parameters, then its buffers, then its children (torch's
        ``state_dict`` order)."""
        for mod_prefix, m in self.named_modules(remove_duplicate=False):
            for name, p in m._parameters.items():
                if p is not None:
                    yield (f"{mod_prefix}.{name}" if mod_prefix else name), p
            for name, b in m._buffers.items():
                if b is not None and name not in m._non_persistent_buffers_set:
                    yield (f"{mod_prefix}.{name}" if mod_prefix else name), b

    # -- modes and gradients -----------------------------------------------------------------
    def train(self, mode: bool = True):
        if not isinstance(mode, bool):
            raise ValueError(f"training mode is expected to be boolean, got {type(mode).__name__}")
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self):
        return self.train(False)

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.parameters():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.array[...] = 0

    def requires_grad_(self, requires_grad: bool = True):
        for p in self.parameters():
            p.requires_grad = requires_grad
        return self

    # -- dtype / device ----------------------------------------------------------------------
    def to(self, *args, **kwargs):
        """``model.to(dtype)`` casts every floating parameter and buffer; ``to("cpu")`` is accepted."""
        dtype = kwargs.pop("dtype", None)
        device = kwargs.pop("device", None)
        if kwargs:
            raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
        for a in args:
            if isinstance(a, (str, Device)):
                device = a
            elif isinstance(a, Tensor):
                dtype = a.dtype
            else:
                dtype = a
        if device is not None:
            check_device(device)
        if dtype is not None:
            dtype = np.dtype(dtype)
            if dtype.kind != "f":
                raise TypeError(f"Module.to only accepts floating point dtypes, but got desired dtype={dtype}")
            for m in self.modules():
                for p in m._parameters.values():
                    if p is not None and p.dtype != dtype:
                        p.array = p.array.astype(dtype)
                        if p.grad is not None:
                            p._grad = Tensor(p.grad.array.astype(dtype))
                for k, b in m._buffers.items():
                    if b is not None and b.dtype.kind == "f":
                        m._buffers[k] = Tensor(b.array.astype(dtype))
        return self

    def double(self):
        return self.to(np.float64)

    def float(self):
        return self.to(np.float32)

    def cpu(self):
        return self

    def cuda(self, device=None):
        """Always an error: this engine runs on the CPU only (reference/ holds the torch twins for GPUs)."""
        check_device("cuda" if device is None else device if isinstance(device, str) else f"cuda:{device}")

    # -- state -------------------------------------------------------------------------------
    def state_dict(self, *, keep_vars: bool = False) -> "OrderedDict[str, Tensor]":
        """Every parameter and persistent buffer by dotted name (torch's keys and order).

        As in torch, the values are ``detach()``-ed tensors that *share memory* with the parameters: a
        later ``optimizer.step()`` changes them too, which is why "keep the best weights" code copies
        (``{k: v.clone() for k, v in model.state_dict().items()}`` or ``copy.deepcopy``).
        ``keep_vars=True`` gives the Parameters themselves."""
        out = OrderedDict()
        for name, t in self._named_state():
            if name not in out:
                out[name] = t if keep_vars else t.detach()
        return out

    def load_state_dict(self, state_dict, strict: bool = True):
        """Copy arrays (or Tensors) into the parameters and buffers, checking names and shapes."""
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        own = OrderedDict(self._named_state())
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        if strict and (missing or unexpected):
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}: "
                f"missing keys {missing}, unexpected keys {unexpected}"
            )
        for name, value in state_dict.items():
            if name not in own:
                continue
            arr = value.array if isinstance(value, Tensor) else np.asarray(value)
            target = own[name]
            if arr.shape != target.array.shape:
                raise RuntimeError(
                    f"Error(s) in loading state_dict for {type(self).__name__}: size mismatch for {name}: "
                    f"copying a param with shape {arr.shape}, the shape in current model is {target.array.shape}"
                )
            target.array[...] = arr.astype(target.dtype, copy=False)
            target._version_counter.version += 1  # an in-place copy, as torch's param.copy_(value)
        return _IncompatibleKeys(missing, unexpected)

    # -- calling -----------------------------------------------------------------------------
    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"Module [{type(self).__name__}] is missing the required \"forward\" function")

    def __call__(self, *args, **kwargs):
        if self._forward_pre_hooks or self._forward_hooks:  # (module_hooks.py)
            return self._call_with_hooks(args, kwargs)
        return self.forward(*args, **kwargs)

    # -- printing ----------------------------------------------------------------------------
    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        lines = []
        extra = self.extra_repr()
        if extra:
            lines = extra.split("\n")
        for name, m in self._modules.items():
            mod_str = repr(m).replace("\n", "\n  ")
            lines.append(f"({name}): {mod_str}")
        main = type(self).__name__ + "("
        if lines:
            if len(lines) == 1 and not self._modules:
                main += lines[0]
            else:
                main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"

    def __dir__(self):
        return list(super().__dir__()) + list(self._parameters) + list(self._modules) + list(self._buffers)


def _name_at(owner: Module, idx) -> str:
    """The name of ``owner``'s submodule at position ``idx`` (an int, negative counting from the end)."""
    names = list(owner._modules)
    idx = operator.index(idx)
    if not -len(names) <= idx < len(names):
        raise IndexError(f"index {idx} is out of range")
    return names[idx]


def _delete_items(owner: Module, idx) -> None:
    """``del owner[idx]`` for Sequential and ModuleList (an int, negative counting from the end, or a
    slice); the modules left are renamed ``"0"``, ``"1"``… in order, as torch does, so names stay indices."""
    gone = list(owner._modules)[idx] if isinstance(idx, slice) else [_name_at(owner, idx)]
    kept = [m for name, m in owner._modules.items() if name not in gone]
    owner._modules.clear()
    owner._modules.update((str(i), m) for i, m in enumerate(kept))


class Sequential(Module):
    """Runs its modules in order: ``Sequential(a, b, c)(x) == c(b(a(x)))``."""

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, m in args[0].items():
                self.add_module(name, m)
        else:
            for i, m in enumerate(args):
                if not isinstance(m, Module):
                    raise TypeError(f"Sequential: argument {i} is not a Module (got {type(m).__name__})")
                self.add_module(str(i), m)

    def forward(self, input):
        for m in self._modules.values():
            input = m(input)
        return input

    def __getitem__(self, idx):
        if isinstance(idx, slice):  # torch keeps each module's name (a slice [1:] starts at "1")
            return Sequential(OrderedDict(list(self._modules.items())[idx]))
        return self._modules[_name_at(self, idx)]

    def __setitem__(self, idx: int, module) -> None:
        name = _name_at(self, idx)
        if not isinstance(module, Module):
            raise TypeError(f"Sequential item is not a Module subclass (got {type(module).__name__})")
        self._modules[name] = module

    def __delitem__(self, idx) -> None:
        _delete_items(self, idx)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module):
        self.add_module(str(len(self)), module)
        return self
