"""A real program in the style of PyTorch's "What is torch.nn *really*?" tutorial, written in our own
words and shortened: logistic regression on flattened 28×28 images, refactored step by step from raw
tensors to torch.nn, then a CNN. Run on torch and on minitorch_cnn from the same draws (torch's
initial weights, one shared stream for randn, torch's shuffle order); every printed number compared.

APIs it exercises: ``map(torch.tensor, numpy arrays)``, ``x.shape`` unpacking, ``min()/max()``,
``randn(...) / math.sqrt`` + ``requires_grad_()``, ``zeros(requires_grad=True)``, a hand-written
log_softmax (``exp().sum(-1).log().unsqueeze(-1)``), ``@``, indexing ``input[range(n), target]``,
``torch.argmax(dim=)``, ``(a == b).float().mean()``, manual SGD with ``-=`` under ``no_grad`` and
``grad.zero_()``, ``F.cross_entropy``, ``nn.Module``/``nn.Parameter``, ``model.parameters()`` updated in
place, ``model.zero_grad()``, ``nn.Linear``, ``optim.SGD`` (+ momentum), ``TensorDataset`` and its slices,
``DataLoader`` (``shuffle=True``), ``model.train()/eval()``, ``sum()`` of loss tensors, ``zip(*...)`` with
``np.multiply`` of ``loss.item()`` values, ``view(-1, 1, 28, 28)``, ``Conv2d(stride=2, padding=1)``,
``F.avg_pool2d``, ``x.size(1)``, ``nn.Sequential`` with a custom ``Lambda`` module, ``nn.AvgPool2d``,
``nn.AdaptiveAvgPool2d``, a wrapped DataLoader generator, ``torch.device``/``cuda.is_available()``,
``model.to(dev)``.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import minitorch_cnn
from tutorial_harness import FASHION_DIR, _read_idx, assert_same_printout

pytestmark = pytest.mark.skipif(not (FASHION_DIR / "train-labels-idx1-ubyte.gz").exists(),
                                reason="the full Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")


def flat_images(n_train=448, n_valid=192):
    """The tutorial's pickled arrays: float32 rows of 784 pixels in [0, 1], int64 labels."""
    images = _read_idx(FASHION_DIR / "train-images-idx3-ubyte.gz")[:n_train + n_valid]
    labels = _read_idx(FASHION_DIR / "train-labels-idx1-ubyte.gz")[:n_train + n_valid]
    x = (images.reshape(len(images), 784) / 255).astype(np.float32)
    y = labels.astype(np.int64)
    return x[:n_train], y[:n_train], x[n_train:], y[n_train:]


