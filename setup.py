"""Which packages the wheel holds (everything else is in pyproject.toml).

``reference/`` (the torch twins) and ``benchmarks/`` stay top-level folders of the repository, where
students find them next to ``tests/``, yet a plain ``pip install .`` must ship them so that
``minitorch-cnn train --engine both`` and ``minitorch-cnn bench`` work from any folder. They are
installed inside the package's namespace, as ``minitorch_cnn.reference`` and
``minitorch_cnn.benchmarks``, rather than as top-level packages with such generic names. Neither is
imported by the engine itself: both import torch, and only the command's side-by-side mode and the
benchmark load them.

``_minitorch_cnn_launcher`` is the command's entry point: it imports the engine inside a ``try``, so a
Ctrl-C during the first second's imports is one line, not Python's traceback (see that module).
"""
from setuptools import find_packages, setup

SHIPPED_FOLDERS = {"minitorch_cnn.reference": "reference", "minitorch_cnn.benchmarks": "benchmarks"}

setup(
    packages=find_packages(include=["minitorch_cnn", "minitorch_cnn.*"]) + list(SHIPPED_FOLDERS),
    package_dir=SHIPPED_FOLDERS,
    py_modules=["_minitorch_cnn_launcher"],
)
