"""``mt.save`` / ``mt.load``: round trips of tensors, state_dicts and optimizer state_dicts, training that
continues identically after a reload, the documented no-pickle format, atomic writes, and the errors.
"""
from __future__ import annotations

import io
import json
import math
import os
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
from hypothesis import given, strategies as st

import minitorch_cnn as mt
from minitorch_cnn import nn, optim
from minitorch_cnn.serialization import FORMAT, MANIFEST, VERSION


def same(a, b) -> bool:
    """Structural equality that is exact for arrays (bitwise, NaN included) and strict about types."""
    if type(a) is not type(b):
        return False
    if isinstance(a, mt.Tensor):
        return a.requires_grad == b.requires_grad and same(a.array, b.array)
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == np.ascontiguousarray(b).tobytes()
    if isinstance(a, np.generic):
        return a.dtype == b.dtype and a.tobytes() == b.tobytes()
    if isinstance(a, float):
        return repr(a) == repr(b)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a.keys()) == list(b.keys()) and all(same(a[k], b[k]) for k in a)
    return a == b


def roundtrip(obj, tmp_path):
    path = tmp_path / "obj.pt"
    mt.save(obj, path)
    return mt.load(path)


DTYPES = ["float32", "float64", "float16", "int64", "int32", "uint8", "bool"]


@st.composite
def arrays(draw):
    dtype = np.dtype(draw(st.sampled_from(DTYPES)))
    shape = tuple(draw(st.lists(st.integers(0, 3), max_size=3)))
    n = int(np.prod(shape)) if shape else 1
    raw = draw(st.binary(min_size=n * dtype.itemsize, max_size=n * dtype.itemsize))
    arr = np.frombuffer(raw, dtype=np.uint8).view(dtype).reshape(shape) if n else np.zeros(shape, dtype)
    if dtype.kind == "b":
        arr = arr.view(np.uint8).astype(bool)
    return arr.copy()


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
)
leaves = st.one_of(
    scalars,
    arrays(),
    arrays().map(lambda a: mt.tensor(a)),
    arrays().filter(lambda a: a.dtype.kind == "f").map(lambda a: mt.tensor(a, requires_grad=True)),
)
keys = st.one_of(st.text(max_size=6), st.integers(-5, 50))
trees = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(keys, children, max_size=3),
        st.dictionaries(keys, children, max_size=3).map(OrderedDict),
    ),
    max_leaves=8,
)


@given(trees)
def test_any_nested_structure_round_trips_exactly(tmp_path_factory, obj):
    back = roundtrip(obj, tmp_path_factory.mktemp("rt"))
    assert same(obj, back), (obj, back)


@pytest.mark.parametrize("dtype", DTYPES)
def test_tensor_round_trip_keeps_dtype_shape_values_and_flags(tmp_path, dtype):
    arr = (np.arange(24).reshape(2, 3, 4) % 5).astype(dtype)
    t = mt.tensor(arr, requires_grad=np.dtype(dtype).kind == "f")
    back = roundtrip(t, tmp_path)
    assert isinstance(back, mt.Tensor) and back.is_leaf and back.grad is None
    assert back.dtype == np.dtype(dtype) and back.shape == (2, 3, 4)
    assert back.requires_grad == t.requires_grad
    np.testing.assert_array_equal(back.array, arr)


def test_non_contiguous_zero_dim_and_special_floats(tmp_path):
    x = np.arange(12, dtype=np.float64).reshape(3, 4).T  # a transposed view
    special = np.array([np.nan, np.inf, -np.inf, -0.0, 5e-324], dtype=np.float64)
    obj = {"t": mt.tensor(3.5), "view": mt.from_numpy(x), "special": special, "nan": float("nan"), "negzero": -0.0}
    back = roundtrip(obj, tmp_path)
    assert back["t"].shape == () and back["t"].item() == 3.5
    np.testing.assert_array_equal(back["view"].array, x)
    assert back["special"].tobytes() == special.tobytes()
    assert math.isnan(back["nan"]) and math.copysign(1.0, back["negzero"]) == -1.0


def test_a_tensor_saved_twice_loads_as_one_object(tmp_path):
    t = mt.randn(3)
    back = roundtrip({"a": t, "b": [t, t]}, tmp_path)
    assert back["a"] is back["b"][0] is back["b"][1]


