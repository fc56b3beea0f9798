"""Dropout and Dropout2d against torch.

The two libraries draw their masks from different random streams, so parity is proven by giving
both the same mask: torch draws it (``F.dropout`` of a tensor of ones, after ``manual_seed``, is the
mask scaled by 1/(1 − p)), the same seed makes torch draw the very same mask again for the real
input, and our :func:`dropout_mask` is replaced by one returning torch's mask. The outputs and
input gradients must then agree. The mask rate itself is checked statistically, and eval() mode is
the identity.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
import warnings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minitorch_cnn as mt
import minitorch_cnn.nn.functional as F
from minitorch_cnn import nn
from minitorch_cnn.nn.functional import regularization as dropout_module

from conftest import tol
from strategies import seeded_array, seeds

TDTYPE = {np.float64: torch.float64, np.float32: torch.float32}
VALUES = st.floats(-1e6, 1e6, allow_nan=False, width=64) | st.sampled_from([0.0, -0.0, np.inf, -np.inf, np.nan])


@pytest.fixture(autouse=True)
def no_3d_warnings():
    with warnings.catch_warnings():  # both libraries warn about 3-D dropout2d inputs
        warnings.simplefilter("ignore", UserWarning)
        yield


def torch_mask(shape, p, dtype, seed, channels: bool) -> np.ndarray:
    """The keep-mask torch draws for an input of ``shape`` after ``manual_seed(seed)``."""
    torch.manual_seed(seed)
    ones = torch.ones(shape, dtype=TDTYPE[dtype])
    noise = (torch.nn.functional.dropout2d if channels else torch.nn.functional.dropout)(ones, p, True)
    keep = noise.numpy() != 0
    if channels:  # one draw per (n, c): the mask our dropout2d asks for has shape (N, C, 1, 1) or (N, C, 1)
        keep = keep[..., :1, :1] if len(shape) == 4 else keep[..., :1]
    return keep


def same_mask_run(x, p, seed, channels):
    dtype = x.dtype.type
    keep = torch_mask(x.shape, p, dtype, seed, channels)
    xm, xt = mt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dropout_module, "dropout_mask", lambda shape, p_: keep.reshape(shape))
        ym = (F.dropout2d if channels else F.dropout)(xm, p, True)
    torch.manual_seed(seed)
    yt = (torch.nn.functional.dropout2d if channels else torch.nn.functional.dropout)(xt, p, True)
    g = seeded_array(x.shape, seed, dtype=dtype)
    ym.backward(mt.tensor(g))
    yt.backward(torch.tensor(g))
    return ym, yt, xm, xt


def assert_same(name, ours, theirs, dtype):
    ours, theirs = ours.array, theirs.detach().numpy()
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape, name
    np.testing.assert_allclose(ours, theirs, **tol(dtype), err_msg=name)  # NaN == NaN here


@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=4), dtype=st.sampled_from([np.float64, np.float32]),
       p=st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0]) | st.floats(0, 1), data=st.data(), seed=seeds)
def test_dropout_matches_torch_given_the_same_mask(shape, dtype, p, data, seed):
    x = data.draw(hnp.arrays(np.float64, tuple(shape), elements=VALUES)).astype(dtype)
    ym, yt, xm, xt = same_mask_run(x, p, seed, channels=False)
    assert_same("dropout output", ym, yt, dtype)
    assert_same("dropout input grad", xm.grad, xt.grad, dtype)


@given(shape=st.lists(st.integers(1, 4), min_size=3, max_size=4), dtype=st.sampled_from([np.float64, np.float32]),
       p=st.sampled_from([0.0, 0.25, 0.5, 1.0]), data=st.data(), seed=seeds)
def test_dropout2d_matches_torch_given_the_same_mask(shape, dtype, p, data, seed):
    x = data.draw(hnp.arrays(np.float64, tuple(shape), elements=VALUES)).astype(dtype)
    ym, yt, xm, xt = same_mask_run(x, p, seed, channels=True)
    assert_same("dropout2d output", ym, yt, dtype)
    assert_same("dropout2d input grad", xm.grad, xt.grad, dtype)


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_dropout_mask_rate_and_scale(p):
    """Zeroed fraction ≈ p (within 5 standard deviations); survivors are exactly x/(1 − p)."""
    mt.manual_seed(1)
    n = 200_000
    x = mt.ones(n, dtype=mt.float64)
    y = F.dropout(x, p, training=True).array
    dropped = np.mean(y == 0)
    assert abs(dropped - p) < 5 * np.sqrt(p * (1 - p) / n), (dropped, p)
    np.testing.assert_array_equal(np.unique(y[y != 0]), [1 / (1 - p)])


def test_dropout2d_zeroes_whole_channels_at_rate_p():
    mt.manual_seed(2)
    x = mt.ones(400, 50, 3, 3)
    y = nn.Dropout2d(0.3)(x).array.reshape(400, 50, 9)
    per_channel = y[:, :, 0]
    assert np.all(y == per_channel[:, :, None]), "a channel was partly dropped"
    assert abs(np.mean(per_channel == 0) - 0.3) < 5 * np.sqrt(0.3 * 0.7 / 20_000)


def test_eval_mode_is_identity_and_train_mode_is_not():
    x = mt.tensor(np.arange(1.0, 101.0))
    for layer in (nn.Dropout(0.5), nn.Dropout2d(0.5)):
        xi = x.view(1, 100, 1, 1) if isinstance(layer, nn.Dropout2d) else x
        layer.eval()
        np.testing.assert_array_equal(layer(xi).array, xi.array)
        layer.train()
        assert np.any(layer(xi).array == 0)
    assert F.dropout(x, 0.5, training=False) is x  # torch also returns the input itself


def test_masks_follow_manual_seed():
    mt.manual_seed(5)
    a = F.dropout(mt.ones(50), 0.5).array
    mt.manual_seed(5)
    b = F.dropout(mt.ones(50), 0.5).array
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_bad_p_raises_torchs_error(p):
    with pytest.raises(ValueError) as theirs:
        torch.nn.Dropout(p)
    for make in (lambda: nn.Dropout(p), lambda: nn.Dropout2d(p), lambda: F.dropout(mt.ones(2), p),
                 lambda: F.dropout2d(mt.ones(1, 2, 2, 2), p)):
        with pytest.raises(ValueError) as ours:
            make()
        assert str(ours.value) == str(theirs.value)


def test_dropout2d_warns_on_3d_input_like_torch():
    with warnings.catch_warnings(record=True) as ours:
        warnings.simplefilter("always")
        F.dropout2d(mt.ones(2, 3, 4), 0.5)
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        torch.nn.functional.dropout2d(torch.ones(2, 3, 4), 0.5)
    assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]


def test_dropout2d_rank_error_and_repr():
    with pytest.raises(ValueError, match=r"dropout2d: expected a 4-D input \(N, C, H, W\) or an unbatched 3-D"):
        F.dropout2d(mt.ones(2, 3), 0.5)
    assert repr(nn.Dropout(0.25)) == repr(torch.nn.Dropout(0.25))
    assert repr(nn.Dropout2d()) == repr(torch.nn.Dropout2d())
