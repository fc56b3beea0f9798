"""Image transforms, mirroring ``torchvision.transforms.v2`` (the four the lecture uses).

    transform = transforms.Compose([
        transforms.ToImage(),                            # H×W×C uint8 array -> C×H×W uint8 tensor
        transforms.ToDtype(mt.float32, scale=True),      # -> float32 in [0, 1]
        transforms.Normalize(mean=[0.5], std=[0.5]),     # -> (x - 0.5) / 0.5, per channel
    ])

Each transform is a callable object; ``Compose`` applies a list of them in order. The classic
(v1) pair that PyTorch's tutorials use is here too: ``ToTensor()`` (= ToImage + ToDtype(float32,
scale=True) for uint8 images) and ``Lambda(fn)``.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from ..tensor import Tensor
from .augment import CenterCrop, RandomCrop, RandomHorizontalFlip, RandomVerticalFlip  # augment.py
from .transform_base import Transform

__all__ = ["Compose", "ToImage", "ToDtype", "Normalize", "ToTensor", "Lambda", "RandomHorizontalFlip",
           "RandomVerticalFlip", "RandomCrop", "CenterCrop"]


def _array_of(inpt, who: str) -> np.ndarray:
    if isinstance(inpt, Tensor):
        return inpt.array
    if isinstance(inpt, np.ndarray):
        return inpt
    raise TypeError(f"{who}: expected a Tensor or a NumPy array, got {type(inpt).__name__}")


class Compose(Transform):
    """Apply ``transforms`` one after another: ``Compose([f, g])(x) == g(f(x))``."""

    def __init__(self, transforms: Sequence[Callable]):
        if not isinstance(transforms, Sequence):
            raise TypeError(f"Compose: expected a list of transforms, got {type(transforms).__name__}")
        if not transforms:
            raise ValueError("Compose: pass at least one transform")
        for k, t in enumerate(transforms):
            if not callable(t):
                raise TypeError(f"Compose: transform {k} ({t!r}) is not callable")
        self.transforms = list(transforms)

    def __call__(self, inpt):
        for t in self.transforms:
            inpt = t(inpt)
        return inpt

    def __repr__(self) -> str:
        body = "".join(f"\n    {t!r}" for t in self.transforms)
        return f"{type(self).__name__}({body}\n)"


class ToImage(Transform):
    """H×W×C (or H×W) array → C×H×W tensor, dtype kept; a Tensor is returned unchanged.

    torchvision does ``torch.from_numpy(np.atleast_3d(a)).permute(2, 0, 1).contiguous()``; so does
    this, with a copy, so the image never shares memory with the dataset. Anything that NumPy can
    view as an array (a PIL image, say) goes through ``np.asarray`` first.
    """

    def __call__(self, inpt):
        if isinstance(inpt, Tensor):
            return inpt
        if not isinstance(inpt, np.ndarray):
            if not (hasattr(inpt, "__array_interface__") or hasattr(inpt, "__array__")):
                raise TypeError(f"ToImage: expected a NumPy array, a Tensor or a PIL image, "
                                f"got {type(inpt).__name__}")
            inpt = np.asarray(inpt)
        if inpt.ndim not in (2, 3):
            raise ValueError(f"ToImage: expected an H×W or H×W×C image, got an array of shape {inpt.shape}")
        chw = np.atleast_3d(inpt).transpose(2, 0, 1)
        return Tensor(np.array(chw, order="C", copy=True))


def _max_value(dtype: np.dtype):
    """The value that means "full intensity": 1.0 for floats, the largest value for integers."""
    if dtype.kind == "f":
        return 1.0
    if dtype.kind == "b":
        return 1
    return np.iinfo(dtype).max


def _value_bits(dtype: np.dtype) -> int:
    """How many bits hold the magnitude (8 for uint8, 7 for int8, 1 for bool)."""
    if dtype.kind == "b":
        return 1
    return np.iinfo(dtype).bits - (1 if dtype.kind == "i" else 0)


def to_dtype_array(a: np.ndarray, dtype, scale: bool = False) -> np.ndarray:
    """torchvision v2's ``to_dtype_image`` on a NumPy array (see :class:`ToDtype`)."""
    dtype = np.dtype(dtype)
    if a.dtype == dtype:
        return a
    if not scale:
        return a.astype(dtype)
    float_in, float_out = a.dtype.kind == "f", dtype.kind == "f"
    if float_in and float_out:                    # float -> float: the range [0, 1] is kept
        return a.astype(dtype)
    if float_in:                                  # float -> int: [0, 1] -> [0, max]
        if (a.dtype == np.float32 and dtype in (np.int32, np.int64)) or (
                a.dtype == np.float64 and dtype == np.int64):
            raise RuntimeError(f"ToDtype: the conversion from {a.dtype} to {dtype} cannot be performed safely")
        # x * (max + 1 - eps) so that [0, 1] maps onto all of 0..max with equal-width bins
        # (x * max would give max only for x == 1.0).
        eps = 1e-3
        return (a * a.dtype.type(float(_max_value(dtype)) + 1.0 - eps)).astype(dtype)
    if float_out:                                 # int -> float: [0, max] -> [0, 1]
        # torchvision multiplies by the reciprocal (image.to(dtype).mul_(1 / max)); so do we,
        # in the output dtype, to give the same float32 bits.
        return a.astype(dtype) * dtype.type(1.0 / _max_value(a.dtype))
    # int -> int: shift the magnitude bits, e.g. uint8 -> int16: << 7
    shift = _value_bits(a.dtype) - _value_bits(dtype)
    if shift > 0:
        return (a >> shift).astype(dtype)
    return a.astype(dtype) << dtype.type(-shift)


