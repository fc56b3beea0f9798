"""Tests written for mutants that survived ``scripts/mutate.py`` (docs/mutation-testing.md): each pins
a boundary the parity tests never reached, against torch."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch_cnn as mt


def test_gradcheck_accepts_an_exact_match_at_zero_tolerance_like_torch():
    """gradcheck's test is |analytical − numerical| ≤ atol + rtol·|numerical| (≤, not <): with a
    linear function and a power-of-two eps the central difference is exact, so atol = rtol = 0 passes
    in torch and must pass here (survivor: gradcheck.py ``<=`` → ``<``)."""
    x = np.array([0.75, -1.5])
    ours = mt.autograd.gradcheck(lambda t: t * 2, (mt.tensor(x, requires_grad=True),), eps=2**-10, atol=0, rtol=0,
                                 raise_exception=False)
    theirs = torch.autograd.gradcheck(lambda t: t * 2, (torch.tensor(x, requires_grad=True),), eps=2**-10, atol=0,
                                      rtol=0, raise_exception=False)
    assert ours is True and theirs is True


def test_gradcheck_tolerance_is_atol_plus_rtol_times_the_numerical_value_like_torch():
    """A backward off by a relative 5e-4 (inside rtol = 1e-3, far outside atol = 1e-5 at a slope of 1000)
    passes torch's gradcheck and must pass ours; off by 2e-3 it fails both (survivor: gradcheck.py
    ``atol + rtol·|numerical|`` → ``atol − rtol·|numerical|``, which only the first case tells apart)."""

    def scaled(lib, err):
        class Scale(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 1000.0

            @staticmethod
            def backward(ctx, g):
                return g * (1000.0 * (1 + err))
        return Scale.apply

    x = np.array([0.5, -1.25])
    for err, expected in ((5e-4, True), (2e-3, False)):
        ours = mt.autograd.gradcheck(scaled(mt, err), (mt.tensor(x, requires_grad=True),), raise_exception=False)
        theirs = torch.autograd.gradcheck(scaled(torch, err), (torch.tensor(x, requires_grad=True),),
                                          raise_exception=False)
        assert ours is theirs is expected, (err, ours, theirs)


def test_read_only_one_element_array_is_called_read_only():
    """Writing in place into a one-element tensor over read-only NumPy memory (a broadcast array given to
    ``from_numpy``) is refused as read-only — not with the message for several elements sharing one location,
    which is about a different fault (survivor: tensor_inplace.py ``size > 1`` → ``size > 0``). torch warns at
    ``from_numpy`` that the array is not writable and then writes anyway; we refuse the write (NumPy marks such
    memory read-only because other arrays may share it)."""
    import pytest

    t = mt.from_numpy(np.broadcast_to(np.zeros(1), (1, 1)))
    with pytest.raises(RuntimeError, match="read-only"):
        t.add_(1.0)
    with pytest.raises(RuntimeError, match="more than one element"):
        mt.zeros(1).expand(2).add_(1.0)


def test_index_of_an_integer_tensor_and_refusal_of_others_like_torch():
    """``operator.index`` (list indexing, ``range``) takes a one-element integer tensor and refuses a
    float or a longer one with torch's TypeError (survivor: tensor_convert.py ``not in "iu"`` → ``in``)."""
    import operator

    import pytest

    for lib in (mt, torch):
        assert [10, 20, 30][lib.tensor(1)] == 20
        assert list(range(lib.tensor(3))) == [0, 1, 2]
        for bad in (lib.tensor(1.0), lib.tensor([1, 2])):
            with pytest.raises(TypeError, match="only integer tensors of a single element can be converted to an index"):
                operator.index(bad)


def test_bool_subtraction_refused_with_torchs_message():
    """``-`` with one or two bool tensors: torch's RuntimeError and its wording for each case
    (survivor: tensor_arithmetic.py ``bools == 2`` → ``== 3``)."""
    import pytest

    for lib in (mt, torch):
        t, f = lib.tensor([True]), lib.tensor([False])
        with pytest.raises(RuntimeError, match=r"with two bool tensors is not supported\. Use the `\^` or `logical_xor\(\)`"):
            t - f
        with pytest.raises(RuntimeError, match=r"with a bool tensor is not supported\. If you are trying to invert a mask"):
            t - lib.tensor([1.0])


