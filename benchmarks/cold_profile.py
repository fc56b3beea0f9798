"""What the first training step compiles, function by function: the detail of the ``cold`` row.

With an empty Numba cache nearly all of ``import minitorch_cnn`` + the first SimpleCNN step is Numba
compiling kernels on their first call. :func:`record_compiles` listens to Numba's compile events
and keeps, for each function compiled at top level (called from Python), the CPU and wall seconds
of its compile; what Numba compiles while typing it (a helper it calls, Numba's own implementation
of ``np.empty``) is included in its line. ``minitorch-cnn bench --rows cold`` stores the list in
the JSON (``cold_start.empty_cache.compiles``) and prints the largest.

Run alone, in a fresh interpreter with an empty cache (CPU seconds, so a busy machine shows less)::

    python -m minitorch_cnn.benchmarks.cold_profile
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time


def record_compiles() -> list:
    """Start recording Numba's top-level compiles into the returned list, as
    ``[name, cpu_s, wall_s]`` (name: ``module.function``), in the order they finish."""
    from numba.core import event

    done: list = []

    class _Recorder(event.Listener):
        depth = 0
        started: list = []

        def on_start(self, ev):
            self.depth += 1
            self.started.append((time.process_time(), time.perf_counter()))

        def on_end(self, ev):
            self.depth -= 1
            cpu0, wall0 = self.started.pop()
            if self.depth == 0:
                fn = ev.data["dispatcher"].py_func
                done.append([f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}",
                             time.process_time() - cpu0, time.perf_counter() - wall0])

    event.register("numba:compile", _Recorder())
    return done


STEP = r"""
import json, time
cpu0, t0 = time.process_time(), time.perf_counter()
import minitorch_cnn as mt
t1 = time.perf_counter()
from minitorch_cnn.benchmarks.cold_profile import record_compiles
compiles = record_compiles()
from minitorch_cnn import nn, optim
from minitorch_cnn.models import SimpleCNN
mt.manual_seed(0)
model = SimpleCNN(); opt = optim.Adam(model.parameters(), lr=1e-3); loss_fn = nn.CrossEntropyLoss()
x, y = mt.rand(64, 1, 28, 28), mt.randint(0, 10, (64,))
opt.zero_grad(); loss = loss_fn(model(x), y); loss.backward(); opt.step(); float(loss.item())
print(json.dumps({"import": t1 - t0, "first_step": time.perf_counter() - t1,
                  "cpu": time.process_time() - cpu0, "compiles": compiles}))
"""


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="mt-numba-cache-") as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        out = subprocess.run([sys.executable, "-c", STEP], env=env, capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        print(out.stderr[-3000:], file=sys.stderr)
        return 1
    res = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"import {res['import']:.2f} s, first step {res['first_step']:.2f} s (wall); "
          f"{res['cpu']:.2f} s CPU in all, of which compiling {sum(c[1] for c in res['compiles']):.2f} s:")
    for name, cpu, wall in sorted(res["compiles"], key=lambda c: -c[1]):
        print(f"  {cpu:6.2f} s CPU  {wall:6.2f} s wall  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
