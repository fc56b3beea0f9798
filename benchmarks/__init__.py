"""Timings of minitorch_cnn (NumPy and Numba backends) against torch, same shapes, same thread count.

Run ``minitorch-cnn bench --rows all`` (or ``python -m benchmarks --rows all``); see ``bench.py``.
This package may import torch; the engine never does.
"""
from .bench import main

__all__ = ["main"]
