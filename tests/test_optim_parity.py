"""Every optimizer's parameter trajectory equals torch's (or reference/'s for Lion and LAMB).

One table (``tests/optim_strategies.py::OPTIM_CASES``) drives the tests. ``test_trajectory_matches_torch``:
Hypothesis draws the hyperparameters, two parameter shapes, the initial values (all zeros too) and
the gradient sequences themselves (ties, zeros, ±0, subnormals, tiny values; the whole run at a
drawn magnitude: 1, 2^-s or 2^s) and the number of steps; each run has two param groups with
different learning rates, and the second parameter's gradient is ``None`` on drawn steps (it must
then be skipped, state untouched). It runs on every engine path: the NumPy update, and the Numba
twin forced to its serial and its parallel build (``dispatch.force_path("optimizer_update", …)``).
After every step every parameter must match torch within the dtype's tolerance (float64 rel 1e-10,
float32 rel 1e-4, absolute floor 1e-5) — or, where float32 rounding after cancellation separates
the two engines, be as close to a float64 run of the same update as rounding allows
(:func:`trajectory_check`). Other tests: all-zero parameters (LAMB's trust ratio), LAMB's norm
edge cases, resume from a state_dict mid-run, and CUDA (skipped without a GPU).

``OPTIM_ERROR_REPORT=path.json`` writes the worst relative error seen per optimizer and dtype, and
the number of hypothesis examples run; ``python tests/test_optim_parity.py [profile]`` runs this
file that way and prints the table.
"""
from __future__ import annotations

import contextlib
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[1]
if __name__ == "__main__":  # run as a script: make the checkout importable
    sys.path.insert(0, str(REPO))
import minitorch_cnn as mt  # noqa: E402
from minitorch_cnn import nn
from minitorch_cnn.kernels import dispatch  # noqa: E402
from optim_strategies import (CASE_IDS, OPTIM_CASES, gradient_sequence,
                              grad_scales, param_shapes, seeds, steps)
from strategies import finite_values

TOL = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=1e-4, atol=1e-5)}

# worst |ours − torch| / (atol + rtol·|torch|) ratio and worst relative error, per (optimizer, dtype)
WORST: dict = defaultdict(lambda: {"max_rel_err": 0.0, "max_abs_err": 0.0, "examples": 0, "steps": 0})


