"""docs/torch-coverage.md is what scripts/torch_coverage.py writes today: when an API is added (or
removed), the table must be regenerated with ``python scripts/torch_coverage.py``."""
from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("torch_coverage", ROOT / "scripts" / "torch_coverage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_coverage_doc_is_fresh():
    cov = _script()
    assert (ROOT / "docs" / "torch-coverage.md").read_text() == cov.render(), (
        "docs/torch-coverage.md is stale: run `python scripts/torch_coverage.py` and commit the result")


def test_presence_is_decided_by_introspection():
    cov = _script()
    assert cov.present("minitorch_cnn.nn.functional.binary_cross_entropy_with_logits")
    assert cov.present("minitorch_cnn.utils.data.DataLoader") and cov.present("minitorch_cnn.Tensor.scatter_")
    assert not cov.present("minitorch_cnn.nn.functional.no_such_function")
    assert not cov.present("minitorch_cnn.no_such_module.thing")
    assert cov.ours("torchvision.transforms.ToTensor") == "minitorch_cnn.data.transforms.ToTensor"
    assert cov.ours("Tensor.add_") == "minitorch_cnn.Tensor.add_"
    names = [n for n, _ in cov.read_names()]
    assert len(names) == len(set(names)), "a name is listed twice in scripts/torch_names.txt"
    for needed in ("torch.nn.BCEWithLogitsLoss", "torch.accelerator.is_available", "Tensor.scatter_",
                   "torch.utils.data.DataLoader", "torchvision.transforms.Lambda"):
        assert needed in names


def test_check_mode_reports_a_stale_file(tmp_path, monkeypatch):
    cov = _script()
    stale = tmp_path / "torch-coverage.md"
    stale.write_text("old\n")
    monkeypatch.setattr(cov, "DOC", stale)
    assert cov.main(["--check"]) == 1
    assert cov.main([]) == 0 and cov.main(["--check"]) == 0
