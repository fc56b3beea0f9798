"""How every kernel is compiled: ``kernel(**options)`` = ``numba.njit(cache=True,
no_cfunc_wrapper=True, **options)``.

Numba compiles a function on its first call for each argument signature and stores the machine code
(``cache=True``, see ``_cache.py``); with an empty cache the first training step of a run pays every
compile (the ``cold`` row of ``minitorch-cnn bench``; ``docs/architecture.md``, "Cold start").
Besides the function itself Numba builds, by default, two wrappers for each one: a CPython wrapper,
which unboxes Python arguments so that Python can call it, and a C-callable "cfunc" wrapper, used only
when a compiled function is passed around as a first-class function value. None of our kernels is,
so they are built without the second (``no_cfunc_wrapper=True``). Neither wrapper is part of the
compiled loop: the kernels run the same machine code.

Measured on one 4-D scatter loop (``kernels/pool.py``'s ``_max_pool_scatter``; CPU time of its first
compile, alternated in one process): 0.25–0.32 s with both wrappers, 0.22 s without the cfunc one.
Dropping the CPython wrapper too (0.17–0.23 s) is not done even for functions that only other kernels
call: such a function, called from Python by mistake, crashes the interpreter (segmentation fault)
instead of raising.
"""
from __future__ import annotations

import numba


def kernel(**options):
    """``numba.njit(cache=True, no_cfunc_wrapper=True, **options)``."""
    return numba.njit(cache=True, no_cfunc_wrapper=True, **options)
