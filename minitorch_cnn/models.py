"""The lecture's models, written exactly as one writes them in torch.

``SimpleFCN``   the fully connected net of the image example: a 4×4×3 image flattened to 48 numbers
                (``x.view(-1, 48)``) and one ``nn.Linear(48, 3)`` giving 3 class scores.
``SimpleCNN``   the lecture's small CNN. With the defaults it is the Fashion-MNIST one:
                conv(1→16, 3×3, pad 1) → ReLU → MaxPool(2)   28×28 → 14×14
                conv(16→32, 3×3, pad 1) → ReLU → MaxPool(2)  14×14 → 7×7
                Flatten → Linear(32·7·7 → 10)
                ``SimpleCNN(in_channels=3, num_classes=3, image_size=4)`` is the same design on the
                toy 3×4×4 image (4×4 → 2×2 → 1×1, then Linear(32 → 3)).
``FashionCNN``  a wider two-conv net for training (≈91–92 % test accuracy on Fashion-MNIST after
                5 epochs of Adam): conv(1→32) → ReLU → pool → conv(32→64) → ReLU → pool →
                Flatten → Linear(64·7·7 → 128) → ReLU → Linear(128 → 10).
``BNCNN``       FashionCNN's shape with BatchNorm after every conv and the hidden Linear, and Dropout
                before each Linear ("cnn_bn"; ≥ 93 % on the full Fashion-MNIST, see the README).

The torch twins in ``reference/models.py`` have identical parameter names (``conv1.weight``,
``fc.bias``, …), so weights copy across by name (``reference/weights.py``).

``build_model(name, **kwargs)`` makes one by its CLI name ("fcn", "cnn", "cnn2");
``feature_maps(model, x)`` returns the conv1/conv2 activations drawn in the lecture's figures.
"""
from __future__ import annotations

from collections import OrderedDict

from . import nn
from .tensor import Tensor


def _pooled_size(image_size: int, layer: str) -> int:
    """Side length after two MaxPool(2) layers (each floors: 28 → 14 → 7, 4 → 2 → 1)."""
    side = int(image_size) // 2 // 2
    if side < 1:
        raise ValueError(f"{layer}: image_size must be at least 4 (two 2×2 poolings), got {image_size}")
    return side


def _check_input(x, layer: str, channels: int, size: int | None) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{layer}: expected a Tensor input, got {type(x).__name__}")
    if x.ndim != 4 or x.shape[1] != channels or (size is not None and tuple(x.shape[2:]) != (size, size)):
        want = f"(N, {channels}, {size}, {size})" if size is not None else f"(N, {channels}, H, W)"
        raise ValueError(f"{layer}: expected input of shape {want}, got {tuple(x.shape)}")


class SimpleFCN(nn.Module):
    """``x.view(-1, in_features)`` → ``fc = Linear(in_features, num_classes)``.

    The lecture's input is one 3×4×4 image batched to (1, 3, 4, 4): 48 numbers per image.
    """

    def __init__(self, in_features: int = 48, num_classes: int = 3):
        super().__init__()
        self.in_features = in_features
        self.fc = nn.Linear(in_features, num_classes)

    def forward(self, x):
        if x.numel() % self.in_features:
            raise ValueError(
                f"SimpleFCN: expected inputs with {self.in_features} values per sample, "
                f"got shape {tuple(x.shape)} ({x.numel()} values)"
            )
        x = x.view(-1, self.in_features)
        return self.fc(x)


class SimpleCNN(nn.Module):
    """Two conv(3×3, pad 1) → ReLU → MaxPool(2) blocks, then Flatten → Linear.

    ``channels`` are the two convolutions' output channels (the lecture's 16 and 32).
    Input (N, in_channels, image_size, image_size) → logits (N, num_classes).
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10, image_size: int = 28,
                 channels: tuple = (16, 32)):
        super().__init__()
        c1, c2 = channels
        side = _pooled_size(image_size, "SimpleCNN")
        self.in_channels, self.image_size = in_channels, image_size
        self.conv1 = nn.Conv2d(in_channels, c1, kernel_size=3, padding=1)
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(c1, c2, kernel_size=3, padding=1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(c2 * side * side, num_classes)

    def features(self, x):
        """``{"conv1": …, "conv2": …}``: each block's activation after ReLU, before pooling."""
        _check_input(x, "SimpleCNN", self.in_channels, self.image_size)
        a1 = self.relu(self.conv1(x))
        a2 = self.relu(self.conv2(self.pool(a1)))
        return OrderedDict(conv1=a1, conv2=a2)

    def forward(self, x):
        _check_input(x, "SimpleCNN", self.in_channels, self.image_size)
        x = self.pool(self.relu(self.conv1(x)))   # (N, 16, 14, 14)
        x = self.pool(self.relu(self.conv2(x)))   # (N, 32, 7, 7)
        x = self.flatten(x)                       # (N, 32·7·7)
        return self.fc(x)


