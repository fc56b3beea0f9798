"""``torch.utils`` as an attribute path: ``torch.utils.data.DataLoader`` works after
``import minitorch_cnn as torch`` (and ``from minitorch_cnn.utils.data import DataLoader`` too).
``minitorch_cnn.utils.data`` *is* :mod:`minitorch_cnn.data`."""
import sys

from .. import data

sys.modules[__name__ + ".data"] = data

__all__ = ["data"]
