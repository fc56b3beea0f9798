"""The softmax cross-entropy twin's own exponential, and the twin on many classes.

* ``exp_poly`` (``kernels/softmax_ce.py``): the Numba twin's vectorised exponential equals NumPy's
  ``np.exp`` to a few units in the last place, over drawn values and the edges (±0, ±inf, NaN, the
  overflow and underflow thresholds, subnormal results); the plain-Python ``exp_poly`` equals ``math.exp``;
* the Numba twin equals the NumPy version on up to 300 classes (the vector loops and their scalar
  remainders), with drawn edge values in the logits;
* both paths, forced, equal torch on the bench's shape class (many classes, float32 and float64),
  with NaN, +∞, all −∞ and far-below-the-max rows planted.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import minitorch_cnn as mt
import minitorch_cnn.nn.functional as F
from minitorch_cnn.kernels import dispatch
from minitorch_cnn.kernels import softmax_ce as CE

from conftest import tol
from strategies import seeds, values

dtypes = st.sampled_from([np.float64, np.float32])
# relative error bounds: float32 against exp in float64 (measured: ≤ 0.91 ulp, 7.6e-8 relative; the
# degree-6 polynomial would exceed 2⁻²³), float64 against NumPy's own (measured ≤ 1 ulp, 2.2e-16)
ULPS = {np.float32: 2.0 ** -23, np.float64: 4 * 2.0 ** -52}


def assert_exp_close(got, z):
    """``got`` equals exp(z) (taken in float64 from NumPy, so the reference itself is not the issue for
    float32) to ``ULPS`` relative, NaN where NaN, and within two of the dtype's smallest subnormals
    where the result is subnormal (there every rounding is that coarse)."""
    t = z.dtype.type
    with np.errstate(over="ignore", under="ignore"):
        want = np.exp(z.astype(np.float64)).astype(t) if t is np.float32 else np.exp(z)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want), err_msg="NaN positions")
    ok = ~np.isnan(want)
    g, w = got[ok].astype(np.float64), want[ok].astype(np.float64)
    both_inf = np.isinf(w) & (g == w)
    with np.errstate(invalid="ignore"):  # ∞ − ∞ where both are ∞ (counted as equal above)
        err = np.abs(g - w)
    fi = np.finfo(t)
    bound = np.where(np.abs(w) < fi.smallest_normal, 2 * float(fi.smallest_subnormal), ULPS[t] * np.abs(w))
    bad = ~both_inf & ~(err <= bound)
    assert not bad.any(), (f"exp of {z[ok][bad][:5]} gave {g[bad][:5]}, expected {w[bad][:5]}")


@given(dtype=dtypes, data=st.data())
def test_exp_poly_equals_numpy_exp_on_drawn_values(dtype, data):
    n = data.draw(st.integers(1, 70), label="size")  # vector body and scalar remainder both run
    z = data.draw(values((n,), dtype, lo=-120.0, hi=100.0), label="z")
    got = np.empty_like(z)
    CE.exp_poly_numba(z, got)
    assert got.dtype == z.dtype
    assert_exp_close(got, z)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_exp_poly_sweeps_the_whole_range_and_the_edges(dtype):
    fi = np.finfo(dtype)
    lo, hi = (-110.0, 90.0) if dtype == np.float32 else (-750.0, 712.0)
    z = np.concatenate([np.linspace(lo, hi, 400_001), np.linspace(-1.0, 1.0, 100_001)]).astype(dtype)
    # around where exp overflows, where it leaves the normals, where it underflows to 0, and specials
    for edge in (math.log(float(fi.max)), math.log(float(fi.smallest_normal)),
                 math.log(float(fi.smallest_subnormal))):
        z = np.concatenate([z, np.linspace(edge - 0.5, edge + 0.5, 2001).astype(dtype)])
    z = np.concatenate([z, np.array([0.0, -0.0, np.inf, -np.inf, np.nan, float(fi.max), -float(fi.max),
                                     float(fi.smallest_subnormal), -float(fi.smallest_subnormal)], dtype)])
    got = np.empty_like(z)
    CE.exp_poly_numba(z, got)
    assert_exp_close(got, z)
    assert got[-9] == 1.0 and got[-8] == 1.0 and got[-7] == np.inf and got[-6] == 0.0 and np.isnan(got[-5])


def test_float32_runs_the_float32_polynomial():
    """On float32 the vectorised loop runs the float32 polynomial (``_exp32``, degree 7, 8 lanes), element
    for element, not the float64 one rounded (seed-16 survivor: ``bitwidth == 32`` → ``== 33`` sent float32
    to ``_exp64``, equally accurate but half the vector width: only this test tells them apart)."""
    z = np.concatenate([np.linspace(-110, 90, 3001), np.linspace(-1, 1, 1001)]).astype(np.float32)
    got = np.empty_like(z)
    CE.exp_poly_numba(z, got)
    assert np.array_equal(got, np.array([CE._exp32(v) for v in z], dtype=np.float32))


@given(z=st.floats(-740.0, 709.0))
def test_python_exp_poly_is_the_algorithm_it_documents(z):
    """The plain-Python ``exp_poly`` (the reading copy) computes exp too, to float64 rounding."""
    want = math.exp(z)
    assert abs(CE.exp_poly(z) - want) <= 8 * 2.0 ** -52 * want + 2 * 5e-324


def test_python_exp_poly_edges():
    assert math.isnan(CE.exp_poly(math.nan))
    assert CE.exp_poly(math.inf) == math.inf and CE.exp_poly(-math.inf) == 0.0 and CE.exp_poly(0.0) == 1.0


# ---------------------------------------------------------------------------------------------
# the twin on many classes
# ---------------------------------------------------------------------------------------------
@given(dtype=dtypes, seed=seeds, data=st.data())
def test_softmax_ce_twins_agree_on_many_classes(dtype, seed, data):
    m, c = data.draw(st.integers(1, 6), label="rows"), data.draw(st.integers(1, 300), label="classes")
    x = data.draw(values((m, c), dtype, nonfinite=data.draw(st.booleans())), label="logits")
    rng = np.random.default_rng(seed)
    ignore_index = -100
    y = rng.integers(0, c, m)
    y[rng.random(m) < 0.2] = ignore_index
    w = (rng.random(c) + 0.1).astype(dtype) if data.draw(st.booleans()) else np.ones(c, dtype)
    eps = data.draw(st.sampled_from([0.0, 0.2]))
    coef = rng.standard_normal(m if data.draw(st.booleans()) else 1).astype(dtype)
    ref = CE.softmax_ce_forward(x, y, w, ignore_index, eps)
    got = CE.softmax_ce_forward_numba(x, y, w, ignore_index, eps)
    # the twin's sums run in another order and its exp differs by ulps: relative 1e-5 (float32) and
    # 1e-12 (float64), an absolute floor scaled to the row's magnitude for logp-derived values
    rt = {np.float32: 1e-5, np.float64: 1e-12}[dtype]
    scale = 1.0 + np.nan_to_num(np.abs(x), posinf=0, neginf=0).max()
    for name, r, g in zip(("p", "nll", "smooth", "w_y"), ref, got):
        assert g.dtype == r.dtype == x.dtype and g.shape == r.shape, name
        np.testing.assert_allclose(g, r, rtol=rt, atol=rt * (1.0 if name == "p" else scale), err_msg=name)
    p = ref[0]
    dref = CE.softmax_ce_backward(p, y, w, ref[3], ignore_index, eps, coef)
    dgot = CE.softmax_ce_backward_numba(p, y, w, ref[3], ignore_index, eps, coef)
    assert dgot.dtype == dref.dtype == x.dtype
    np.testing.assert_allclose(dgot, dref, rtol=rt, atol=rt * np.abs(coef).max(), err_msg="dx")


# ---------------------------------------------------------------------------------------------
# both paths against torch, many classes, planted non-finite rows
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", dispatch.PATHS["softmax_cross_entropy"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(64, 1000), (300, 10)])
def test_many_classes_with_nonfinite_rows_match_torch(path, dtype, shape):
    m, c = shape
    rng = np.random.default_rng(11)
    x = (rng.standard_normal(shape) * 4).astype(dtype)
    x[1, 3] = np.nan                      # a NaN logit: the row's loss and gradient are NaN
    x[2, 5] = np.inf                      # +∞: NaN as well (∞ − ∞)
    x[3, :] = -np.inf                     # all −∞: NaN
    x[4, :] = -1e4                        # far below the row max, exp underflows to 0 for all but one
    x[4, 7] = 50.0
    x[5, ::2] = -np.inf                   # some −∞: probability 0, finite loss unless the target is one
    y = rng.integers(0, c, m)
    y[5] = 1
    y[6] = -100
    results = []
    for red in ("none", "sum"):
        with dispatch.force_path("softmax_cross_entropy", path):
            xm = mt.tensor(x, requires_grad=True)
            lm = F.cross_entropy(xm, mt.tensor(y), reduction=red, label_smoothing=0.1 if red == "sum" else 0.0)
            g = np.linspace(-1.0, 2.0, lm.array.size).reshape(lm.shape).astype(dtype)
            lm.backward(mt.tensor(g))
        xt = torch.tensor(x, requires_grad=True)
        lt = torch.nn.functional.cross_entropy(xt, torch.tensor(y), reduction=red,
                                               label_smoothing=0.1 if red == "sum" else 0.0)
        lt.backward(torch.tensor(g))
        results.append((lm.detach().numpy(), lt.detach().numpy(), xm.grad.numpy(), xt.grad.numpy()))
    for ours, theirs, dx, tdx in results:
        np.testing.assert_allclose(ours, theirs, **tol(dtype), err_msg="loss")
        np.testing.assert_allclose(dx, tdx, **tol(dtype), err_msg="dx")  # NaN where torch has NaN
    assert np.isnan(results[0][0][[1, 2, 3]]).all() and np.isfinite(results[0][0][[0, 4, 6]]).all()


# ---------------------------------------------------------------------------------------------
# labels: the twins check them inside the kernels, the loss before either
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [-1, 3, 99])
def test_both_numba_twins_refuse_an_out_of_bounds_label_before_touching_memory(bad):
    from minitorch_cnn.errors import TargetOutOfBounds

    x = np.zeros((3, 3), np.float32)
    w = np.ones(3, np.float32)
    y = np.array([0, bad, -100])
    with pytest.raises(TargetOutOfBounds, match=f"softmax_ce_forward_numba: target {bad} is out of bounds for 3"):
        CE.softmax_ce_forward_numba(x, y, w, -100, 0.0)
    p = np.full((3, 3), 1 / 3, np.float32)
    with pytest.raises(TargetOutOfBounds, match=f"softmax_ce_backward_numba: target {bad} is out of bounds for 3"):
        CE.softmax_ce_backward_numba(p, y, w, np.ones(3, np.float32), -100, 0.0, np.ones(1))
    # the ignored label (−100, outside [0, 3)) alone is fine, and gives what the NumPy versions give
    y_ok = np.array([0, 2, -100])
    for r, g in zip(CE.softmax_ce_forward(x, y_ok, w, -100, 0.0), CE.softmax_ce_forward_numba(x, y_ok, w, -100, 0.0)):
        np.testing.assert_allclose(g, r, rtol=1e-6)


@pytest.mark.parametrize("ignore_index", [-100, 7, 2])
def test_loss_refuses_bad_labels_but_not_an_out_of_range_ignore_index(ignore_index):
    x = mt.zeros(4, 5)
    ok = mt.tensor([0, ignore_index, 4, ignore_index])
    tx = torch.zeros(4, 5)
    np.testing.assert_allclose(F.cross_entropy(x, ok, ignore_index=ignore_index).item(),
                               torch.nn.functional.cross_entropy(tx, torch.tensor(ok.numpy()),
                                                                 ignore_index=ignore_index).item(), rtol=1e-6)
    with pytest.raises(ValueError, match="^CrossEntropyLoss: target 5 is out of bounds for 5 classes$"):
        F.cross_entropy(x, mt.tensor([0, ignore_index, 5, 1]), ignore_index=ignore_index)
    with pytest.raises(ValueError, match="^CrossEntropyLoss: target -3 is out of bounds for 5 classes$"):
        F.cross_entropy(x, mt.tensor([ignore_index, -3, 0, 1]), ignore_index=ignore_index)
