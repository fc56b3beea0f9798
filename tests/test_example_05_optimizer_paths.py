"""Smoke test of examples/05_optimizer_paths.py: it writes its PNGs, and every optimizer's path on
every test function equals the path torch's optimizer (reference/ for Lion and LAMB) takes with
torch's autograd from the same start."""
from __future__ import annotations


import numpy as np
import pytest
import torch

from conftest import load_example

from optim_strategies import OPTIM_CASES

STEPS = 40


@pytest.fixture(scope="module")
def example():
    return load_example("05_optimizer_paths.py")


@pytest.fixture(scope="module")
def results(example, tmp_path_factory):
    out = tmp_path_factory.mktemp("ex05")
    results = example.main([str(out), "--steps", str(STEPS)])
    return out, results


def test_writes_both_pngs(results):
    out, _ = results
    for name in ("optimizer_paths.png", "optimizer_losses.png"):
        data = (out / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000, name


def test_races_all_13_optimizers_on_3_functions(example, results):
    _, res = results
    assert list(res) == list(example.FUNCTIONS)
    for fn_name, runs in res.items():
        assert list(runs) == [case.name for case in OPTIM_CASES], fn_name
        for name, (path, losses) in runs.items():
            assert path.shape == (STEPS + 1, 2) and losses.shape == (STEPS + 1,)
            assert np.all(np.isfinite(path)), f"{name} on {fn_name} left the plot"


def _torch_path(example, case, fn_name):
    f, start = example.FUNCTIONS[fn_name][:2]
    w = torch.nn.Parameter(torch.tensor(start, dtype=torch.float64))
    opt = case.make_oracle([w], example.optimizer_kwargs(case.name, fn_name))
    path = [w.detach().numpy().copy()]
    for _ in range(STEPS):
        opt.zero_grad()
        f(w).backward()
        opt.step()
        path.append(w.detach().numpy().copy())
    return np.array(path)


@pytest.mark.parametrize("case", OPTIM_CASES, ids=[c.name for c in OPTIM_CASES])
def test_paths_equal_torch(example, results, case):
    _, res = results
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        for fn_name in example.FUNCTIONS:
            expected = _torch_path(example, case, fn_name)
            np.testing.assert_allclose(res[fn_name][case.name][0], expected, rtol=1e-10, atol=1e-12,
                                       err_msg=f"{case.name} on {fn_name}")
    finally:
        torch.set_default_dtype(previous)
