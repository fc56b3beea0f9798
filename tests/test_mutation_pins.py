"""Tests written for mutants that survived ``scripts/mutate.py`` (docs/mutation-testing.md): each pins
a boundary the parity tests never reached, against torch."""
from __future__ import annotations

import numpy as np
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
