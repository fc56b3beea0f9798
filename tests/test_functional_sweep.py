"""Every ``nn.functional`` function that torch also has, called the same ways on both engines.

As tests/test_api_sweep.py does for the Tensor API: each function runs on six inputs (4-D, 3-D, 2-D, 1-D,
0-d float64 — float64 so that a gradient that cancels to 0 is not compared at float32's noise — and an
int64 matrix) with the same short list of second arguments (none, 0, 1, −1, 2, 1.5, a
bool, a float and an int vector, a 1×1 conv weight, None). The rule here is the one a program notices:

- torch returns → we return the same dtype, shape and values, and the same gradient reaches the input;
- torch raises → we raise (which exception, and what it says, is the differential suite's business:
  tests/robustness compares those row by row for the calls programs make).

Deliberate differences are listed in ``DIFFERENT`` with the reason (each a row of tests/robustness/ too).
"""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import minitorch_cnn as mt
import minitorch_cnn.nn.functional as MF
from test_api_sweep import _float_outputs, _outcome, _same, _show

torch = pytest.importorskip("torch")
import torch.nn.functional as TF  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::RuntimeWarning")

_RNG = np.random.default_rng(0)
INPUTS = {
    "4-d": _RNG.standard_normal((2, 3, 5, 5)),
    "3-d": _RNG.standard_normal((2, 3, 6)),
    "2-d": _RNG.standard_normal((4, 3)),
    "1-d": _RNG.standard_normal(3),
    "0-d": np.array(0.5),
    "int64": np.array([[1, 0, 2]]),
}
SECOND = {
    "float (3,)": lambda T: T.tensor(np.array([0.5, -1.0, 2.0])),
    "int (3,)": lambda T: T.tensor(np.array([1, 0, 2])),
    "weight (3, 3, 1, 1)": lambda T: T.tensor(np.linspace(-1, 1, 9).reshape(3, 3, 1, 1)),
}
ARGS = [(), (0,), (1,), (-1,), (2,), (1.5,), (True,), ("float (3,)",), ("int (3,)",), ("weight (3, 3, 1, 1)",),
        (None,)]

_REGRESSION = ("torch broadcasts a target of another shape with a UserWarning (almost always a bug); ours refuses "
               "it naming both shapes (tests/robustness: 'edges F: l1_loss broadcast target')")
# function → why some of its calls differ on purpose (those calls are compared by dtype and shape only when
# both return, and not at all when one side raises)
DIFFERENT = {
    "mse_loss": _REGRESSION, "l1_loss": _REGRESSION, "smooth_l1_loss": _REGRESSION, "huber_loss": _REGRESSION,
    "dropout": "random: each engine draws its own mask (test_dropout.py compares the statistics); torch also "
               "returns an int64 input unchanged in training, which ours refuses (dropout needs a float)",
    "dropout2d": "random, as dropout; and torch takes (or warns about) inputs that are not 3-D or 4-D, which ours "
                 "refuses (tests/robustness: 'edges more: dropout2d 2-d')",
    "adaptive_avg_pool2d": "torch pools a 2-D input by accident of its shape checks; ours asks for 3-D or 4-D",
}

FUNCTIONS = sorted(n for n in dir(MF) if not n.startswith("_") and hasattr(TF, n)
                   and inspect.isfunction(getattr(MF, n)))


def test_the_sweep_covers_the_functional_api():
    assert len(FUNCTIONS) >= 30, f"only {len(FUNCTIONS)} functions swept"
    assert sorted(set(DIFFERENT) - set(FUNCTIONS)) == []


def _call(T, F, name, x, args, grad):
    inp = T.tensor(x.copy(), requires_grad=grad)
    real = [SECOND[a](T) if isinstance(a, str) else a for a in args]
    out = getattr(F, name)(inp, *real)
    if not grad:
        return out
    ys = _float_outputs(out)
    if not ys:
        return "no differentiable output"
    sum(((y * T.tensor(np.arange(1.0, 1 + y.numel()).reshape(tuple(y.shape)))).sum() for y in ys),
        T.tensor(0.0, dtype=T.float64)).backward()
    return [out, inp.grad]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_functional_matches_torch(name):
    found = []
    for label, x in INPUTS.items():
        for args in ARGS:
            grad = x.dtype.kind == "f"
            theirs = _outcome(lambda: _call(torch, TF, name, x, args, grad))
            ours = _outcome(lambda: _call(mt, MF, name, x, args, grad))
            torch_raised = isinstance(theirs, tuple) and theirs[:1] == ("raised",)
            ours_raised = isinstance(ours, tuple) and ours[:1] == ("raised",)
            if torch_raised and ours_raised:
                continue
            if name in DIFFERENT and (torch_raised or ours_raised or _same_shapes(theirs, ours)):
                continue
            if torch_raised or ours_raised or not _same(theirs, ours):
                found.append(f"{name}({label}, {args}): torch {_show(theirs)} | ours {_show(ours)}")
    assert not found, "\n".join(found)


def _same_shapes(a, b) -> bool:
    """Dtype and shape of every tensor alike (for the random functions)."""
    if isinstance(a, tuple) and a[:1] == ("tensor",):
        return isinstance(b, tuple) and b[:1] == ("tensor",) and a[1:3] == b[1:3]
    if isinstance(a, tuple) and a[:1] == ("seq",):
        return (isinstance(b, tuple) and b[:1] == ("seq",) and len(a[1]) == len(b[1])
                and all(map(_same_shapes, a[1], b[1])))
    return a == b
