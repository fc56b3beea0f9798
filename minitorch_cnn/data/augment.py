"""Random data augmentation, as torchvision's transforms do it: ``RandomHorizontalFlip``,
``RandomVerticalFlip``, ``RandomCrop`` (with padding), and the deterministic ``CenterCrop``.

    train_tf = Compose([RandomCrop(28, padding=4), RandomHorizontalFlip(), ToTensor()])

Each takes either an image as torchvision gets it from a dataset — an H×W×C (or H×W) NumPy array,
this engine's stand-in for a PIL image — or a tensor image (…, C, H, W), and returns the same kind.
The random choices come from this engine's generator (``minitorch_cnn.manual_seed``): the same seed
gives other crops and flips than torchvision's, as with every random draw here.
"""
from __future__ import annotations

import numbers

import numpy as np

from .. import random as _random
from ..tensor import Tensor
from .transform_base import Transform


def _hw_axes(inpt):
    """(array, axis of height, axis of width): a tensor is (…, H, W), an array H×W×C or H×W."""
    if isinstance(inpt, Tensor):
        a = inpt.array
        if a.ndim < 2:
            raise ValueError(f"expected a tensor image (..., H, W), got shape {a.shape}")
        return a, a.ndim - 2, a.ndim - 1
    if isinstance(inpt, np.ndarray) or hasattr(inpt, "__array_interface__"):
        a = np.asarray(inpt)
        if a.ndim not in (2, 3):
            raise ValueError(f"expected an H×W or H×W×C image array, got shape {a.shape}")
        return a, 0, 1
    raise TypeError(f"expected a tensor image or an H×W×C array, got {type(inpt).__name__}")


def _like(inpt, a: np.ndarray):
    return Tensor(np.ascontiguousarray(a)) if isinstance(inpt, Tensor) else np.ascontiguousarray(a)


def _pair(size, name: str) -> tuple:
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if len(size) == 1:
        return int(size[0]), int(size[0])
    if len(size) != 2:
        raise ValueError(f"{name}: please provide only two dimensions (h, w) for size.")
    return int(size[0]), int(size[1])


def _pad(a, h_axis, w_axis, left, top, right, bottom, fill):
    widths = [(0, 0)] * a.ndim
    widths[h_axis], widths[w_axis] = (top, bottom), (left, right)
    return np.pad(a, widths, mode="constant", constant_values=fill)


class RandomHorizontalFlip(Transform):
    """With probability ``p``, mirror the image left ↔ right (reverse its width axis)."""

    def __init__(self, p: float = 0.5):
        self.p = p

    def __call__(self, img):
        a, _, w = _hw_axes(img)
        if _random.get_rng().random() < self.p:
            return _like(img, np.flip(a, axis=w))
        return img

    def extra_repr(self) -> str:
        return f"p={self.p}"


class RandomVerticalFlip(RandomHorizontalFlip):
    """With probability ``p``, flip the image upside down (reverse its height axis)."""

    def __call__(self, img):
        a, h, _ = _hw_axes(img)
        if _random.get_rng().random() < self.p:
            return _like(img, np.flip(a, axis=h))
        return img


class RandomCrop(Transform):
    """Cut a ``size`` window at a random place (every position equally likely), after optional padding.

    ``padding``: an int (all sides), (left/right, top/bottom) or (left, top, right, bottom), filled with
    ``fill``; ``pad_if_needed`` pads an image smaller than ``size`` first (torchvision's rule).
    """

    def __init__(self, size, padding=None, pad_if_needed: bool = False, fill=0, padding_mode: str = "constant"):
        self.size = _pair(size, "RandomCrop")
        if padding_mode != "constant":
            raise NotImplementedError(f"RandomCrop: padding_mode={padding_mode!r} (only 'constant' is implemented)")
        self.padding, self.pad_if_needed, self.fill, self.padding_mode = padding, pad_if_needed, fill, padding_mode

    def _padding_ltrb(self):
        p = self.padding
        if isinstance(p, numbers.Number):
            return (int(p),) * 4
        p = tuple(int(v) for v in p)
        if len(p) == 2:
            return p[0], p[1], p[0], p[1]
        if len(p) == 4:
            return p
        raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(p)} element tuple")

    def __call__(self, img):
        a, h_axis, w_axis = _hw_axes(img)
        if self.padding is not None:
            a = _pad(a, h_axis, w_axis, *self._padding_ltrb(), self.fill)
        th, tw = self.size
        if self.pad_if_needed and a.shape[w_axis] < tw:
            extra = tw - a.shape[w_axis]
            a = _pad(a, h_axis, w_axis, extra, 0, extra, 0, self.fill)
        if self.pad_if_needed and a.shape[h_axis] < th:
            extra = th - a.shape[h_axis]
            a = _pad(a, h_axis, w_axis, 0, extra, 0, extra, self.fill)
        h, w = a.shape[h_axis], a.shape[w_axis]
        if h < th or w < tw:
            raise ValueError(f"Required crop size {(th, tw)} is larger than input image size {(h, w)}")
        i = j = 0
        if (h, w) != (th, tw):
            rng = _random.get_rng()
            i, j = int(rng.integers(0, h - th + 1)), int(rng.integers(0, w - tw + 1))
        return _like(img, _window(a, h_axis, w_axis, i, j, th, tw))

    def extra_repr(self) -> str:
        return f"size={self.size}, padding={self.padding}"


def _window(a, h_axis, w_axis, top, left, th, tw):
    index = [slice(None)] * a.ndim
    index[h_axis], index[w_axis] = slice(top, top + th), slice(left, left + tw)
    return a[tuple(index)]


class CenterCrop(Transform):
    """Cut the ``size`` window in the middle (``top = round((H − th) / 2)``); an image smaller than ``size``
    is padded with zeros around it first, as torchvision does."""

    def __init__(self, size):
        self.size = _pair(size, "CenterCrop")

    def __call__(self, img):
        a, h_axis, w_axis = _hw_axes(img)
        th, tw = self.size
        h, w = a.shape[h_axis], a.shape[w_axis]
        if th > h or tw > w:
            left, top = max(tw - w, 0) // 2, max(th - h, 0) // 2
            a = _pad(a, h_axis, w_axis, left, top, max(tw - w + 1, 0) // 2, max(th - h + 1, 0) // 2, 0)
            h, w = a.shape[h_axis], a.shape[w_axis]
        top, left = int(round((h - th) / 2.0)), int(round((w - tw) / 2.0))
        return _like(img, _window(a, h_axis, w_axis, top, left, th, tw))

    def extra_repr(self) -> str:
        return f"size={self.size}"
