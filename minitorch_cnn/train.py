"""Moved to the package :mod:`minitorch_cnn.training`; this name is kept so old imports keep working."""
from .training import *  # noqa: F401,F403
from .training import __all__  # noqa: F401
