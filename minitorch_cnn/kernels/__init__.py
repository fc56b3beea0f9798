"""Hot loops, each written twice with the same signature.

Convention: every kernel has a plain NumPy version that reads like the math (``im2col``,
``col2im``, ``max_pool2d_forward``, ``max_pool2d_backward``, …) and a ``@numba.njit(cache=True)``
twin with the same name plus ``_numba`` and the same arguments; the tests check that each pair
agrees. Layers pick one with :func:`minitorch_cnn._backend.use_numba`.

- ``im2col.py``  im2col / col2im: convolution as one matrix product (Conv2d forward and backward)
- ``pool.py``    max pooling forward (with argmax indices) and its backward scatter
- ``conv.py``    ``conv2d_naive``: the convolution as seven nested loops, the tests' oracle
- ``optim*.py``  fused optimizer updates (twins of the NumPy updates in ``optim/``)

Turning the JIT off, to step through a kernel in a debugger or read Python tracebacks:

- ``mt.set_backend("numpy")`` (or ``MINITORCH_CNN_BACKEND=numpy``) runs the NumPy versions;
- ``NUMBA_DISABLE_JIT=1`` runs the Numba twins themselves as plain (slow) Python.

Numba compiles a kernel on its first call for each dtype (float32, float64) and caches the machine
code next to the source (``cache=True``), so later runs start fast.
"""
