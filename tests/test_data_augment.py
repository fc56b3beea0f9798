"""RandomHorizontalFlip / RandomVerticalFlip / RandomCrop / CenterCrop against torchvision's documented
behaviour, computed with torch ops (torchvision itself is not installable here: tutorial_harness.py).

torchvision draws ``torch.rand(1) < p`` for a flip and ``torch.randint(0, H − th + 1)``, then
``torch.randint(0, W − tw + 1)`` for a crop's top-left corner (none when the window is the whole
image). Our transforms draw from our generator; the tests hand both sides the same draws (ours through a
replaying generator), so what is compared is the geometry: which axis flips, where padding goes, which
window is cut — for tensors (…, C, H, W) and for H×W×C arrays, the PIL stand-in.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import minitorch_cnn as mt
from minitorch_cnn.data import augment, transforms as T


class Replay:
    """A generator whose draws are given: ``random()`` → the next of ``uniforms``, ``integers(lo, hi)`` →
    the next of ``ints`` (checked to lie in [lo, hi), as a real draw would)."""

    def __init__(self, uniforms=(), ints=()):
        self.uniforms, self.ints, self.bounds = list(uniforms), list(ints), []

    def random(self):
        return self.uniforms.pop(0)

    def integers(self, lo, hi):
        value = self.ints.pop(0)
        assert lo <= value < hi
        self.bounds.append((lo, hi))
        return value


# the fixture's patch holds for every example; each example sets its own draws
reuses_fixture = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def replay(monkeypatch):
    holder = {}

    class RandomModule:
        def get_rng(self):
            return holder["rng"]

    monkeypatch.setattr(augment, "_random", RandomModule())

    def use(**draws):
        holder["rng"] = Replay(**draws)
        return holder["rng"]

    return use


def images():
    """A C×H×W float tensor image (1 or 3 channels)."""
    return st.tuples(st.sampled_from([1, 3]), st.integers(2, 7), st.integers(2, 7)).flatmap(
        lambda s: hnp.arrays(np.float32, s, elements=st.floats(0, 1, width=32)))


@pytest.mark.parametrize("cls, axis", [(T.RandomHorizontalFlip, -1), (T.RandomVerticalFlip, -2)])
@reuses_fixture
@given(img=images(), u=st.floats(0, 1, exclude_max=True), p=st.floats(0, 1))
def test_flips_follow_torchvision(replay, cls, axis, img, u, p):
    replay(uniforms=[u])
    ours = cls(p)(mt.tensor(img))
    t = torch.tensor(img)
    theirs = t.flip(axis) if u < p else t  # torchvision: torch.rand(1) < p (ours compares in float64)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    replay(uniforms=[u])  # an H×W×C array flips the same way (its axes are H, W, C)
    hwc = cls(p)(np.ascontiguousarray(img.transpose(1, 2, 0)))
    np.testing.assert_array_equal(hwc.transpose(2, 0, 1), theirs.numpy())


@reuses_fixture
@given(img=images(), data=st.data())
def test_random_crop_with_padding_follows_torchvision(replay, img, data):
    c, h, w = img.shape
    pad = data.draw(st.sampled_from([None, 1, (1, 2), (0, 1, 2, 3)]))
    fill = data.draw(st.sampled_from([0, 0.5]))
    ltrb = (0, 0, 0, 0) if pad is None else (pad,) * 4 if isinstance(pad, int) else (
        (pad[0], pad[1], pad[0], pad[1]) if len(pad) == 2 else pad)
    ph, pw = h + ltrb[1] + ltrb[3], w + ltrb[0] + ltrb[2]
    th, tw = data.draw(st.integers(1, ph)), data.draw(st.integers(1, pw))
    i, j = data.draw(st.integers(0, ph - th)), data.draw(st.integers(0, pw - tw))
    rng = replay(ints=[i, j])
    ours = T.RandomCrop((th, tw), padding=pad, fill=fill)(mt.tensor(img))
    padded = torch.nn.functional.pad(torch.tensor(img), (ltrb[0], ltrb[2], ltrb[1], ltrb[3]), value=fill)
    if (th, tw) == (ph, pw):
        i = j = 0  # torchvision draws nothing for a window as large as the image
        assert rng.bounds == []
    else:
        assert rng.bounds == [(0, ph - th + 1), (0, pw - tw + 1)]
    np.testing.assert_array_equal(ours.numpy(), padded[:, i:i + th, j:j + tw].numpy())


def test_random_crop_pads_if_needed_and_refuses_too_large_windows(replay):
    img = np.arange(12, dtype=np.float32).reshape(1, 3, 4)
    replay(ints=[0, 1])
    ours = T.RandomCrop((4, 5), pad_if_needed=True, fill=9)(mt.tensor(img))
    padded = torch.nn.functional.pad(torch.tensor(img), (1, 1, 1, 1), value=9)  # (5 - 4) and (4 - 3) each side
    np.testing.assert_array_equal(ours.numpy(), padded[:, 0:4, 1:6].numpy())
    with pytest.raises(ValueError, match=r"Required crop size \(4, 4\) is larger than input image size \(3, 4\)"):
        T.RandomCrop(4)(mt.tensor(img))


@given(img=images(), th=st.integers(1, 9), tw=st.integers(1, 9))
def test_center_crop_follows_torchvision(img, th, tw):
    c, h, w = img.shape
    t = torch.tensor(img)
    if th > h or tw > w:  # torchvision pads with zeros first, the odd pixel after
        t = torch.nn.functional.pad(t, (max(tw - w, 0) // 2, max(tw - w + 1, 0) // 2,
                                        max(th - h, 0) // 2, max(th - h + 1, 0) // 2))
    top, left = int(round((t.shape[1] - th) / 2.0)), int(round((t.shape[2] - tw) / 2.0))
    ours = T.CenterCrop((th, tw))(mt.tensor(img))
    np.testing.assert_array_equal(ours.numpy(), t[:, top:top + th, left:left + tw].numpy())


def test_augmentation_in_a_pipeline_on_dataset_images():
    """The CIFAR-style recipe on an H×W×1 uint8 image (what FashionMNIST hands a transform)."""
    mt.manual_seed(0)
    img = np.arange(28 * 28, dtype=np.uint8).reshape(28, 28, 1)
    tf = T.Compose([T.RandomCrop(28, padding=4), T.RandomHorizontalFlip(), T.ToTensor()])
    seen = {tuple(tf(img).numpy().ravel()[:3]) for _ in range(20)}
    out = tf(img)
    assert out.shape == (1, 28, 28) and out.dtype == mt.float32 and len(seen) > 1  # random, and varied
    assert repr(tf) == ("Compose(\n    RandomCrop(size=(28, 28), padding=4)\n    RandomHorizontalFlip(p=0.5)\n"
                        "    ToTensor()\n)")