def test_parameter_loads_as_parameter(tmp_path):
    p = nn.Parameter(mt.randn(2, 2))
    back = roundtrip(p, tmp_path)
    assert isinstance(back, nn.Parameter) and back.requires_grad
    np.testing.assert_array_equal(back.array, p.array)


def test_file_objects_work_as_in_torch():
    buf = io.BytesIO()
    mt.save({"w": mt.ones(2)}, buf)
    buf.seek(0)
    back = mt.load(buf)
    np.testing.assert_array_equal(back["w"].array, np.ones(2, np.float32))


def test_format_is_a_plain_npz_with_a_json_manifest(tmp_path):
    """The documented format: readable with NumPy alone, allow_pickle=False, no pickle member."""
    path = tmp_path / "m.pt"
    mt.save(OrderedDict(w=mt.tensor([[1.0, 2.0]]), step=7), path)
    with zipfile.ZipFile(path) as z:
        assert not any(n.endswith(".pkl") for n in z.namelist())
    with np.load(path, allow_pickle=False) as f:
        manifest = json.loads(str(f[MANIFEST][()]))
        assert manifest["format"] == FORMAT and manifest["version"] == VERSION
        root = manifest["root"]
        assert root["kind"] == "dict" and root["ordered"] is True
        (k0, v0), (k1, v1) = root["items"]
        assert k0 == {"kind": "str", "value": "w"} and v0["kind"] == "tensor"
        np.testing.assert_array_equal(f[v0["array"]], [[1.0, 2.0]])
        assert v1 == {"kind": "int", "value": 7}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 5)
        self.fc2 = nn.Linear(5, 3)

    def forward(self, x):
        return self.fc2(self.fc1(x).relu())


def _train(model, opt, batches):
    for x, y in batches:
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()


@pytest.mark.parametrize("make_opt", [
    lambda ps: optim.Adam(ps, lr=0.01, amsgrad=True),
    lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
    lambda ps: optim.RMSprop(ps, lr=0.01, centered=True),
])
def test_reload_into_fresh_model_and_optimizer_continues_training_identically(tmp_path, make_opt):
    mt.manual_seed(0)
    batches = [(mt.randn(4, 6), mt.randint(0, 3, (4,))) for _ in range(6)]
    model = Net()
    opt = make_opt(model.parameters())
    _train(model, opt, batches[:3])
    path = tmp_path / "ckpt.pt"
    mt.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}, path)
    _train(model, opt, batches[3:])  # the uninterrupted run

    fresh = Net()
    fresh_opt = make_opt(fresh.parameters())
    ckpt = mt.load(path, weights_only=True, map_location="cpu")
    assert ckpt["epoch"] == 3
    fresh.load_state_dict(ckpt["model"])
    fresh_opt.load_state_dict(ckpt["optimizer"])
    _train(fresh, fresh_opt, batches[3:])
    for (name, p), q in zip(model.named_parameters(), fresh.parameters()):
        assert p.array.tobytes() == q.array.tobytes(), name


def test_optimizer_state_dict_round_trips_exactly(tmp_path):
    model = Net()
    opt = optim.Adam([{"params": model.fc1.parameters()}, {"params": model.fc2.parameters(), "lr": 0.5}],
                     betas=(0.8, 0.9))
    _train(model, opt, [(mt.randn(2, 6), mt.tensor([0, 2]))])
    sd = opt.state_dict()
    back = roundtrip(sd, tmp_path)
    assert same(sd, back)
    assert isinstance(back["param_groups"][0]["betas"], tuple)
    assert all(isinstance(k, int) for k in back["state"])


# -- errors ------------------------------------------------------------------------------------
def test_whole_module_or_optimizer_is_refused_with_the_state_dict_hint(tmp_path):
    model = Net()
    with pytest.raises(TypeError, match=r"model\.state_dict\(\)"):
        mt.save(model, tmp_path / "m.pt")
    with pytest.raises(TypeError, match=r"optimizer\.state_dict\(\)"):
        mt.save(optim.SGD(model.parameters(), lr=0.1), tmp_path / "o.pt")
    with pytest.raises(TypeError, match="cannot store an object of type function"):
        mt.save({"f": lambda x: x}, tmp_path / "f.pt")
    cyclic = []
    cyclic.append(cyclic)
    with pytest.raises(ValueError, match="cycle"):
        mt.save(cyclic, tmp_path / "c.pt")


