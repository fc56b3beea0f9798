"""``minitorch-cnn bench``: time minitorch_cnn against torch, side by side, in one run.

Every row is timed for up to four engines on the same shapes, dtype (float32) and thread count:

* ``numpy``  our engine, readable NumPy kernels     (``mt.set_backend("numpy")``)
* ``numba``  our engine, Numba kernels (the default, "ours" in the ratio column)
* ``torch``  torch on the CPU (its defaults: e.g. the single-tensor optimizer loops)
* ``cuda``   torch on CUDA, only when torch sees a GPU

Method: one engine after the other, each after a short idle pause (so the previous engine's
spinning thread pools are quiet), warmed up first (Numba compiles, caches fill), then ``--repeats``
timed calls; a row reports the median. The ratio column is ours (numba) ÷ torch CPU.

Optimizer rows also give the memory-traffic floor: the bytes the update must read and write
(arrays touched × parameter count × 4 bytes, see ``OPTIMIZERS``) ÷ the best copy bandwidth measured
on this machine (``copy_bandwidth``), and how far our step is above it (``ours/floor``).

Cold start runs fresh interpreters: ``import minitorch_cnn`` and one SimpleCNN training step, with
an empty Numba cache (``NUMBA_CACHE_DIR`` = a new temp dir) and then with that cache warm; the
empty-cache run also lists what it compiled, kernel by kernel (``cold_profile.py``).

Groups (``--rows``): conv, kernels, memory, pool, linear, ce, optim, train, epoch, cold, threads.
Writes ``bench.json`` and ``bench.png`` into ``--out``.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

GROUPS = ("conv", "kernels", "memory", "pool", "linear", "ce", "optim", "train", "epoch", "cold", "threads")
ENGINES = ("numpy", "numba", "torch", "cuda")

# name → (minitorch constructor kwargs, torch class name (None: reference/ twin), torch kwargs,
#         arrays the update must read + write per parameter element, and how they are counted)
OPTIMIZERS = {
    "SGD":       ({"lr": 1e-3}, "SGD", {"lr": 1e-3}, 3, "read p,g; write p"),
    "Momentum":  ({"lr": 1e-3}, "SGD", {"lr": 1e-3, "momentum": 0.9}, 5, "read p,g,buf; write p,buf"),
    "NAG":       ({"lr": 1e-3}, "SGD", {"lr": 1e-3, "momentum": 0.9, "nesterov": True}, 5,
                  "read p,g,buf; write p,buf"),
    "Adagrad":   ({"lr": 1e-2}, "Adagrad", {"lr": 1e-2}, 5, "read p,g,sum; write p,sum"),
    "RMSprop":   ({"lr": 1e-2}, "RMSprop", {"lr": 1e-2}, 5, "read p,g,v; write p,v"),
    "Adam":      ({"lr": 1e-3}, "Adam", {"lr": 1e-3}, 7, "read p,g,m,v; write p,m,v"),
    "AdamW":     ({"lr": 1e-3}, "AdamW", {"lr": 1e-3}, 7, "read p,g,m,v; write p,m,v"),
    "Adadelta":  ({"lr": 1.0}, "Adadelta", {"lr": 1.0}, 7, "read p,g,v,u; write p,v,u"),
    "NAdam":     ({"lr": 2e-3}, "NAdam", {"lr": 2e-3}, 7, "read p,g,m,v; write p,m,v"),
    "RAdam":     ({"lr": 1e-3}, "RAdam", {"lr": 1e-3}, 7, "read p,g,m,v; write p,m,v"),
    "Adafactor": ({"lr": 1e-2}, "Adafactor", {"lr": 1e-2}, 6,
                  "3 passes: read p,g (‖p‖, row/col means); read g (update RMS); read p,g, write p"),
    "Lion":      ({"lr": 1e-4}, None, {"lr": 1e-4}, 5, "read p,g,m; write p,m"),
    "LAMB":      ({"lr": 1e-3}, None, {"lr": 1e-3}, 10,
                  "2 passes: read p,g,m,v, write m,v (norms); read p,m,v, write p"),
}
# torch's fused CPU kernels (torch ≥ 2.4), timed as an extra column where they exist
TORCH_FUSED = {"SGD", "Momentum", "NAG", "Adagrad", "Adam", "AdamW"}


# ---------------------------------------------------------------------------------------------
# machine, threads


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def blas_info() -> list[dict]:
    """threadpoolctl's view of the loaded BLAS/OpenMP pools (which kernel, how many threads)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return [{"note": "threadpoolctl not installed; numpy.show_config() names the BLAS"}]
    keys = ("user_api", "internal_api", "num_threads", "prefix", "version", "architecture", "threading_layer")
    return [{k: d.get(k) for k in keys} for d in threadpool_info()]


def set_threads(n: int, blas: int | None = None) -> dict:
    """Numba, BLAS and torch all get ``n`` threads (BLAS ``blas`` if given). Returns what was set."""
    import numba
    import torch

    blas = n if blas is None else blas
    numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
    torch.set_num_threads(n)
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(blas, user_api="blas")
    except ImportError:
        pass
    return {"numba": numba.get_num_threads(), "torch": torch.get_num_threads(), "blas": blas,
            "numba_threading_layer": _numba_layer()}


