"""Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, Zalando Research): 70,000 28×28 grayscale clothing images.

Two sources:

* **full** — the four official IDX files (60,000 training + 10,000 test images), searched for in
  ``root``, ``$MINITORCH_CNN_DATA``, ``~/.cache/minitorch_cnn/fashion-mnist`` and
  ``/usr/share/datasets/fashion-mnist`` (Debian's ``dataset-fashion-mnist`` package), or fetched
  from Zalando with ``download=True``.
* **mini** — a stratified subset shipped inside the package (``fashion_mnist_mini.npz``: 2,000
  training images, 200 per class, and 500 test images, 50 per class), so examples and tests run
  with no download. ``scripts/make_mini_fashion_mnist.py`` rebuilds it from the official files.

The data is MIT-licensed, Copyright (c) 2017 Zalando SE; see ``LICENSE-fashion-mnist.txt``.

Checksums: the official ``.gz`` downloads have the MD5s in ``GZ_MD5``. Debian recompresses the
files (its ``.gz`` bytes differ), but their *uncompressed* content has the official MD5s in
``RAW_MD5``, so files on disk are checked by their uncompressed content, whatever the compression.
"""
from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import urllib.request
from pathlib import Path
from typing import Callable

import numpy as np

from ..tensor import Tensor
from .dataset import Dataset
from .idx import IMAGES_MAGIC, LABELS_MAGIC, parse_idx, read_bytes

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

# Zalando's download locations (the README's links, then the repository itself)
MIRRORS = (
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
)

