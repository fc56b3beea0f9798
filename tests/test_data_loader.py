"""Dataset / TensorDataset / DataLoader / default_collate, checked against torch.utils.data."""
from __future__ import annotations

import collections
import math

import numpy as np
import pytest
import torch
import torch.utils.data as tud
from hypothesis import given
from hypothesis import strategies as st

import minitorch_cnn as mt
from minitorch_cnn.data import DataLoader, Dataset, TensorDataset, default_collate


class Images(Dataset):
    """n C×H×W uint8 images whose pixels all equal their index (mod 256), with int labels."""

    def __init__(self, n, shape=(1, 4, 4)):
        self.n, self.shape = n, shape

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return mt.from_numpy(np.full(self.shape, i % 256, dtype=np.uint8)), i % 10


def test_dataset_base_is_abstract():
    with pytest.raises(NotImplementedError, match="__getitem__"):
        Dataset()[0]
    with pytest.raises(NotImplementedError, match="__len__"):
        len(Dataset())


def test_tensor_dataset_rows_and_errors():
    x = mt.from_numpy(np.arange(15, dtype=np.float32).reshape(5, 3))
    y = mt.from_numpy(np.arange(5, dtype=np.int64))
    ds = TensorDataset(x, y)
    assert len(ds) == 5
    xi, yi = ds[2]
    np.testing.assert_array_equal(xi.numpy(), [6, 7, 8])
    assert yi.shape == () and yi.dtype == np.int64 and yi.item() == 2
    with pytest.raises(ValueError, match=r"same first dimension.*\(5, 3\), \(4,\)"):
        TensorDataset(x, mt.from_numpy(np.arange(4)))
    with pytest.raises(TypeError, match="Tensor"):
        TensorDataset(np.zeros(3))


sizes = st.tuples(st.integers(0, 40), st.integers(1, 12), st.booleans())


