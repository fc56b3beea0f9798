"""Lecture §1 — the training loop: learn y = 2x with nn.Linear, MSELoss and SGD.

Only the import lines differ from the lecture's PyTorch code (each shows its torch twin in its
comment); with them swapped back, this script runs on PyTorch and prints the same ten losses.

    python examples/01_linear_regression.py
"""
import minitorch_cnn as torch                  # import torch
import minitorch_cnn.nn as nn                  # import torch.nn as nn
import minitorch_cnn.optim as optim            # import torch.optim as optim

x = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
y = torch.tensor([[2.0], [4.0], [6.0], [8.0]])

model = nn.Linear(1, 1)
with torch.no_grad():                # a fixed start (not a random one), so every engine prints the same
    model.weight.fill_(0.5)
    model.bias.fill_(-0.3)
criterion = nn.MSELoss()
optimizer = optim.SGD(model.parameters(), lr=0.01)

for epoch in range(10):
    optimizer.zero_grad()            # gradients accumulate until zeroed
    output = model(x)                # forward: w·x + b
    loss = criterion(output, y)      # mean squared error
    loss.backward()                  # d loss / d w, d loss / d b
    optimizer.step()                 # w -= lr · dw, b -= lr · db
    print(f"Epoch {epoch + 1}: loss={loss.item():.4f}")

print(f"learned w={model.weight.item():.4f}, b={model.bias.item():.4f}  (target: w=2, b=0)")
