"""PyTorch twins of the engine, for parity tests, benchmarks and the CLI's side-by-side mode.

This package imports torch; the engine (``minitorch_cnn``) never imports it. Submodules:
``models`` (torch versions of the lecture's models, same parameter names), ``weights`` (copy
weights between the engines by name), ``device`` (CUDA when torch sees one, else CPU) and
``optimizers`` (Lion and LAMB as ``torch.optim.Optimizer`` subclasses).

Each submodule is imported on its own, so a missing or broken one only fails where it is used.
"""
import importlib as _importlib

__all__ = []
for _name in ("models", "weights", "device", "optimizers"):
    try:
        globals()[_name] = _importlib.import_module(f".{_name}", __name__)
        __all__.append(_name)
    except ImportError as _exc:  # e.g. torch missing; `from reference import x` then says why
        if getattr(_exc, "name", None) in (f"{__name__}.{_name}",):
            continue
        raise
