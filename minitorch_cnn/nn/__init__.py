"""Neural-network building blocks: Module, Parameter, layers, losses and init (torch.nn's names)."""
from .parameter import Parameter
from .module import Module, Sequential
from . import functional, init
from .linear import Linear
from .conv import Conv2d
from .pooling import MaxPool2d
from .activation import ReLU
from .flatten import Flatten, Unflatten
from .loss import CrossEntropyLoss, MSELoss, NLLLoss
from .bce import BCELoss, BCEWithLogitsLoss
from .elementwise import Identity, Sigmoid, Tanh
from .softmax import LogSoftmax, Softmax
from .normalization import BatchNorm1d, BatchNorm2d
from .dropout import Dropout, Dropout2d
from .relu_family import ELU, GELU, Hardtanh, LeakyReLU, ReLU6, SiLU, Softplus
from .regression_loss import HuberLoss, L1Loss, SmoothL1Loss
from .avg_pooling import AdaptiveAvgPool2d, AvgPool2d
from .containers import ModuleDict, ModuleList
from . import utils

__all__ = [
    "Parameter", "Module", "Sequential", "ModuleList", "ModuleDict",
    "functional", "init", "utils",
    "Linear", "Conv2d", "MaxPool2d", "ReLU", "Flatten", "Unflatten",
    "MSELoss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss",
    "Softmax", "LogSoftmax", "Sigmoid", "Tanh", "Identity",
    "BatchNorm1d", "BatchNorm2d", "Dropout", "Dropout2d",
    "LeakyReLU", "ELU", "GELU", "SiLU", "Hardtanh", "ReLU6", "Softplus", "L1Loss", "SmoothL1Loss", "HuberLoss", "AvgPool2d", "AdaptiveAvgPool2d",
]
