#!/usr/bin/env python3
"""Rebuild minitorch_cnn/data/fashion_mnist_mini.npz, the small Fashion-MNIST subset shipped in the package.

From the official files (found like ``FashionMNIST`` finds them, e.g. Debian's
/usr/share/datasets/fashion-mnist), take per class, without replacement, 200 training and 50 test
images with ``numpy.random.default_rng(SEED)``, and keep them in their official order. The npz holds

    train_images uint8 (2000, 28, 28)   train_labels uint8 (2000,)   train_indices int64 (2000,)
    test_images  uint8 (500, 28, 28)    test_labels  uint8 (500,)    test_indices  int64 (500,)

where ``*_indices`` are the positions in the official split. It is written like
``np.savez_compressed`` but with fixed zip timestamps, so the same input gives the same bytes; the
printed sha256 goes into ``MINI_SHA256`` in minitorch_cnn/data/fashion_mnist.py.

    python scripts/make_mini_fashion_mnist.py            # write the npz, print its sha256
    python scripts/make_mini_fashion_mnist.py --check    # compare the shipped npz with a rebuild
"""
from __future__ import annotations

import argparse
import hashlib
import io
import sys
import zipfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from minitorch_cnn.data import fashion_mnist as fm  # noqa: E402

SEED = 2017
PER_CLASS = {"train": 200, "test": 50}


def select(labels: np.ndarray, per_class: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted indices of ``per_class`` samples of every class, drawn without replacement."""
    picked = [rng.choice(np.flatnonzero(labels == c), size=per_class, replace=False)
              for c in range(len(fm.CLASSES))]
    return np.sort(np.concatenate(picked)).astype(np.int64)


def build(root: str | None = None) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(SEED)
    arrays = {}
    for split, train in (("train", True), ("test", False)):
        images, labels = fm.load_split(*fm.locate(root, train), verify=True)
        idx = select(labels, PER_CLASS[split], rng)
        arrays[f"{split}_images"] = images[idx]
        arrays[f"{split}_labels"] = labels[idx].astype(np.uint8)
        arrays[f"{split}_indices"] = idx
    return arrays


def save_npz_deterministic(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """``np.savez_compressed`` with a fixed timestamp per member, written atomically."""
    tmp = path.with_suffix(".npz.part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, arr in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arr), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue(), compresslevel=9)
    tmp.replace(path)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", help="directory holding the official IDX files (default: search as FashionMNIST does)")
    ap.add_argument("--out", type=Path, default=fm.MINI_PATH)
    ap.add_argument("--check", action="store_true", help="only compare the existing npz with a rebuild")
    args = ap.parse_args(argv)

    arrays = build(args.root)
    if args.check:
        with np.load(args.out, allow_pickle=False) as z:
            bad = [k for k, v in arrays.items() if k not in z or not np.array_equal(z[k], v)]
        print(f"{args.out}: " + ("matches a rebuild" if not bad else f"differs from a rebuild in {bad}"))
        return 1 if bad else 0
    save_npz_deterministic(args.out, arrays)
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)")
    print(f'MINI_SHA256 = "{digest}"')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
