"""Each optimizer's fused Numba update equals its readable NumPy update (float32 and float64).

Both twins run the same drawn configuration, shapes and gradients through the optimizer's own
``step`` — once under ``mt.set_backend("numpy")``, once under ``"numba"`` — and every parameter and
every state array must agree after every step.  Both do float32 arithmetic for float32 parameters
(the twin casts its coefficients to the parameter's dtype); they differ only in how sums and
element-wise expressions are grouped, so the tolerances here are 10× tighter than the parity ones
against torch.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minitorch_cnn as mt
from minitorch_cnn import nn
from optim_strategies import CASE_IDS, OPTIM_CASES, gradient_sequence, grad_scales, param_shapes, seeds

TOL = {np.float64: dict(rtol=1e-12, atol=1e-14), np.float32: dict(rtol=1e-5, atol=1e-6)}


def _run(case, kw, init, grads, backend):
    with mt.backend(backend):
        p = nn.Parameter(mt.Tensor(init.copy()))
        opt = case.make_ours([p], kw)
        trajectory = []
        for g in grads:
            p.grad = mt.Tensor(g.copy())
            opt.step()
            state = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in opt.state[p].items()}
            trajectory.append((p.array.copy(), state))
    return trajectory


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("case", OPTIM_CASES, ids=CASE_IDS)
def test_numba_twin_equals_numpy_twin(case, dtype):
    @given(kw=case.hyper, shape=param_shapes, seed=seeds, scale=grad_scales, n_steps=st.integers(3, 12))
    def check(kw, shape, seed, scale, n_steps):
        init = np.random.default_rng(seed + 1).standard_normal(shape).astype(dtype)
        grads = gradient_sequence(shape, n_steps, seed, scale, dtype)
        slow = _run(case, kw, init, grads, "numpy")
        fast = _run(case, kw, init, grads, "numba")
        for t, ((p_np, s_np), (p_nb, s_nb)) in enumerate(zip(slow, fast)):
            assert p_nb.dtype == p_np.dtype == dtype
            np.testing.assert_allclose(p_nb, p_np, **TOL[dtype], err_msg=f"{case.name} {kw} param, step {t + 1}")
            assert s_np.keys() == s_nb.keys()
            for key in s_np:
                if s_np[key] is None:  # SGD without momentum keeps no buffer
                    assert s_nb[key] is None
                    continue
                if isinstance(s_np[key], np.ndarray):
                    assert s_nb[key].dtype == dtype, f"{case.name} state {key} dtype"
                np.testing.assert_allclose(s_nb[key], s_np[key], **TOL[dtype],
                                           err_msg=f"{case.name} {kw} state {key!r}, step {t + 1}")

    check()


def test_non_contiguous_parameter_falls_back_to_numpy_and_updates_in_place():
    """A transposed (non-C-contiguous) parameter array still gets updated in place."""
    base = np.arange(6.0).reshape(2, 3)
    expected = base.T - 0.1  # Adam's first step moves every coordinate by lr (g = 1)
    p = nn.Parameter(mt.Tensor(base.T))
    assert not p.array.flags.c_contiguous
    opt = mt.optim.Adam([p], lr=0.1)
    p.grad = mt.Tensor(np.ones((3, 2)))
    with mt.backend("numba"):
        opt.step()
    np.testing.assert_allclose(p.array, expected, rtol=1e-6)
    np.testing.assert_allclose(base, expected.T, rtol=1e-6)  # written through the view


@pytest.mark.parametrize("case", OPTIM_CASES, ids=CASE_IDS)
def test_backend_selects_the_twin(case):
    """Under "numba" every optimizer's step runs its ``numba_update``, the kernel named like its NumPy
    update plus ``_numba`` (in optim_kernels.py, or optim_kernels_multipass.py for LAMB and
    Adafactor); under "numpy" the NumPy update defined in the optimizer's own file."""
    import importlib

    from minitorch_cnn.kernels import optim_kernels, optim_kernels_multipass

    twins = {name: getattr(m, name) for m in (optim_kernels, optim_kernels_multipass)
             for name in dir(m) if name.endswith("_update_numba")}

    module = importlib.import_module(case.ours.__module__)
    numpy_update = next(getattr(module, n) for n in dir(module) if n.endswith("_update") and
                        getattr(module, n).__module__ == module.__name__)
    opt = case.make_ours([nn.Parameter(mt.zeros(3, dtype=mt.float64))], {})
    param = np.zeros(3)
    with mt.backend("numba"):
        fast = opt._implementation(param)
    with mt.backend("numpy"):
        slow = opt._implementation(param)
    assert slow is numpy_update and fast is twins[numpy_update.__name__ + "_numba"]