def _numba_layer() -> str:
    import numba
    try:
        return numba.threading_layer()
    except ValueError:  # no parallel kernel has run yet
        return f"(not started; config {numba.config.THREADING_LAYER})"


def machine(threads: int) -> dict:
    import numba
    import torch

    return {
        "cpu": cpu_model(), "cores": os.cpu_count(), "threads": threads, "platform": platform.platform(),
        "python": platform.python_version(), "numpy": np.__version__, "numba": numba.__version__,
        "torch": torch.__version__, "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "blas": blas_info(), "loadavg_start": _loadavg(),
        "env": {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS", "OMP_", "MKL_", "NUMBA_"))},
    }


def _loadavg():
    try:
        return os.getloadavg()
    except OSError:
        return None


# ---------------------------------------------------------------------------------------------
# timing


def _cuda_sync():
    import torch
    torch.cuda.synchronize()


SETTLE_S = 0.3  # idle time before each engine's block of calls, untimed (see time_engines)


def time_engines(fns: dict, repeats: int, warmup: int) -> dict:
    """Median seconds per engine. ``fns``: engine → zero-argument callable (already bound to its
    inputs). Each engine in turn: ``SETTLE_S`` idle, ``warmup`` calls, then ``repeats`` timed calls.

    Why blocks and the pause: the thread pools of the engine that just ran keep spinning after their
    work (OpenBLAS workers for up to ~0.1 s, OpenMP workers for a while), and with as many threads
    as cores they slow the next engine down. Measured on 2 cores, 2 threads, interleaving the two
    engines call by call: torch's training step 85.6 ms right after ours (11 ms alone), ours 12.9 ms
    right after torch's (6.5 ms alone). Rows stay short (a few seconds), so load drift between the
    blocks is small; the JSON records the load average before and after the run."""
    import minitorch_cnn as mt

    def call(engine):
        fn = fns[engine]
        if engine in ("numpy", "numba"):
            with mt.backend(engine):
                fn()
        else:
            fn()
            if engine == "cuda":
                _cuda_sync()

    samples = {e: [] for e in fns}
    gc_was = gc.isenabled()
    for engine in fns:
        if len(fns) > 1:
            time.sleep(SETTLE_S)
        for _ in range(warmup):
            call(engine)
        gc.collect()
        gc.disable()
        try:
            for _ in range(repeats):
                t0 = time.perf_counter()
                call(engine)
                samples[engine].append(time.perf_counter() - t0)
        finally:
            if gc_was:
                gc.enable()
    return {e: statistics.median(s) for e, s in samples.items()}


class Bench:
    def __init__(self, args):
        import torch

        self.args = args
        self.quick = args.quick
        self.repeats, self.warmup = args.repeats, args.warmup
        self.cuda = torch.cuda.is_available() and not args.no_cuda
        self.engines = [e for e in ("numpy", "numba", "torch") if e not in args.skip] + (["cuda"] if self.cuda else [])
        self.rows: list[dict] = []
        self.extra: dict = {}

    # -- helpers ------------------------------------------------------------------------------
    def add(self, group, name, times, **info):
        row = {"group": group, "name": name, "times_s": times, **info}
        ours, ref = times.get("numba"), times.get("torch")
        row["ratio"] = ours / ref if ours and ref else None
        if times.get("numpy") and ref:
            row["ratio_numpy"] = times["numpy"] / ref
        self.rows.append(row)
        print(format_row(row), flush=True)
        return row

    def run(self, fns, repeats=None, warmup=None):
        fns = {e: f for e, f in fns.items() if e in self.engines and f is not None}
        return time_engines(fns, repeats or self.repeats, self.warmup if warmup is None else warmup)

    # -- layers ---------------------------------------------------------------------------------
    def conv(self):
        import torch

        import minitorch_cnn as mt
        from minitorch_cnn import nn

        batch = 4 if self.quick else 64
        shapes = [(1, 16, 28), (16, 32, 14), (3, 16, 32), (16, 32, 16)]
        for cin, cout, hw in shapes:
            rng = np.random.default_rng(0)
            x = rng.standard_normal((batch, cin, hw, hw), dtype=np.float32)
            # the first layer's input needs no gradient (as in training); an inner layer's does
            x_grad = cin > 3
            ours = nn.Conv2d(cin, cout, 3, padding=1)
            theirs = torch.nn.Conv2d(cin, cout, 3, padding=1)
            X = mt.from_numpy(x.copy()).requires_grad_(x_grad) if x_grad else mt.from_numpy(x.copy())
            TX = torch.from_numpy(x.copy()).requires_grad_(x_grad)
            gy = rng.standard_normal((batch, cout, hw, hw), dtype=np.float32)
            GY, TGY = mt.from_numpy(gy), torch.from_numpy(gy)
            fns_f, fns_fb = {}, {}

            def fwd(m, X):
                def f():
                    with _no_grad(m):
                        m(X)
                return f

            def fb(m, X, GY):
                def f():
                    for p in m.parameters():
                        p.grad = None
                    if x_grad:
                        X.grad = None
                    m(X).backward(GY)
                return f

            for e in ("numpy", "numba"):
                fns_f[e], fns_fb[e] = fwd(ours, X), fb(ours, X, GY)
            fns_f["torch"], fns_fb["torch"] = fwd(theirs, TX), fb(theirs, TX, TGY)
            if self.cuda:
                cm = torch.nn.Conv2d(cin, cout, 3, padding=1).cuda()
                CX, CGY = TX.detach().cuda().requires_grad_(x_grad), TGY.cuda()
                fns_f["cuda"], fns_fb["cuda"] = fwd(cm, CX), fb(cm, CX, CGY)
            tag = f"Conv2d {cin}→{cout} {hw}×{hw} b{batch}"
            self.add("conv", tag + " fwd", self.run(fns_f))
            self.add("conv", tag + " fwd+bwd", self.run(fns_fb))

    def kernels(self):
        """The conv rows split into their three kernels, without autograd or module: our path's kernels
        (``nn/functional/conv.py::CONV2D_KERNELS``, the path ``kernels/dispatch.py`` picks) called on
        arrays, against torch's own kernels (``torch.conv2d`` under no_grad and
        ``aten.convolution_backward`` asked for dX or dW only). What the conv rows spend beyond these
        is the per-call work around the kernels (Python, autograd, the bias gradient)."""
        import torch

        from minitorch_cnn.kernels import dispatch
        from minitorch_cnn.kernels.conv_geometry import Conv2dGeometry
        from minitorch_cnn.nn.functional.conv import CONV2D_KERNELS

        batch = 4 if self.quick else 64
        for cin, cout, hw in [(1, 16, 28), (16, 32, 14), (3, 16, 32), (16, 32, 16)]:
            rng = np.random.default_rng(0)
            x = rng.standard_normal((batch, cin, hw, hw), dtype=np.float32)
            w = rng.standard_normal((cout, cin, 3, 3), dtype=np.float32) / 3
            b = rng.standard_normal(cout, dtype=np.float32)
            gy = rng.standard_normal((batch, cout, hw, hw), dtype=np.float32)
            geo = Conv2dGeometry.of(x.shape, w.shape, padding=(1, 1))
            path = dispatch.conv2d_path(geo)
            numpy_k, numba_k = CONV2D_KERNELS[path]
            tx, tw, tb, tgy = (torch.from_numpy(a) for a in (x, w, b, gy))

            def backward_only(mask):
                def f():
                    with torch.no_grad():
                        torch.ops.aten.convolution_backward(tgy, tx, tw, [cout], [1, 1], [1, 1], [1, 1],
                                                            False, [0, 0], 1, mask)
                return f

            def torch_forward():
                with torch.no_grad():
                    torch.conv2d(tx, tw, tb, padding=1)

            parts = {
                "forward": ({k: (lambda k=k: k.forward(x, w, b, geo)) for k in (numpy_k, numba_k)},
                            torch_forward),
                "dX": ({k: (lambda k=k: k.input_grad(gy, w, geo)) for k in (numpy_k, numba_k)},
                       backward_only([True, False, False])),
                "dW": ({k: (lambda k=k: k.weight_grad(x, gy, geo)) for k in (numpy_k, numba_k)},
                       backward_only([False, True, False])),
            }
            for part, (ours, theirs) in parts.items():
                fns = {"numpy": ours[numpy_k], "numba": ours[numba_k], "torch": theirs}
                self.add("kernels", f"Conv2d {cin}→{cout} {hw}×{hw} b{batch} {part} kernel ({path})",
                         self.run(fns), path=path)

    def memory(self):
        """Peak memory of one Conv2d forward+backward, ours (Numba backend) vs torch: each in a fresh
        process, the rise of the resident set's high-water mark over its size just before the call
        (inputs made, kernels compiled by a one-image warm-up; ``MEMORY_SCRIPT``). The bench's conv
        shapes, and one large input."""
        shapes = [(cin, cout, hw, 64) for cin, cout, hw in [(1, 16, 28), (16, 32, 14), (3, 16, 32), (16, 32, 16)]]
        shapes.append((64, 64, 128, 16))  # the large one: x 64 MiB
        if self.quick:  # (each row starts two processes)
            shapes = [(16, 16, 32, 2)]
        for cin, cout, hw, n in shapes:
            peaks = {e: _memory_run("minitorch" if e == "numba" else "torch", cin, cout, hw, n)
                     for e in ("numba", "torch")}
            row = {"group": "memory", "name": f"Conv2d {cin}→{cout} {hw}×{hw} b{n} fwd+bwd peak MB",
                   "times_s": {}, "peak_mb": {e: p["peak_rise_mb"] for e, p in peaks.items()},
                   "inputs_mb": peaks["torch"]["inputs_mb"], "method": peaks["torch"]["method"]}
            row["ratio"] = row["peak_mb"]["numba"] / row["peak_mb"]["torch"] if row["peak_mb"]["torch"] > 0 else None
            self.rows.append(row)
            print(format_row(row), flush=True)

    def pool(self):
        import torch

        import minitorch_cnn as mt
        from minitorch_cnn import nn

        batch = 4 if self.quick else 64
        for c, hw in [(16, 28), (32, 14)]:
            x = np.random.default_rng(1).standard_normal((batch, c, hw, hw), dtype=np.float32)
            gy = np.random.default_rng(2).standard_normal((batch, c, hw // 2, hw // 2), dtype=np.float32)
            X = mt.from_numpy(x).requires_grad_(True)
            TX = torch.from_numpy(x.copy()).requires_grad_(True)
            ours, theirs = nn.MaxPool2d(2), torch.nn.MaxPool2d(2)
            fns = {e: _fb(ours, X, mt.from_numpy(gy), [X]) for e in ("numpy", "numba")}
            fns["torch"] = _fb(theirs, TX, torch.from_numpy(gy), [TX])
            if self.cuda:
                CX = TX.detach().cuda().requires_grad_(True)
                fns["cuda"] = _fb(theirs, CX, torch.from_numpy(gy).cuda(), [CX])
            self.add("pool", f"MaxPool2d(2) {c}×{hw}×{hw} b{batch} fwd+bwd", self.run(fns))

    def linear(self):
        import torch

        import minitorch_cnn as mt
        from minitorch_cnn import nn

        batch = 4 if self.quick else 64
        for fin, fout in [(1568, 10), (3136, 128)]:
            x = np.random.default_rng(3).standard_normal((batch, fin), dtype=np.float32)
            gy = np.random.default_rng(4).standard_normal((batch, fout), dtype=np.float32)
            X, TX = mt.from_numpy(x).requires_grad_(True), torch.from_numpy(x.copy()).requires_grad_(True)
            ours, theirs = nn.Linear(fin, fout), torch.nn.Linear(fin, fout)
            fns = {e: _fb(ours, X, mt.from_numpy(gy), [X]) for e in ("numpy", "numba")}
            fns["torch"] = _fb(theirs, TX, torch.from_numpy(gy), [TX])
            if self.cuda:
                cm = torch.nn.Linear(fin, fout).cuda()
                CX = TX.detach().cuda().requires_grad_(True)
                fns["cuda"] = _fb(cm, CX, torch.from_numpy(gy).cuda(), [CX])
            self.add("linear", f"Linear {fin}→{fout} b{batch} fwd+bwd", self.run(fns))

    def ce(self):
        import torch

        import minitorch_cnn as mt
        import minitorch_cnn.nn.functional as F

        for m, c in ([(64, 10)] if self.quick else [(64, 10), (4096, 10), (256, 1000)]):
            rng = np.random.default_rng(5)
            x = rng.standard_normal((m, c), dtype=np.float32)
            y = rng.integers(0, c, m)
            X, Y = mt.from_numpy(x).requires_grad_(True), mt.from_numpy(y)
            TX, TY = torch.from_numpy(x.copy()).requires_grad_(True), torch.from_numpy(y)

            def ours():
                X.grad = None
                F.cross_entropy(X, Y).backward()

            def theirs(TX=TX, TY=TY):
                TX.grad = None
                torch.nn.functional.cross_entropy(TX, TY).backward()

            fns = {"numpy": ours, "numba": ours, "torch": theirs}
            if self.cuda:
                CX, CY = TX.detach().cuda().requires_grad_(True), TY.cuda()
                fns["cuda"] = lambda CX=CX, CY=CY: theirs(CX, CY)
            self.add("ce", f"cross_entropy ({m}, {c}) fwd+bwd", self.run(fns))

    # -- optimizers -----------------------------------------------------------------------------
    def copy_bandwidth(self, n: int) -> float:
        """Best of three copies of an ``n``-element float32 array (NumPy, torch, a parallel Numba
        loop), in bytes read + written per second; the optimizer floor divides by this."""
        import torch

        src = np.random.default_rng(6).standard_normal(n, dtype=np.float32)
        dst = np.empty_like(src)
        tsrc, tdst = torch.from_numpy(src), torch.from_numpy(dst)
        par = _parallel_copy()
        times = time_engines({"numpy": lambda: np.copyto(dst, src), "torch": lambda: tdst.copy_(tsrc),
                              "numba": lambda: par(dst, src)}, max(self.repeats, 5), 2)
        self.extra["copy_bandwidth_GBps"] = {k: 2 * src.nbytes / t / 1e9 for k, t in times.items()}
        return 2 * src.nbytes / min(times.values())

    def optim(self):
        import torch

        import minitorch_cnn as mt
        from minitorch_cnn import optim
        from minitorch_cnn.reference import optimizers as ref

        sizes = [(100, 100), (1000, 100)] if self.quick else [(1000, 1000), (10000, 1000)]
        names = self.args.optimizers or list(OPTIMIZERS)
        for shape in sizes:
            n = shape[0] * shape[1]
            bw = self.copy_bandwidth(n)
            label = f"{n / 1e6:g}M"
            for name in names:
                kw, tname, tkw, arrays, how = OPTIMIZERS[name]
                rng = np.random.default_rng(7)
                p0 = rng.standard_normal(shape, dtype=np.float32)
                g0 = rng.standard_normal(shape, dtype=np.float32) * np.float32(1e-2)
                fns = {}
                for e in ("numpy", "numba"):
                    if e not in self.engines:
                        continue
                    p = mt.nn.Parameter(mt.from_numpy(p0.copy()))
                    p.grad = mt.from_numpy(g0.copy())
                    fns[e] = getattr(optim, name)([p], **kw).step
                tp = torch.nn.Parameter(torch.from_numpy(p0.copy()))
                tp.grad = torch.from_numpy(g0.copy())
                cls = getattr(ref, name) if tname is None else getattr(torch.optim, tname)
                fns["torch"] = cls([tp], **tkw).step
                if self.cuda:
                    cp = torch.nn.Parameter(torch.from_numpy(p0).cuda())
                    cp.grad = torch.from_numpy(g0).cuda()
                    fns["cuda"] = cls([cp], **tkw).step
                times = self.run(fns)
                if name in TORCH_FUSED and "torch" in self.engines:
                    fp = torch.nn.Parameter(torch.from_numpy(p0.copy()))
                    fp.grad = torch.from_numpy(g0.copy())
                    fused = cls([fp], **tkw, fused=True).step
                    times["torch_fused"] = time_engines({"torch": fused}, self.repeats, self.warmup)["torch"]
                    del fp, fused
                bytes_ = arrays * n * 4
                floor = bytes_ / bw
                row = self.add("optim", f"{name} step {label} params", times, bytes=bytes_, floor_s=floor,
                               traffic=how, copy_GBps=bw / 1e9,
                               vs_floor=times["numba"] / floor if times.get("numba") else None)
                print(f"    floor {floor * 1e3:.2f} ms ({arrays} arrays × {n} × 4 B at {bw / 1e9:.1f} GB/s); "
                      f"ours/floor {row['vs_floor'] or float('nan'):.2f}", flush=True)
                del fns
                gc.collect()

    # -- training -------------------------------------------------------------------------------
    def _models(self, batch):
        import torch

        import minitorch_cnn as mt
        from minitorch_cnn import nn, optim
        from minitorch_cnn.models import SimpleCNN
        from minitorch_cnn.reference.models import SimpleCNN as TorchSimpleCNN

        def ours():
            mt.manual_seed(0)
            model = SimpleCNN()
            opt = optim.Adam(model.parameters(), lr=1e-3)
            loss_fn = nn.CrossEntropyLoss()

            def step(x, y):
                opt.zero_grad()
                loss = loss_fn(model(x), y)
                loss.backward()
                opt.step()
                return loss
            return step, mt.from_numpy

        def theirs(device="cpu"):
            torch.manual_seed(0)
            model = TorchSimpleCNN().to(device)
            opt = torch.optim.Adam(model.parameters(), lr=1e-3)
            loss_fn = torch.nn.CrossEntropyLoss()

            def step(x, y):
                opt.zero_grad()
                loss = loss_fn(model(x), y)
                loss.backward()
                opt.step()
                return loss
            return step, (lambda a: torch.from_numpy(a).to(device))
        return ours, theirs

    def train(self):
        batch = 64
        ours, theirs = self._models(batch)
        rng = np.random.default_rng(8)
        x = rng.random((batch, 1, 28, 28), dtype=np.float32)
        y = rng.integers(0, 10, batch)
        fns = {}
        for e in ("numpy", "numba"):
            step, conv = ours()
            fns[e] = (lambda step=step, X=conv(x), Y=conv(y): step(X, Y))
        step, conv = theirs()
        fns["torch"] = lambda step=step, X=conv(x), Y=conv(y): step(X, Y)
        if self.cuda:
            step, conv = theirs("cuda")
            fns["cuda"] = lambda step=step, X=conv(x), Y=conv(y): step(X, Y)
        self.add("train", f"SimpleCNN train step (Adam) b{batch}", self.run(fns))

    def threads(self):
        """The same training step with Numba and BLAS thread counts set differently (ours), and torch
        with 1 and N threads: the effect of oversubscription and of threading at all."""
        import numba
        import torch

        n = self.args.threads
        ours, theirs = self._models(64)
        rng = np.random.default_rng(9)
        x, y = rng.random((64, 1, 28, 28), dtype=np.float32), rng.integers(0, 10, 64)
        step, conv = ours()
        X, Y = conv(x), conv(y)
        tstep, tconv = theirs()
        TX, TY = tconv(x), tconv(y)
        combos = sorted({(1, 1), (1, n), (n, 1), (n, n)})
        results = {}
        for nb, bl in combos:
            set_threads(nb, blas=bl)
            numba.set_num_threads(nb)
            times = self.run({"numba": lambda: step(X, Y), "torch": lambda: tstep(TX, TY)})
            results[f"numba={nb},blas={bl}"] = times["numba"]
            results[f"torch={nb}"] = times["torch"] if nb == bl else results.get(f"torch={nb}")
            self.add("threads", f"train step, numba {nb} thr, BLAS {bl} thr (torch {nb} thr)", times)
        set_threads(n)
        torch.set_num_threads(n)
        self.extra["threads"] = results

    def epoch(self):
        from minitorch_cnn.data import fashion_mnist as fm

        images, labels, _ = fm.load_mini(train=True)
        self._epoch("Fashion-MNIST mini", images, labels, limit=4 if self.quick else None, engines_numpy=True)
        if self.quick or self.args.no_full_epoch:
            return
        try:
            paths = fm.locate(self.args.data_root, train=True)
        except FileNotFoundError:
            print("  (full Fashion-MNIST not found: skipping the full epoch)")
            return
        images, labels = fm.load_split(*paths)
        self._epoch("Fashion-MNIST full", images, labels, limit=None, engines_numpy=self.args.full_numpy)

    def _epoch(self, title, images, labels, limit, engines_numpy):
        """One epoch: shuffled batches of 64 taken from the same in-memory float32 array by both
        engines (fancy indexing + from_numpy), a training step each; one timed epoch per engine
        after a few warm-up steps (the full epoch is too long to repeat)."""
        batch = 64
        x_all = (images.astype(np.float32) / np.float32(255.0)).reshape(-1, 1, 28, 28)
        y_all = labels.astype(np.int64)
        order = np.random.default_rng(10).permutation(len(x_all))
        batches = [order[i:i + batch] for i in range(0, len(order), batch)]
        if limit:
            batches = batches[:limit]
        ours, theirs = self._models(batch)
        full = len(batches) > 100

        def epoch_fn(make, engine):
            step, conv = make() if engine != "cuda" else make("cuda")

            def run():
                for idx in batches:
                    step(conv(x_all[idx]), conv(y_all[idx]))
            return run, (lambda: step(conv(x_all[batches[0]]), conv(y_all[batches[0]])))

        fns, warms = {}, {}
        for e in ("numpy", "numba"):
            if e == "numpy" and not engines_numpy:
                continue
            fns[e], warms[e] = epoch_fn(ours, e)
        fns["torch"], warms["torch"] = epoch_fn(theirs, "torch")
        if self.cuda:
            fns["cuda"], warms["cuda"] = epoch_fn(theirs, "cuda")
        self.run(warms, repeats=1, warmup=2)
        times = self.run(fns, repeats=1 if full else min(self.repeats, 3), warmup=0)
        self.add("epoch", f"{title} epoch ({len(batches)} steps of {batch})", times,
                 repeats=1 if full else min(self.repeats, 3))

    # -- cold start -----------------------------------------------------------------------------
    def cold(self):
        runs = 1 if self.quick else 3
        import minitorch_cnn

        # the fresh interpreters import the same engine as this one (a checkout's root, or site-packages)
        engine_root = Path(minitorch_cnn.__file__).resolve().parents[1]
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(engine_root)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        res = {}
        with tempfile.TemporaryDirectory(prefix="mt-numba-cache-") as cache:
            env_c = dict(env, NUMBA_CACHE_DIR=cache)
            res["empty_cache"] = _cold_run(env_c, "minitorch")
            res["warm_cache"] = _median_dicts([_cold_run(env_c, "minitorch") for _ in range(runs)])
        res["default_cache"] = _median_dicts([_cold_run(env, "minitorch") for _ in range(runs)])
        res["torch"] = _median_dicts([_cold_run(env, "torch") for _ in range(runs)])
        self.extra["cold_start"] = res
        for key, label in (("empty_cache", "empty Numba cache"), ("warm_cache", "warm Numba cache")):
            r = res[key]
            times = {"numba": r["total"], "torch": res["torch"]["total"]}
            row = self.add("cold", f"import + first train step, {label}", times, detail=r,
                           torch_detail=res["torch"])
            print(f"    import {r['import']:.2f} s, first step {r['first_step']:.2f} s "
                  f"(torch: import {res['torch']['import']:.2f} s, first step {res['torch']['first_step']:.2f} s)")
            if r.get("compiles"):
                top = sorted(r["compiles"], key=lambda c: -c[1])
                print(f"    compiled {len(top)} kernels, {sum(c[1] for c in top):.2f} s CPU: "
                      + ", ".join(f"{name} {cpu:.2f}" for name, cpu, _ in top[:4]) + ", …")
            row["ratio"] = r["total"] / res["torch"]["total"]


COLD_SCRIPT = r"""
import json, sys, time
t0 = time.perf_counter()
engine = sys.argv[1]
compiles = None
if engine == "minitorch":
    import minitorch_cnn as mt
    t1 = time.perf_counter()
    from minitorch_cnn.benchmarks.cold_profile import record_compiles
    compiles = record_compiles()  # what the step compiles, kernel by kernel (imports Numba: it would anyway)
    from minitorch_cnn import nn, optim
    from minitorch_cnn.models import SimpleCNN
    mt.manual_seed(0)
    model = SimpleCNN(); opt = optim.Adam(model.parameters(), lr=1e-3); loss_fn = nn.CrossEntropyLoss()
    x, y = mt.rand(64, 1, 28, 28), mt.randint(0, 10, (64,))
else:
    import torch as mt
    t1 = time.perf_counter()
    from minitorch_cnn.reference.models import SimpleCNN
    from torch import nn, optim
    mt.manual_seed(0)
    model = SimpleCNN(); opt = optim.Adam(model.parameters(), lr=1e-3); loss_fn = nn.CrossEntropyLoss()
    x, y = mt.rand(64, 1, 28, 28), mt.randint(0, 10, (64,))
opt.zero_grad(); loss = loss_fn(model(x), y); loss.backward(); opt.step(); float(loss.item())
t2 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "first_step": t2 - t1, "total": t2 - t0, "compiles": compiles}))
"""


def _cold_run(env, engine) -> dict:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", COLD_SCRIPT, engine], env=env, cwd=tempfile.gettempdir(),
                         capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - t0
    if out.returncode != 0:
        raise RuntimeError(f"cold-start run ({engine}) failed:\n{out.stderr[-2000:]}")
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["process_wall"] = wall
    return res


MEMORY_SCRIPT = r"""
import gc, json, resource, sys
import numpy as np
engine, cin, cout, hw, n = sys.argv[1], *map(int, sys.argv[2:6])
rng = np.random.default_rng(0)
x = rng.standard_normal((n, cin, hw, hw), dtype=np.float32)
gy = rng.standard_normal((n, cout, hw, hw), dtype=np.float32)
if engine == "minitorch":
    import minitorch_cnn as mt
    from minitorch_cnn import nn
    conv, wrap = nn.Conv2d(cin, cout, 3, padding=1), mt.from_numpy
else:
    import torch as mt
    mt.set_num_threads(int(sys.argv[6]))
    conv, wrap = mt.nn.Conv2d(cin, cout, 3, padding=1), mt.from_numpy
def step(xa, ga):
    X = wrap(xa).requires_grad_(cin > 3)
    conv(X).backward(wrap(ga))
    return X.grad
step(x[:1].copy(), gy[:1].copy())  # compile / warm up on one image
for p in conv.parameters():
    p.grad = None
gc.collect()
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1])  # kB
try:  # reset the high-water mark to the current size (Linux ≥ 4.0)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    base, method = status("VmRSS:"), "VmHWM after clear_refs"
except OSError:
    base, method = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "ru_maxrss"
step(x, gy)
peak = status("VmHWM:") if method.startswith("VmHWM") else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"peak_rise_mb": (peak - base) / 1024, "inputs_mb": (x.nbytes + gy.nbytes) / 2**20, "method": method}))
"""


def _memory_run(engine, cin, cout, hw, n) -> dict:
    import numba

    env = dict(os.environ)
    import minitorch_cnn  # the fresh interpreter imports the same engine (a checkout's root, or site-packages)

    engine_root = Path(minitorch_cnn.__file__).resolve().parents[1]
    env["PYTHONPATH"] = os.pathsep.join([str(engine_root)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env["NUMBA_NUM_THREADS"] = str(numba.get_num_threads())
    out = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, engine, str(cin), str(cout), str(hw), str(n),
                          str(numba.get_num_threads())], env=env, cwd=tempfile.gettempdir(),
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(f"memory run ({engine}) failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median_dicts(ds):
    return {k: statistics.median(d[k] for d in ds) for k in ds[0] if isinstance(ds[0][k], (int, float))}


def _parallel_copy():
    import numba

    @numba.njit(parallel=True, cache=False)
    def copy(dst, src):
        for i in numba.prange(src.size):
            dst[i] = src[i]
    return copy


def _fb(module, x, gy, grads):
    def f():
        for p in list(module.parameters()) + list(grads):
            p.grad = None
        module(x).backward(gy)
    return f


class _no_grad:
    """``no_grad`` of whichever engine ``module`` belongs to."""

    def __init__(self, module):
        if type(module).__module__.startswith("torch"):
            import torch
            self.ctx = torch.no_grad()
        else:
            import minitorch_cnn as mt
            self.ctx = mt.no_grad()

    def __enter__(self):
        return self.ctx.__enter__()

    def __exit__(self, *exc):
        return self.ctx.__exit__(*exc)


# ---------------------------------------------------------------------------------------------
# output


def _ms(t):
    return "—" if t is None else (f"{t * 1e3:9.2f}" if t < 10 else f"{t:8.2f}s")


def format_row(row) -> str:
    if "peak_mb" in row:  # memory rows: MB in the engine columns
        mb = row["peak_mb"]
        ratio = "—" if row.get("ratio") is None else f"{row['ratio']:.2f}"
        return (f"{row['group']:7s} {row['name'][:58]:58s} {'—':>10} {mb['numba']:10.1f} {mb['torch']:10.1f} "
                f"{'—':>10} {ratio:>7}")
    t = row["times_s"]
    ratio = "—" if row.get("ratio") is None else f"{row['ratio']:.2f}"
    s = (f"{row['group']:7s} {row['name'][:58]:58s} {_ms(t.get('numpy')):>10} {_ms(t.get('numba')):>10} "
         f"{_ms(t.get('torch')):>10} {_ms(t.get('cuda')):>10} {ratio:>7}")
    if row.get("floor_s") is not None:
        s += f" {_ms(row['floor_s']):>10} {row['vs_floor'] if row.get('vs_floor') is not None else float('nan'):7.2f}"
        if t.get("torch_fused"):
            s += f"  (torch fused {_ms(t['torch_fused']).strip()} ms)"
    return s


HEADER = (f"{'group':7s} {'row':58s} {'numpy ms':>10} {'numba ms':>10} {'torch ms':>10} {'cuda ms':>10} "
          f"{'ours/torch':>7} {'floor ms':>10} {'ours/floor':>7}")


def print_table(rows, info):
    print()
    print(f"minitorch_cnn bench — {info['cpu']}, {info['cores']} cores, threads {info['thread_settings']}, "
          f"BLAS {', '.join(str(b.get('internal_api')) + ' ' + str(b.get('architecture') or '') for b in info['blas'] if b.get('user_api') == 'blas')}")
    print("times are medians of --repeats calls after warm-up, engine by engine; ours = Numba backend; ratio = ours ÷ torch CPU")
    print(HEADER)
    for r in rows:
        print(format_row(r))


def write_png(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in rows if r.get("ratio") and "peak_mb" not in r]
    fig, ax = plt.subplots(figsize=(10, 1.0 + 0.28 * max(len(rows), 1)))
    y = np.arange(len(rows))
    ax.barh(y - 0.2, [r["ratio"] for r in rows], height=0.4, label="numba backend ÷ torch CPU", color="tab:blue")
    ax.barh(y + 0.2, [r.get("ratio_numpy") or 0 for r in rows], height=0.4, label="numpy backend ÷ torch CPU",
            color="tab:gray", alpha=0.6)
    ax.axvline(1.0, color="k", lw=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels([r["name"] for r in rows], fontsize=7)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("time ratio (lower is faster; 1 = torch)")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title("minitorch_cnn vs torch (CPU), median times")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ---------------------------------------------------------------------------------------------
# command line


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rows", default=None,
                   help=f"comma-separated groups to time, or 'all' (the default): {','.join(GROUPS)}")
    p.add_argument("--quick", action="store_true", help="tiny sizes and few repeats (a smoke run, not a measurement)")
    p.add_argument("--out", default="runs/bench", help="directory for bench.json and bench.png (default runs/bench)")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                   help="threads for Numba, BLAS and torch alike (default: the number of cores)")
    p.add_argument("--repeats", type=int, default=None, help="timed rounds per row (default 7; --quick 2)")
    p.add_argument("--warmup", type=int, default=None, help="untimed calls per engine first (default 2; --quick 1)")
    p.add_argument("--skip", default="", help="engines to leave out, comma-separated: numpy,numba,torch")
    p.add_argument("--optimizers", default=None, help="comma-separated subset of the 13 optimizers")
    p.add_argument("--no-cuda", action="store_true", help="do not time torch on CUDA even if present")
    p.add_argument("--no-full-epoch", action="store_true", help="skip the full Fashion-MNIST epoch")
    p.add_argument("--full-numpy", action="store_true", help="also time the NumPy backend on the full epoch (slow)")
    p.add_argument("--data-root", default=None, help="where to look for the full Fashion-MNIST first")


def capped_threads(n: int) -> int:
    """``--threads n``, capped at the number of cores with a warning: more threads than cores only
    measures oversubscription (torch with 1,000 threads read as a 0.01 ratio)."""
    if n < 1:
        raise ValueError(f"--threads: expected a positive integer, got {n}")
    cores = os.cpu_count() or 1
    if n > cores:
        print(f"minitorch-cnn bench: --threads {n} is more than the {cores} cores; using {cores}", file=sys.stderr)
        return cores
    return n


def run(args) -> int:
    args.threads = capped_threads(args.threads)
    for flag in ("repeats", "warmup"):
        if getattr(args, flag) is not None and getattr(args, flag) < (1 if flag == "repeats" else 0):
            raise ValueError(f"--{flag}: expected a {'positive' if flag == 'repeats' else 'non-negative'} "
                             f"integer, got {getattr(args, flag)}")
    if args.rows is None and not args.quick:
        print("minitorch-cnn bench: timing every group (about 10 minutes on 2 cores); "
              "--rows conv,optim,... or --quick times less", file=sys.stderr)
    groups = list(GROUPS) if args.rows in (None, "all") else [g.strip() for g in args.rows.split(",") if g.strip()]
    bad = [g for g in groups if g not in GROUPS]
    if bad:
        raise ValueError(f"--rows: unknown group(s) {bad}; choose from {','.join(GROUPS)} or 'all'")
    args.skip = [s.strip() for s in args.skip.split(",") if s.strip()]
    if args.optimizers:
        args.optimizers = [o.strip() for o in args.optimizers.split(",")]
        bad = [o for o in args.optimizers if o not in OPTIMIZERS]
        if bad:
            raise ValueError(f"--optimizers: unknown {bad}; choose from {','.join(OPTIMIZERS)}")
    if args.quick:  # a smoke run: no settling pauses between engines
        global SETTLE_S
        SETTLE_S = 0.0
    if args.repeats is None:
        args.repeats = 2 if args.quick else 7
    if args.warmup is None:
        args.warmup = 1 if args.quick else 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    settings = set_threads(args.threads)
    info = machine(args.threads)  # (after set_threads: the BLAS entry shows the thread count in use)
    info["thread_settings"] = settings
    bench = Bench(args)
    print(f"{info['cpu']}, {info['cores']} cores; threads {info['thread_settings']}; load {info['loadavg_start']}")
    print(HEADER, flush=True)
    t0 = time.perf_counter()
    for g in groups:
        getattr(bench, g)()
    info["thread_settings"]["numba_threading_layer"] = _numba_layer()
    info["loadavg_end"] = _loadavg()
    info["wall_s"] = time.perf_counter() - t0
    info["command"] = " ".join(["minitorch-cnn", "bench"] + sys.argv[2:]) if sys.argv[1:2] == ["bench"] else None
    result = {"machine": info, "settings": {"quick": args.quick, "repeats": args.repeats, "warmup": args.warmup,
                                            "groups": groups, "engines": bench.engines},
              "rows": bench.rows, **bench.extra}
    (out / "bench.json").write_text(json.dumps(result, indent=1, default=str))
    write_png(bench.rows, out / "bench.png")
    print_table(bench.rows, info)
    if "copy_bandwidth_GBps" in bench.extra:
        print("copy bandwidth (GB/s, read+write):",
              ", ".join(f"{k} {v:.1f}" for k, v in bench.extra["copy_bandwidth_GBps"].items()))
    print(f"wrote {out / 'bench.json'} and {out / 'bench.png'} ({info['wall_s']:.0f} s)")
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    add_arguments(p)
    return run(p.parse_args(argv))