class ToDtype(Transform):
    """Convert to ``dtype``; with ``scale=True`` also rescale the value range, as torchvision v2 does.

    * int → float: divide by the input dtype's maximum (255 for uint8), so uint8 0..255 → 0.0..1.0;
    * float → int: multiply by ``max + 1 - 1e-3`` and truncate (0.0..1.0 → 0..max);
    * float → float: no rescaling; int → int: shift by the difference in value bits.

    Without ``scale`` it is a plain cast (``astype``).
    """

    def __init__(self, dtype, scale: bool = False):
        try:
            self.dtype = np.dtype(dtype)
        except TypeError:
            raise TypeError(f"ToDtype: {dtype!r} is not a dtype (use e.g. minitorch_cnn.float32)") from None
        self.scale = bool(scale)

    def __call__(self, inpt):
        return Tensor(to_dtype_array(_array_of(inpt, "ToDtype"), self.dtype, self.scale))

    def extra_repr(self) -> str:
        return f"dtype={self.dtype}, scale={self.scale}"


class Normalize(Transform):
    """Per channel: ``out[..., c, :, :] = (x[..., c, :, :] - mean[c]) / std[c]``.

    The input is a float tensor of shape (..., C, H, W); ``mean`` and ``std`` have C entries (or
    one, used for every channel). mean and std are cast to the input's dtype first, as torchvision
    does. ``inplace=True`` writes the result into the input tensor.
    """

    def __init__(self, mean: Sequence[float], std: Sequence[float], inplace: bool = False):
        self.mean = [float(m) for m in np.atleast_1d(np.asarray(mean, dtype=np.float64))]
        self.std = [float(s) for s in np.atleast_1d(np.asarray(std, dtype=np.float64))]
        if len(self.mean) != len(self.std) and 1 not in (len(self.mean), len(self.std)):
            raise ValueError(f"Normalize: mean has {len(self.mean)} values but std has {len(self.std)}")
        self.inplace = bool(inplace)

    def __call__(self, inpt):
        x = _array_of(inpt, "Normalize")
        if x.dtype.kind != "f":
            raise TypeError(f"Normalize: input tensor should be a float tensor, got {x.dtype} "
                            f"(convert first with ToDtype(minitorch_cnn.float32, scale=True))")
        if x.ndim < 3:
            raise ValueError(f"Normalize: expected a tensor image of shape (..., C, H, W), got {x.shape}")
        channels = x.shape[-3]
        mean = np.asarray(self.mean, dtype=x.dtype)
        std = np.asarray(self.std, dtype=x.dtype)
        for name, v in (("mean", mean), ("std", std)):
            if v.size not in (1, channels):
                raise ValueError(f"Normalize: the image has {channels} channel(s) (shape {x.shape}) but "
                                 f"{name} has {v.size} values {list(getattr(self, name))}; give one value "
                                 f"per channel")
        if (std == 0).any():
            raise ValueError(f"Normalize: std evaluated to zero after conversion to {x.dtype}, "
                             f"leading to division by zero")
        mean, std = mean.reshape(-1, 1, 1), std.reshape(-1, 1, 1)
        if self.inplace:
            np.subtract(x, mean, out=x)
            np.divide(x, std, out=x)
            return inpt if isinstance(inpt, Tensor) else Tensor(x)
        return Tensor((x - mean) / std)

    def extra_repr(self) -> str:
        return f"mean={self.mean}, std={self.std}, inplace={self.inplace}"


class ToTensor(Transform):
    """torchvision's classic ``ToTensor``, PIL-free: an H×W×C (or H×W) NumPy image → a C×H×W tensor.

    A uint8 image becomes the default float dtype divided by 255 (so values lie in [0, 1]); any other
    dtype keeps its dtype and values, only moved to C×H×W, exactly as torchvision does. Anything NumPy
    can view as an array (a PIL image) goes through ``np.asarray`` first. A Tensor is refused, as in
    torchvision (it is already converted: use ``ToDtype``/``Normalize`` on it).
    """

    def __call__(self, pic):
        if isinstance(pic, Tensor) or not (isinstance(pic, np.ndarray) or hasattr(pic, "__array_interface__")):
            raise TypeError(f"ToTensor: pic should be a PIL Image or ndarray. Got {type(pic)}")
        a = np.asarray(pic)
        if a.ndim not in (2, 3):
            raise ValueError(f"ToTensor: pic should be 2/3 dimensional. Got {a.ndim} dimensions (shape {a.shape}).")
        chw = np.ascontiguousarray(np.atleast_3d(a).transpose(2, 0, 1) if a.ndim == 3 else a[None])
        if chw.dtype == np.uint8:
            from ..dtypes import get_default_dtype
            dt = get_default_dtype()
            return Tensor(chw.astype(dt) / dt.type(255))
        return Tensor(chw.copy() if np.shares_memory(chw, a) else chw)


class Lambda(Transform):
    """Wrap any function as a transform: ``Lambda(lambda y: ...)`` (e.g. a one-hot target)."""

    def __init__(self, lambd: Callable):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {type(lambd).__name__!r}")
        self.lambd = lambd

    def __call__(self, inpt):
        return self.lambd(inpt)

