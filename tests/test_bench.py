"""``minitorch-cnn bench --quick``: a smoke run at tiny sizes that writes well-formed JSON and PNG.

No timing assertions: this only checks that every group runs for every engine and that the
outputs have the promised fields (ratios, the optimizer rows' memory-traffic floor, the machine
description, cold-start figures with an empty and a warm Numba cache).
"""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def bench(tmp_path, *args, timeout=600):
    out = tmp_path / "bench"
    res = subprocess.run([sys.executable, "-m", "minitorch_cnn", "bench", "--quick", "--out", str(out), *args],
                         cwd=REPO, capture_output=True, text=True, timeout=timeout)
    return res, out


def finite_positive(t):
    return isinstance(t, float) and math.isfinite(t) and t > 0


def check_outputs(out: Path) -> dict:
    data = json.loads((out / "bench.json").read_text())
    assert (out / "bench.png").read_bytes()[:8] == PNG_SIGNATURE
    m = data["machine"]
    for key in ("cpu", "cores", "threads", "numpy", "numba", "torch", "blas", "thread_settings"):
        assert key in m, key
    assert m["thread_settings"]["numba"] >= 1 and m["thread_settings"]["torch"] >= 1
    return data


def test_quick_bench_writes_json_and_png_for_every_timing_group(tmp_path):
    groups = "conv,kernels,pool,linear,ce,optim,train,epoch,threads"
    res, out = bench(tmp_path, "--rows", groups, "--optimizers", "SGD,Adam,Adafactor,LAMB", "--threads", "1")
    assert res.returncode == 0, res.stderr[-3000:]
    data = check_outputs(out)
    assert data["settings"]["groups"] == groups.split(",")
    seen = {r["group"] for r in data["rows"]}
    assert seen == set(groups.split(","))
    for row in data["rows"]:
        t = row["times_s"]
        assert finite_positive(t["numba"]) and finite_positive(t["torch"]), row
        assert finite_positive(row["ratio"]) and math.isclose(row["ratio"], t["numba"] / t["torch"])
        if row["group"] in ("conv", "kernels", "pool", "linear", "ce", "optim", "train"):
            assert finite_positive(t["numpy"]), row
    kernels = [r for r in data["rows"] if r["group"] == "kernels"]  # each conv row's three kernels, named
    assert [r["name"].split(" kernel")[0].split()[-1] for r in kernels] == ["forward", "dX", "dW"] * 4
    assert all(r["path"] in r["name"] for r in kernels)
    optim = [r for r in data["rows"] if r["group"] == "optim"]
    assert len(optim) == 2 * 4  # two sizes × the four optimizers asked for
    for row in optim:
        assert row["bytes"] > 0 and finite_positive(row["floor_s"]) and finite_positive(row["vs_floor"])
        assert math.isclose(row["vs_floor"], row["times_s"]["numba"] / row["floor_s"])
    for name in ("SGD", "Adam"):  # torch's fused CPU kernels are timed as well
        assert any(r["name"].startswith(name + " ") and "torch_fused" in r["times_s"] for r in optim)
    assert all(finite_positive(v) for v in data["copy_bandwidth_GBps"].values())
    assert "ours/torch" in res.stdout and "ours/floor" in res.stdout  # the printed table


@pytest.mark.slow
def test_quick_bench_cold_start_with_empty_and_warm_numba_cache(tmp_path):
    res, out = bench(tmp_path, "--rows", "cold")
    assert res.returncode == 0, res.stderr[-3000:]
    data = check_outputs(out)
    cold = data["cold_start"]
    for key in ("empty_cache", "warm_cache", "default_cache", "torch"):
        for part in ("import", "first_step", "total", "process_wall"):
            assert finite_positive(cold[key][part]), (key, part)
    assert [r["name"] for r in data["rows"]] == ["import + first train step, empty Numba cache",
                                                 "import + first train step, warm Numba cache"]
    # the empty-cache run names what it compiled: the lecture's 3×3 convs go through the tiled kernels
    compiles = cold["empty_cache"]["compiles"]
    assert {"tiled_conv._forward_images", "tiled_conv._weight_grad_images"} <= {c[0] for c in compiles}
    assert all(finite_positive(cpu) and finite_positive(wall) for _, cpu, wall in compiles)
    assert "compiles" not in cold["warm_cache"]  # a median of lists is not taken


def test_bench_rejects_unknown_groups_and_optimizers(tmp_path):
    res, _ = bench(tmp_path, "--rows", "conv,bogus", timeout=120)
    assert res.returncode == 2 and "bogus" in res.stderr
    res, _ = bench(tmp_path, "--rows", "optim", "--optimizers", "Adamm", timeout=120)
    assert res.returncode == 2 and "Adamm" in res.stderr


def test_threads_beyond_the_cores_are_capped_with_a_warning(capsys):
    from benchmarks.bench import capped_threads

    cores = os.cpu_count() or 1
    assert capped_threads(1) == 1
    assert capped_threads(cores) == cores
    assert capped_threads(1000) == cores
    assert f"--threads 1000 is more than the {cores} cores" in capsys.readouterr().err
    with pytest.raises(ValueError, match="--threads"):
        capped_threads(0)


def test_quick_bench_memory_rows(tmp_path):
    """``--rows memory``: peak-memory rows (MB, ours and torch, from fresh processes) with their ratio."""
    res, out = bench(tmp_path, "--rows", "memory", "--threads", "1")
    assert res.returncode == 0, res.stderr[-3000:]
    rows = check_outputs(out)["rows"]
    assert rows and all(r["group"] == "memory" for r in rows)
    for row in rows:
        mb = row["peak_mb"]
        assert mb["numba"] >= 0 and mb["torch"] > 0 and row["inputs_mb"] > 0, row
        assert math.isclose(row["ratio"], mb["numba"] / mb["torch"])
