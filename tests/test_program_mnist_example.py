"""A real program in the style of pytorch/examples' ``mnist/main.py``, written in our own words and
shortened (Fashion-MNIST instead of MNIST, a few hundred images, two epochs): a two-conv CNN with
Dropout, ``log_softmax`` + ``nll_loss``, Adadelta with StepLR, ``manual_seed``, the accelerator check,
``argmax(dim=1, keepdim=True)`` and ``pred.eq(target.view_as(pred)).sum().item()``, ``str.format``
progress lines, ``torch.save(model.state_dict(), path)``, then loading it back.

Run on torch and on minitorch_cnn from torch's initial weights; the dropout masks are torch's too
(recorded in torch's run, handed to ours), so every printed number is compared.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch_cnn
from minitorch_cnn.nn.functional import regularization
from tutorial_harness import FASHION_DIR, assert_same_printout

pytestmark = pytest.mark.skipif(not (FASHION_DIR / "train-labels-idx1-ubyte.gz").exists(),
                                reason="the full Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")


def mnist_example(torch, nn, F, optim, datasets, transforms, save_path, **extra):
    same_init = extra["same_init"]
    lr_scheduler = optim.lr_scheduler

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 8, 3, 1)
            self.conv2 = nn.Conv2d(8, 16, 3, 1)
            self.dropout1 = nn.Dropout(0.25)
            self.dropout2 = nn.Dropout(0.5)
            self.fc1 = nn.Linear(2304, 32)
            self.fc2 = nn.Linear(32, 10)

        def forward(self, x):
            x = self.conv1(x)
            x = F.relu(x)
            x = self.conv2(x)
            x = F.relu(x)
            x = F.max_pool2d(x, 2)
            x = self.dropout1(x)
            x = torch.flatten(x, 1)
            x = self.fc1(x)
            x = F.relu(x)
            x = self.dropout2(x)
            x = self.fc2(x)
            return F.log_softmax(x, dim=1)

    def train(args, model, device, train_loader, optimizer, epoch):
        model.train()
        for batch_idx, (data, target) in enumerate(train_loader):
            data, target = data.to(device), target.to(device)
            optimizer.zero_grad()
            output = model(data)
            loss = F.nll_loss(output, target)
            loss.backward()
            optimizer.step()
            if batch_idx % args["log_interval"] == 0:
                print("Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}".format(
                    epoch, batch_idx * len(data), len(train_loader.dataset),
                    100. * batch_idx / len(train_loader), loss.item()))

    def test(model, device, test_loader):
        model.eval()
        test_loss = 0
        correct = 0
        with torch.no_grad():
            for data, target in test_loader:
                data, target = data.to(device), target.to(device)
                output = model(data)
                test_loss += F.nll_loss(output, target, reduction="sum").item()
                pred = output.argmax(dim=1, keepdim=True)
                correct += pred.eq(target.view_as(pred)).sum().item()
        test_loss /= len(test_loader.dataset)
        print("\nTest set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)\n".format(
            test_loss, correct, len(test_loader.dataset), 100. * correct / len(test_loader.dataset)))
        return test_loss

    args = {"batch_size": 32, "test_batch_size": 100, "epochs": 2, "lr": 1.0, "gamma": 0.7, "log_interval": 3,
            "no_accel": False, "seed": 1}
    use_accel = not args["no_accel"] and torch.accelerator.is_available()
    torch.manual_seed(args["seed"])
    device = torch.accelerator.current_accelerator() if use_accel else torch.device("cpu")
    train_kwargs = {"batch_size": args["batch_size"]}
    test_kwargs = {"batch_size": args["test_batch_size"]}
    if use_accel:
        accel_kwargs = {"num_workers": 1, "pin_memory": True, "shuffle": True}
        train_kwargs.update(accel_kwargs)
        test_kwargs.update(accel_kwargs)
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.2860,), (0.3530,))])
    dataset1 = datasets.FashionMNIST("../data", train=True, download=True, transform=transform)
    dataset2 = datasets.FashionMNIST("../data", train=False, transform=transform)
    dataset1 = torch.utils.data.Subset(dataset1, range(192))  # (shortened: the example trains on all)
    dataset2 = torch.utils.data.Subset(dataset2, list(range(200)))
    train_loader = torch.utils.data.DataLoader(dataset1, **train_kwargs)
    test_loader = torch.utils.data.DataLoader(dataset2, **test_kwargs)

    model = same_init(Net().to(device))
    optimizer = optim.Adadelta(model.parameters(), lr=args["lr"])
    scheduler = lr_scheduler.StepLR(optimizer, step_size=1, gamma=args["gamma"])
    for epoch in range(1, args["epochs"] + 1):
        train(args, model, device, train_loader, optimizer, epoch)
        test(model, device, test_loader)
        scheduler.step()
        print(scheduler.get_last_lr())

    torch.save(model.state_dict(), save_path)
    reloaded = Net()
    reloaded.load_state_dict(torch.load(save_path, weights_only=True))
    test(reloaded, device, test_loader)
    print(sorted(reloaded.state_dict().keys()))


class SameDropout:
    """torch's dropout is ``input * noise`` with ``noise = bernoulli(1 − p) / (1 − p)`` drawn from torch's
    generator: record each noise in torch's run (drawn by torch's own dropout on a tensor of ones) and
    hand its keep-mask to our ``dropout_mask`` in ours, so both engines drop the same units."""

    def __init__(self, monkeypatch):
        self.masks = []
        real = torch.nn.functional.dropout
        masks = self.masks

        def recording(input, p=0.5, training=True, inplace=False):
            if not training or p == 0:
                return real(input, p, training, inplace)
            noise = real(torch.ones_like(input), p, training)  # the same draw torch's dropout makes
            masks.append(noise.numpy() != 0)
            return input * noise

        monkeypatch.setattr(torch.nn.functional, "dropout", recording)
        replay = iter(masks)

        def from_torch(shape, p):
            mask = next(replay)
            assert mask.shape == tuple(shape)
            return mask

        monkeypatch.setattr(regularization, "dropout_mask", from_torch)


def test_mnist_example_prints_what_torch_prints(monkeypatch, tmp_path):
    dropout = SameDropout(monkeypatch)
    ours, theirs = assert_same_printout(mnist_example, save_path=str(tmp_path / "mnist_cnn.pt"))
    assert len(dropout.masks) == 2 * 2 * 6 and "Test set: Average loss" in ours
