"""torch twins of ``minitorch_cnn.models`` with identical parameter names (``conv1.weight``, ``fc.bias``…),
so that ``reference.weights`` copies weights across by name. The code is the same code, line for
line, with ``torch.nn`` in place of ``minitorch_cnn.nn``.
"""
from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn


def _pooled_size(image_size: int, layer: str) -> int:
    side = int(image_size) // 2 // 2
    if side < 1:
        raise ValueError(f"{layer}: image_size must be at least 4 (two 2×2 poolings), got {image_size}")
    return side


class SimpleFCN(nn.Module):
    def __init__(self, in_features: int = 48, num_classes: int = 3):
        super().__init__()
        self.in_features = in_features
        self.fc = nn.Linear(in_features, num_classes)

    def forward(self, x):
        x = x.view(-1, self.in_features)
        return self.fc(x)


class SimpleCNN(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, image_size: int = 28,
                 channels: tuple = (16, 32)):
        super().__init__()
        c1, c2 = channels
        side = _pooled_size(image_size, "SimpleCNN")
        self.conv1 = nn.Conv2d(in_channels, c1, kernel_size=3, padding=1)
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(c1, c2, kernel_size=3, padding=1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(c2 * side * side, num_classes)

    def features(self, x):
        a1 = self.relu(self.conv1(x))
        a2 = self.relu(self.conv2(self.pool(a1)))
        return OrderedDict(conv1=a1, conv2=a2)

    def forward(self, x):
        x = self.pool(self.relu(self.conv1(x)))
        x = self.pool(self.relu(self.conv2(x)))
        x = self.flatten(x)
        return self.fc(x)


class FashionCNN(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, image_size: int = 28,
                 channels: tuple = (32, 64), hidden: int = 128):
        super().__init__()
        c1, c2 = channels
        side = _pooled_size(image_size, "FashionCNN")
        self.conv1 = nn.Conv2d(in_channels, c1, kernel_size=3, padding=1)
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(c1, c2, kernel_size=3, padding=1)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(c2 * side * side, hidden)
        self.fc2 = nn.Linear(hidden, num_classes)

    def features(self, x):
        a1 = self.relu(self.conv1(x))
        a2 = self.relu(self.conv2(self.pool(a1)))
        return OrderedDict(conv1=a1, conv2=a2)

    def forward(self, x):
        x = self.pool(self.relu(self.conv1(x)))
        x = self.pool(self.relu(self.conv2(x)))
        x = self.relu(self.fc1(self.flatten(x)))
        return self.fc2(x)


class BNCNN(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, image_size: int = 28,
                 channels: tuple = (32, 64), hidden: int = 128, p: float = 0.25):
        super().__init__()
        c1, c2 = channels
        side = _pooled_size(image_size, "BNCNN")
        self.conv1 = nn.Conv2d(in_channels, c1, kernel_size=3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c1)
        self.conv2 = nn.Conv2d(c1, c2, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c2)
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.flatten = nn.Flatten()
        self.drop = nn.Dropout(p)
        self.fc1 = nn.Linear(c2 * side * side, hidden, bias=False)
        self.bn3 = nn.BatchNorm1d(hidden)
        self.fc2 = nn.Linear(hidden, num_classes)

    def features(self, x):
        a1 = self.relu(self.bn1(self.conv1(x)))
        a2 = self.relu(self.bn2(self.conv2(self.pool(a1))))
        return OrderedDict(conv1=a1, conv2=a2)

    def forward(self, x):
        x = self.pool(self.relu(self.bn1(self.conv1(x))))
        x = self.pool(self.relu(self.bn2(self.conv2(x))))
        x = self.drop(self.flatten(x))
        x = self.drop(self.relu(self.bn3(self.fc1(x))))
        return self.fc2(x)


MODELS = OrderedDict(fcn=SimpleFCN, cnn=SimpleCNN, cnn2=FashionCNN, cnn_bn=BNCNN)


def build_model(name: str, **kwargs) -> nn.Module:
    """The torch twin of ``minitorch_cnn.models.build_model`` (same names and arguments)."""
    key = str(name).lower()
    if key not in MODELS:
        raise ValueError(f"build_model: unknown model {name!r}; expected one of {list(MODELS)}")
    return MODELS[key](**kwargs)


def feature_maps(model: nn.Module, x: torch.Tensor) -> "OrderedDict[str, torch.Tensor]":
    if not hasattr(model, "features"):
        raise TypeError(f"feature_maps: {type(model).__name__} has no conv layers (use 'cnn' or 'cnn2')")
    return model.features(x)
