"""Hot loops, each written twice with the same signature.

Convention: every kernel has a plain NumPy version that reads like the math (``im2col``,
``col2im``, ``max_pool2d_forward``, ``max_pool2d_backward``, …) and a ``@numba.njit(cache=True)``
twin with the same name plus ``_numba`` and the same arguments; the tests check that each pair
agrees. Layers pick the twin with :func:`minitorch_cnn._backend.use_numba`; where a layer has more
than one algorithm, ``dispatch.py`` chooses which (never depending on the backend).

- ``dispatch.py``       which path runs at every dispatch point (``PATHS``, a chooser each, ``force_path``)
- ``jit.py``            ``kernel``: how every twin is compiled (``numba.njit(cache=True, no_cfunc_wrapper=True)``)
- ``conv_geometry.py``  ``Conv2dGeometry``: one convolution's shapes, stride, padding, dilation, groups
- ``im2col.py``         im2col / col2im, and the im2col conv path (matrix products over the columns)
- ``direct_conv.py``    the direct conv path (sums over shifted slices, no im2col): 1–3-channel first layers
- ``conv.py``           ``conv2d_naive``: the convolution as seven nested loops, the tests' oracle
- ``pool.py``           max pooling forward (with argmax indices, a 2×2 pair too) and its backward scatter
- ``activation.py``     ReLU forward and backward
- ``softmax_ce.py``     softmax cross-entropy with class-index targets, forward and backward
- ``gemm.py``           ``matmul``: the Linear layer's products, small ones on one BLAS thread (no twin: it is
                        ``np.matmul``; it only keeps OpenBLAS's idle threads from spinning on the cores)
- ``optim_kernels.py``  fused optimizer updates, ``<name>_update_numba`` (twins of the NumPy updates in ``optim/``)
- ``optim_kernels_multipass.py``  the same for LAMB and Adafactor, which need whole-tensor norms first
- ``optim_scalars.py``  the per-step scalar formulas both optimizer twins share (plain Python)

Turning the JIT off, to step through a kernel in a debugger or read Python tracebacks:

- ``mt.set_backend("numpy")`` (or ``MINITORCH_CNN_BACKEND=numpy``) runs the NumPy versions;
- ``NUMBA_DISABLE_JIT=1`` runs the Numba twins themselves as plain (slow) Python.

Numba compiles a kernel on its first call for each dtype (float32, float64) and caches the machine
code (``cache=True``) in a per-user folder, never inside the installed package, so later runs
start fast: ``~/.cache/minitorch_cnn/numba`` (or ``$XDG_CACHE_HOME/…``), moved with
``MINITORCH_CNN_CACHE_DIR``; Numba's own ``NUMBA_CACHE_DIR`` wins when set (see ``_cache.py``).
"""


def _keep_freed_memory() -> None:
    """Let glibc's malloc reuse freed big blocks instead of returning them to the OS.

    Every training step allocates and frees the same few megabyte-sized arrays (im2col columns,
    activations, gradients). By default glibc serves such blocks with a fresh ``mmap`` and unmaps
    them on free, so each step pays a page fault (and the kernel zeroing the page) for every 4 KiB
    touched: measured 2.2× on Conv2d(16→32) forward+backward at batch 64 (7.7 ms → 3.5 ms, one
    thread). Raising the mmap threshold (to its 32 MiB maximum) and the trim threshold keeps
    those blocks in the heap for reuse; the process keeps its peak heap size instead of shrinking.
    Linux/glibc only; ``MINITORCH_CNN_MALLOC_TUNING=0`` turns it off.
    """
    import ctypes
    import os
    import sys

    if os.environ.get("MINITORCH_CNN_MALLOC_TUNING", "1") == "0" or not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3  # <malloc.h>
        libc.mallopt(m_mmap_threshold, 32 * 1024 * 1024)
        libc.mallopt(m_trim_threshold, 1024 * 1024 * 1024)
    except (OSError, AttributeError):  # not glibc (musl, …): leave malloc alone
        pass


_keep_freed_memory()