def test_kernel_larger_than_the_padded_input_raises_like_torch():
    """A 5×5 kernel on a 2×8 input padded by 1 (4×10: too short, wide enough) is refused by torch with a
    RuntimeError; the height check must use 2·padding (survivor: nn/functional/conv.py ``2 * pad[0]`` →
    ``3 * pad[0]`` let 2 + 3 = 5 through, and a NumPy reshape error came out instead)."""
    import pytest

    for lib in (mt, torch):
        with pytest.raises(RuntimeError):
            lib.nn.functional.conv2d(lib.zeros(1, 1, 2, 8), lib.zeros(1, 1, 5, 5), padding=1)
        with pytest.raises(RuntimeError):
            lib.nn.functional.conv2d(lib.zeros(1, 1, 8, 2), lib.zeros(1, 1, 5, 5), padding=1)


def test_named_buffers_recurse_into_submodules_by_default_like_torch():
    """``named_buffers()`` lists nested modules' buffers (BatchNorm's running statistics) by default
    (survivor: nn/module.py ``recurse=True`` → ``False``)."""
    names = {}
    for lib in (mt, torch):
        model = lib.nn.Sequential(lib.nn.Conv2d(1, 2, 3), lib.nn.Sequential(lib.nn.BatchNorm2d(2)))
        names[lib.__name__] = [n for n, _ in model.named_buffers()]
    assert names["minitorch_cnn"] == names["torch"] == ["1.0.running_mean", "1.0.running_var", "1.0.num_batches_tracked"]


def test_norm_of_a_zero_dim_tensor_along_dim_0_and_minus_1_like_torch():
    """A 0-d tensor takes ``dim=0`` and ``dim=-1`` (torch treats it as one-dimensional there)
    (survivor: tensor_math.py ``max(ndim, 1)`` → ``max(ndim, 0)`` refused them)."""
    for d in (0, -1):
        assert mt.tensor(-3.0).norm(dim=d).item() == torch.tensor(-3.0).norm(dim=d).item() == 3.0


def test_uniform_and_normal_defaults_like_torch():
    """``normal_()`` draws N(0, 1) and ``uniform_()`` U(0, 1) by default, as torch (the draws differ — another
    generator — so their statistics are compared: 20 000 samples, 6 standard errors; survivor: tensor_inplace.py
    ``normal_(mean=0.0)`` → ``1.0``)."""
    n = 20_000
    mt.manual_seed(0)
    z = mt.empty(n, dtype=mt.float64).normal_().numpy()
    u = mt.empty(n, dtype=mt.float64).uniform_().numpy()
    assert abs(z.mean()) < 6 / n**0.5 and abs(z.std() - 1) < 6 / (2 * n) ** 0.5
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 6 * (1 / 12) ** 0.5 / n**0.5


def test_scheduler_step_count_and_onecycle_length_errors_like_torch():
    """A scheduler's ``_step_count`` (in its state_dict) after several steps, and OneCycleLR's one error for
    a length given by ``epochs`` alone or ``steps_per_epoch`` alone — both against torch (fresh-sample
    survivors: lr_scheduler/base.py ``_step_count += 1`` → ``+= 0``; cyclic.py ``epochs is not None and
    steps_per_epoch is not None`` → ``or``, which raised the per-argument message instead)."""
    import pytest

    for lib in (mt, torch):
        p = lib.nn.Parameter(lib.zeros(1))
        opt = lib.optim.SGD([p], lr=0.1)
        sched = lib.optim.lr_scheduler.StepLR(opt, 1)
        for _ in range(3):
            opt.step()
            sched.step()
        assert sched.state_dict()["_step_count"] == 4
        for kw in ({"epochs": 2}, {"steps_per_epoch": 3}):
            with pytest.raises(ValueError, match=r"You must define either total_steps OR \(epochs AND steps_per_epoch\)"):
                lib.optim.lr_scheduler.OneCycleLR(opt, 0.1, **kw)


def test_layer_sizes_must_be_ints():
    """A float layer size is torch's TypeError; a bool one is refused here too (deliberately: torch takes
    ``True`` as 1 in some constructor positions and refuses it in others) — fresh-sample survivor:
    nn/linear.py ``not isinstance(value, int) or isinstance(value, bool)`` → ``and``."""
    import pytest

    with pytest.raises(TypeError):
        torch.nn.Linear(4.5, 3)
    for bad in (4.5, True, "4"):
        with pytest.raises(TypeError, match="expected in_features to be an int"):
            mt.nn.Linear(bad, 3)


