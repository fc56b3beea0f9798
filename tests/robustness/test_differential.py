"""The differential robustness suite (issue 9 §2): every case of cases.py on torch and on ours.

Each engine runs the whole table in its own worker subprocess (worker.py), so a segfault or an
abort in one case is reported as that case's failure, and a new worker carries on with the rest.
The two engines' workers run side by side; the whole table takes well under a minute on 2 cores.

Per case, the rule:
- torch raises → we raise an exception of the same type (or a subclass, or one listed in
  ``COMPATIBLE``) with a non-empty message that names every number torch's names (the bad index, the
  size it exceeds…), except for the rows of ``cases.OWN_WORDS``, where ours says it in other terms;
- torch returns → we return the same: same kind, for tensors the same dtype and shape and values
  within 1e-4 relative / 1e-5 absolute (NaN where torch has NaN, infinities of the same sign);
  dtypes by name, other objects (a module, an optimizer) by class name;
- ``cases.DIFFERENT`` lists deliberate differences with their reason; there the test checks that
  the outcome still differs, so the list stays true. ``cases.KNOWN`` lists differences found and not
  fixed yet: strict xfails, so a fix shows up as a failure until its row is removed.
"""
from __future__ import annotations

import json
import math
import re
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import cases  # noqa: E402

# torch's exception type → ours may also be one of these (torch's was an accident of its internals:
# `'list' object has no attribute 'items'` where a dict was expected; we name what was expected).
COMPATIBLE = {
    "AttributeError": {"TypeError"},
}
IDS = [cid for cid, _ in cases.CASES]


def _run_worker(engine: str, ids: list[str]) -> dict:
    """Results by case id; a case during which the worker died gets ``{"crashed": returncode}``."""
    results: dict[str, dict] = {}
    left = list(ids)
    env = dict(os.environ, PYTHONFAULTHANDLER="1")
    while left:
        proc = subprocess.run([sys.executable, str(HERE / "worker.py"), engine], input="\n".join(left) + "\n",
                              capture_output=True, text=True, env=env, timeout=600)
        running = None
        for line in proc.stdout.splitlines():
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if "start" in msg:
                running = msg["start"]
            else:
                results[msg["id"]] = msg
                running = None
        if proc.returncode != 0 and running is None and not any(i not in results for i in left):
            break
        if proc.returncode != 0:
            victim = running or next(i for i in left if i not in results)
            results[victim] = {"id": victim, "crashed": proc.returncode, "stderr": proc.stderr[-1500:]}
        left = [i for i in left if i not in results]
        if proc.returncode == 0 and left:  # the worker ended without answering: report, don't loop
            for i in left:
                results[i] = {"id": i, "crashed": "no answer", "stderr": proc.stderr[-1500:]}
            break
    return results


