"""Fashion-MNIST: IDX parsing, where the files are looked for, downloading (never from the network
here: file:// URLs and fake openers), the embedded mini subset, and the full official files when
installed (Debian's dataset-fashion-mnist puts them in /usr/share/datasets/fashion-mnist)."""
from __future__ import annotations

import gzip
import hashlib
import io
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minitorch_cnn as mt
from minitorch_cnn.data import DataLoader, FashionMNIST, describe_data, load_fashion_mnist, read_idx, write_idx
from minitorch_cnn.data import fashion_mnist as fm
from minitorch_cnn.data import transforms as T
from minitorch_cnn.data.idx import IMAGES_MAGIC, LABELS_MAGIC, parse_idx

OFFICIAL = fm.SYSTEM_DIR
HAVE_OFFICIAL = all((OFFICIAL / (s + ".gz")).is_file() for pair in fm.SPLIT_FILES.values() for s in pair)
needs_official = pytest.mark.skipif(not HAVE_OFFICIAL, reason=f"official Fashion-MNIST files not in {OFFICIAL} "
                                                               f"(apt-get install dataset-fashion-mnist)")


def write_split(directory: Path, n: int = 12, train: bool = True, gz: bool = True, seed: int = 0):
    """Write a small synthetic split with the official file names; return (images, labels)."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = (np.arange(n) % 10).astype(np.uint8)
    directory.mkdir(parents=True, exist_ok=True)
    suffix = ".gz" if gz else ""
    img_stem, lab_stem = fm.SPLIT_FILES[train]
    write_idx(directory / (img_stem + suffix), images)
    write_idx(directory / (lab_stem + suffix), labels)
    return images, labels


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No real data dirs: HOME, $MINITORCH_CNN_DATA and the system dir all point into tmp_path."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv(fm.ENV_VAR, raising=False)
    monkeypatch.setattr(fm, "SYSTEM_DIR", tmp_path / "system")
    return tmp_path


# ---------------------------------------------------------------------------------------------
# IDX files


@given(hnp.arrays(st.sampled_from([np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]),
                  hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=5)),
       st.booleans())
def test_idx_round_trip(tmp_path_factory, array, gz):
    path = tmp_path_factory.mktemp("idx") / ("a.idx" + (".gz" if gz else ""))
    write_idx(path, array)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == gz
    back = read_idx(path)
    assert back.dtype == array.dtype.newbyteorder("=") and back.shape == array.shape
    np.testing.assert_array_equal(back, array)
    assert back.flags.writeable


def test_idx_header_layout_is_big_endian(tmp_path):
    path = write_idx(tmp_path / "labels", np.array([3, 1, 4], dtype=np.uint8))
    assert path.read_bytes() == bytes([0, 0, 8, 1, 0, 0, 0, 3, 3, 1, 4])
    assert int.from_bytes(path.read_bytes()[:4], "big") == LABELS_MAGIC
    images = write_idx(tmp_path / "images", np.zeros((2, 28, 28), np.uint8))
    assert int.from_bytes(images.read_bytes()[:4], "big") == IMAGES_MAGIC


def test_truncated_plain_file_names_file_and_sizes(tmp_path):
    path = write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((3, 28, 28), np.uint8))
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte: IDX file truncated: shape \(3, 28, 28\) "
                                         r"needs 2368 bytes \(uncompressed\), the file has 2268"):
        read_idx(path, IMAGES_MAGIC)
    path.write_bytes(path.read_bytes()[:10])
    with pytest.raises(ValueError, match="truncated IDX header"):
        read_idx(path)


def test_trailing_bytes_are_an_error(tmp_path):
    path = write_idx(tmp_path / "l", np.zeros(4, np.uint8))
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(ValueError, match=r"trailing bytes.*needs 12 bytes.*has 13"):
        read_idx(path)


def test_truncated_or_corrupt_gzip_names_file(tmp_path):
    path = write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.arange(1000, dtype=np.uint8) % 10)
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])
    with pytest.raises(ValueError, match=r"t10k-labels-idx1-ubyte\.gz: corrupt or truncated gzip"):
        read_idx(path)
    path.write_bytes(content[:10] + b"garbage" * 5)
    with pytest.raises(ValueError, match=r"t10k-labels-idx1-ubyte\.gz: corrupt or truncated gzip"):
        read_idx(path)


def test_wrong_magic(tmp_path):
    labels = write_idx(tmp_path / "labels", np.zeros(5, np.uint8))
    with pytest.raises(ValueError, match=r"wrong IDX magic number: expected 2051 \(0x00000803\), got 2049"):
        read_idx(labels, IMAGES_MAGIC)
    with pytest.raises(ValueError, match="not an IDX file"):
        parse_idx(b"\x12\x34\x08\x01\0\0\0\0", "junk")
    with pytest.raises(ValueError, match="not an IDX file: only 2 bytes"):
        parse_idx(b"\0\0", "junk")


def test_load_split_checks_dims_counts_and_labels(tmp_path):
    write_idx(tmp_path / "img", np.zeros((4, 27, 28), np.uint8))
    write_idx(tmp_path / "lab", np.zeros(4, np.uint8))
    with pytest.raises(ValueError, match=r"img: expected images of shape \(N, 28, 28\), got \(4, 27, 28\)"):
        fm.load_split(tmp_path / "img", tmp_path / "lab")
    write_idx(tmp_path / "img", np.zeros((4, 28, 28), np.uint8))
    write_idx(tmp_path / "lab", np.zeros(3, np.uint8))
    with pytest.raises(ValueError, match="has 4 images but .*lab has 3 labels"):
        fm.load_split(tmp_path / "img", tmp_path / "lab")
    write_idx(tmp_path / "lab", np.array([0, 1, 2, 10], np.uint8))
    with pytest.raises(ValueError, match=r"labels must lie in 0\.\.9, found 10"):
        fm.load_split(tmp_path / "img", tmp_path / "lab")
    write_idx(tmp_path / "lab", np.array([0, 1, 2, 9], np.uint8))
    images, labels = fm.load_split(tmp_path / "img", tmp_path / "lab")
    assert images.dtype == np.uint8 and labels.dtype == np.int64


# ---------------------------------------------------------------------------------------------
# where the files are looked for


def test_search_order_root_env_cache_system(isolated, monkeypatch):
    root, env, cache, system = (isolated / "root", isolated / "env", fm.cache_dir(), fm.SYSTEM_DIR)
    monkeypatch.setenv(fm.ENV_VAR, str(env))
    assert fm.cache_dir() == isolated / "home" / ".cache" / "minitorch_cnn" / "fashion-mnist"
    dirs = fm.search_dirs(root)
    assert dirs[::2] == [root, env, cache, system]
    assert dirs[1] == root / "FashionMNIST" / "raw"     # torchvision's layout is found too
    for k, d in enumerate([system, cache, env, root]):  # each newly filled place wins
        write_split(d, n=5 + k, gz=bool(k % 2))
        images, _ = fm.locate(root, train=True)
        assert images.parent == d
        assert len(FashionMNIST(root, train=True, verify=False)) == 5 + k
    write_split(root / "FashionMNIST" / "raw", n=3, train=False, gz=False)
    assert fm.locate(root, train=False)[0] == root / "FashionMNIST" / "raw" / "t10k-images-idx3-ubyte"


def test_not_found_lists_every_place_and_both_remedies(isolated, monkeypatch):
    monkeypatch.setenv(fm.ENV_VAR, str(isolated / "env"))
    with pytest.raises(FileNotFoundError) as info:
        FashionMNIST(root=isolated / "root", train=False)
    msg = str(info.value)
    for d in fm.search_dirs(isolated / "root"):
        assert f"  - {d}\n" in msg
    assert "t10k-images-idx3-ubyte[.gz]" in msg
    assert "apt-get install dataset-fashion-mnist" in msg and "download=True" in msg
    assert "subset='mini'" in msg


def test_synthetic_split_loads_and_indexes_like_torchvision(isolated):
    images, labels = write_split(isolated / "root", n=12, train=False)
    ds = FashionMNIST(isolated / "root", train=False, verify=False)
    assert len(ds) == 12 and ds.classes[9] == "Ankle boot" and ds.class_to_idx["Trouser"] == 1
    assert ds.data.dtype == np.uint8 and ds.data.shape == (12, 28, 28)
    assert ds.targets.dtype == np.int64
    img, label = ds[5]
    assert isinstance(img, np.ndarray) and img.shape == (28, 28, 1) and img.dtype == np.uint8
    assert type(label) is int and label == 5
    np.testing.assert_array_equal(img[:, :, 0], images[5])
    img[:] = 0                                   # the sample is a copy
    np.testing.assert_array_equal(ds[5][0][:, :, 0], images[5])
    with pytest.raises(ValueError, match=r"checksum mismatch.*official t10k-images-idx3-ubyte has "
                                         r"8181f5470baa50b63fa0f6fddb340f0a.*verify=False"):
        FashionMNIST(isolated / "root", train=False)
    with pytest.raises(ValueError, match="subset must be 'full' or 'mini'"):
        FashionMNIST(subset="tiny")


# ---------------------------------------------------------------------------------------------
# downloading (from a local "server" directory)


@pytest.fixture
def server(tmp_path, monkeypatch):
    """A directory with four small synthetic .gz files, whose MD5s stand in for the official ones."""
    srv = tmp_path / "server"
    write_split(srv, n=10, train=True)
    write_split(srv, n=4, train=False)
    fake_md5 = {name: hashlib.md5((srv / name).read_bytes()).hexdigest() for name in fm.GZ_MD5}
    monkeypatch.setattr(fm, "GZ_MD5", fake_md5)
    return srv


def test_download_from_file_url_is_atomic_and_checked(server, tmp_path):
    dest = tmp_path / "dest"
    out = fm.download(dest, mirrors=(server.as_uri() + "/",))
    assert out == dest
    assert sorted(p.name for p in dest.iterdir()) == sorted(fm.GZ_MD5)
    for name in fm.GZ_MD5:
        assert (dest / name).read_bytes() == (server / name).read_bytes()
    # present and correct: not fetched again
    calls = []
    fm.download(dest, mirrors=("nowhere://",), opener=lambda url: calls.append(url))
    assert calls == []


def test_download_tries_next_mirror_and_rejects_bad_checksums(server, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    for p in server.iterdir():
        (bad / p.name).write_bytes(p.read_bytes()[:-1])     # wrong content
    dest = tmp_path / "dest"
    fm.download(dest, mirrors=((tmp_path / "missing").as_uri() + "/", bad.as_uri() + "/", server.as_uri() + "/"))
    assert all((dest / n).read_bytes() == (server / n).read_bytes() for n in fm.GZ_MD5)

    dest2 = tmp_path / "dest2"
    with pytest.raises(RuntimeError, match=r"could not download train-images-idx3-ubyte\.gz:\n.*MD5 [0-9a-f]{32}, "
                                           r"expected"):
        fm.download(dest2, mirrors=(bad.as_uri() + "/",))
    assert list(dest2.iterdir()) == []                      # nothing partial left behind


def test_download_uses_the_opener_and_cleans_up_on_failure(server, tmp_path, monkeypatch):
    seen = []

    def opener(url):
        seen.append(url)
        return io.BytesIO((server / url.rsplit("/", 1)[1]).read_bytes())

    dest = tmp_path / "d"
    fm.download(dest, mirrors=("https://example.invalid/x/",), opener=opener)
    assert seen == [f"https://example.invalid/x/{n}" for n in fm.GZ_MD5]

    def fail_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(fm.os, "replace", fail_replace)
    dest3 = tmp_path / "d3"
    with pytest.raises(OSError, match="disk full"):
        fm.download(dest3, mirrors=(server.as_uri() + "/",))
    assert list(dest3.iterdir()) == []


def test_fashion_mnist_download_true_fills_root(server, isolated, monkeypatch):
    monkeypatch.setattr(fm, "MIRRORS", (server.as_uri() + "/",))
    root = isolated / "root"
    ds = FashionMNIST(root, train=False, download=True, verify=False)
    assert len(ds) == 4 and ds.source[0].parent == root
    # without root: into $MINITORCH_CNN_DATA, else the cache dir
    ds = FashionMNIST(train=True, download=True, verify=False)
    assert len(ds) == 10 and ds.source[0].parent == fm.cache_dir()


# ---------------------------------------------------------------------------------------------
# the embedded mini subset


@pytest.mark.parametrize("train, n", [(True, 2000), (False, 500)])
def test_mini_subset_shapes_dtypes_balance(train, n):
    images, labels, indices = fm.load_mini(train)
    assert images.shape == (n, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (n,) and labels.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(labels, minlength=10), np.full(10, n // 10))
    assert indices.dtype == np.int64 and np.all(np.diff(indices) > 0)
    assert 0 <= indices[0] and indices[-1] < fm.SPLIT_SIZES[train]
    with np.load(fm.MINI_PATH, allow_pickle=False) as z:
        assert sorted(z.files) == sorted(f"{s}_{k}" for s in ("train", "test")
                                         for k in ("images", "labels", "indices"))
        assert all(z[k].dtype != object for k in z.files)


def test_mini_subset_checksum():
    assert hashlib.sha256(fm.MINI_PATH.read_bytes()).hexdigest() == fm.MINI_SHA256
    assert (fm.MINI_PATH.parent / "LICENSE-fashion-mnist.txt").read_text().count("Copyright (c) 2017 Zalando SE") == 1


def test_mini_subset_corruption_is_detected(tmp_path):
    bad = tmp_path / "mini.npz"
    content = bytearray(fm.MINI_PATH.read_bytes())
    content[len(content) // 2] ^= 0xFF
    bad.write_bytes(bytes(content))
    with pytest.raises(ValueError, match=r"mini\.npz: checksum mismatch: sha256 [0-9a-f]{64}, expected " + fm.MINI_SHA256):
        fm.load_mini(True, path=bad)
    with pytest.raises(FileNotFoundError, match="make_mini_fashion_mnist"):
        fm.load_mini(True, path=tmp_path / "absent.npz")


@needs_official
@pytest.mark.parametrize("train", [True, False])
def test_mini_subset_equals_official_images_at_recorded_indices(train):
    images, labels, indices = fm.load_mini(train)
    off_images, off_labels = fm.load_split(*(OFFICIAL / (s + ".gz") for s in fm.SPLIT_FILES[train]))
    np.testing.assert_array_equal(images, off_images[indices])
    np.testing.assert_array_equal(labels, off_labels[indices])


def test_mini_dataset_and_pipeline_batch():
    transform = T.Compose([T.ToImage(), T.ToDtype(mt.float32, scale=True)])
    ds = FashionMNIST(train=True, transform=transform, subset="mini")
    assert len(ds) == 2000 and ds.subset == "mini" and ds.data.shape == (2000, 28, 28)
    loader = DataLoader(ds, batch_size=64, shuffle=True, seed=0)
    assert len(loader) == 32
    x, y = next(iter(loader))
    assert x.shape == (64, 1, 28, 28) and x.dtype == np.float32
    assert 0.0 <= x.numpy().min() and x.numpy().max() <= 1.0 and x.numpy().max() > 0.5
    assert y.shape == (64,) and y.dtype == np.int64
    batches = list(loader)
    assert sum(b[0].shape[0] for b in batches) == 2000 and batches[-1][0].shape == (16, 1, 28, 28)


def test_target_transform_and_repr():
    ds = FashionMNIST(train=False, subset="mini", target_transform=lambda y: ds.classes[y])
    assert ds[0][1] in fm.CLASSES
    text = repr(FashionMNIST(train=False, subset="mini", transform=T.ToImage()))
    assert "Number of datapoints: 500" in text and "Split: Test" in text and "ToImage()" in text


def test_describe_and_auto_choice(isolated):
    mini = load_fashion_mnist("auto", train=False)               # nothing installed: the mini subset
    assert mini.subset == "mini"
    assert describe_data(mini) == mini.describe()
    assert mini.describe().startswith("Fashion-MNIST mini test subset: 500 of the official 10,000 images "
                                      "(50 per class, stratified), embedded in ")
    write_split(isolated / "system", n=7, train=True)
    with pytest.raises(ValueError, match="checksum mismatch"):
        load_fashion_mnist("auto", train=True)                 # found, so auto means full (and it is checked)
    full = FashionMNIST(train=True, verify=False)
    assert full.describe() == f"Fashion-MNIST full training split: 7 images from {isolated / 'system'}"
    with pytest.raises(ValueError, match="which must be"):
        load_fashion_mnist("some")


# ---------------------------------------------------------------------------------------------
# the full official files


@needs_official
def test_official_checksums_and_sizes():
    # Debian recompresses the .gz files (no file name in the gzip header), so their MD5s differ
    # from Zalando's downloads; the uncompressed content must match the official MD5s exactly.
    for stem, md5 in fm.RAW_MD5.items():
        with gzip.open(OFFICIAL / (stem + ".gz")) as f:
            assert hashlib.md5(f.read()).hexdigest() == md5, stem
    train = FashionMNIST(OFFICIAL, train=True)
    test = FashionMNIST(OFFICIAL, train=False)
    assert (len(train), len(test)) == (60_000, 10_000)
    np.testing.assert_array_equal(np.bincount(train.targets.numpy()), np.full(10, 6000))
    np.testing.assert_array_equal(np.bincount(test.targets.numpy()), np.full(10, 1000))
    assert train.describe() == f"Fashion-MNIST full training split: 60,000 images from {OFFICIAL}"


@needs_official
def test_plain_copies_of_official_files_load(tmp_path):
    for stem in fm.SPLIT_FILES[False]:
        with gzip.open(OFFICIAL / (stem + ".gz")) as src, open(tmp_path / stem, "wb") as dst:
            shutil.copyfileobj(src, dst)
    plain = FashionMNIST(tmp_path, train=False)
    assert plain.source[0] == tmp_path / "t10k-images-idx3-ubyte"
    np.testing.assert_array_equal(plain.data.numpy(), FashionMNIST(OFFICIAL, train=False).data.numpy())