class FashionCNN(nn.Module):
    """conv(1→32) → ReLU → pool → conv(32→64) → ReLU → pool → fc1(64·7·7→128) → ReLU → fc2(128→10).

    No dropout or batch norm (the engine has neither); cheap enough for a few CPU epochs.
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10, image_size: int = 28,
                 channels: tuple = (32, 64), hidden: int = 128):
        super().__init__()
        c1, c2 = channels
        side = _pooled_size(image_size, "FashionCNN")
        self.in_channels, self.image_size = in_channels, image_size
        self.conv1 = nn.Conv2d(in_channels, c1, kernel_size=3, padding=1)
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(c1, c2, kernel_size=3, padding=1)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(c2 * side * side, hidden)
        self.fc2 = nn.Linear(hidden, num_classes)

    def features(self, x):
        """``{"conv1": …, "conv2": …}``: each block's activation after ReLU, before pooling."""
        _check_input(x, "FashionCNN", self.in_channels, self.image_size)
        a1 = self.relu(self.conv1(x))
        a2 = self.relu(self.conv2(self.pool(a1)))
        return OrderedDict(conv1=a1, conv2=a2)

    def forward(self, x):
        _check_input(x, "FashionCNN", self.in_channels, self.image_size)
        x = self.pool(self.relu(self.conv1(x)))   # (N, 32, 14, 14)
        x = self.pool(self.relu(self.conv2(x)))   # (N, 64, 7, 7)
        x = self.relu(self.fc1(self.flatten(x)))  # (N, 128)
        return self.fc2(x)


class BNCNN(nn.Module):
    """Two conv → BatchNorm → ReLU → MaxPool(2) blocks, then Dropout → Linear → BatchNorm → ReLU →
    Dropout → Linear::

        conv1(1→32, 3×3, pad 1, no bias) → bn1 → ReLU → pool      28×28 → 14×14
        conv2(32→64, 3×3, pad 1, no bias) → bn2 → ReLU → pool     14×14 → 7×7
        Flatten → Dropout(p) → fc1(64·7·7 → 128, no bias) → bn3 → ReLU → Dropout(p) → fc2(128 → 10)

    A layer followed by BatchNorm has no bias: BN subtracts the batch mean, which would cancel it
    (β plays its part). Call ``model.train()`` before training steps (batch statistics, random
    dropout) and ``model.eval()`` before evaluating (running statistics, no dropout).
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10, image_size: int = 28,
                 channels: tuple = (32, 64), hidden: int = 128, p: float = 0.25):
        super().__init__()
        c1, c2 = channels
        side = _pooled_size(image_size, "BNCNN")
        self.in_channels, self.image_size = in_channels, image_size
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
        """``{"conv1": …, "conv2": …}``: each block's activation after BatchNorm and ReLU, before pooling."""
        _check_input(x, "BNCNN", self.in_channels, self.image_size)
        a1 = self.relu(self.bn1(self.conv1(x)))
        a2 = self.relu(self.bn2(self.conv2(self.pool(a1))))
        return OrderedDict(conv1=a1, conv2=a2)

    def forward(self, x):
        _check_input(x, "BNCNN", self.in_channels, self.image_size)
        x = self.pool(self.relu(self.bn1(self.conv1(x))))      # (N, 32, 14, 14)
        x = self.pool(self.relu(self.bn2(self.conv2(x))))      # (N, 64, 7, 7)
        x = self.drop(self.flatten(x))                         # (N, 64·7·7)
        x = self.drop(self.relu(self.bn3(self.fc1(x))))        # (N, 128)
        return self.fc2(x)


MODELS = OrderedDict(fcn=SimpleFCN, cnn=SimpleCNN, cnn2=FashionCNN, cnn_bn=BNCNN)


def build_model(name: str, **kwargs) -> nn.Module:
    """A model by its CLI name: ``"fcn"`` (SimpleFCN), ``"cnn"`` (SimpleCNN), ``"cnn2"`` (FashionCNN),
    ``"cnn_bn"`` (BNCNN).

    Keyword arguments go to the constructor (``build_model("cnn", in_channels=3, image_size=4,
    num_classes=3)``). Weights come from the global generator: call ``manual_seed`` first.
    """
    key = str(name).lower()
    if key not in MODELS:
        raise ValueError(f"build_model: unknown model {name!r}; expected one of {list(MODELS)}")
    return MODELS[key](**kwargs)


def feature_maps(model: nn.Module, x) -> "OrderedDict[str, Tensor]":
    """The activations of ``model``'s two conv blocks for input ``x`` (N, C, H, W):
    ``{"conv1": (N, C1, H, W), "conv2": (N, C2, H/2, W/2)}``, each after its ReLU.

    Run it under ``no_grad()`` for figures. A model without conv layers raises ``TypeError``.
    """
    if not hasattr(model, "features"):
        raise TypeError(f"feature_maps: {type(model).__name__} has no conv layers (use 'cnn', 'cnn2' or 'cnn_bn')")
    return model.features(x)
