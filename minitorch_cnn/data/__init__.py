"""Data loading, mirroring ``torch.utils.data`` and ``torchvision``: datasets, the DataLoader,
image transforms and Fashion-MNIST (full official files, or a small subset shipped in the package)."""
from . import datasets, transforms
from .dataloader import DataLoader, default_collate, default_convert
from .dataset import ConcatDataset, Dataset, Subset, TensorDataset, random_split
from .fashion_mnist import FashionMNIST, describe_data, load_fashion_mnist
from .idx import read_idx, write_idx
from .sampler import RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler

__all__ = ["DataLoader", "Dataset", "Subset", "TensorDataset", "ConcatDataset", "random_split",
           "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "FashionMNIST", "transforms", "datasets", "default_collate", "default_convert",
           "load_fashion_mnist", "describe_data", "read_idx", "write_idx"]
