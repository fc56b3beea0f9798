"""``kernels/gemm.py``: the Linear layer's products, held to one BLAS thread when small.

The cap must be in force during a small product, absent during a large one, and undone after
either (also when the product raises); without threadpoolctl, ``matmul`` is plain ``np.matmul``.
The values themselves are the Linear parity tests' business (tests/test_layers.py, vs torch)."""
from __future__ import annotations

import numpy as np
import pytest

threadpoolctl = pytest.importorskip("threadpoolctl")

from minitorch_cnn.kernels import gemm  # noqa: E402


@pytest.fixture
def two_blas_threads():
    """BLAS at 2 threads for the test (whatever the machine's cores), restored after."""
    libs = gemm.blas_controllers()
    if not libs:
        pytest.skip("no BLAS library found by threadpoolctl")
    before = [c.get_num_threads() for c in libs]
    for c in libs:
        c.set_num_threads(2)
    yield libs
    for c, n in zip(libs, before):
        c.set_num_threads(n)


def _blas_threads_seen(libs):
    return [c.get_num_threads() for c in libs]


def test_a_small_product_runs_on_one_blas_thread_and_the_cap_is_undone(two_blas_threads, monkeypatch):
    seen = []
    real = np.matmul

    def spy(a, b):
        seen.append(_blas_threads_seen(two_blas_threads))
        return real(a, b)

    monkeypatch.setattr(gemm.np, "matmul", spy)
    a, b = np.ones((64, 1568), np.float32), np.ones((1568, 10), np.float32)  # SimpleCNN's Linear
    np.testing.assert_array_equal(gemm.matmul(a, b), real(a, b))
    assert seen == [[1] * len(two_blas_threads)]
    assert _blas_threads_seen(two_blas_threads) == [2] * len(two_blas_threads)


def test_a_large_product_keeps_every_blas_thread(two_blas_threads, monkeypatch):
    seen = []
    real = np.matmul
    monkeypatch.setattr(gemm.np, "matmul", lambda a, b: seen.append(_blas_threads_seen(two_blas_threads)) or real(a, b))
    monkeypatch.setattr(gemm, "SMALL_GEMM", 1000)
    gemm.matmul(np.ones((10, 10)), np.ones((10, 10)))  # 1000 multiply-adds: not below SMALL_GEMM
    assert seen == [[2] * len(two_blas_threads)]


def test_the_cap_is_undone_when_the_product_raises(two_blas_threads):
    with pytest.raises(ValueError):
        gemm.matmul(np.ones((3, 4)), np.ones((5, 2)))  # k = 4 vs 5: NumPy's own shape error
    assert _blas_threads_seen(two_blas_threads) == [2] * len(two_blas_threads)


def test_without_threadpoolctl_matmul_is_plain_matmul(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # "import threadpoolctl" raises ImportError
    monkeypatch.setattr(gemm, "_controllers", None)          # not looked up yet
    assert gemm.blas_controllers() == []
    a, b = np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(gemm.matmul(a, b), a @ b)
