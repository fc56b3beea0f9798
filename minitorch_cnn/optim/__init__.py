"""Optimizers (torch 2.13's API) and learning-rate schedulers.

Each algorithm family lives in its own file: a small class that validates hyperparameters and fills
``defaults``, plus one readable NumPy update function with numbered math lines.  The fused Numba twin
of each update is in :mod:`minitorch_cnn.kernels.optim_kernels`; ``mt.set_backend`` picks one.
"""
from . import lr_scheduler
from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .lamb import LAMB
from .lion import Lion
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .sgd import NAG, SGD, Momentum

__all__ = ["Optimizer", "SGD", "Momentum", "NAG", "Adagrad", "RMSprop", "Adam", "AdamW", "Adadelta", "NAdam",
           "RAdam", "Adafactor", "Lion", "LAMB", "lr_scheduler"]
