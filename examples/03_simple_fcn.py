"""Lecture §3–5 — a DataLoader, a fully connected layer and cross-entropy: flatten 3×4×4 = 48 values,
Linear(48, 3), CrossEntropyLoss.

One toy image with label 2, served by a DataLoader in batches of one, trained for 2 epochs with
SGD. The model is the lecture's ``SimpleFCN`` class, written out here. Only the import lines differ
from torch's; swapped back, the script prints the same losses on PyTorch.

    python examples/03_simple_fcn.py
"""
import minitorch_cnn as torch                               # import torch
import minitorch_cnn.nn as nn                               # import torch.nn as nn
import minitorch_cnn.optim as optim                         # import torch.optim as optim
from minitorch_cnn.data import DataLoader, TensorDataset    # from torch.utils.data import DataLoader, TensorDataset

import numpy as np


class SimpleFCN(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(48, 3)          # 3×4×4 pixels → 3 class scores

    def forward(self, x):
        x = x.view(-1, 48)                  # (B, 3, 4, 4) → (B, 48)
        return self.fc(x)


rng = np.random.default_rng(0)
pixels = rng.integers(0, 256, size=(4, 4, 3), dtype=np.uint8)              # the toy image of §2
image = torch.from_numpy(pixels).permute(2, 0, 1).contiguous().float() / 255  # (3, 4, 4) in [0, 1]
label = 2
dataset = TensorDataset(image.unsqueeze(0), torch.tensor([label]))         # one sample
loader = DataLoader(dataset, batch_size=1, shuffle=False)

model = SimpleFCN()
with torch.no_grad():                   # fixed weights instead of random ones: the same start on any engine
    model.fc.weight[...] = torch.tensor(rng.uniform(-0.1, 0.1, size=(3, 48)), dtype=torch.float32)
    model.fc.bias[...] = torch.tensor([0.05, -0.02, 0.01])
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(model.parameters(), lr=0.01)

for epoch in range(2):
    for images, labels in loader:        # images: (1, 3, 4, 4), labels: (1,)
        optimizer.zero_grad()
        outputs = model(images)          # (1, 3) class scores
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        print(f"Epoch {epoch + 1}: loss={loss.item():.4f}")

with torch.no_grad():
    logits = model(image.unsqueeze(0))
print(f"scores after training: {[round(v, 4) for v in logits[0].tolist()]} "
      f"(predicted class {int(logits.argmax(dim=1).item())}, label {label})")
