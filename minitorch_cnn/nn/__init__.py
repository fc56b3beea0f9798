"""Neural-network building blocks: Module, Parameter, layers, losses and init (torch.nn's names)."""
from .parameter import Parameter
from .module import Module, Sequential

__all__ = ["Parameter", "Module", "Sequential"]