@pytest.fixture(scope="module")
def outcomes():
    both: dict[str, dict] = {}
    threads = [threading.Thread(target=lambda e=e: both.__setitem__(e, _run_worker(e, IDS)))
               for e in ("torch", "minitorch")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return both


def _close(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= 1e-5 + 1e-4 * abs(b)


def compare(ours: dict, theirs: dict, path: str = "result") -> list[str]:
    """Differences between two encoded values (empty: equal)."""
    if ours["kind"] != theirs["kind"]:
        return [f"{path}: ours is {ours['kind']}, torch's is {theirs['kind']} ({ours} vs {theirs})"]
    kind = ours["kind"]
    if kind == "tensor":
        if ours["dtype"] != theirs["dtype"] or ours["shape"] != theirs["shape"]:
            return [f"{path}: ours {ours['dtype']}{ours['shape']}, torch {theirs['dtype']}{theirs['shape']}"]
        if ours["data"] is None or theirs["data"] is None:
            return []
        bad = [k for k, (a, b) in enumerate(zip(ours["data"], theirs["data"])) if not _close(a, b)]
        if bad:
            k = bad[0]
            return [f"{path}: {len(bad)} of {len(ours['data'])} values differ, first at flat index {k}: "
                    f"ours {ours['data'][k]!r}, torch {theirs['data'][k]!r}"]
        return []
    if kind in ("number",):
        return [] if _close(ours["value"], theirs["value"]) else [f"{path}: ours {ours['value']}, torch {theirs['value']}"]
    if kind in ("bool", "str", "dtype"):
        return [] if ours["value"] == theirs["value"] else [f"{path}: ours {ours['value']!r}, torch {theirs['value']!r}"]
    if kind == "list":
        if len(ours["items"]) != len(theirs["items"]):
            return [f"{path}: ours has {len(ours['items'])} items, torch {len(theirs['items'])}"]
        return [d for k, (a, b) in enumerate(zip(ours["items"], theirs["items"])) for d in compare(a, b, f"{path}[{k}]")]
    if kind == "dict":
        if set(ours["items"]) != set(theirs["items"]):
            return [f"{path}: keys {sorted(ours['items'])} vs torch's {sorted(theirs['items'])}"]
        return [d for k in ours["items"] for d in compare(ours["items"][k], theirs["items"][k], f"{path}[{k!r}]")]
    # two objects (an optimizer, a module, a generator): of the same class name
    return [] if ours.get("type") == theirs.get("type") else [f"{path}: ours is a {ours.get('type')}, torch's a {theirs.get('type')}"]


_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")


def _numbers(message: str) -> set[str]:
    """The numbers an error message names (its first line; argument positions such as torch's
    "(position 1)" left out: ours name the argument instead)."""
    first = re.sub(r"\(position \d+\)|at pos \d+", "", message.split("\n")[0])
    return set(_NUMBER.findall(first))


def verdict(ours: dict, theirs: dict, numbers: bool = True) -> list[str]:
    """Why ``ours`` breaks the rule against ``theirs`` (empty: it keeps it). Where both raise, ours
    must also name every number torch's message names (the bad index, the size it exceeds, …) unless
    ``numbers`` is False."""
    for side, r in (("ours", ours), ("torch", theirs)):
        if "crashed" in r:
            return [f"{side} crashed (exit {r['crashed']}): {r.get('stderr', '')}"]
    if not theirs["ok"]:
        if ours["ok"]:
            return [f"torch raises {theirs['type']}: {theirs['message']!r}; ours returns {ours['value']}"]
        allowed = {theirs["type"], *COMPATIBLE.get(theirs["type"], ())}
        if not allowed & set(ours["mro"]):
            return [f"torch raises {theirs['type']} ({theirs['message']!r}); ours raises "
                    f"{ours['type']} ({ours['message']!r})"]
        if not ours["message"].strip():
            return [f"ours raises {ours['type']} with an empty message"]
        missing = _numbers(theirs["message"]) - _numbers(ours["message"]) if numbers else set()
        if missing:
            return [f"torch's message names {sorted(missing)}, ours does not: {theirs['message']!r} vs "
                    f"{ours['message']!r} (cases.OWN_WORDS lists rows whose message says it otherwise)"]
        return []
    if not ours["ok"]:
        return [f"torch returns {theirs['value']}; ours raises {ours['type']}: {ours['message']!r}"]
    return compare(ours["value"], theirs["value"])


def test_the_table_is_big_and_its_ids_unique():
    assert len(IDS) == len(set(IDS)) >= 300
    assert set(cases.DIFFERENT) <= set(IDS) and set(cases.KNOWN) <= set(IDS)
    assert not set(cases.DIFFERENT) & set(cases.KNOWN)


@pytest.mark.parametrize("cid", [pytest.param(c, marks=pytest.mark.xfail(reason=cases.KNOWN[c], strict=True))
                                 if c in cases.KNOWN else c for c in IDS])
def test_case(cid, outcomes):
    ours, theirs = outcomes["minitorch"][cid], outcomes["torch"][cid]
    problems = verdict(ours, theirs, numbers=cid not in cases.OWN_WORDS)
    if cid in cases.DIFFERENT:
        assert problems, f"listed as a deliberate difference ({cases.DIFFERENT[cid]}) but now agrees with torch"
        assert "crashed" not in ours
        return
    assert not problems, "\n".join(problems)


def test_compare_tells_dtypes_and_object_classes_apart():
    """The comparison itself: dtypes are compared by name (a float32 is not a float64, on either side)
    and two returned objects by their class name; equal ones agree."""
    import numpy as np
    import torch

    from worker import encode

    assert compare(encode(np.dtype("float64")), encode(torch.float32))
    assert not compare(encode(np.dtype("float32")), encode(torch.float32))
    assert not compare(encode(np.dtype("bool")), encode(torch.bool))
    assert compare(encode(object()), encode(torch.Generator()))
    assert not compare(encode(torch.Generator()), encode(torch.Generator()))
    assert compare(encode([1.0, np.dtype("int64")]), encode([1.0, torch.int32]))


def test_both_raising_also_compares_the_numbers_the_messages_name():
    """Where both engines raise, a message that names another index or size than torch's is a
    difference (a mutant once made scatter name index 0 for the index [0, 5]); the argument positions
    of torch's type errors do not count, and a row of cases.OWN_WORDS is exempt."""
    err = lambda msg: {"ok": False, "type": "RuntimeError", "mro": ["RuntimeError", "Exception"], "message": msg}
    torch_says = err("index 5 is out of bounds for dimension 0 with size 3")
    assert verdict(err("scatter(): index 0 is out of bounds for dimension 0 with size 3"), torch_says)
    assert not verdict(err("scatter(): index 5 is out of bounds for dimension 0 with size 3"), torch_says)
    assert not verdict(err("scatter(): index 0 is out of bounds"), torch_says, numbers=False)
    assert not verdict(err("linear: expected a Tensor, got list"),
                       err("linear(): argument 'input' (position 1) must be Tensor, not list"))
    assert set(cases.OWN_WORDS) <= set(IDS) and not set(cases.OWN_WORDS) & set(cases.DIFFERENT)