# (images, labels) file stems of each split
SPLIT_FILES = {
    True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
SPLIT_SIZES = {True: 60_000, False: 10_000}

# MD5 of the official gzipped downloads
GZ_MD5 = {
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
}
# MD5 of their uncompressed content (also what Debian's recompressed files decompress to)
RAW_MD5 = {
    "train-images-idx3-ubyte": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
    "train-labels-idx1-ubyte": "9018921c3c673c538a1fc5bad174d6f9",
    "t10k-images-idx3-ubyte": "8181f5470baa50b63fa0f6fddb340f0a",
    "t10k-labels-idx1-ubyte": "15d484375f8d13e6eb1aabb0c3f46965",
}

ENV_VAR = "MINITORCH_CNN_DATA"
SYSTEM_DIR = Path("/usr/share/datasets/fashion-mnist")

MINI_PATH = Path(__file__).with_name("fashion_mnist_mini.npz")
# sha256 of fashion_mnist_mini.npz, printed by scripts/make_mini_fashion_mnist.py
MINI_SHA256 = "6bde2ced6303ba89da45b16e2653e3bb1895cec3b04324bdae672989122bdd77"
MINI_PER_CLASS = {True: 200, False: 50}


# ---------------------------------------------------------------------------------------------
# finding the files


def cache_dir() -> Path:
    """``~/.cache/minitorch_cnn/fashion-mnist`` (where ``download=True`` puts the files)."""
    return Path.home() / ".cache" / "minitorch_cnn" / "fashion-mnist"


def search_dirs(root: str | Path | None = None) -> list[Path]:
    """Where the full dataset is looked for, in order.

    ``root``, ``$MINITORCH_CNN_DATA``, the cache dir and Debian's directory; each also in the
    ``FashionMNIST/raw`` sub-folder that torchvision's ``FashionMNIST(root, download=True)`` creates.
    """
    bases = []
    if root is not None:
        bases.append(Path(root).expanduser())
    if os.environ.get(ENV_VAR):
        bases.append(Path(os.environ[ENV_VAR]).expanduser())
    bases += [cache_dir(), SYSTEM_DIR]
    dirs: list[Path] = []
    for base in bases:
        for d in (base, base / "FashionMNIST" / "raw"):
            if d not in dirs:
                dirs.append(d)
    return dirs


def _find_file(directory: Path, stem: str) -> Path | None:
    for name in (stem + ".gz", stem):
        if (directory / name).is_file():
            return directory / name
    return None


def locate(root: str | Path | None = None, train: bool = True) -> tuple[Path, Path]:
    """Paths of the (images, labels) files of the split, from the first directory that has both.

    Raises ``FileNotFoundError`` listing every place looked in and the two ways to get the data.
    """
    stems = SPLIT_FILES[bool(train)]
    dirs = search_dirs(root)
    for d in dirs:
        found = [_find_file(d, s) for s in stems]
        if all(found):
            return found[0], found[1]
    places = "\n".join(f"  - {d}" for d in dirs)
    raise FileNotFoundError(
        f"Fashion-MNIST {'training' if train else 'test'} files ({stems[0]}[.gz], {stems[1]}[.gz]) "
        f"not found. Looked in:\n{places}\n"
        f"Get them with either\n"
        f"  - sudo apt-get install dataset-fashion-mnist   (installs into {SYSTEM_DIR}), or\n"
        f"  - FashionMNIST(..., download=True)             (fetches them from Zalando into "
        f"{cache_dir()} or root)\n"
        f"or use the small subset shipped with the package: FashionMNIST(..., subset='mini').")


def _md5(content: bytes) -> str:
    return hashlib.md5(content).hexdigest()


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_split(images_path: str | Path, labels_path: str | Path,
               verify: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Read one split's IDX files into ``(images uint8 (N, 28, 28), labels int64 (N,))``.

    Checks magic numbers, sizes, that image and label counts agree and labels lie in 0..9; with
    ``verify`` and an official file name, also the uncompressed content's MD5 (``RAW_MD5``).
    """
    arrays = []
    for path, magic in ((Path(images_path), IMAGES_MAGIC), (Path(labels_path), LABELS_MAGIC)):
        content = read_bytes(path)
        stem = path.name[:-3] if path.name.endswith(".gz") else path.name
        if verify and stem in RAW_MD5:
            got = _md5(content)
            if got != RAW_MD5[stem]:
                raise ValueError(
                    f"{path}: checksum mismatch: the uncompressed content has MD5 {got}, the official "
                    f"{stem} has {RAW_MD5[stem]} ({len(content)} bytes read). The file is corrupt or "
                    f"not the official Fashion-MNIST; delete it and download again, or pass "
                    f"verify=False to use it anyway.")
        arrays.append(parse_idx(content, str(path), expect_magic=magic))
    images, labels = arrays
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"{images_path}: expected images of shape (N, 28, 28), got {images.shape}")
    if labels.shape[0] != images.shape[0]:
        raise ValueError(f"{images_path} has {images.shape[0]} images but {labels_path} has "
                         f"{labels.shape[0]} labels")
    if labels.size and labels.max() >= len(CLASSES):
        raise ValueError(f"{labels_path}: labels must lie in 0..{len(CLASSES) - 1}, found {labels.max()}")
    return images, labels.astype(np.int64)


# ---------------------------------------------------------------------------------------------
# downloading


def download(dest: str | Path | None = None, mirrors: tuple[str, ...] | None = None,
             opener: Callable | None = None, files: tuple[str, ...] | None = None) -> Path:
    """Fetch the official ``.gz`` files into ``dest`` (default: :func:`cache_dir`) and return it.

    Each file is written to a temporary file beside its final name, checked against ``GZ_MD5``, and
    only then renamed into place, so an interrupted or bad download never leaves a partial file.
    Files already present with the right checksum are kept. ``mirrors`` (default ``MIRRORS``) are
    tried in order; ``opener`` (default ``urllib.request.urlopen``, 60 s timeout) opens a URL; ``files`` defaults to
    all four.
    """
    mirrors = MIRRORS if mirrors is None else tuple(mirrors)
    if opener is None:
        opener = functools.partial(urllib.request.urlopen, timeout=60)
    files = tuple(GZ_MD5) if files is None else tuple(files)
    dest = Path(dest).expanduser() if dest is not None else cache_dir()
    dest.mkdir(parents=True, exist_ok=True)
    for name in files:
        target = dest / name
        if target.is_file() and _md5(target.read_bytes()) == GZ_MD5[name]:
            continue
        errors = []
        for mirror in mirrors:
            url = mirror + name
            try:
                with opener(url) as response:
                    content = response.read()
            except Exception as e:  # noqa: BLE001 - any network failure means: try the next mirror
                errors.append(f"{url}: {e}")
                continue
            got = _md5(content)
            if got != GZ_MD5[name]:
                errors.append(f"{url}: MD5 {got}, expected {GZ_MD5[name]} ({len(content)} bytes)")
                continue
            fd, tmp = tempfile.mkstemp(dir=dest, prefix=name + ".", suffix=".part")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(content)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            break
        else:
            raise RuntimeError(f"could not download {name}:\n" + "\n".join(f"  - {e}" for e in errors))
    return dest


# ---------------------------------------------------------------------------------------------
# the embedded subset


def load_mini(train: bool = True, path: str | Path = MINI_PATH,
              sha256: str | None = MINI_SHA256) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The embedded subset: ``(images uint8 (N,28,28), labels int64 (N,), official indices int64 (N,))``.

    The file's sha256 is checked first (``sha256=None`` skips it); read with ``allow_pickle=False``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"the embedded Fashion-MNIST subset {path} is missing; rebuild it with "
                                f"scripts/make_mini_fashion_mnist.py")
    if sha256 is not None:
        got = _sha256_file(path)
        if got != sha256:
            raise ValueError(f"{path}: checksum mismatch: sha256 {got}, expected {sha256}; the file is "
                             f"corrupt or was rebuilt without updating MINI_SHA256")
    split = "train" if train else "test"
    with np.load(path, allow_pickle=False) as z:
        images = z[f"{split}_images"]
        labels = z[f"{split}_labels"].astype(np.int64)
        indices = z[f"{split}_indices"].astype(np.int64)
    return images, labels, indices


# ---------------------------------------------------------------------------------------------
# the dataset


class FashionMNIST(Dataset):
    """Fashion-MNIST as ``torchvision.datasets.FashionMNIST``, reading the official IDX files.

    Args:
        root: a directory to look in first (see :func:`search_dirs` for the rest of the order).
        train: the 60,000-image training split if True, else the 10,000-image test split.
        transform: applied to each image, an H×W×1 uint8 NumPy array (torchvision gives a PIL image;
            ``transforms.ToImage()`` turns either into a 1×28×28 tensor).
        target_transform: applied to each label, a Python int.
        download: fetch the official files (into ``root``, else ``$MINITORCH_CNN_DATA``, else the
            cache dir) when they are not found anywhere.
        subset: ``"full"`` (the official files) or ``"mini"`` (the subset embedded in the package).
        verify: check the files' MD5s against the official ones.

    Attributes: ``data`` (uint8 Tensor, N×28×28), ``targets`` (int64 Tensor, N), ``classes``,
    ``class_to_idx``, ``indices`` (the samples' positions in the official split), ``source`` (the
    file(s) read) and :meth:`describe`.
    """

    classes = CLASSES

    def __init__(self, root: str | Path | None = None, train: bool = True,
                 transform: Callable | None = None, target_transform: Callable | None = None,
                 download: bool = False, *, subset: str = "full", verify: bool = True):
        if subset not in ("full", "mini"):
            raise ValueError(f"FashionMNIST: subset must be 'full' or 'mini', got {subset!r}")
        self.root, self.train, self.subset = root, bool(train), subset
        self.transform, self.target_transform = transform, target_transform
        if subset == "mini":
            images, labels, indices = load_mini(self.train, sha256=MINI_SHA256 if verify else None)
            self.source: tuple[Path, ...] = (MINI_PATH,)
        else:
            try:
                paths = locate(root, self.train)
            except FileNotFoundError:
                if not download:
                    raise
                target = root if root is not None else os.environ.get(ENV_VAR) or None
                _download(target)
                paths = locate(root if root is not None else target, self.train)
            images, labels = load_split(*paths, verify=verify)
            indices = np.arange(len(labels), dtype=np.int64)
            self.source = paths
        self._images, self._labels = images, labels
        self.indices = indices
        self.data = Tensor(images)
        self.targets = Tensor(labels)

    @property
    def class_to_idx(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.classes)}

    def __len__(self) -> int:
        return len(self._labels)

    def __getitem__(self, index: int):
        """``(transform(image H×W×1 uint8 array), target_transform(label int))``."""
        img = self._images[index, :, :, None].copy()    # a copy: transforms may work in place
        target = int(self._labels[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def describe(self) -> str:
        """One line saying which data this is and where it came from (the CLI prints it)."""
        return describe_data(self)

    def __repr__(self) -> str:
        lines = [f"Dataset FashionMNIST ({self.subset})",
                 f"    Number of datapoints: {len(self)}",
                 f"    Split: {'Train' if self.train else 'Test'}",
                 f"    Source: {', '.join(str(p) for p in self.source)}"]
        if self.transform is not None:
            lines.append("    Transform: " + repr(self.transform).replace("\n", "\n    "))
        if self.target_transform is not None:
            lines.append(f"    Target transform: {self.target_transform!r}")
        return "\n".join(lines)


_download = download  # FashionMNIST.__init__ has a `download` argument that hides the function


def describe_data(dataset: FashionMNIST) -> str:
    """Which Fashion-MNIST data ``dataset`` holds, e.g.

    ``Fashion-MNIST full training split: 60,000 images from /usr/share/datasets/fashion-mnist``
    ``Fashion-MNIST mini training subset: 2,000 of the official 60,000 images (200 per class), ...``
    """
    split = "training" if dataset.train else "test"
    n = len(dataset)
    if dataset.subset == "mini":
        per = MINI_PER_CLASS[dataset.train]
        return (f"Fashion-MNIST mini {split} subset: {n:,} of the official {SPLIT_SIZES[dataset.train]:,} "
                f"images ({per} per class, stratified), embedded in {dataset.source[0]}")
    where = sorted({str(p.parent) for p in dataset.source})
    return f"Fashion-MNIST full {split} split: {n:,} images from {', '.join(where)}"


def load_fashion_mnist(which: str = "auto", train: bool = True, root: str | Path | None = None,
                       transform: Callable | None = None, target_transform: Callable | None = None,
                       download: bool = False) -> FashionMNIST:
    """A FashionMNIST dataset: ``which="full"``, ``"mini"``, or ``"auto"`` (full when its files are
    found, else the embedded mini subset). Call ``.describe()`` on the result to say which it is."""
    if which not in ("auto", "full", "mini"):
        raise ValueError(f"load_fashion_mnist: which must be 'auto', 'full' or 'mini', got {which!r}")
    kwargs = dict(root=root, train=train, transform=transform, target_transform=target_transform)
    if which == "auto":
        try:
            locate(root, train)
            which = "full"
        except FileNotFoundError:
            which = "full" if download else "mini"
    return FashionMNIST(**kwargs, download=download, subset=which)