@contextlib.contextmanager
def torch_default_dtype(dtype):
    """torch keeps ``step`` and NAdam's ``mu_product`` in its default dtype: match the run's dtype."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64 if dtype == np.float64 else torch.float32)
    try:
        yield
    finally:
        torch.set_default_dtype(previous)


def assert_close(ours, theirs, dtype, what):
    """Compare one parameter; record the worst errors; fail with step, values and tolerance."""
    tol = TOL[dtype]
    diff = np.abs(ours.astype(np.float64) - theirs.astype(np.float64))
    rel = diff / np.maximum(np.abs(theirs.astype(np.float64)), np.finfo(np.float64).tiny)
    bad = diff > tol["atol"] + tol["rtol"] * np.abs(theirs)
    if bad.any():
        i = np.unravel_index(np.argmax(np.where(bad, diff, -1)), diff.shape)
        raise AssertionError(f"{what}: at index {i} ours={ours[i]!r} torch={theirs[i]!r} "
                             f"(|diff|={diff[i]:.3e}, tolerance rtol={tol['rtol']}, atol={tol['atol']})")
    # relative error where the value is not near zero (below the absolute floor the floor governs)
    meaningful = np.abs(theirs) > tol["atol"] / tol["rtol"]
    return float(rel[meaningful].max()) if meaningful.any() else 0.0, float(diff.max())


def run_both(case, kw, shapes, grads, none_steps, dtype, *, device="cpu", second_lr_factor=0.5,
             roundtrip_at=None, inits=None):
    """Step ours and the oracle side by side on the same gradients; compare after every step."""
    if inits is None:
        rng = np.random.default_rng(len(grads[0]))
        inits = [rng.standard_normal(shape).astype(dtype) for shape in shapes]
    ours = [nn.Parameter(mt.Tensor(a.copy())) for a in inits]
    theirs = [torch.nn.Parameter(torch.tensor(a.copy(), device=device)) for a in inits]
    lr2 = kw["lr"] * second_lr_factor
    our_opt = case.make_ours([{"params": [ours[0]]}, {"params": [ours[1]], "lr": lr2}], kw)
    their_opt = case.make_oracle([{"params": [theirs[0]]}, {"params": [theirs[1]], "lr": lr2}], kw)
    worst_rel = worst_abs = 0.0
    for t in range(len(grads[0])):
        for i, (p, q) in enumerate(zip(ours, theirs)):
            if i == 1 and t in none_steps:
                p.grad, q.grad = None, None
            else:
                p.grad = mt.Tensor(grads[i][t].copy())
                q.grad = torch.tensor(grads[i][t].copy(), device=device)
        our_opt.step()
        their_opt.step()
        if roundtrip_at == t:  # resume from a checkpoint into a fresh optimizer
            saved = our_opt.state_dict()
            our_opt = case.make_ours([{"params": [ours[0]]}, {"params": [ours[1]], "lr": lr2}], kw)
            our_opt.load_state_dict(saved)
        for i, (p, q) in enumerate(zip(ours, theirs)):
            rel, ab = assert_close(p.array, q.detach().cpu().numpy(), dtype,
                                   f"{case.name} {kw} param {i} {p.shape} step {t + 1}")
            worst_rel, worst_abs = max(worst_rel, rel), max(worst_abs, ab)
    return worst_rel, worst_abs


def record(case, dtype, worst_rel, worst_abs, n_steps):
    entry = WORST[f"{case.name}/{np.dtype(dtype).name}"]
    entry["max_rel_err"] = max(entry["max_rel_err"], worst_rel)
    entry["max_abs_err"] = max(entry["max_abs_err"], worst_abs)
    entry["examples"] += 1
    entry["steps"] += n_steps


@pytest.fixture(scope="module", autouse=True)
def _error_report():
    yield
    path = os.environ.get("OPTIM_ERROR_REPORT")
    if path:
        old = json.load(open(path)) if os.path.exists(path) else {}
        for key, entry in WORST.items():
            prev = old.get(key, {"max_rel_err": 0.0, "max_abs_err": 0.0, "examples": 0, "steps": 0})
            old[key] = {"max_rel_err": max(prev["max_rel_err"], entry["max_rel_err"]),
                        "max_abs_err": max(prev["max_abs_err"], entry["max_abs_err"]),
                        "examples": prev["examples"] + entry["examples"], "steps": prev["steps"] + entry["steps"]}
        with open(path, "w") as f:
            json.dump(old, f, indent=1, sort_keys=True)


@st.composite
def runs(draw, case):
    kw = draw(case.hyper)
    shapes = [draw(param_shapes), draw(param_shapes)]
    n_steps = draw(steps)
    seed, scale = draw(seeds), draw(grad_scales)
    none_steps = draw(st.sets(st.integers(0, n_steps - 1), max_size=n_steps // 3))
    second_lr_factor = draw(st.sampled_from([0.5, 2.0]))
    return kw, shapes, n_steps, seed, scale, none_steps, second_lr_factor


# ---------------------------------------------------------------------------------------------
# trajectories on DRAWN values, every engine path, compared through a float64 reference
# ---------------------------------------------------------------------------------------------
#: the engines one optimizer step can run on: the readable NumPy update, and both builds of its fused
#: Numba twin forced with dispatch.force_path (the serial one for ordinary parameters, the parallel
#: one from PARALLEL_MIN elements on). tests/test_dispatch_coverage.py checks every optimizer_update
#: path is listed here.
ENGINES = [("numpy", None)] + [("numba", path) for path in dispatch.PATHS["optimizer_update"]]
ENGINE_IDS = ["numpy"] + [f"numba-{path}" for path in dispatch.PATHS["optimizer_update"]]

#: multiples of the reference run's own error and of eps·(accumulated magnitude) allowed when the
#: plain tolerance fails (see trajectory_check)
SLACK = 4


@contextlib.contextmanager
def engine_context(engine):
    backend, path = engine
    with mt.backend(backend), (dispatch.force_path("optimizer_update", path) if path else contextlib.nullcontext()):
        yield


def trajectory(make, wrap, inits, grads, none_steps, lr2, kw):
    """Run one optimizer on two param groups (the second at ``lr2``) and return every step's values:
    ``[[param 0, param 1] after step 1, ...]`` as float64 copies. ``make`` builds the optimizer
    from groups and ``kw``; ``wrap`` turns an array into a parameter / gradient of that engine."""
    params = [wrap(a, True) for a in inits]
    opt = make([{"params": [params[0]]}, {"params": [params[1]], "lr": lr2}], kw)
    out = []
    for t in range(len(grads[0])):
        for i, p in enumerate(params):
            p.grad = None if (i == 1 and t in none_steps) else wrap(grads[i][t], False)
        opt.step()
        out.append([np.array(p.detach().numpy() if hasattr(p, "detach") else p.array, dtype=np.float64)
                    for p in params])
    return out


def _ours_wrap(a, param):
    return nn.Parameter(mt.Tensor(a.copy())) if param else mt.Tensor(a.copy())


def _torch_wrap(dtype):
    def wrap(a, param):
        t = torch.tensor(a.astype(dtype))
        return torch.nn.Parameter(t) if param else t
    return wrap


def reference_kw(case, kw, dtype):
    """The hyperparameters for the float64 reference run of a ``dtype`` run: the same, except a
    default that depends on the dtype (Adafactor's ε₁ = None means finfo(param dtype).eps)."""
    if case.name == "Adafactor":
        eps1, eps2 = kw.get("eps", (None, 1e-3))  # torch's default when left out
        if eps1 is None:
            return dict(kw, eps=(float(np.finfo(dtype).eps), eps2))
    return kw


def trajectory_check(ours, theirs, reference, inits, dtype, what):
    """Compare our trajectory with torch's at every step and element.

    ``theirs`` is torch's run in ``dtype``; ``reference()`` returns the same update run by torch in
    float64 on the same (exactly representable) values — for a float64 run, torch's own run; it is
    called only when some element fails the plain tolerance. An element passes when

    - it is within the dtype's tolerance of torch's (``atol + rtol·|torch|``; equal NaN/inf too), or
    - it is as close to the float64 reference as rounding in ``dtype`` allows: ``|ours − ref| ≤
      atol + rtol·|ref| + 4·|torch − ref| + 4·ε·M``, where ``M = Σ_{s≤t} (|ref_s| + |ref_s − ref_{s−1}|)``
      is the magnitude the coordinate has accumulated (its values and steps so far; ``ref_0`` the
      initial value) and ε the dtype's machine epsilon.

    The second branch is for *cancellation*: a coordinate that huge steps carried to 2·10⁴ and back
    to 1.5 holds the rounding of those steps (ε·2·10⁴ ≈ 10⁻³ in float32), and which way each
    rounding went depends on the order of operations, not the algorithm. Example (drawn, float32
    Momentum, lr 0.1875, μ 0.125, gradients ±2¹⁵): at step 18 the reference is 1.492937; torch gives
    1.4932861 (error 3.5·10⁻⁴) and ours 1.4942627 (1.3·10⁻³) — both far inside ε·M ≈ 2·10⁻², 9.8·10⁻⁴
    apart because at step 11 (value −14811, float32 spacing 9.8·10⁻⁴) torch's ``add_(buf, alpha=−lr)``
    rounds once (a fused multiply-add) where ``param -= lr * buf`` rounds twice. A wrong update is
    off by about one step (lr·|g|), orders of magnitude above ε·M, so the check stays sharp."""
    tol = TOL[dtype]
    with np.errstate(invalid="ignore"):
        if all(((o == th) | (np.isnan(o) & np.isnan(th)) | (np.abs(o - th) <= tol["atol"] + tol["rtol"] * np.abs(th))).all()
               for o_step, t_step in zip(ours, theirs) for o, th in zip(o_step, t_step)):
            return _worst_errors(ours, theirs, dtype)
    ref = reference()
    eps = float(np.finfo(dtype).eps)
    previous = [np.asarray(a, np.float64) for a in inits]
    accumulated = [np.zeros(np.shape(a)) for a in inits]
    for t, (o_step, t_step, r_step) in enumerate(zip(ours, theirs, ref)):
        for i, (o, th, r) in enumerate(zip(o_step, t_step, r_step)):
            accumulated[i] = accumulated[i] + np.abs(r) + np.abs(r - previous[i])
            previous[i] = r
            with np.errstate(invalid="ignore"):
                same = (o == th) | (np.isnan(o) & np.isnan(th))
                diff = np.abs(o - th)
                plain = same | (diff <= tol["atol"] + tol["rtol"] * np.abs(th))
                bound = tol["atol"] + tol["rtol"] * np.abs(r) + SLACK * np.abs(th - r) + SLACK * eps * accumulated[i]
                ok = plain | (np.abs(o - r) <= bound)
            if not ok.all():
                k = np.unravel_index(np.argmax(~ok), ok.shape)
                raise AssertionError(
                    f"{what} param {i} {o.shape} step {t + 1}, index {k}: ours={o[k]!r} torch={th[k]!r} "
                    f"float64 reference={r[k]!r}; |ours-ref|={abs(o[k] - r[k]):.3e} > allowed {bound[k]:.3e} "
                    f"(|torch-ref|={abs(th[k] - r[k]):.3e}, eps*M={eps * accumulated[i][k]:.3e})")
    return _worst_errors(ours, theirs, dtype)


def _worst_errors(ours, theirs, dtype):
    """(worst relative, worst absolute) difference from torch over a run, for the error report."""
    tol = TOL[dtype]
    worst_rel = worst_abs = 0.0
    for o_step, t_step in zip(ours, theirs):
        for o, th in zip(o_step, t_step):
            fin = np.isfinite(th) & np.isfinite(o)
            if fin.any():
                diff = np.abs(o - th)
                worst_abs = max(worst_abs, float(diff[fin].max()))
                big = fin & (np.abs(th) > tol["atol"] / tol["rtol"])
                if big.any():
                    worst_rel = max(worst_rel, float((diff[big] / np.abs(th[big])).max()))
    return worst_rel, worst_abs


def drawn_gradients(shape, n_steps, dtype):
    """``n_steps`` gradients whose values Hypothesis draws: finite (a step on inf/NaN has no
    trajectory to compare), ties, zeros, ±0, subnormals, tiny values among ordinary ones, the whole
    sequence at a drawn magnitude (1, 2^-s or 2^s: ``strategies.values``). No isolated huge element
    (``huge=False``): its cancellation would dwarf every other coordinate's signal.

    Element by element up to ``MAX_DRAWN`` values (a one-element parameter's whole sequence); beyond,
    a base of normals — rounded to integers (ties, zeros) on a drawn flag — with up to 24 drawn
    values written at drawn positions: drawing every element of a (24, 5, 5) sequence made the
    test generation-bound (150 ms an example)."""
    return finite_values((n_steps,) + tuple(shape), dtype, huge=False, max_drawn=MAX_DRAWN).map(
        lambda a: [np.array(g) for g in a])


def drawn_params(shape, dtype):
    """Initial values: drawn finite values, or all zeros (a zero-initialised bias)."""
    return st.one_of(finite_values(tuple(shape), dtype, huge=False, max_drawn=MAX_DRAWN),
                     st.just(np.zeros(shape, dtype)))


MAX_DRAWN = 48


@st.composite
def drawn_runs(draw, case, dtype):
    kw = draw(case.hyper, label="hyperparameters")
    # some hyperparameters left out: our defaults must be torch's (a mutated default survived while every
    # argument was given). Not lr (the second group's is a multiple of it), nor the SGD family's momentum
    # and dampening (the lecture's Momentum/NAG default to μ = 0.9 where torch's SGD has 0, and nesterov
    # needs a momentum).
    omittable = [k for k in kw if k != "lr" and not (case.oracle is torch.optim.SGD and k in ("momentum", "dampening"))]
    omitted = draw(st.sets(st.sampled_from(omittable)), label="left at their defaults") if omittable else set()
    kw = {k: v for k, v in kw.items() if k not in omitted}
    shapes = [draw(param_shapes, label="shape 0"), draw(param_shapes, label="shape 1")]
    n_steps = draw(drawn_steps, label="steps")
    inits = [draw(drawn_params(s, dtype), label=f"initial param {i}") for i, s in enumerate(shapes)]
    grads = [draw(drawn_gradients(s, n_steps, dtype), label=f"gradients {i}") for i, s in enumerate(shapes)]
    none_steps = draw(st.sets(st.integers(0, n_steps - 1), max_size=n_steps // 3), label="steps without grad 1")
    factor = draw(st.sampled_from([0.5, 2.0]), label="second group's lr factor")
    return kw, inits, grads, none_steps, factor


drawn_steps = st.integers(12, 24)


def examples_for(engine):
    """The profile's example count; a third of it for the parallel build (the same source compiled with
    ``parallel=True``: it differs from the serial one only in how reductions split, and on a busy
    2-core machine each parallel call waits for its workers — ~10 ms)."""
    n = settings.default.max_examples
    return max(3, n // 3) if engine[1] == "parallel" else n


def compare_with_torch(case, engine, dtype, kw, inits, grads, none_steps, factor):
    lr2 = kw["lr"] * factor
    with engine_context(engine):
        ours = trajectory(case.make_ours, _ours_wrap, inits, grads, none_steps, lr2, kw)
    with torch_default_dtype(dtype):
        theirs = trajectory(case.make_oracle, _torch_wrap(dtype), inits, grads, none_steps, lr2, kw)

    def reference():
        if dtype == np.float64:
            return theirs
        with torch_default_dtype(np.float64):
            return trajectory(case.make_oracle, _torch_wrap(np.float64), inits, grads, none_steps, lr2,
                              reference_kw(case, kw, dtype))
    return trajectory_check(ours, theirs, reference, inits, dtype, f"{case.name} {ENGINE_IDS[ENGINES.index(engine)]} {kw}")


@pytest.mark.parametrize("engine", ENGINES, ids=ENGINE_IDS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("case", OPTIM_CASES, ids=CASE_IDS)
def test_trajectory_matches_torch(case, dtype, engine):
    """Drawn hyperparameters, shapes, initial values (all-zero too) and gradient sequences (ties,
    zeros, subnormals, tiny/huge scale), two param groups, a ``None`` gradient on drawn steps: every
    step of every engine path equals torch's (see :func:`trajectory_check`)."""
    @settings(max_examples=examples_for(engine))
    @given(run=drawn_runs(case, dtype))
    def check(run):
        kw, inits, grads, none_steps, factor = run
        worst_rel, worst_abs = compare_with_torch(case, engine, dtype, kw, inits, grads, none_steps, factor)
        record(case, dtype, worst_rel, worst_abs, len(grads[0]))

    check()


#: the drawn float32 Momentum example of trajectory_check's docstring: 20 gradients of shape (1, 2, 2, 3),
#: each a row of 12 letters, a..g = −3..3 times 2¹⁵ (Hypothesis's whole-sequence huge scale)
CANCELLATION_GRADS = ("ddedcdeecccd bdcccddedecd edccddcddedd cdeecfeeddef fedcdecddecc dcfdddfeebde ecfccedfdcdc "
                      "ceeecfdfdcde dccceedcecce bdcdddeceeee eedcdccdcccd dedeeebedddd ddbdceddccdc ddcbedcdfddc "
                      "feedededcebd dceddededdbc eddfccdeccbe eddcdedfcede dccgdbceceed dcccefccbcac")


def test_float32_cancellation_example_is_within_rounding_of_float64():
    """The drawn float32 Momentum run that differs from torch by 9.8·10⁻⁴ at 1.49 (rel 6.5·10⁻⁴, beyond
    float32's 10⁻⁴): the coordinate travelled ~7.6·10⁴ — cancellation, not an engine difference
    (diagnosis in trajectory_check's docstring). Every engine path passes the float64-reference
    comparison, and in float64 the run matches torch's within the plain tolerance."""
    grads0 = [np.array([ord(c) - ord("d") for c in row], np.float32).reshape(1, 2, 2, 3) * np.float32(2 ** 15)
              for row in CANCELLATION_GRADS.split()]
    grads = [grads0, [np.zeros(1, np.float32)] * len(grads0)]
    inits = [np.zeros((1, 2, 2, 3), np.float32), np.zeros(1, np.float32)]
    case = next(c for c in OPTIM_CASES if c.name == "Momentum")
    kw = dict(lr=0.1875, momentum=0.125, dampening=0.0, weight_decay=0.0, maximize=False)
    for engine in ENGINES:
        compare_with_torch(case, engine, np.float32, kw, inits, grads, set(), 0.5)
        compare_with_torch(case, engine, np.float64, kw, [a.astype(np.float64) for a in inits],
                           [[g.astype(np.float64) for g in seq] for seq in grads], set(), 0.5)


LAMB = next(c for c in OPTIM_CASES if c.name == "LAMB")


@pytest.mark.parametrize("engine", ENGINES, ids=ENGINE_IDS)
def test_lamb_norm_of_a_one_element_tensor_is_its_magnitude(engine):
    """Found by the drawn trajectories: a one-element bias whose update is 9·10⁻¹⁶⁶. Its square
    underflows, so √Σu² = 0 and the trust ratio fell back to 1 (a step of ~10⁻¹⁶⁷); the reference's
    ``torch.linalg.vector_norm`` returns |u| for one element, the ratio is ‖w‖/|u| and the step is lr·‖w‖.
    (For two or more elements torch sums the squares in the dtype, underflow included — as we do.)"""
    kw = dict(lr=0.03125, betas=(0.0, 0.5), eps=6.103515625e-05, weight_decay=0.0, maximize=False)
    for dtype, tiny in ((np.float64, 4.5410205e-166), (np.float32, 1e-25)):
        grads = [[np.array([1.0], dtype), np.array([tiny], dtype)], [np.zeros(3, dtype)] * 2]
        inits = [np.zeros(1, dtype), np.array([1.0, -2.0, 0.5], dtype)]
        compare_with_torch(LAMB, engine, dtype, kw, inits, grads, set(), 0.5)


@pytest.mark.parametrize("engine", ENGINES, ids=ENGINE_IDS)
def test_lamb_nan_norm_gives_trust_ratio_one(engine):
    """A NaN gradient element makes ‖u‖ NaN: the reference (``torch.where(‖w‖ > 0 & ‖u‖ > 0, …, 1)``)
    then steps with ratio 1 — only that element becomes NaN, the others move. A ratio of NaN
    would turn the whole tensor into NaN."""
    kw = dict(lr=0.01, betas=(0.9, 0.99), eps=1e-6, weight_decay=0.01, maximize=False)
    for dtype in (np.float64, np.float32):
        grads = [[np.array([0.5, np.nan, -1.0], dtype)] * 2, [np.array([np.inf, 1.0], dtype)] * 2]
        inits = [np.array([1.0, -2.0, 0.5], dtype), np.array([0.25, 3.0], dtype)]
        compare_with_torch(LAMB, engine, dtype, kw, inits, grads, set(), 0.5)


@pytest.mark.parametrize("engine", ENGINES, ids=ENGINE_IDS)
def test_lamb_infinite_weight_without_decay(engine):
    """u = r + λ·w with λ = 0 is still ``+ 0·w``: NaN where w is ±inf (the reference and the Numba twin
    compute it so; the NumPy update skipped the term when λ = 0). Found by the drawn trajectories:
    a subnormal update on a one-element tensor makes the ratio ‖w‖/|u| overflow, w becomes −inf,
    and the next step must give NaN as torch's reference does, not keep −inf."""
    kw = dict(lr=0.01, betas=(0.0, 0.5), eps=1e-6, weight_decay=0.0, maximize=False)
    for dtype in (np.float64, np.float32):
        grads = [[np.array([0.5, 1.0, -1.0], dtype)] * 2, [np.array([1.0], dtype), np.array([0.0], dtype)]]
        inits = [np.array([np.inf, -2.0, 0.5], dtype), np.array([-np.inf], dtype)]
        compare_with_torch(LAMB, engine, dtype, kw, inits, grads, set(), 0.5)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("case", OPTIM_CASES, ids=CASE_IDS)
def test_zero_initialised_parameters_move_like_torch(case, dtype, backend):
    """A zero-initialised bias (‖w‖ = 0) and a zero matrix: LAMB's trust ratio must fall back to 1 (a
    ratio of 0 would freeze them forever), and every optimizer must move them as torch does — on
    every run, whatever the drawn hyperparameters and gradients."""
    @settings(max_examples=3)
    @given(data=st.data())
    def check(data):
        kw = data.draw(case.hyper, label="hyperparameters")
        shapes, n_steps = [(5,), (3, 4)], 20
        seed = data.draw(seeds, label="gradient seed")
        grads = [gradient_sequence(shape, n_steps, seed + i, 1.0, dtype) for i, shape in enumerate(shapes)]
        grads[0][0] = np.ones(shapes[0], dtype)  # a first step that must move the bias
        inits = [np.zeros(shape, dtype) for shape in shapes]
        with torch_default_dtype(dtype):
            run_both(case, kw, shapes, grads, set(), dtype, inits=inits)

    check()


@settings(max_examples=5)
@pytest.mark.parametrize("case", OPTIM_CASES, ids=CASE_IDS)
@given(data=st.data())
def test_state_dict_roundtrip_mid_run_continues_trajectory(case, data):
    """Save after a drawn step, load into a fresh optimizer, and keep matching torch's uninterrupted run."""
    kw, shapes, n_steps, seed, scale, none_steps, factor = data.draw(runs(case))
    roundtrip_at = data.draw(st.integers(0, n_steps - 2))
    grads = [gradient_sequence(shape, n_steps, seed + i, scale, np.float64) for i, shape in enumerate(shapes)]
    with torch_default_dtype(np.float64):
        run_both(case, kw, shapes, grads, none_steps, np.float64, second_lr_factor=factor, roundtrip_at=roundtrip_at)


@pytest.mark.cuda
@pytest.mark.parametrize("case", OPTIM_CASES, ids=CASE_IDS)
def test_trajectory_matches_torch_on_cuda(case):
    """The same comparison with torch (and reference/) running on the GPU; skipped without one."""
    if not torch.cuda.is_available():
        pytest.skip("torch sees no CUDA device")

    @settings(max_examples=5)
    @given(data=st.data())
    def check(data):
        kw, shapes, n_steps, seed, scale, none_steps, factor = data.draw(runs(case))
        grads = [gradient_sequence(shape, n_steps, seed + i, scale, np.float64) for i, shape in enumerate(shapes)]
        with torch_default_dtype(np.float64):
            run_both(case, kw, shapes, grads, none_steps, np.float64, device="cuda", second_lr_factor=factor)

    check()


if __name__ == "__main__":  # python tests/test_optim_parity.py [ci|dev]: print the worst errors vs torch
    import subprocess
    import tempfile

    report = os.path.join(tempfile.mkdtemp(), "optim_errors.json")
    env = dict(os.environ, OPTIM_ERROR_REPORT=report, HYPOTHESIS_PROFILE=(sys.argv[1:] or ["ci"])[0])
    subprocess.run([sys.executable, "-m", "pytest", __file__, "-q", "-p", "no:cacheprovider",
                    "-k", "test_trajectory_matches_torch and not cuda"], env=env, check=True, cwd=REPO)
    table = json.load(open(report))
    print(f"{'optimizer/dtype':22s} {'max rel err':>12s} {'max abs err':>12s} {'examples':>9s} {'steps':>7s}")
    for key, e in sorted(table.items()):
        print(f"{key:22s} {e['max_rel_err']:12.2e} {e['max_abs_err']:12.2e} {e['examples']:9d} {e['steps']:7d}")
