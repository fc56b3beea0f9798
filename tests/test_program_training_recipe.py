"""A real program in the style of the CNN training scripts people write after the tutorials, in our own
words: a Conv-BatchNorm-ReLU stack kept in an ``nn.ModuleList``, ``model.apply`` for the initial biases,
Dropout, AdamW, ``clip_grad_norm_``, ``ReduceLROnPlateau`` on the validation loss, a train/validation
split with ``Subset`` over fixed indices, keeping the best weights with
``copy.deepcopy(model.state_dict())``, a checkpoint dict through ``torch.save``/``torch.load``, resuming
from it, and ``@torch.no_grad()`` / ``inference_mode`` evaluation. Same draws on both engines (torch's
initial weights, torch's dropout masks); every printed number compared.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest

from test_program_mnist_example import SameDropout
from tutorial_harness import assert_same_printout


def training_recipe(torch, nn, F, optim, DataLoader, same_init, images, labels, ckpt_path, **_):
    data = torch.utils.data.TensorDataset(torch.tensor(images), torch.tensor(labels))
    train_set = torch.utils.data.Subset(data, list(range(0, 96)))
    valid_set = torch.utils.data.Subset(data, list(range(96, 128)))
    train_loader = DataLoader(train_set, batch_size=24)
    valid_loader = DataLoader(valid_set, batch_size=32)

    class Net(nn.Module):
        def __init__(self, widths=(3, 8, 16), classes=4):
            super().__init__()
            self.blocks = nn.ModuleList()
            for c_in, c_out in zip(widths[:-1], widths[1:]):
                # no conv bias before BatchNorm (it would be subtracted again; its gradient is ~0, and Adam
                # would then move it by ±lr on float noise, differently on every engine)
                self.blocks.append(nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out),
                                                 nn.ReLU(), nn.MaxPool2d(2)))
            self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.3), nn.Linear(widths[-1] * 4 * 4, classes))

        def forward(self, x):
            for block in self.blocks:
                x = block(x)
            return self.head(x)

    def init_biases(m):
        if isinstance(m, (nn.Conv2d, nn.Linear)) and m.bias is not None:
            nn.init.zeros_(m.bias)

    model = same_init(Net())
    model.apply(init_biases)
    print(model)
    print(sum(p.numel() for p in model.parameters() if p.requires_grad), "trainable parameters")
    optimizer = optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-2)
    scheduler = optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=0)
    criterion = nn.CrossEntropyLoss()

    @torch.no_grad()
    def evaluate(loader):
        model.eval()
        total, correct, n = 0.0, 0, 0
        for x, y in loader:
            out = model(x)
            total += criterion(out, y).item() * len(y)
            correct += (out.argmax(dim=1) == y).sum().item()
            n += len(y)
        return total / n, correct / n

    def run_epochs(first, last, best):
        for epoch in range(first, last):
            model.train()
            for x, y in train_loader:
                optimizer.zero_grad()
                loss = criterion(model(x), y)
                loss.backward()
                norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
                optimizer.step()
            val_loss, val_acc = evaluate(valid_loader)
            scheduler.step(val_loss)
            print(f"epoch {epoch}: loss {loss.item():.4f} grad-norm {norm.item():.4f} val {val_loss:.4f} "
                  f"acc {val_acc:.3f} lr {optimizer.param_groups[0]['lr']:.5f}")
            if val_loss < best[0]:
                best = (val_loss, copy.deepcopy(model.state_dict()))
        return best

    best = run_epochs(0, 2, (float("inf"), None))
    torch.save({"epoch": 2, "model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "best_loss": best[0]}, ckpt_path)

    checkpoint = torch.load(ckpt_path, weights_only=True)
    model = same_init(Net())
    model.load_state_dict(checkpoint["model"])
    optimizer = optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-2)
    optimizer.load_state_dict(checkpoint["optimizer"])
    scheduler = optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=0)
    print("resumed at epoch", checkpoint["epoch"], f"best {checkpoint['best_loss']:.4f}")
    best = run_epochs(checkpoint["epoch"], 3, (checkpoint["best_loss"], best[1]))

    model.load_state_dict(best[1])
    with torch.inference_mode():
        model.eval()
        probs = F.softmax(model(torch.tensor(images[:4])), dim=1)
    print(probs)
    print(f"best validation loss {best[0]:.4f}", sorted(best[1].keys())[:3])


def test_training_recipe_prints_what_torch_prints(monkeypatch, tmp_path):
    rng = np.random.default_rng(7)
    labels = rng.integers(0, 4, 128)
    images = (rng.standard_normal((128, 3, 16, 16)) * 0.5 + labels[:, None, None, None] * 0.3).astype(np.float32)
    dropout = SameDropout(monkeypatch)
    assert_same_printout(training_recipe, images=images, labels=labels, ckpt_path=str(tmp_path / "ckpt.pt"))
    assert dropout.masks, "the dropout masks were shared"