def from_scratch(torch, F, same_draws, arrays, **_):
    x_train, y_train, x_valid, y_valid = map(torch.tensor, arrays)
    n, c = x_train.shape
    print(x_train, y_train)
    print(x_train.shape)
    print(y_train.min(), y_train.max())

    weights = same_draws(torch.randn(784, 10), normal=True) / math.sqrt(784)
    weights.requires_grad_()
    bias = torch.zeros(10, requires_grad=True)

    def log_softmax(x):
        return x - x.exp().sum(-1).log().unsqueeze(-1)

    def model(xb):
        return log_softmax(xb @ weights + bias)

    bs = 64
    xb = x_train[0:bs]
    preds = model(xb)
    print(preds[0], preds.shape)

    def nll(input, target):
        return -input[range(target.shape[0]), target].mean()

    loss_func = nll
    yb = y_train[0:bs]
    print(loss_func(preds, yb))

    def accuracy(out, yb):
        preds = torch.argmax(out, dim=1)
        return (preds == yb).float().mean()

    print(accuracy(preds, yb))

    lr, epochs = 0.1, 2  # (the tutorial's 0.5 suits MNIST; Fashion-MNIST's pixels want less)
    for epoch in range(epochs):
        for i in range((n - 1) // bs + 1):
            start_i = i * bs
            end_i = start_i + bs
            xb = x_train[start_i:end_i]
            yb = y_train[start_i:end_i]
            pred = model(xb)
            loss = loss_func(pred, yb)

            loss.backward()
            with torch.no_grad():
                weights -= weights.grad * lr
                bias -= bias.grad * lr
                weights.grad.zero_()
                bias.grad.zero_()
    print(loss_func(model(xb), yb), accuracy(model(xb), yb))

    loss_func = F.cross_entropy  # log_softmax + nll in one
    print(loss_func(xb @ weights + bias, yb), accuracy(xb @ weights + bias, yb))


def refactored(torch, nn, F, optim, DataLoader, same_init, same_draws, arrays, **_):
    x_train, y_train, x_valid, y_valid = map(torch.tensor, arrays)
    n, c = x_train.shape
    bs, lr = 64, 0.1
    loss_func = F.cross_entropy

    class MnistLogistic(nn.Module):
        def __init__(self):
            super().__init__()
            self.weights = nn.Parameter(same_draws(torch.randn(784, 10), normal=True) / math.sqrt(784))
            self.bias = nn.Parameter(torch.zeros(10))

        def forward(self, xb):
            return xb @ self.weights + self.bias

    model = MnistLogistic()
    xb, yb = x_train[0:bs], y_train[0:bs]
    print(loss_func(model(xb), yb))

    def fit_by_hand():
        for epoch in range(2):
            for i in range((n - 1) // bs + 1):
                start_i = i * bs
                xb, yb = x_train[start_i:start_i + bs], y_train[start_i:start_i + bs]
                loss = loss_func(model(xb), yb)
                loss.backward()
                with torch.no_grad():
                    for p in model.parameters():
                        p -= p.grad * lr
                    model.zero_grad()

    fit_by_hand()
    print(loss_func(model(xb), yb))

    class MnistLinear(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(784, 10)

        def forward(self, xb):
            return self.lin(xb)

    model = same_init(MnistLinear())
    print(loss_func(model(xb), yb))
    fit_by_hand()
    print(loss_func(model(xb), yb))

    def get_model():
        model = same_init(MnistLinear())
        return model, optim.SGD(model.parameters(), lr=lr)

    model, opt = get_model()
    train_ds = torch.utils.data.TensorDataset(x_train, y_train)
    for epoch in range(2):
        for i in range((n - 1) // bs + 1):
            xb, yb = train_ds[i * bs: i * bs + bs]
            loss = loss_func(model(xb), yb)
            loss.backward()
            opt.step()
            opt.zero_grad()
    print(loss_func(model(xb), yb))

    train_dl = DataLoader(train_ds, batch_size=bs, shuffle=True)
    valid_ds = torch.utils.data.TensorDataset(x_valid, y_valid)
    valid_dl = DataLoader(valid_ds, batch_size=bs * 2)
    model, opt = get_model()
    for epoch in range(2):
        model.train()
        for xb, yb in train_dl:
            loss = loss_func(model(xb), yb)
            loss.backward()
            opt.step()
            opt.zero_grad()
        model.eval()
        with torch.no_grad():
            valid_loss = sum(loss_func(model(xb), yb) for xb, yb in valid_dl)
        print(epoch, valid_loss / len(valid_dl))


def convolutional(torch, nn, F, optim, DataLoader, same_init, arrays, **_):
    x_train, y_train, x_valid, y_valid = map(torch.tensor, arrays)
    bs, lr = 64, 0.1
    loss_func = F.cross_entropy
    dev = torch.device("cuda") if torch.cuda.is_available() else torch.device("cpu")

    def get_data(train_ds, valid_ds, bs):
        return (DataLoader(train_ds, batch_size=bs, shuffle=True), DataLoader(valid_ds, batch_size=bs * 2))

    def loss_batch(model, loss_func, xb, yb, opt=None):
        loss = loss_func(model(xb), yb)
        if opt is not None:
            loss.backward()
            opt.step()
            opt.zero_grad()
        return loss.item(), len(xb)

    def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
        for epoch in range(epochs):
            model.train()
            for xb, yb in train_dl:
                loss_batch(model, loss_func, xb, yb, opt)
            model.eval()
            with torch.no_grad():
                losses, nums = zip(*[loss_batch(model, loss_func, xb, yb) for xb, yb in valid_dl])
            val_loss = np.sum(np.multiply(losses, nums)) / np.sum(nums)
            print(epoch, f"{val_loss:.6f}")

    train_dl, valid_dl = get_data(torch.utils.data.TensorDataset(x_train, y_train),
                                  torch.utils.data.TensorDataset(x_valid, y_valid), bs)

    class MnistCNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1)
            self.conv2 = nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1)
            self.conv3 = nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1)

        def forward(self, xb):
            xb = xb.view(-1, 1, 28, 28)
            xb = F.relu(self.conv1(xb))
            xb = F.relu(self.conv2(xb))
            xb = F.relu(self.conv3(xb))
            xb = F.avg_pool2d(xb, 4)
            return xb.view(-1, xb.size(1))

    model = same_init(MnistCNN())
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    fit(2, model, loss_func, opt, train_dl, valid_dl)  # (the tutorial trains longer)

    class Lambda(nn.Module):
        def __init__(self, func):
            super().__init__()
            self.func = func

        def forward(self, x):
            return self.func(x)

    def preprocess(x):
        return x.view(-1, 1, 28, 28)

    model = same_init(nn.Sequential(
        Lambda(preprocess),
        nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1), nn.ReLU(),
        nn.AvgPool2d(4),
        Lambda(lambda x: x.view(x.size(0), -1)),
    ))
    print(model)
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    fit(1, model, loss_func, opt, train_dl, valid_dl)

    class WrappedDataLoader:
        def __init__(self, dl, func):
            self.dl, self.func = dl, func

        def __len__(self):
            return len(self.dl)

        def __iter__(self):
            for b in self.dl:
                yield self.func(*b)

    def to_images(x, y):
        return x.view(-1, 1, 28, 28).to(dev), y.to(dev)

    train_dl, valid_dl = WrappedDataLoader(train_dl, to_images), WrappedDataLoader(valid_dl, to_images)
    model = same_init(nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        Lambda(lambda x: x.view(x.size(0), -1)),
    ))
    model.to(dev)
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    fit(1, model, loss_func, opt, train_dl, valid_dl)