def test_failed_save_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "ckpt.pt"
    mt.save({"w": mt.ones(3)}, path)
    before = path.read_bytes()
    with pytest.raises(TypeError):
        mt.save({"w": mt.zeros(3), "bad": object()}, path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["ckpt.pt"]


def test_weights_only_false_is_refused(tmp_path):
    mt.save(mt.ones(1), tmp_path / "x.pt")
    with pytest.raises(ValueError, match="weights_only=False is not supported"):
        mt.load(tmp_path / "x.pt", weights_only=False)


@pytest.mark.parametrize("device", ["cuda", "cuda:0", "mps"])
def test_map_location_other_than_cpu_is_refused(tmp_path, device):
    mt.save(mt.ones(1), tmp_path / "x.pt")
    with pytest.raises(RuntimeError, match="CPU only"):
        mt.load(tmp_path / "x.pt", map_location=device)
    assert mt.load(tmp_path / "x.pt", map_location=mt.device("cpu")).shape == (1,)


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


def test_files_that_are_not_ours_are_refused_with_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        mt.load(tmp_path / "missing.pt")
    for name, data in [("empty.pt", b""), ("text.pt", b"hello world"), ("npy.pt", b"\x93NUMPY\x01\x00")]:
        with pytest.raises(RuntimeError, match=rf"{name}.*not a minitorch_cnn file"):
            mt.load(_write(tmp_path / name, data))
    np.savez(tmp_path / "plain.npz", w=np.ones(2))
    with pytest.raises(RuntimeError, match="has no __minitorch_cnn__ manifest"):
        mt.load(tmp_path / "plain.npz")
    np.savez(tmp_path / "other.npz", **{MANIFEST: np.array(json.dumps({"format": "x"}))})
    with pytest.raises(RuntimeError, match="names no 'minitorch_cnn.save' format"):
        mt.load(tmp_path / "other.npz")
    np.savez(tmp_path / "v2.npz", **{MANIFEST: np.array(json.dumps({"format": FORMAT, "version": 2, "root": {}}))})
    with pytest.raises(RuntimeError, match="format version 2"):
        mt.load(tmp_path / "v2.npz")
    np.savez(tmp_path / "dangling.npz", **{MANIFEST: np.array(json.dumps(
        {"format": FORMAT, "version": 1, "root": {"kind": "tensor", "array": "a7"}}))})
    with pytest.raises(RuntimeError, match="refers to an array 'a7'"):
        mt.load(tmp_path / "dangling.npz")
    np.savez(tmp_path / "badjson.npz", **{MANIFEST: np.array("{not json")})
    with pytest.raises(RuntimeError, match="unreadable manifest"):
        mt.load(tmp_path / "badjson.npz")
    good = tmp_path / "good.pt"
    mt.save({"w": mt.ones(1000)}, good)
    with pytest.raises(RuntimeError, match="truncated.pt"):
        mt.load(_write(tmp_path / "truncated.pt", good.read_bytes()[:300]))


def test_a_torch_save_file_is_refused_with_a_hint(tmp_path):
    torch = pytest.importorskip("torch")
    torch.save({"w": torch.ones(2)}, tmp_path / "torch.pt")
    with pytest.raises(RuntimeError, match="looks like a torch.save file"):
        mt.load(tmp_path / "torch.pt")


def test_torch_and_minitorch_agree_on_what_a_state_dict_round_trip_gives(tmp_path):
    """The same state_dict saved and loaded by each library holds the same keys and values."""
    torch = pytest.importorskip("torch")
    model = Net()
    tmodel = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
    with torch.no_grad():
        for tp, p in zip(tmodel.parameters(), model.parameters()):
            tp.copy_(torch.from_numpy(p.array.copy()))
    torch.save(tmodel.state_dict(), tmp_path / "t.pt")
    mt.save(model.state_dict(), tmp_path / "m.pt")
    tsd = torch.load(tmp_path / "t.pt", weights_only=True)
    msd = mt.load(tmp_path / "m.pt")
    assert [v.shape for v in tsd.values()] == [tuple(np.shape(v)) for v in msd.values()]
    for tv, mv in zip(tsd.values(), msd.values()):
        np.testing.assert_array_equal(tv.numpy(), np.asarray(mv))
