"""Small matrix products on one BLAS thread: ``matmul(a, b)`` is ``np.matmul(a, b)``, with NumPy's
BLAS (OpenBLAS) held to one thread for the call when the product is small.

Why: OpenBLAS splits a product over its threads from m·k·n ≈ 2.6·10⁵ multiply-adds on, and after
each product its worker threads keep spinning, waiting for the next, for a while. Between two
small GEMMs the engine runs other work on the same cores — the convolutions split their batch over
Python threads (``direct_conv._in_parallel``) — and the spinning workers take those cores from it.
The Linear layer of the lecture's SimpleCNN (64 × 1568 by 1568 × 10, 1.0·10⁶ multiply-adds, three
products per step) is such a product: too small to gain from a second thread, large enough to start
one. Held to one thread around each call, OpenBLAS never wakes its workers.

Measured on the shared 2-core machine (load 4.5–5, so the effect is larger than on a quiet one),
SimpleCNN Adam step, Numba 2 threads, BLAS 2 threads, ours only, alternating in one process
(``/work/notes3/ce_scripts/blas_ab.py`` in the session notes): 76 ms as before, 25 ms with the
Linear's products on one thread — the same as BLAS capped at 1 thread for the whole step (25 ms).
Products from ``SMALL_GEMM`` multiply-adds on keep every BLAS thread.

The cap is set through threadpoolctl's controller for each loaded BLAS (NumPy's; torch's too when
loaded: restored right after), found once; without threadpoolctl installed ``matmul`` is plain
``np.matmul``. Setting a BLAS's thread count is process-wide: two Python threads running products
through OpenBLAS at the same moment would see each other's cap (the engine's own threads never do).
"""
from __future__ import annotations

import numpy as np

#: products of fewer multiply-adds (m·k·n) than this run on one BLAS thread
SMALL_GEMM = 1 << 23

_controllers: list | None = None  # threadpoolctl's controller of each loaded BLAS, found on first use


def blas_controllers() -> list:
    """threadpoolctl's controllers of the loaded BLAS libraries ([] without threadpoolctl)."""
    global _controllers
    if _controllers is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            _controllers = []
        else:
            _controllers = [c for c in ThreadpoolController().lib_controllers if c.user_api == "blas"]
    return _controllers


def on_one_blas_thread(fn, *args):
    """``fn(*args)`` with every BLAS that has more than one thread held to one, restored after."""
    capped = []
    try:
        for c in blas_controllers():
            n = c.get_num_threads()
            if n is not None and n > 1:
                c.set_num_threads(1)
                capped.append((c, n))
        return fn(*args)
    finally:
        for c, n in capped:
            c.set_num_threads(n)


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.matmul(a, b)`` of 2-D arrays (m, k) and (k, n); on one BLAS thread when m·k·n < SMALL_GEMM."""
    if a.shape[0] * a.shape[1] * b.shape[1] < SMALL_GEMM:
        return on_one_blas_thread(np.matmul, a, b)
    return np.matmul(a, b)
