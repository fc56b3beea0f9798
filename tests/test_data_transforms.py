"""transforms vs torch ops (torchvision itself does not install beside this torch, so each test
spells out what torchvision.transforms.v2 does, with torch ops, and compares bit for bit)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minitorch_cnn as mt
from minitorch_cnn.data import transforms as T

dims = st.integers(1, 9)


def images(dtype=np.uint8, channels=st.integers(1, 4)):
    return st.tuples(dims, dims, channels).flatmap(lambda s: hnp.arrays(dtype, s))


def tv_to_image(a: np.ndarray) -> torch.Tensor:
    # torchvision.transforms.v2.functional.to_image for an ndarray
    return torch.from_numpy(np.atleast_3d(a)).permute(2, 0, 1).contiguous()


@given(images())
def test_to_image_matches_permute(img):
    out = T.ToImage()(img)
    assert isinstance(out, mt.Tensor)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out.numpy(), tv_to_image(img).numpy())


def test_to_image_hw_gains_channel_and_does_not_share_memory():
    img = np.arange(12, dtype=np.uint8).reshape(3, 4)
    out = T.ToImage()(img)
    assert out.shape == (1, 3, 4)
    out.array[0, 0, 0] = 99
    assert img[0, 0] == 0
    hw1 = img[:, :, None]
    out = T.ToImage()(hw1)
    assert not np.shares_memory(out.array, hw1)


def test_to_image_keeps_dtype_and_passes_tensors_through():
    img = np.random.default_rng(0).random((5, 6, 3)).astype(np.float64)
    assert T.ToImage()(img).dtype == np.float64
    t = mt.tensor(np.zeros((3, 2, 2), dtype=np.float32))
    assert T.ToImage()(t) is t


def test_to_image_rejects_bad_input():
    with pytest.raises(ValueError, match=r"H×W or H×W×C.*\(2, 3, 4, 5\)"):
        T.ToImage()(np.zeros((2, 3, 4, 5)))
    with pytest.raises(TypeError, match="ToImage"):
        T.ToImage()("not an image")


@given(images())
def test_to_dtype_uint8_to_float32_scaled_matches_torchvision(img):
    x = T.ToImage()(img)
    out = T.ToDtype(mt.float32, scale=True)(x)
    # torchvision: image.to(dtype).mul_(1.0 / 255)
    ref = tv_to_image(img).to(torch.float32).mul_(1.0 / 255)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.numpy(), ref.numpy())
    # and the lecture's mental model x.float() / 255, to an ulp
    np.testing.assert_allclose(out.numpy(), tv_to_image(img).float().numpy() / 255, rtol=2e-7, atol=0)
    assert out.numpy().min() >= 0 and out.numpy().max() <= 1


@pytest.mark.parametrize("src, dst, ref", [
    (np.uint8, np.float64, lambda t: t.to(torch.float64).mul_(1.0 / 255)),
    (np.int16, np.float32, lambda t: t.to(torch.float32).mul_(1.0 / 32767)),
    (np.uint8, np.int16, lambda t: t.to(torch.int16).bitwise_left_shift_(7)),
    (np.int32, np.uint8, lambda t: t.bitwise_right_shift(23).to(torch.uint8)),
])
def test_to_dtype_scale_other_pairs(src, dst, ref):
    info = np.iinfo(src)
    a = np.random.default_rng(1).integers(max(info.min, 0), info.max, size=(2, 3, 4), endpoint=True).astype(src)
    out = T.ToDtype(dst, scale=True)(mt.from_numpy(a))
    assert out.dtype == np.dtype(dst)
    np.testing.assert_array_equal(out.numpy(), ref(torch.from_numpy(a)).numpy())


@given(hnp.arrays(np.float32, (2, 3, 4), elements=st.floats(0, 1, width=32)))
def test_to_dtype_float_to_uint8_scaled_matches_torchvision(a):
    out = T.ToDtype(mt.uint8, scale=True)(mt.from_numpy(a))
    ref = torch.from_numpy(a).mul(255 + 1.0 - 1e-3).to(torch.uint8)
    np.testing.assert_array_equal(out.numpy(), ref.numpy())


def test_to_dtype_unscaled_and_float_to_float():
    a = np.array([[[0, 128, 255]]], dtype=np.uint8)
    np.testing.assert_array_equal(T.ToDtype(mt.float32)(mt.from_numpy(a)).numpy(), [[[0.0, 128.0, 255.0]]])
    f = np.array([[[0.25, 2.0]]], dtype=np.float32)
    out = T.ToDtype(mt.float64, scale=True)(mt.from_numpy(f))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out.numpy(), f.astype(np.float64))
    with pytest.raises(RuntimeError, match="cannot be performed safely"):
        T.ToDtype(mt.int64, scale=True)(mt.from_numpy(f))


@given(st.integers(1, 4).flatmap(lambda c: st.tuples(
    hnp.arrays(np.float32, st.tuples(st.integers(1, 3), st.just(c), dims, dims),
               elements=st.floats(-10, 10, width=32)),
    st.lists(st.floats(-1, 1), min_size=c, max_size=c),
    st.lists(st.floats(0.1, 2), min_size=c, max_size=c))))
def test_normalize_matches_torch(args):
    x, mean, std = args
    out = T.Normalize(mean, std)(mt.from_numpy(x.copy()))
    # torchvision: mean/std as tensors of the image dtype, viewed (-1, 1, 1); (x - mean) / std
    m = torch.as_tensor(mean, dtype=torch.float32).view(-1, 1, 1)
    s = torch.as_tensor(std, dtype=torch.float32).view(-1, 1, 1)
    ref = torch.from_numpy(x).sub(m).div(s)
    np.testing.assert_array_equal(out.numpy(), ref.numpy())
    # on one C×H×W image, and in place
    x0 = x[0].copy()
    t0 = mt.from_numpy(x0)
    res = T.Normalize(mean, std, inplace=True)(t0)
    assert res is t0
    np.testing.assert_array_equal(x0, ref[0].numpy())


def test_normalize_errors():
    x = mt.from_numpy(np.zeros((3, 4, 4), dtype=np.float32))
    with pytest.raises(ValueError, match=r"3 channel.*mean has 2 values"):
        T.Normalize([0.5, 0.5], [0.5, 0.5])(x)
    with pytest.raises(TypeError, match="float tensor, got uint8"):
        T.Normalize([0.5], [0.5])(mt.from_numpy(np.zeros((1, 2, 2), dtype=np.uint8)))
    with pytest.raises(ValueError, match="division by zero"):
        T.Normalize([0.5], [0.0])(x)
    with pytest.raises(ValueError, match=r"\(\.\.\., C, H, W\)"):
        T.Normalize([0.5], [0.5])(mt.from_numpy(np.zeros((4, 4), dtype=np.float32)))


def test_one_value_broadcasts_over_channels():
    x = np.full((3, 2, 2), 1.0, dtype=np.float32)
    out = T.Normalize([0.5], [0.25])(mt.from_numpy(x))
    np.testing.assert_array_equal(out.numpy(), np.full((3, 2, 2), 2.0, dtype=np.float32))


def test_compose_pipeline_and_reprs():
    pipeline = T.Compose([T.ToImage(), T.ToDtype(mt.float32, scale=True), T.Normalize([0.5], [0.5])])
    img = np.random.default_rng(3).integers(0, 256, (28, 28, 1), dtype=np.uint8)
    out = pipeline(img)
    ref = (tv_to_image(img).to(torch.float32).mul_(1 / 255) - 0.5) / 0.5
    assert out.shape == (1, 28, 28) and out.dtype == np.float32
    np.testing.assert_array_equal(out.numpy(), ref.numpy())
    assert repr(T.ToImage()) == "ToImage()"
    assert repr(T.ToDtype(mt.float32, scale=True)) == "ToDtype(dtype=float32, scale=True)"
    assert repr(T.Normalize([0.5], [0.5])) == "Normalize(mean=[0.5], std=[0.5], inplace=False)"
    assert repr(pipeline) == ("Compose(\n    ToImage()\n    ToDtype(dtype=float32, scale=True)\n"
                              "    Normalize(mean=[0.5], std=[0.5], inplace=False)\n)")
    with pytest.raises(TypeError, match="not callable"):
        T.Compose([T.ToImage(), 3])