def test_gradcheck_float32_warning_points_at_the_callers_line():
    """The float32 warning names the line that called gradcheck, where the user can act on it
    (survivor: gradcheck.py ``stacklevel=2`` → 3, which pointed into pytest's frames)."""
    import warnings

    x = mt.tensor(np.array([0.5, 1.5], dtype=np.float32), requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mt.autograd.gradcheck(lambda t: t * 2, (x,), eps=1e-2, atol=1e-2, rtol=1e-2)
    assert [w.filename for w in caught if "double precision" in str(w.message)] == [__file__]


def _message(fn) -> str:
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the message is what is compared
        return f"{type(e).__name__}: {e}"
    return "no error"


def test_scatter_and_gather_name_the_first_bad_index_as_torch():
    """torch names the first out-of-range index in memory order (survivor: tensor_math.py picked the
    minimum when it was ``<= 0``, naming 0 for the index [0, 5])."""
    for idx in ([0, 5], [7, -1], [-1, 7], [9, 5], [2, 0, -4]):
        for lib in (mt, torch):
            src = lib.ones(len(idx))
            msg = _message(lambda: lib.zeros(3).scatter(0, lib.tensor(idx), src))
            bad = next(i for i in idx if not 0 <= i < 3)
            assert f"index {bad} is out of bounds for dimension 0 with size 3" in msg, (lib.__name__, idx, msg)


def test_repeat_negative_sizes_name_torchs_shape():
    """The negative-dimension message lists the would-be shape r·d as torch does, and a negative repeat
    of an empty dim gives an empty dim (survivors: tensor_shape.py ``r * d`` → ``r / d``; the empty case
    raised StopIteration)."""
    for shape, reps in (((2, 3), (-2, 1)), ((3,), (2, -1)), ((2, 3), (1, 1, -2))):
        ours = _message(lambda: mt.zeros(*shape).repeat(*reps))
        theirs = _message(lambda: torch.zeros(*shape).repeat(*reps))
        assert ours == theirs, (shape, reps, ours, theirs)
    for shape, reps in (((0, 3), (-2, 1)), ((2, 0), (1, -3)), ((0,), (2, -1))):
        assert tuple(mt.zeros(*shape).repeat(*reps).shape) == tuple(torch.zeros(*shape).repeat(*reps).shape)


def test_unflatten_names_the_sizes_that_do_not_multiply_up_as_torch():
    """A -1 that cannot be inferred gets unflatten's own message, word for word torch's, not view's
    (seed-12 survivor: ``-1 in sizes`` → ``1 in sizes`` left the case to view, whose error says less)."""
    for sizes in ((4, -1), (0, -1), (4, 2)):
        ours, theirs = (_message(lambda lib=lib: lib.zeros(6).unflatten(0, sizes)) for lib in (mt, torch))
        assert ours == theirs, (sizes, ours, theirs)


def test_cuda_names_the_device_asked_for():
    """A CPU engine refuses ``t.cuda(...)``, naming the device it was asked for; a CPU device is torch's
    "must be cuda device" error (seed-15 survivor: ``device is None`` → ``is not None`` named None; and
    ``t.cuda('cpu')`` returned None instead of raising)."""
    t = mt.ones(1)
    for args, shown in (((), "'cuda'"), ((1,), "'cuda:1'"), (("cuda:0",), "'cuda:0'")):
        with pytest.raises(RuntimeError, match=shown):
            t.cuda(*args)
    for device in ("cpu", mt.device("cpu")):
        with pytest.raises(RuntimeError, match="must be cuda device"):
            t.cuda(device)


def test_every_engine_warning_points_at_the_callers_line():
    """A warning names the line of the user's code that caused it (torch's warnings do), whatever the
    depth of the engine's frames below it: a wrong ``stacklevel`` points into the engine or into pytest
    (seed-16 survivor: Tensor.mT's ``stacklevel=2`` → 3; writing this test found std's pointing into
    tensor_extras.py, one frame deeper than var's). Every warning now goes through ``errors.warn``,
    which finds the first frame outside the package."""
    import warnings

    F = mt.nn.functional
    calls = {
        "mT of a 0-d tensor": lambda: mt.tensor(1.0).mT,
        "var with no degrees of freedom": lambda: mt.ones(1).var(),
        "std with no degrees of freedom": lambda: mt.ones(1).std(),
        "torch.std / torch.var": lambda: (mt.std(mt.ones(1)), mt.var(mt.ones(1))),
        "nn.Softmax() without dim": lambda: mt.nn.Softmax()(mt.ones(2, 3)),
        "softmax without dim": lambda: F.softmax(mt.ones(2, 3)),
        "log_softmax without dim": lambda: F.log_softmax(mt.ones(2, 3)),
        "dropout2d of a 3-d input": lambda: F.dropout2d(mt.ones(2, 3, 4)),
    }
    for name, call in calls.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call()
        assert caught, f"{name}: no warning"
        assert {w.filename for w in caught} == {__file__}, (name, [(w.filename, w.lineno) for w in caught])
