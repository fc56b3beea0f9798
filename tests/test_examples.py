"""The lecture examples are plain scripts that run on torch once their imports are swapped back.

Each of 01, 02, 03 and 07 starts with ``import minitorch_cnn as torch`` and writes the torch import
it replaces in the comment of each import line. The test makes that swap (nothing else), runs both
scripts as subprocesses and compares what they print: the scripts start from fixed weights, so
every printed number must agree (losses to 4 decimals). Every example carries a ``Lecture §N``
header, in the lecture's order.
"""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES

ROOT = Path(__file__).resolve().parents[1]
PLAIN = ["01_linear_regression.py", "02_image_to_tensor.py", "03_simple_fcn.py", "07_conv2d_edges.py"]
# an import of ours, with its torch twin in the comment: `import minitorch_cnn as torch   # import torch`
SWAP = re.compile(r"^(?:import|from) minitorch_cnn\b[^#]*#\s*((?:import|from) [^#]+?)\s*$")


def torch_source(source: str) -> str:
    """``source`` with every minitorch_cnn import replaced by the torch import in its comment."""
    lines, swapped = [], 0
    for line in source.splitlines():
        m = SWAP.match(line)
        if m:
            line, swapped = m.group(1), swapped + 1
        lines.append(line)
    out = "\n".join(lines) + "\n"
    assert swapped, "no minitorch_cnn import with its torch twin in a comment"
    assert "minitorch_cnn" not in re.sub(r'""".*?"""', "", out, flags=re.S), "an import left unswapped"
    return out


def run(path: Path, *args: str) -> list[str]:
    proc = subprocess.run([sys.executable, str(path), *map(str, args)], capture_output=True, text=True,
                          timeout=180, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def both(name: str, tmp_path: Path) -> tuple[list[str], list[str]]:
    """What the example prints on minitorch_cnn and on torch (figure paths left out)."""
    pytest.importorskip("torch")
    theirs = tmp_path / f"torch_{name}"
    theirs.write_text(torch_source((EXAMPLES / name).read_text()))
    keep = lambda lines: [l for l in lines if not l.startswith("figure:")]  # noqa: E731
    return keep(run(EXAMPLES / name, tmp_path / "ours")), keep(run(theirs, tmp_path / "theirs"))


def first_statement(name: str) -> str:
    tree = ast.parse((EXAMPLES / name).read_text())
    body = [n for n in tree.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    return ast.unparse(body[0])


@pytest.mark.parametrize("name", PLAIN)
def test_plain_script_starts_with_the_import(name):
    assert first_statement(name) == "import minitorch_cnn as torch"
    assert "importlib" not in (EXAMPLES / name).read_text()


def test_every_example_has_a_lecture_header_in_order():
    sections = []
    for path in sorted(EXAMPLES.glob("[0-9][0-9]_*.py")):
        m = re.match(r'"""Lecture §(\d+)', path.read_text())
        assert m, f"{path.name}: no 'Lecture §N' header"
        sections.append(int(m.group(1)))
    assert sections == sorted(sections) and len(sections) >= 7, sections


def test_the_swap_changes_only_the_imports():
    src = (EXAMPLES / "03_simple_fcn.py").read_text()
    swapped = torch_source(src)
    assert "import torch\n" in swapped and "from torch.utils.data import DataLoader, TensorDataset" in swapped
    changed = [(a, b) for a, b in zip(src.splitlines(), swapped.splitlines()) if a != b]
    assert len(changed) == 4 and all(a.split("#")[0].strip().startswith(("import", "from")) for a, _ in changed)


LOSS = re.compile(r"^Epoch (\d+): loss=(\d+\.\d{4})$")


def test_01_prints_torchs_ten_losses(tmp_path):
    ours, theirs = both("01_linear_regression.py", tmp_path)
    assert ours == theirs
    losses = [float(m.group(2)) for m in map(LOSS.match, ours) if m]
    assert len(losses) == 10 and all(b < a for a, b in zip(losses, losses[1:]))     # it learns
    # the first loss is the start's, computed by hand: w=0.5, b=-0.3 on x = 1..4, y = 2x
    assert losses[0] == round(sum((0.5 * x - 0.3 - 2 * x) ** 2 for x in (1, 2, 3, 4)) / 4, 4)


def test_02_prints_torchs_shapes_and_values(tmp_path):
    ours, theirs = both("02_image_to_tensor.py", tmp_path)
    assert ours == theirs
    assert "permute(2, 0, 1) -> (3, 4, 4)" in ours and "unsqueeze(0)     -> (1, 3, 4, 4)" in ours
    red = next(l for l in ours if l.startswith("red channel:"))
    assert red.split(": ", 1)[1] == next(l for l in ours if l.startswith("channel 0 of it:")).split(": ", 1)[1]


def test_03_prints_torchs_losses_and_scores(tmp_path):
    ours, theirs = both("03_simple_fcn.py", tmp_path)
    assert ours == theirs
    losses = [float(m.group(2)) for m in map(LOSS.match, ours) if m]
    assert len(losses) == 2 and losses[1] < losses[0]
    assert "(predicted class 2, label 2)" in ours[-1]


def test_07_laplacian_conv_matches_numpy_and_torch(tmp_path):
    ours, theirs = both("07_conv2d_edges.py", tmp_path)
    assert ours == theirs
    assert "Conv2d equals the NumPy correlation (to 1e-5): True" in ours
    assert not any(l.endswith("False") for l in ours)
    assert "flat inside of the square: 0.0000" in ours[1]
    png = (tmp_path / "ours" / "laplacian_edges.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000
