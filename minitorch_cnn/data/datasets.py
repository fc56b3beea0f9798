"""The datasets under the name torch programs import them by: ``from torchvision import datasets``
becomes ``from minitorch_cnn.data import datasets``, and ``datasets.FashionMNIST(root="data",
train=True, download=True, transform=ToTensor(), target_transform=...)`` runs unchanged."""
from .dataset import Dataset, TensorDataset
from .fashion_mnist import FashionMNIST

__all__ = ["FashionMNIST", "Dataset", "TensorDataset"]
