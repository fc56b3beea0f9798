"""Learn the Basics, "Quickstart" and "Optimizing Model Parameters", in our own words, shortened: the
Fashion-MNIST MLP trained with nn.CrossEntropyLoss and torch.optim.SGD through the tutorials'
train/test loops (model.train()/eval(), .to(device), loss.item() in an f-string with a format spec,
(pred.argmax(1) == y).type(torch.float).sum().item(), no_grad), then a prediction on one test image
with classes[pred[0].argmax(0)]. The same printout as torch — losses, accuracy, average loss — from
torch's initial weights, on the first 640 training and 320 test images of the real data."""
from __future__ import annotations

import pytest

from tutorial_harness import FASHION_DIR, assert_same_printout

pytestmark = pytest.mark.skipif(not (FASHION_DIR / "train-labels-idx1-ubyte.gz").exists(),
                                reason="the full Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")


def training_chapter(torch, nn, datasets, DataLoader, Dataset, ToTensor, same_init, epochs, **_):
    class First(Dataset):  # a shortened dataset, so the test runs in seconds
        def __init__(self, base, n):
            self.base, self.n = base, n

        def __len__(self):
            return self.n

        def __getitem__(self, i):
            return self.base[i]

    training_data = First(datasets.FashionMNIST(root="data", train=True, download=True, transform=ToTensor()), 640)
    test_data = First(datasets.FashionMNIST(root="data", train=False, download=True, transform=ToTensor()), 320)
    batch_size = 64
    train_dataloader = DataLoader(training_data, batch_size=batch_size)
    test_dataloader = DataLoader(test_data, batch_size=batch_size)
    for X, y in test_dataloader:
        print(f"Shape of X [N, C, H, W]: {X.shape}")
        print(f"Shape of y: {y.shape} {y.dtype}")
        break

    device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
    print(f"Using {device} device")

    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(28 * 28, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))

        def forward(self, x):
            return self.linear_relu_stack(self.flatten(x))

    model = same_init(NeuralNetwork().to(device))
    print(model)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)

    def train(dataloader, model, loss_fn, optimizer):
        size = len(dataloader.dataset)
        model.train()
        for batch, (X, y) in enumerate(dataloader):
            X, y = X.to(device), y.to(device)
            pred = model(X)
            loss = loss_fn(pred, y)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            if batch % 5 == 0:
                loss, current = loss.item(), (batch + 1) * len(X)
                print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")

    def test(dataloader, model, loss_fn):
        size = len(dataloader.dataset)
        num_batches = len(dataloader)
        model.eval()
        test_loss, correct = 0, 0
        with torch.no_grad():
            for X, y in dataloader:
                X, y = X.to(device), y.to(device)
                pred = model(X)
                test_loss += loss_fn(pred, y).item()
                correct += (pred.argmax(1) == y).type(torch.float).sum().item()
        test_loss /= num_batches
        correct /= size
        print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")

    for t in range(epochs):
        print(f"Epoch {t+1}\n-------------------------------")
        train(train_dataloader, model, loss_fn, optimizer)
        test(test_dataloader, model, loss_fn)
    print("Done!")

    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]
    model.eval()
    x, y = test_data[0][0], test_data[0][1]
    with torch.no_grad():
        x = x.to(device)
        pred = model(x)
        predicted, actual = classes[pred[0].argmax(0)], classes[y]
        print(f'Predicted: "{predicted}", Actual: "{actual}"')


def test_training_chapter_prints_what_torch_prints():
    assert_same_printout(training_chapter, epochs=2)
