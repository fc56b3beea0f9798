"""Learn the Basics, "Datasets & DataLoaders" and "Transforms", in our own words: FashionMNIST with
(root, train, download, transform, target_transform), indexing a dataset, a custom Dataset subclass,
a DataLoader with batch_size and shuffle (the torch.utils.data attribute path), ToTensor and a Lambda
one-hot target built with zeros(...).scatter_(0, tensor(y), value=1). The torch run uses real torch
with torchvision stand-ins (tutorial_harness); the full Fashion-MNIST comes from the system folder."""
from __future__ import annotations

import numpy as np
import pytest

import minitorch_cnn as mt
from tutorial_harness import FASHION_DIR, assert_same_printout, run_chapter

needs_data = pytest.mark.skipif(not (FASHION_DIR / "t10k-labels-idx1-ubyte.gz").exists(),
                                reason="the full Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")


def data_chapter(torch, datasets, DataLoader, Dataset, ToTensor, Lambda, same_draws, shuffle, **_):
    test_data = datasets.FashionMNIST(root="data", train=False, download=True, transform=ToTensor())
    print(len(test_data))
    labels_map = {0: "T-Shirt", 1: "Trouser", 2: "Pullover", 3: "Dress", 4: "Coat", 5: "Sandal", 6: "Shirt",
                  7: "Sneaker", 8: "Bag", 9: "Ankle Boot"}
    picks = same_draws(torch.zeros(4)) * len(test_data)   # stands for torch.randint(len(data), size=(1,))
    assert torch.randint(len(test_data), size=(1,)).item() < len(test_data)
    for idx in picks.long():
        img, label = test_data[idx.item()]
        print(labels_map[label], img.shape, img.dtype, img.squeeze().shape, f"{img.sum():.3f}", img.max())

    class Pairs(Dataset):  # a custom Dataset: __init__, __len__, __getitem__
        def __init__(self, base, transform=None, target_transform=None):
            self.base, self.transform, self.target_transform = base, transform, target_transform

        def __len__(self):
            return 300

        def __getitem__(self, i):
            image, label = self.base[i]
            if self.transform:
                image = self.transform(image)
            if self.target_transform:
                label = self.target_transform(label)
            return image, label

    one_hot = Lambda(lambda y: torch.zeros(10, dtype=torch.float).scatter_(0, torch.tensor(y), value=1))
    pairs = Pairs(test_data, transform=lambda x: x * 2 - 1, target_transform=one_hot)
    x0, y0 = pairs[0]
    print(y0, x0.min(), x0.max())

    loader = DataLoader(pairs, batch_size=64, shuffle=shuffle)
    features, labels = next(iter(loader))
    print(f"Feature batch shape: {features.size()}")
    print(f"Labels batch shape: {labels.size()}")
    print(f"Label: {labels[0]}")
    if not shuffle:   # the two engines shuffle with different generators: compare contents only in order
        print(features[0].squeeze()[10:14, 10:14], labels.sum(0))
    print(len(loader), sum(len(y) for _, y in loader))
    return features.shape


@needs_data
def test_data_chapter_prints_what_torch_prints():
    assert_same_printout(data_chapter, shuffle=False)


@needs_data
def test_shuffled_loader_gives_the_same_shapes():
    ours, theirs, results = run_chapter(data_chapter, shuffle=True)
    assert tuple(results["ours"]) == tuple(results["torch"]) == (64, 1, 28, 28)
    assert ours.splitlines()[-1] == theirs.splitlines()[-1]   # every sample once per epoch


def test_fashion_mnist_keeps_torchvision_signature():
    """Positional order and keywords of torchvision's FashionMNIST(root, train, transform,
    target_transform, download); the mini subset needs no files."""
    ds = mt.data.datasets.FashionMNIST("data", False, mt.data.transforms.ToTensor(), lambda y: y + 100,
                                       subset="mini")
    x, y = ds[0]
    assert x.shape == (1, 28, 28) and x.dtype == mt.float32 and 0 <= x.min().item() <= x.max().item() <= 1
    assert y >= 100


def test_to_tensor_follows_torchvision():
    """uint8 → default float / 255, C×H×W; a 2-D image gains a channel; other dtypes keep their values."""
    import torch

    from tutorial_harness import TorchToTensor

    rng = np.random.default_rng(0)
    for a in (rng.integers(0, 256, (5, 4, 3), dtype=np.uint8), rng.integers(0, 256, (5, 4), dtype=np.uint8),
              rng.standard_normal((2, 3, 1)), rng.integers(-5, 5, (2, 2, 2)).astype(np.int32)):
        ours, theirs = mt.data.transforms.ToTensor()(a), TorchToTensor()(a)
        assert ours.dtype == np.dtype(str(theirs.dtype).replace("torch.", ""))
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert isinstance(mt.data.transforms.ToTensor()(np.zeros((2, 2, 1), np.uint8)), mt.Tensor)
    with pytest.raises(TypeError, match="PIL Image or ndarray"):
        mt.data.transforms.ToTensor()(mt.zeros(1, 2, 2))
    with pytest.raises(ValueError, match="2/3 dimensional"):
        mt.data.transforms.ToTensor()(np.zeros((1, 2, 2, 1), np.uint8))
    with pytest.raises(TypeError, match="callable"):
        mt.data.transforms.Lambda(3)
    assert torch is not None


def test_utils_data_is_an_attribute_path():
    import minitorch_cnn as torch_like
    from minitorch_cnn.utils.data import DataLoader, Dataset, TensorDataset

    assert torch_like.utils.data.DataLoader is DataLoader is mt.data.DataLoader
    assert Dataset is mt.data.Dataset and TensorDataset is mt.data.TensorDataset
