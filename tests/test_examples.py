"""The lecture examples run, and print the same numbers as the same code on torch.

Each example is a ``main(engine=...)`` whose body is the lecture's code; running it with
``engine="torch"`` swaps only the module imported as ``torch``. Example 01 is also run as a script
(subprocess) on both engines from the same initial w, b, and its printed lines are compared.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import minitorch_cnn as mt
from minitorch_cnn.models import SimpleFCN
from conftest import EXAMPLES, load_example, tol

ROOT = Path(__file__).resolve().parents[1]


load = load_example


def run_script(name: str, *args: str) -> list[str]:
    proc = subprocess.run([sys.executable, str(EXAMPLES / name), *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


LOSS_LINE = re.compile(r"^Epoch (\d+): loss=(-?\d+\.\d{4})$")


def loss_lines(lines):
    return [m.groups() for m in map(LOSS_LINE.match, lines) if m]


def test_01_script_prints_torchs_ten_losses():
    ours = run_script("01_linear_regression.py", "--w", "0.5", "--b", "-0.3")
    theirs = run_script("01_linear_regression.py", "--w", "0.5", "--b", "-0.3", "--engine", "torch")
    assert len(loss_lines(theirs)) == 10
    assert loss_lines(ours) == loss_lines(theirs)          # the same ten losses to 4 decimals
    assert [l for l in ours if l.startswith("learned")] == [l for l in theirs if l.startswith("learned")]


@pytest.mark.parametrize("w0,b0,lr", [(0.0, 0.0, 0.01), (-1.3, 2.2, 0.05), (3.0, -0.5, 0.001)])
def test_01_main_matches_torch_from_same_start(w0, b0, lr):
    ex = load("01_linear_regression.py")
    ours = ex.main("minitorch", w0, b0, lr=lr, print_fn=lambda s: None)
    theirs = ex.main("torch", w0, b0, lr=lr, print_fn=lambda s: None)
    np.testing.assert_allclose(ours["losses"], theirs["losses"], rtol=1e-5)
    np.testing.assert_allclose([ours["w"], ours["b"]], [theirs["w"], theirs["b"]], rtol=1e-5, atol=1e-6)
    assert ours["losses"][-1] < ours["losses"][0]           # it learns


def test_02_image_to_tensor_shapes_and_values():
    ex = load("02_image_to_tensor.py")
    lines = []
    ours = ex.main("minitorch", print_fn=lines.append)
    theirs = ex.main("torch", print_fn=lambda s: None)
    hwc = ours["hwc"]
    assert hwc.shape == (4, 4, 3) and hwc.dtype == np.uint8
    for key in ("chw", "batch", "scaled"):
        assert ours[key].shape == theirs[key].shape and ours[key].dtype == theirs[key].dtype, key
    np.testing.assert_array_equal(ours["chw"], theirs["chw"])
    np.testing.assert_array_equal(ours["batch"], theirs["batch"])
    # ToDtype(scale=True) multiplies by 1/255 (torchvision's way); torch without torchvision divides
    np.testing.assert_allclose(ours["scaled"], theirs["scaled"], **tol(np.float32))
    assert ours["chw"].shape == (3, 4, 4) and ours["batch"].shape == (1, 3, 4, 4)
    np.testing.assert_array_equal(ours["chw_toimage"], ours["chw"])      # ToImage == permute(2, 0, 1)
    np.testing.assert_array_equal(ours["chw"][1], hwc[:, :, 1])          # channel c is hwc[..., c]
    np.testing.assert_allclose(ours["scaled"][0], hwc.transpose(2, 0, 1) / 255, rtol=1e-6)
    assert "unsqueeze(0)     -> (1, 3, 4, 4)" in lines


def test_03_simple_fcn_losses_match_torch_from_same_weights():
    ex = load("03_simple_fcn.py")
    mt.manual_seed(3)
    weights = SimpleFCN(48, 3).state_dict()
    ours_lines, theirs_lines = [], []
    ours = ex.main("minitorch", weights=weights, print_fn=ours_lines.append)
    theirs = ex.main("torch", weights=weights, print_fn=theirs_lines.append)
    assert len(loss_lines(ours_lines)) == 2
    assert loss_lines(ours_lines) == loss_lines(theirs_lines)
    np.testing.assert_allclose(ours["losses"], theirs["losses"], rtol=1e-5)
    np.testing.assert_allclose(ours["logits"], theirs["logits"], rtol=1e-5, atol=1e-6)
    assert ours["losses"][1] < ours["losses"][0]


def test_04_conv2d_edges_match_numpy_torch_and_opencv(tmp_path):
    ex = load("04_conv2d_edges.py")
    ours = ex.main("minitorch", out=str(tmp_path), print_fn=lambda s: None)
    theirs = ex.main("torch", out=None, print_fn=lambda s: None)
    assert ours["conv"].shape == ours["image"].shape[:2]
    np.testing.assert_allclose(ours["conv"], ours["numpy"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours["conv"], theirs["conv"], rtol=1e-5, atol=1e-6)
    assert np.abs(ours["conv"][1:3, 1:3]).max() < 1e-6  # a flat patch of background gives 0
    assert np.abs(ours["conv"]).max() > 0.5  # edges respond
    assert Path(ours["figure"]).is_file() and Path(ours["figure"]).stat().st_size > 1000
    try:
        import cv2  # noqa: F401 - optional oracle
    except ImportError:
        assert ours["opencv"] is None
    else:
        np.testing.assert_allclose(ours["conv"], ours["opencv"], rtol=1e-5, atol=1e-6)


def test_04_numpy_reference_is_a_correlation():
    """The NumPy oracle itself, on a one-hot image: correlation places the kernel as is (flipped for
    convolution), so an off-centre kernel tells the two apart."""
    ex = load("04_conv2d_edges.py")
    x = np.zeros((5, 5))
    x[2, 2] = 1.0
    k = np.arange(9.0).reshape(3, 3)
    np.testing.assert_array_equal(ex.correlate2d_zero(x, k)[1:4, 1:4], k[::-1, ::-1])
