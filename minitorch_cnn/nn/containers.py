"""``nn.ModuleList`` and ``nn.ModuleDict``: sub-modules held in a list or a dict and registered, so that
``parameters()``, ``state_dict()``, ``to()``, ``train()``/``eval()`` reach them (a plain Python list of
layers would hide them from all of these — the classic bug these containers exist for)."""
from __future__ import annotations

import operator

from .module import Module, _delete_items


def _check_module(m, who: str):
    if not isinstance(m, Module):
        raise TypeError(f"{who} is not a Module subclass (got {type(m).__name__})")
    return m


class ModuleList(Module):
    """A list of modules, registered under the names ``"0"``, ``"1"``…; index, iterate, append like a list.
    It has no ``forward``: the owner's ``forward`` decides how to call them."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _index(self, idx: int) -> int:
        """Position ``idx`` (an integer, negative counting from the end) as a non-negative index; a float
        or a string is a TypeError, as in torch (``operator.index``), never a key such as ``"1.5"``."""
        idx = operator.index(idx)
        n = len(self)
        if not -n <= idx < n:
            raise IndexError(f"index {idx} is out of range")
        return idx % n

    def __getitem__(self, idx):
        mods = list(self._modules.values())
        if isinstance(idx, slice):
            return ModuleList(mods[idx])
        return mods[self._index(idx)]

    def __setitem__(self, idx: int, module) -> None:
        self._modules[str(self._index(idx))] = _check_module(module, "ModuleList item")

    def __delitem__(self, idx) -> None:
        _delete_items(self, idx)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module) -> "ModuleList":
        self.add_module(str(len(self)), _check_module(module, f"ModuleList.append: {type(module).__name__}"))
        return self

    def extend(self, modules) -> "ModuleList":
        for m in modules:
            self.append(m)
        return self

    def __repr__(self) -> str:
        """Like torch: a run of consecutive modules that print the same is one line, ``(0-3): 4 x Linear(...)``."""
        if not self._modules:
            return "ModuleList()"
        runs = []  # [first index, last index, repr]
        for i, m in enumerate(self._modules.values()):
            text = repr(m)
            if runs and runs[-1][2] == text:
                runs[-1][1] = i
            else:
                runs.append([i, i, text])
        lines = []
        for first, last, text in runs:
            label = f"({first}): " if first == last else f"({first}-{last}): {last - first + 1} x "
            lines.append((label + text).replace("\n", "\n  "))
        return "ModuleList(\n  " + "\n  ".join(lines) + "\n)"

    def insert(self, index: int, module) -> None:
        mods = list(self._modules.values())
        mods.insert(index, _check_module(module, "ModuleList.insert: module"))
        self._modules.clear()
        for i, m in enumerate(mods):
            self._modules[str(i)] = m


class ModuleDict(Module):
    """A dict of modules, registered under their keys (insertion order kept)."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str):
        return self._modules[key]

    def __setitem__(self, key: str, module) -> None:
        self.add_module(key, _check_module(module, f"ModuleDict[{key!r}]"))

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key) -> bool:
        return key in self._modules

    def keys(self):
        return self._modules.keys()

    def items(self):
        return self._modules.items()

    def values(self):
        return self._modules.values()

    def update(self, modules) -> None:
        """Add (or replace) modules from a mapping or from (key, module) pairs."""
        for key, m in (modules.items() if hasattr(modules, "items") else modules):
            self[key] = m

    def pop(self, key: str):
        return self._modules.pop(key)
