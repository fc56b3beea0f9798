"""Run robustness cases on ONE engine and print one JSON line per case (run as a subprocess).

    python tests/robustness/worker.py torch|minitorch  < case ids, one per line

Before each case it prints ``{"start": id}`` and flushes, so a crash (a segfault kills the process)
names the case that was running; the parent (test_differential.py) then restarts a worker for the
cases left. Each case's code (cases.py) runs in a namespace where the same names mean the same API
on either engine: ``T`` (torch / minitorch_cnn), ``nn``, ``F``, ``optim``, ``sched``, ``data``,
``np``, plus the helpers below, which build identical inputs and weights on both engines.
"""
from __future__ import annotations

import json
import math
import sys
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cases  # noqa: E402


def namespace(engine: str) -> dict:
    if engine == "torch":
        import torch as T
        import torch.nn.functional as F
        from torch.optim import lr_scheduler as sched
        from torch.utils import data

        from minitorch_cnn.reference import optimizers as ref
        optim = SimpleNamespace(**{k: getattr(T.optim, k) for k in dir(T.optim) if not k.startswith("_")},
                                Lion=ref.Lion, LAMB=ref.LAMB)
        T.set_num_threads(1)
    else:
        import minitorch_cnn as T
        import minitorch_cnn.nn.functional as F
        from minitorch_cnn import data, optim
        from minitorch_cnn.optim import lr_scheduler as sched
    ns = dict(T=T, nn=T.nn, F=F, optim=optim, sched=sched, data=data, np=np, math=math, nan=float("nan"),
              inf=float("inf"), ENGINE=engine)

    def A(*shape, seed=0, dtype="float32", fill=None, requires_grad=False):
        """A tensor of standard normals from NumPy's seeded RNG (or filled with ``fill``), same on both."""
        rng = np.random.default_rng(seed)
        a = np.full(shape, fill) if fill is not None else rng.standard_normal(shape)
        return T.tensor(a.astype(dtype), requires_grad=requires_grad)

    def I(values, dtype="int64"):  # noqa: E743
        return T.tensor(np.asarray(values, dtype=dtype))

    def seeded(module, seed=1):
        """Overwrite every parameter with seeded values (the engines initialise differently)."""
        rng = np.random.default_rng(seed)
        with T.no_grad():
            for p in module.parameters():
                p[...] = T.tensor(rng.uniform(-0.5, 0.5, tuple(p.shape)).astype(
                    np.asarray(p.detach().numpy()).dtype.name))
        return module

    def run_layer(module, x):
        """Forward; then, for a float input, backward of the sum: (y, dx, grads of the parameters)."""
        y = module(x)
        if hasattr(x, "requires_grad") and x.requires_grad:
            y.sum().backward()
            return y, x.grad, [p.grad for p in module.parameters()]
        return y

    def X(*shape, **kw):  # an input that requires grad (float only)
        return A(*shape, requires_grad=True, **kw)

    def steps(name, kw, grads, shapes=((2, 3),), dtype="float32"):
        """Parameters after one ``step()`` per entry of ``grads`` (a fill value, or None: no grad)."""
        rng = np.random.default_rng(3)
        params = [nn_param(T.tensor(rng.standard_normal(s).astype(dtype))) for s in shapes]
        opt = getattr(optim, name)(params, **kw)
        for g in grads:
            for p in params:
                p.grad = None if g is None else T.tensor(np.full(tuple(p.shape), g, dtype=dtype))
            opt.step()
        return [p.detach() for p in params]

    def nn_param(t):
        return T.nn.Parameter(t)

    def lrs(name, kw, n=8, metrics=None, opt="SGD", lr=0.1):
        """The learning rates over ``n`` scheduler steps (ReduceLROnPlateau: one metric per step)."""
        p = T.nn.Parameter(T.zeros(1))
        o = getattr(optim, opt)([p], lr=lr)
        s = getattr(sched, name)(o, **kw)
        out = []
        for i in range(n):
            o.step()
            s.step(metrics[i]) if metrics is not None else s.step()
            out.append(o.param_groups[0]["lr"])
        return out

    def batches(loader):
        return [list(b) if isinstance(b, (list, tuple)) else b for b in loader]

    ns.update(A=A, I=I, X=X, seeded=seeded, run_layer=run_layer, steps=steps, lrs=lrs, batches=batches,
              Param=nn_param)
    return ns


def encode(v, depth=0):
    """A JSON-able description of a result that the other engine's can be compared with."""
    if depth > 6:
        return {"kind": "deep"}
    if hasattr(v, "detach") and hasattr(v, "shape"):  # a tensor of either engine
        a = np.asarray(v.detach().numpy())
        return {"kind": "tensor", "dtype": a.dtype.name, "shape": list(a.shape),
                "data": a.astype(np.float64).ravel().tolist() if a.dtype.kind in "fiub" else None}
    if isinstance(v, np.ndarray):
        return {"kind": "tensor", "dtype": v.dtype.name, "shape": list(v.shape),
                "data": v.astype(np.float64).ravel().tolist() if v.dtype.kind in "fiub" else None}
    if isinstance(v, np.dtype) or type(v).__name__ == "dtype":  # ours (NumPy's) or torch's: by name
        return {"kind": "dtype", "value": str(v).removeprefix("torch.")}
    if isinstance(v, (bool, np.bool_)):
        return {"kind": "bool", "value": bool(v)}
    if isinstance(v, (int, float, np.integer, np.floating)):
        return {"kind": "number", "value": float(v)}
    if isinstance(v, str) or v is None:
        return {"kind": "str", "value": v}
    if isinstance(v, (list, tuple)):
        return {"kind": "list", "items": [encode(x, depth + 1) for x in v]}
    if isinstance(v, dict):
        return {"kind": "dict", "items": {str(k): encode(x, depth + 1) for k, x in v.items()}}
    return {"kind": "object", "type": type(v).__name__}


def run_case(code: str, ns: dict):
    T = ns["T"]  # every row starts from the engine's defaults: a row may change global state
    T.set_default_dtype(T.float32)
    T.set_grad_enabled(True)
    scope = dict(ns)
    if "\n" in code.strip() or code.lstrip().startswith(("result =", "for ", "with ")):
        exec(code, scope)
        return scope.get("result")
    return eval(code, scope)


def main() -> int:
    engine = sys.argv[1]
    ns = namespace(engine)
    table = dict(cases.CASES)
    warnings.simplefilter("ignore")
    for line in sys.stdin:
        cid = line.strip()
        if not cid:
            continue
        print(json.dumps({"start": cid}), flush=True)
        try:
            out = {"id": cid, "ok": True, "value": encode(run_case(table[cid], ns))}
        except BaseException as e:  # noqa: BLE001 - a case may raise anything; record it
            if isinstance(e, (KeyboardInterrupt, SystemExit)):
                raise
            out = {"id": cid, "ok": False, "type": type(e).__name__,
                   "mro": [c.__name__ for c in type(e).__mro__], "message": str(e)[:300]}
        print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
