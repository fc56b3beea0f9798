"""``set_num_threads`` / ``get_num_threads``: how many threads the engine's parallel work may use.

torch's ``set_num_threads(n)`` sizes its one intra-op thread pool. Two pools do this engine's parallel
work, and ``set_num_threads(n)`` sizes both:

- **Numba's count**: the convolutions split a batch over ``numba.get_num_threads()`` Python threads,
  each running a compiled kernel (``kernels/direct_conv.py``, ``kernels/tiled_conv.py``). Numba's count
  cannot exceed the threads Numba started with (``NUMBA_NUM_THREADS``, by default the number of
  cores), so it gets ``min(n, NUMBA_NUM_THREADS)``. Numba keeps this setting per calling thread (its
  rule): call it in the thread that runs the model.
- **BLAS** (NumPy's OpenBLAS, and any other BLAS threadpoolctl finds loaded in the process, torch's
  included), which runs the large matrix products (``kernels/gemm.py``): n threads, when threadpoolctl
  is installed; without it the BLAS keeps its own count (``OPENBLAS_NUM_THREADS``).

``get_num_threads()`` is Numba's count for the calling thread: after ``set_num_threads(64)`` on a
2-core machine it is 2, where torch would answer 64. Both pools sized to n never oversubscribe n cores:
the engine runs a BLAS product and a Numba kernel one after the other, never at once.
"""
from __future__ import annotations

import numbers


def set_num_threads(n: int) -> None:
    """Use at most ``n`` threads for the convolutions' batch split and for BLAS (see the module docstring)."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError(f"set_num_threads expects a positive integer, got {n}")
    import numba  # here, not at import: `import minitorch_cnn` stays fast

    from .kernels.gemm import blas_controllers

    numba.set_num_threads(min(int(n), numba.config.NUMBA_NUM_THREADS))
    for controller in blas_controllers():
        controller.set_num_threads(int(n))


def get_num_threads() -> int:
    """Numba's thread count in the calling thread (at most ``NUMBA_NUM_THREADS``)."""
    import numba

    return int(numba.get_num_threads())