@given(sizes)
def test_len_and_batch_sizes_match_torch(args):
    n, b, drop_last = args
    ours = DataLoader(Images(n), batch_size=b, drop_last=drop_last)
    theirs = tud.DataLoader(list(range(n)), batch_size=b, drop_last=drop_last)
    assert len(ours) == len(theirs) == (n // b if drop_last else math.ceil(n / b))
    got = [len(idx) for idx in ours.batch_indices()]
    assert got == [len(batch) for batch in theirs]


@given(sizes, st.integers(0, 2**32 - 1))
def test_shuffle_covers_every_index_once_and_is_deterministic(args, seed):
    n, b, drop_last = args
    if n == 0:  # torch's RandomSampler refuses an empty dataset
        with pytest.raises(ValueError, match="num_samples=0"):
            DataLoader(Images(0), b, shuffle=True, seed=seed)
        with pytest.raises(ValueError, match="num_samples=0"):
            torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.zeros(0)), b, shuffle=True)
        return
    order = np.concatenate(DataLoader(Images(n), b, shuffle=True, seed=seed).batch_indices() or [np.empty(0, int)])
    assert sorted(order.tolist()) == list(range(n))
    # the same seed gives the same epochs; successive epochs differ (given enough samples)
    a = DataLoader(Images(n), b, shuffle=True, drop_last=drop_last, seed=seed)
    c = DataLoader(Images(n), b, shuffle=True, drop_last=drop_last, generator=mt.Generator().manual_seed(seed))
    e1a, e2a = a.batch_indices(), a.batch_indices()
    e1c, e2c = c.batch_indices(), c.batch_indices()
    for x, y in zip(e1a + e2a, e1c + e2c):
        np.testing.assert_array_equal(x, y)
    if drop_last:
        assert sum(len(i) for i in e1a) == (n // b) * b
        assert len(set(np.concatenate(e1a).tolist())) == (n // b) * b if e1a else True
    if n >= 10:
        # over the whole permutation (drop_last with batch_size > n leaves no batch to compare) ...
        full = DataLoader(Images(n), b, shuffle=True, seed=seed)
        assert not np.array_equal(np.concatenate(full.batch_indices()), np.concatenate(full.batch_indices()))
        if e1a:  # ... and batch by batch where there are batches
            assert not all(np.array_equal(x, y) for x, y in zip(e1a, e2a))


def test_iteration_follows_batch_indices_and_global_seed():
    ds = Images(23)
    loader = DataLoader(ds, batch_size=5, shuffle=True)
    mt.manual_seed(7)
    order = loader.batch_indices()
    mt.manual_seed(7)
    for idx, (x, y) in zip(order, loader):
        np.testing.assert_array_equal(x.numpy()[:, 0, 0, 0], idx % 256)
        np.testing.assert_array_equal(y.numpy(), idx % 10)
    # unshuffled: 0..n-1 in order
    flat = np.concatenate(DataLoader(ds, batch_size=5).batch_indices())
    np.testing.assert_array_equal(flat, np.arange(23))


def test_same_order_feeds_torch_dataloader():
    data = np.random.default_rng(0).random((17, 1, 3, 3)).astype(np.float32)
    labels = np.arange(17) % 4
    ours = DataLoader(TensorDataset(mt.from_numpy(data), mt.from_numpy(labels)), batch_size=4, shuffle=True, seed=3)
    order = ours.batch_indices()
    theirs = tud.DataLoader(tud.TensorDataset(torch.from_numpy(data), torch.from_numpy(labels)),
                            batch_sampler=[i.tolist() for i in order])
    for idx, (tx, ty) in zip(order, theirs):
        x, y = ours.fetch(idx)
        np.testing.assert_array_equal(x.numpy(), tx.numpy())
        np.testing.assert_array_equal(y.numpy(), ty.numpy())


def test_batches_are_bchw_and_int64():
    x, y = next(iter(DataLoader(Images(10, (3, 5, 6)), batch_size=4)))
    assert x.shape == (4, 3, 5, 6) and x.dtype == np.uint8
    assert y.shape == (4,) and y.dtype == np.int64


Point = collections.namedtuple("Point", "x y")


@pytest.mark.parametrize("batch", [
    [1, 2, 3],
    [1.5, 2.5],
    [True, False],
    [np.float32(1), np.float32(2)],
    [np.int64(4), np.int64(5)],
    [np.zeros((2, 3), np.float32), np.ones((2, 3), np.float32)],
    [(np.zeros(2, np.float32), 1), (np.ones(2, np.float32), 2)],
    [{"a": 1, "b": [1.0, 2.0]}, {"a": 2, "b": [3.0, 4.0]}],
    [Point(1, 2.0), Point(3, 4.0)],
    [["s", 1], ["t", 2]],
])
def test_default_collate_matches_torch(batch):
    ours = default_collate(batch)
    theirs = tud.default_collate([_to_torch(b) for b in batch])
    _assert_same(ours, theirs)


def test_default_collate_tensors_and_errors():
    ts = [mt.from_numpy(np.full((1, 2, 2), i, dtype=np.float64)) for i in range(3)]
    out = default_collate(ts)
    assert out.shape == (3, 1, 2, 2) and out.dtype == np.float64
    zero_d = default_collate([mt.tensor(3), mt.tensor(4)])
    assert zero_d.shape == (2,) and zero_d.dtype == np.int64
    with pytest.raises(ValueError, match=r"different shapes.*\(1, 2, 2\).*\(1, 3, 3\)"):
        default_collate([np.zeros((1, 2, 2)), np.zeros((1, 3, 3))])
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([[1, 2], [1]])


def test_collate_fn_and_argument_checks():
    loader = DataLoader(Images(6), batch_size=4, collate_fn=lambda samples: len(samples))
    assert list(loader) == [4, 2]
    for bad in (0, -1, 2.5, True):  # (None turns batching off: tests/robustness, "no batching")
        with pytest.raises(ValueError, match="batch_size should be a positive integer"):
            DataLoader(Images(3), batch_size=bad)
    with pytest.raises(ValueError, match="either generator or seed"):
        DataLoader(Images(3), shuffle=True, seed=1, generator=mt.Generator())
    assert "batch_size=2" in repr(DataLoader(Images(3), batch_size=2))


def _to_torch(sample):
    if isinstance(sample, np.ndarray):
        return torch.from_numpy(sample)
    if isinstance(sample, Point):
        return Point(*(_to_torch(s) for s in sample))
    if isinstance(sample, tuple):
        return tuple(_to_torch(s) for s in sample)
    if isinstance(sample, list):
        return [_to_torch(s) for s in sample]
    if isinstance(sample, dict):
        return {k: _to_torch(v) for k, v in sample.items()}
    return sample


def _assert_same(ours, theirs):
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, mt.Tensor), (ours, theirs)
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), (ours.dtype, theirs.dtype)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    elif isinstance(theirs, dict):
        assert ours.keys() == theirs.keys()
        for k in theirs:
            _assert_same(ours[k], theirs[k])
    elif isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs), (ours, theirs)
        for o, t in zip(ours, theirs):
            _assert_same(o, t)
    else:
        assert ours == theirs
