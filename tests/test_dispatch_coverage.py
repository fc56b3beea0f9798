"""Every path of every dispatch point is forced and compared with torch by some test.

``kernels/dispatch.py`` lists every point's paths in ``PATHS``. ``FORCED_VS_TORCH`` below names, for
each point, the test that runs each path under ``dispatch.force_path`` against torch; that test is
parametrized over the live ``PATHS[point]`` tuple, so a path added to ``PATHS`` runs there at once
(and fails there if it cannot handle the test's calls). This check fails when

* a dispatch point is added (or renamed) without an entry here, or
* the named test no longer iterates exactly ``PATHS[point]``, or no longer forces that point.
"""
from __future__ import annotations

import importlib
import inspect

import pytest

from minitorch_cnn.kernels import dispatch

#: point → (test module, test function, the parametrize argument that carries the path)
FORCED_VS_TORCH = {
    "conv2d": ("test_dispatch", "test_conv2d_every_path_forced_equals_torch", "path"),
    "max_pool2d": ("test_dispatch", "test_max_pool2d_every_path_forced_equals_torch", "path"),
    "softmax_cross_entropy": ("test_dispatch", "test_softmax_cross_entropy_every_path_forced_equals_torch", "path"),
    # (backend, path) engines: the NumPy update, then the Numba twin forced to each build
    "optimizer_update": ("test_optim_parity", "test_trajectory_matches_torch", "engine"),
}


def test_every_dispatch_point_has_a_forced_path_test():
    assert set(FORCED_VS_TORCH) == set(dispatch.PATHS), (
        f"dispatch points without a forced-path test against torch: {sorted(set(dispatch.PATHS) - set(FORCED_VS_TORCH))}; "
        f"entries for points that no longer exist: {sorted(set(FORCED_VS_TORCH) - set(dispatch.PATHS))}")


def _parametrized_values(func, argname):
    for mark in getattr(func, "pytestmark", []):
        if mark.name == "parametrize" and mark.args[0] == argname:
            return list(mark.args[1])
    raise AssertionError(f"{func.__name__} is not parametrized over {argname!r}")


@pytest.mark.parametrize("point", sorted(FORCED_VS_TORCH))
def test_forced_path_test_runs_every_path_of_its_point(point):
    module_name, test_name, argname = FORCED_VS_TORCH[point]
    module = importlib.import_module(module_name)
    values = _parametrized_values(getattr(module, test_name), argname)
    if argname == "engine":
        paths = [path for _backend, path in values if path is not None]
    else:
        paths = values
    assert sorted(paths) == sorted(dispatch.PATHS[point]), (
        f"{module_name}.{test_name} runs {point} paths {paths}, dispatch.PATHS lists {dispatch.PATHS[point]}")
    assert f'force_path("{point}"' in inspect.getsource(module), f"{module_name} never forces {point!r}"