# --- the same shuffle order on both engines --------------------------------------------------------------
class SameShuffles:
    """torch's DataLoader(shuffle=True) draws each epoch's order from torch's generator, ours from ours;
    record torch's orders (torch runs first) and hand them, in turn, to our DataLoader."""

    def __init__(self, monkeypatch):
        self.orders = []
        sampler = torch.utils.data.RandomSampler
        original = sampler.__iter__
        recorded = self.orders

        def recording_iter(self):
            order = list(original(self))
            recorded.append(np.array(order, dtype=np.int64))
            yield from order

        monkeypatch.setattr(sampler, "__iter__", recording_iter)
        loader_module = minitorch_cnn.data.dataloader
        real_random = loader_module._random
        replay = iter(self.orders)

        class Replay:
            def permutation(self, n):
                order = next(replay)
                assert len(order) == n
                return order

        class RandomModule:  # the module's `_random`, with rng_of handing out torch's orders
            def __getattr__(self, name):
                return getattr(real_random, name)

            @staticmethod
            def rng_of(generator):
                return Replay()

        monkeypatch.setattr(loader_module, "_random", RandomModule())


@pytest.fixture
def same_shuffles(monkeypatch):
    return SameShuffles(monkeypatch)


@pytest.mark.parametrize("part", [from_scratch, refactored], ids=lambda f: f.__name__)
def test_nn_really_program_prints_what_torch_prints(part, same_shuffles):
    assert_same_printout(part, arrays=flat_images())


def test_nn_really_cnn_part_prints_what_torch_prints(same_shuffles):
    assert_same_printout(convolutional, arrays=flat_images(256, 128))
