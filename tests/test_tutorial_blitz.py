"""The 60 Minute Blitz, "Neural Networks" (LeNet) and "Training a Classifier" (CIFAR-10's model, loss,
optimizer and loops, on random 32×32 colour images instead of the download), in our own words:
Conv2d, F.relu, F.max_pool2d with a tuple and an int, torch.flatten(x, 1), parameters(), a backward
from a random gradient, nn.MSELoss, grad_fn and next_functions, conv1.bias.grad before and after, the manual update
f.data.sub_(f.grad.data * lr), optim.SGD with momentum, transforms.Compose/ToTensor/Normalize,
DataLoader(batch_size=4), nn.MaxPool2d(2, 2), nn.CrossEntropyLoss, torch.max(outputs, 1) and
torch.max(outputs.data, 1), per-class accuracy with classes[label], torch.device. Same printout as torch."""
from __future__ import annotations

import numpy as np

from tutorial_harness import assert_same_printout


def lenet_chapter(torch, nn, F, optim, same_init, same_draws, **_):
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 5)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, input):
            c1 = F.relu(self.conv1(input))
            s2 = F.max_pool2d(c1, (2, 2))
            c3 = F.relu(self.conv2(s2))
            s4 = F.max_pool2d(c3, 2)
            s4 = torch.flatten(s4, 1)
            f5 = F.relu(self.fc1(s4))
            f6 = F.relu(self.fc2(f5))
            return self.fc3(f6)

    net = same_init(Net())
    print(net)
    params = list(net.parameters())
    print(len(params))
    print(params[0].size())

    input = same_draws(torch.randn(1, 1, 32, 32), normal=True)
    out = net(input)
    print(out)
    net.zero_grad()
    out.backward(same_draws(torch.randn(1, 10), normal=True))

    output = net(input)
    target = same_draws(torch.randn(10), normal=True).view(1, -1)
    criterion = nn.MSELoss()
    loss = criterion(output, target)
    print(loss)
    print(loss.grad_fn)
    print(loss.grad_fn.next_functions[0][0])  # linear's AddmmBackward0
    print(loss.grad_fn.next_functions[0][0].next_functions[0][0])  # its first edge: fc3's bias

    net.zero_grad()
    print("conv1.bias.grad before backward")
    print(net.conv1.bias.grad)
    loss.backward()
    print("conv1.bias.grad after backward")
    print(net.conv1.bias.grad)

    learning_rate = 0.01
    for f in net.parameters():
        f.data.sub_(f.grad.data * learning_rate)
    print(criterion(net(input), target))

    optimizer = optim.SGD(net.parameters(), lr=0.01)
    for _ in range(3):
        optimizer.zero_grad()
        output = net(input)
        loss = criterion(output, target)
        loss.backward()
        optimizer.step()
        print(loss)


def cifar_chapter(torch, nn, F, optim, transforms, DataLoader, Dataset, same_init, same_draws, **_):
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])

    class RandomImages(Dataset):  # stands for torchvision.datasets.CIFAR10 (no download in tests)
        def __init__(self, n, transform):
            rng = np.random.default_rng(n)
            self.images = rng.integers(0, 256, (n, 32, 32, 3), dtype=np.uint8)
            self.labels = rng.integers(0, 10, n)
            self.transform = transform

        def __len__(self):
            return len(self.labels)

        def __getitem__(self, i):
            return self.transform(self.images[i]), int(self.labels[i])

    trainloader = DataLoader(RandomImages(48, transform), batch_size=4, shuffle=False)
    testloader = DataLoader(RandomImages(20, transform), batch_size=4, shuffle=False)
    classes = ("plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
    images, labels = next(iter(trainloader))
    print(" ".join(f"{classes[labels[j]]:5s}" for j in range(4)), images.shape, images.min(), images.max())

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 6, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = torch.flatten(x, 1)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    net = same_init(Net())
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    for epoch in range(2):
        running_loss = 0.0
        for i, data in enumerate(trainloader, 0):
            inputs, labels = data
            optimizer.zero_grad()
            outputs = net(inputs)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
            if i % 4 == 3:
                print(f"[{epoch + 1}, {i + 1:5d}] loss: {running_loss / 4:.3f}")
                running_loss = 0.0
    print("Finished Training")

    images, labels = next(iter(testloader))
    print("GroundTruth: ", " ".join(f"{classes[labels[j]]:5s}" for j in range(4)))
    outputs = net(images)
    _, predicted = torch.max(outputs, 1)
    print("Predicted: ", " ".join(f"{classes[predicted[j]]:5s}" for j in range(4)))

    correct, total = 0, 0
    with torch.no_grad():
        for images, labels in testloader:
            outputs = net(images)
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    print(f"Accuracy of the network on the {total} test images: {100 * correct // total} %")

    correct_pred = {classname: 0 for classname in classes}
    total_pred = {classname: 0 for classname in classes}
    with torch.no_grad():
        for images, labels in testloader:
            _, predictions = torch.max(net(images), 1)
            for label, prediction in zip(labels, predictions):
                if label == prediction:
                    correct_pred[classes[label]] += 1
                total_pred[classes[label]] += 1
    for classname, correct_count in correct_pred.items():
        if total_pred[classname]:
            print(f"Accuracy for class: {classname:5s} is {100 * float(correct_count) / total_pred[classname]:.1f} %")

    device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
    print(device)
    net.to(device)
    inputs, labels = data[0].to(device), data[1].to(device)
    print(inputs.shape, labels)


def test_lenet_chapter_prints_what_torch_prints():
    assert_same_printout(lenet_chapter)


def test_cifar10_chapter_prints_what_torch_prints():
    assert_same_printout(cifar_chapter)
