"""APIs that real training programs beyond the tutorials use, each against torch 2.13: ``Module.apply``,
``nn.ModuleList``/``nn.ModuleDict``, ``nn.utils.clip_grad_norm_``/``clip_grad_value_``/
``parameters_to_vector``, ``data.Subset``/``random_split``, ``inference_mode``, the comparison methods and
functions (``ne lt le gt ge`` and torch's aliases), ``F.one_hot``, ``expand_as``, ``torch.int``, and the
reproducibility switches (``backends.cudnn.deterministic``, ``use_deterministic_algorithms``)."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minitorch_cnn as mt
from api_helpers import assert_close, run_both, to_numpy

LIBS = (mt, torch)


def small_net(lib):
    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = lib.nn.ModuleList([lib.nn.Linear(4, 4) for _ in range(2)])
            self.heads = lib.nn.ModuleDict({"cls": lib.nn.Linear(4, 3), "reg": lib.nn.Linear(4, 1)})
            self.act = lib.nn.ReLU()

        def forward(self, x):
            for block in self.blocks:
                x = self.act(block(x))
            return self.heads["cls"](x), self.heads["reg"](x)

    return Net()


# --- Module.apply, ModuleList, ModuleDict ------------------------------------------------------------------------
def test_apply_visits_children_first_then_the_module_like_torch():
    orders = []
    for lib in LIBS:
        seen = []
        net = small_net(lib)
        assert net.apply(lambda m: seen.append(type(m).__name__)) is net
        orders.append(seen)
    assert orders[0] == orders[1]


def test_apply_initialises_weights_like_torch():
    def init(lib):
        def init_weights(m):
            if isinstance(m, lib.nn.Linear):
                lib.nn.init.constant_(m.weight, 0.25)
                lib.nn.init.zeros_(m.bias)
        return init_weights

    ours, theirs = (small_net(lib).apply(init(lib)).state_dict() for lib in LIBS)
    assert list(ours) == list(theirs)
    for k in ours:
        np.testing.assert_array_equal(to_numpy(ours[k]), to_numpy(theirs[k]), err_msg=k)


def test_containers_register_parameters_and_print_like_torch():
    ours, theirs = small_net(mt), small_net(torch)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert str(ours) == str(theirs)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    for o, t in zip(ours(mt.tensor(x)), theirs(torch.tensor(x))):
        assert_close(o, t, np.float32, "forward through ModuleList/ModuleDict")


def test_module_list_behaves_like_a_list_like_torch():
    def program(lib):
        ml = lib.nn.ModuleList([lib.nn.ReLU(), lib.nn.Tanh()])
        ml.append(lib.nn.Sigmoid())
        ml.extend([lib.nn.Identity()])
        ml.insert(1, lib.nn.Flatten())
        ml[0] = lib.nn.Softmax(dim=0)
        part = ml[1:3]
        return ([type(m).__name__ for m in ml], len(ml), type(part).__name__, [type(m).__name__ for m in part],
                type(ml[-1]).__name__, str(ml))

    assert program(mt) == program(torch)
    for lib in LIBS:
        with pytest.raises(TypeError):
            lib.nn.ModuleList([lambda x: x])
        with pytest.raises(IndexError):
            lib.nn.ModuleList([lib.nn.ReLU()])[3]


def test_module_dict_behaves_like_a_dict_like_torch():
    def program(lib):
        md = lib.nn.ModuleDict({"b": lib.nn.ReLU(), "a": lib.nn.Tanh()})
        md["c"] = lib.nn.Sigmoid()
        md.update([("d", lib.nn.Identity())])
        popped = md.pop("b")
        return (list(md.keys()), [type(m).__name__ for m in md.values()], "a" in md, len(md),
                type(popped).__name__, [k for k in md], str(md))

    assert program(mt) == program(torch)


# --- gradient clipping -------------------------------------------------------------------------------------------
def grads_strategy():
    return st.lists(st.tuples(st.integers(1, 4), st.integers(1, 5)), min_size=1, max_size=3).flatmap(
        lambda shapes: st.tuples(*(hnp.arrays(np.float64, s, elements=st.floats(-5, 5)) for s in shapes)))


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@given(grads=grads_strategy(), max_norm=st.floats(0.01, 20))
def test_clip_grad_norm_matches_torch(norm_type, dtype, grads, max_norm):
    results = []
    for lib in LIBS:
        params = [lib.zeros(*g.shape, dtype=lib.float32 if dtype == np.float32 else lib.float64,
                            requires_grad=True) for g in grads]
        for p, g in zip(params, grads):
            p.grad = lib.tensor(g.astype(dtype))
        total = lib.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
        results.append((total, [p.grad for p in params]))
    (ours_total, ours_grads), (their_total, their_grads) = results
    assert_close(ours_total, their_total, dtype, "total norm")
    for o, t in zip(ours_grads, their_grads):
        assert_close(o, t, dtype, "clipped grad")


def test_clip_grad_norm_skips_missing_grads_and_takes_one_tensor_like_torch():
    outcomes = []
    for lib in LIBS:
        a, b = lib.ones(3, requires_grad=True), lib.ones(2, requires_grad=True)
        a.grad = lib.tensor([3.0, 4.0, 0.0])
        total = lib.nn.utils.clip_grad_norm_([a, b], 1.0)
        single = lib.nn.utils.clip_grad_norm_(a, 0.5)
        outcomes.append((round(total.item(), 6), b.grad is None, round(single.item(), 6), np.round(to_numpy(a.grad), 6).tolist()))
    assert outcomes[0] == outcomes[1]


def test_clip_grad_value_and_parameter_vectors_match_torch():
    outcomes = []
    for lib in LIBS:
        net = lib.nn.Linear(3, 2)
        with lib.no_grad():
            for i, p in enumerate(net.parameters()):
                p.copy_(lib.arange(p.numel(), dtype=lib.float32).reshape(p.shape) - 2.5 * i)
        net(lib.ones(4, 3) * lib.arange(3.0)).pow(2).sum().backward()
        lib.nn.utils.clip_grad_value_(net.parameters(), 5.0)
        vec = lib.nn.utils.parameters_to_vector(net.parameters())
        lib.nn.utils.vector_to_parameters(vec * 2, net.parameters())
        outcomes.append(([to_numpy(p.grad).tolist() for p in net.parameters()], to_numpy(vec).tolist(),
                         [to_numpy(p).tolist() for p in net.parameters()]))
    assert outcomes[0] == outcomes[1]


# --- Subset and random_split -------------------------------------------------------------------------------------------
def test_subset_indexes_its_dataset_like_torch():
    outcomes = []
    for lib in LIBS:
        ds = lib.utils.data.TensorDataset(lib.arange(10) * 3, lib.arange(10))
        sub = lib.utils.data.Subset(ds, [7, 2, 5])
        loader = lib.utils.data.DataLoader(sub, batch_size=2)
        outcomes.append((len(sub), [tuple(x.item() for x in sub[i]) for i in range(3)],
                         [[b.tolist() for b in batch] for batch in loader]))
    assert outcomes[0] == outcomes[1]


@given(n=st.integers(1, 40), weights=st.lists(st.integers(1, 10), min_size=1, max_size=4))
def test_random_split_lengths_like_torch(n, weights):
    fractions = [w / sum(weights) for w in weights]
    fractions[-1] = 1 - sum(fractions[:-1])  # sums to 1 in floating point as a user would write it

    def program(lib):
        ds = lib.utils.data.TensorDataset(lib.arange(n))
        try:
            parts = lib.utils.data.random_split(ds, fractions)
        except ValueError as exc:
            return ("ValueError", str(exc))
        ids = sorted(int(p[i][0].item()) for p in parts for i in range(len(p)))
        assert ids == list(range(n))  # disjoint, and every sample in one part
        return [len(p) for p in parts]

    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch warns about empty parts
        assert program(mt) == program(torch)


def test_random_split_with_counts_and_bad_lengths_like_torch():
    for lib in LIBS:
        ds = lib.utils.data.TensorDataset(lib.arange(10))
        assert [len(p) for p in lib.utils.data.random_split(ds, [7, 3])] == [7, 3]
        with pytest.raises(ValueError, match="Sum of input lengths does not equal the length of the input dataset!"):
            lib.utils.data.random_split(ds, [7, 4])
    ds = mt.utils.data.TensorDataset(mt.arange(10))
    parts = mt.utils.data.random_split(ds, [3, 7], generator=mt.Generator().manual_seed(1))
    assert [len(p) for p in parts] == [3, 7]


# --- inference_mode -----------------------------------------------------------------------------------------------
def test_inference_mode_turns_recording_off_like_torch():
    def program(lib):
        x = lib.ones(2, requires_grad=True)
        with lib.inference_mode():
            inside = (x * 2).requires_grad, lib.is_grad_enabled()
        with lib.inference_mode(False):
            off = (x * 2).requires_grad

        @lib.inference_mode()
        def evaluate(t):
            return (t * 3).requires_grad

        return inside, off, evaluate(x), lib.is_grad_enabled()

    assert program(mt) == program(torch) == ((False, False), True, False, True)


# --- comparisons, one_hot, expand_as ---------------------------------------------------------------------------------
COMPARE = ["eq", "ne", "lt", "le", "gt", "ge", "not_equal", "less", "less_equal", "greater", "greater_equal"]


@pytest.mark.parametrize("name", COMPARE)
@given(ab=st.integers(1, 6).flatmap(lambda n: st.tuples(*(hnp.arrays(
    np.float64, n, elements=st.one_of(st.sampled_from([0.0, 1.0, float("nan"), float("inf")]), st.floats(-2, 2)))
    for _ in range(2)))))
def test_comparison_methods_and_functions_match_torch(name, ab):
    a, b = ab
    for form in (lambda lib, x, y: getattr(x, name)(y), lambda lib, x, y: getattr(lib, name)(x, y),
                 lambda lib, x, y: getattr(x, name)(0.5)):
        ours, theirs = (form(lib, lib.tensor(a), lib.tensor(b)) for lib in LIBS)
        assert_close(ours, theirs, np.float64, name)


@pytest.mark.parametrize("num_classes", [-1, 5])
@given(labels=hnp.arrays(np.int64, st.tuples(st.integers(1, 4), st.integers(1, 3)), elements=st.integers(0, 4)))
def test_one_hot_matches_torch(num_classes, labels):
    ours, theirs = (lib.nn.functional.one_hot(lib.tensor(labels), num_classes) for lib in LIBS)
    assert_close(ours, theirs, np.int64, "one_hot")


@pytest.mark.parametrize("bad", ["negative", "too large", "float", "empty inferred"])
def test_one_hot_errors_like_torch(bad):
    def call(lib):
        args = {"negative": (lib.tensor([-1, 0]), 3), "too large": (lib.tensor([3]), 3),
                "float": (lib.tensor([1.0]), 3), "empty inferred": (lib.zeros(0, dtype=lib.int64), -1)}[bad]
        with pytest.raises(RuntimeError) as info:
            lib.nn.functional.one_hot(*args)
        return str(info.value)

    assert call(mt) == call(torch)


def test_expand_as_matches_torch_with_gradients():
    x = np.random.default_rng(0).standard_normal((1, 3))
    run_both(lambda lib, a: a.expand_as(lib.zeros(4, 3)) * lib.arange(12.0, dtype=a.dtype).reshape(4, 3),
             [x], np.float64)
    run_both(lambda lib, a: a.expand_as(lib.zeros(2, 1, 3)), [x], np.float64)


# --- dtypes and reproducibility switches -------------------------------------------------------------------------
def test_int_dtype_and_reproducibility_switches_exist_as_in_torch():
    assert mt.tensor([1, 2], dtype=mt.int).dtype == mt.int32
    assert torch.tensor([1, 2], dtype=torch.int).dtype == torch.int32
    for lib in LIBS:
        assert lib.backends.cudnn.is_available() in (False, True)
    mt.backends.cudnn.deterministic = True
    mt.backends.cudnn.benchmark = False
    mt.use_deterministic_algorithms(True)
    assert mt.are_deterministic_algorithms_enabled()
    mt.use_deterministic_algorithms(False)
    assert not mt.are_deterministic_algorithms_enabled()


# --- state_dict values: tensors sharing the parameters' memory, as torch's -------------------------------------
def test_state_dict_holds_detached_tensors_that_share_memory_like_torch():
    def program(lib):
        model = lib.nn.Linear(2, 1)
        with lib.no_grad():
            model.weight.fill_(1.0)
        sd = model.state_dict()
        best = {k: v.clone() for k, v in sd.items()}  # the usual "keep the best weights" idiom
        opt = lib.optim.SGD(model.parameters(), lr=0.5)
        model(lib.ones(1, 2)).sum().backward()
        opt.step()
        kept = model.state_dict(keep_vars=True)["weight"]
        return (type(sd["weight"]).__name__, sd["weight"].requires_grad, sd["weight"].tolist(),
                best["weight"].tolist(), kept is model.weight, kept.requires_grad)

    ours, theirs = program(mt), program(torch)
    assert ours == theirs and ours[0] == "Tensor"


def test_grad_mode_decorators_work_without_parentheses_like_torch():
    def program(lib):
        @lib.no_grad
        def evaluate(t):
            return (t * 2).requires_grad, lib.is_grad_enabled()

        @lib.enable_grad
        def train_step(t):
            return (t * 2).requires_grad

        @lib.inference_mode
        def infer(t):
            return (t * 2).requires_grad

        x = lib.ones(2, requires_grad=True)
        with lib.no_grad():
            inside = train_step(x)
        return evaluate(x), inside, infer(x), lib.is_grad_enabled(), evaluate.__name__

    assert program(mt) == program(torch) == ((False, False), True, False, True, "evaluate")


# --- pad, prod, logsumexp, index_select, tril/triu, unflatten --------------------------------------------------------
def drawn(shape_min=1, shape_max=4, ndim=(1, 3), lo=-3.0, hi=3.0):
    return hnp.array_shapes(min_dims=ndim[0], max_dims=ndim[1], min_side=shape_min, max_side=shape_max).flatmap(
        lambda s: hnp.arrays(np.float64, s, elements=st.floats(lo, hi)))


@given(x=drawn(ndim=(2, 4)), pads=st.lists(st.integers(-1, 2), min_size=2, max_size=4), value=st.floats(-2, 2))
def test_pad_matches_torch_with_gradients(x, pads, value):
    pads = pads[: len(pads) // 2 * 2]
    if any(x.shape[x.ndim - 1 - k] + pads[2 * k] + pads[2 * k + 1] <= 0 for k in range(len(pads) // 2)):
        return  # an empty or negative result: torch's errors are checked below
    run_both(lambda lib, a: lib.nn.functional.pad(a, tuple(pads), value=value), [x], np.float64)


def test_pad_errors_like_torch():
    for lib in LIBS:
        x = lib.zeros(2, 3)
        with pytest.raises(RuntimeError, match="divisible by 2"):
            lib.nn.functional.pad(x, (1,))
        with pytest.raises(RuntimeError):  # (torch: "narrow(): length must be non-negative.")
            lib.nn.functional.pad(x, (-2, -2))
    with pytest.raises(NotImplementedError, match="reflect"):
        mt.nn.functional.pad(mt.zeros(1, 2, 3), (1, 1), mode="reflect")


@pytest.mark.parametrize("dim", [None, 0, -1])
@given(x=drawn(ndim=(1, 3), lo=-2, hi=2).map(lambda a: np.where(np.abs(a) < 0.3, 0.0, a)))
def test_prod_matches_torch_with_gradients_through_zeros(dim, x):
    if dim is not None and x.ndim == 0:
        return
    run_both(lambda lib, a: a.prod() if dim is None else lib.prod(a, dim, keepdim=True), [x], np.float64)


def test_prod_of_integers_is_int64_like_torch():
    for dtype in (np.int32, np.uint8, np.bool_):
        ours, theirs = (lib.tensor(np.array([1, 2, 3]).astype(dtype)).prod() for lib in LIBS)
        assert_close(ours, theirs, np.int64, f"prod of {dtype.__name__}")


@pytest.mark.parametrize("dim", [0, -1, (0, 1)])
@given(x=drawn(ndim=(2, 3), lo=-30, hi=30))
def test_logsumexp_matches_torch_with_gradients(dim, x):
    run_both(lambda lib, a: lib.logsumexp(a, dim), [x], np.float64)
    run_both(lambda lib, a: a.logsumexp(dim, keepdim=True), [x], np.float64)


def test_logsumexp_of_infinities_like_torch():
    x = np.array([[-np.inf, -np.inf], [np.inf, 1.0], [1000.0, 1000.0]])
    ours, theirs = (lib.logsumexp(lib.tensor(x), 1) for lib in LIBS)
    assert_close(ours, theirs, np.float64, "logsumexp at ±inf")


@given(x=drawn(ndim=(1, 3)), data=st.data())
def test_index_select_matches_torch_with_gradients(x, data):
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    n = x.shape[dim]
    index = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=0, max_size=5)), dtype=np.int64)
    run_both(lambda lib, a: a.index_select(dim, lib.tensor(index)), [x], np.float64)
    run_both(lambda lib, a: lib.index_select(a, dim, lib.tensor(index)), [x], np.float64)


def test_index_select_errors_like_torch():
    for lib in LIBS:
        with pytest.raises(IndexError, match="index out of range in self"):
            lib.zeros(3).index_select(0, lib.tensor([3]))
        with pytest.raises((RuntimeError, IndexError)):
            lib.zeros(3).index_select(0, lib.tensor([0.0]))


@pytest.mark.parametrize("name", ["tril", "triu"])
@given(x=drawn(ndim=(2, 3)), diagonal=st.integers(-3, 3))
def test_tril_triu_match_torch_with_gradients(name, x, diagonal):
    run_both(lambda lib, a: getattr(a, name)(diagonal), [x], np.float64)
    run_both(lambda lib, a: getattr(lib, name)(a, diagonal=diagonal), [x], np.float64)


def test_unflatten_matches_torch():
    x = np.arange(24.0).reshape(2, 12)
    run_both(lambda lib, a: a.unflatten(1, (3, -1)), [x], np.float64)
    run_both(lambda lib, a: lib.nn.Unflatten(1, (2, 2, 3))(a), [x], np.float64)
    assert repr(mt.nn.Unflatten(1, (2, 2))) == repr(torch.nn.Unflatten(1, (2, 2)))
    for lib in LIBS:
        with pytest.raises(RuntimeError):
            lib.zeros(2, 12).unflatten(1, (5, 2))
    ours, theirs = (structure_of(lib.nn.Unflatten(1, (3, 4))(lib.ones(2, 12, requires_grad=True)).grad_fn)
                    for lib in LIBS)
    assert ours == theirs


def structure_of(node):
    return None if node is None else (node.name(), [structure_of(n) for n, _ in node.next_functions])


@pytest.mark.parametrize("expr", ["pad", "prod", "prod dim", "logsumexp", "index_select", "tril", "triu"])
def test_new_ops_name_their_nodes_like_torch(expr):
    def build(lib):
        x = lib.ones(3, 4, dtype=lib.float64, requires_grad=True)
        return {"pad": lambda: lib.nn.functional.pad(x, (1, 1)), "prod": lambda: x.prod(),
                "prod dim": lambda: x.prod(1), "logsumexp": lambda: x.logsumexp(1),
                "index_select": lambda: x.index_select(0, lib.tensor([0, 2])), "tril": lambda: x.tril(),
                "triu": lambda: x.triu(1)}[expr]().grad_fn

    assert structure_of(build(mt)) == structure_of(build(torch))


def test_concat_dataset_and_dataset_addition_like_torch():
    def program(lib):
        a = lib.utils.data.TensorDataset(lib.arange(3), lib.arange(3) * 10)
        b = lib.utils.data.TensorDataset(lib.arange(5, 7), lib.arange(5, 7) * 10)
        both = lib.utils.data.ConcatDataset([a, b, a])
        added = a + b
        loader = lib.utils.data.DataLoader(both, batch_size=4)
        errors = []
        for i in (-9, 8):
            try:
                both[i]
            except (ValueError, IndexError) as exc:
                errors.append(type(exc).__name__)
        return (len(both), both.cumulative_sizes, [int(both[i][1].item()) for i in range(-8, 8)],
                type(added).__name__, len(added), [[t.tolist() for t in batch] for batch in loader], errors)

    assert program(mt) == program(torch)


@pytest.mark.parametrize("dim", [0, 1, -1])
@given(x=hnp.arrays(np.float64, (3, 4), elements=st.one_of(st.just(0.0), st.floats(0.1, 3), st.floats(-3, -0.1))),
       y=hnp.arrays(np.float64, (3, 4), elements=st.one_of(st.floats(0.1, 3), st.floats(-3, -0.1))))
def test_normalize_and_cosine_similarity_match_torch_with_gradients(dim, x, y):
    run_both(lambda lib, a: lib.nn.functional.normalize(a, dim=dim), [x], np.float64)
    run_both(lambda lib, a, b: lib.nn.functional.cosine_similarity(a, b, dim=dim), [x, y], np.float64)
    # (magnitudes ≥ 0.1 or exactly 0: vectors with norms near eps have gradients ~1e6, whose float64
    # rounding would need a looser tolerance; the zero rows exercise the clamps)


def test_cosine_similarity_differentiates_the_unclamped_norm_like_torch():
    x = np.full((2, 3), 4.8e-9)
    y = np.ones((2, 3))
    ours, theirs = run_both(lambda lib, a, b: lib.nn.functional.cosine_similarity(a, b), [x, y], np.float64)


@pytest.mark.parametrize("name", ["zeros", "ones", "empty", "rand", "randn"])
def test_factories_take_the_shape_as_size_keyword_like_torch(name):
    def program(lib):
        f = getattr(lib, name)
        made = [f(size=(2, 3)), f(size=[4]), f(size=()), f(2, 3), f((2, 3)), f(size=(2, 1), dtype=lib.float64)]
        try:
            f(2, size=(2,))
            both = "ok"
        except TypeError:
            both = "TypeError"
        return [(tuple(t.shape), str(t.dtype).replace("torch.", "")) for t in made], both

    assert program(mt) == program(torch)


def test_outer_matches_torch_with_gradients_and_nodes():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal(3), rng.standard_normal(4)
    run_both(lambda lib, x, y: lib.outer(x, y), [a, b], np.float64)
    run_both(lambda lib, x, y: x.outer(y), [a, b], np.float64)
    run_both(lambda lib, x, y: lib.ger(x, y), [a, b], np.float64)
    ours, theirs = (structure_of(lib.outer(lib.ones(2, requires_grad=True), lib.ones(3, requires_grad=True)).grad_fn)
                    for lib in LIBS)
    assert ours == theirs
    ours, theirs = (lib.outer(lib.tensor([1, 2]), lib.tensor([1.5])) for lib in LIBS)
    assert_close(ours, theirs, np.float32, "outer promotes like *")
    for lib in LIBS:
        with pytest.raises(RuntimeError, match="Expected 1-D argument self, but got 2-D"):
            lib.outer(lib.ones(2, 2), lib.ones(2))


@given(x=hnp.arrays(np.int64, st.integers(1, 12), elements=st.integers(0, 6)), minlength=st.integers(0, 9))
def test_unique_and_bincount_match_torch(x, minlength):
    def program(lib):
        t = lib.tensor(x)
        u, inv, counts = lib.unique(t, return_inverse=True, return_counts=True)
        w = lib.arange(len(x), dtype=lib.float32) / 2
        return [a.tolist() for a in (t.unique(), u, inv, counts, lib.bincount(t), t.bincount(minlength=minlength),
                                     lib.bincount(t, weights=w))] + [str(lib.bincount(t, weights=w).dtype)[-7:]]

    assert program(mt) == program(torch)


def test_unique_of_floats_rows_and_nans_like_torch():
    def program(lib):
        f = lib.tensor([2.0, float("nan"), 1.0, float("nan"), 2.0], requires_grad=True)
        u = f.unique()
        rows = lib.tensor([[1, 2], [1, 2], [3, 4]]).unique(dim=0, return_counts=True)
        try:
            u.sum().backward()
            err = None
        except RuntimeError as exc:
            err = str(exc)
        return (str(u.detach().tolist()), u.requires_grad, u.grad_fn.name(), [r.tolist() for r in rows], err)

    assert program(mt) == program(torch)


def test_bincount_errors_like_torch():
    for lib in LIBS:
        with pytest.raises(RuntimeError, match="bincount only supports 1-d non-negative integral inputs."):
            lib.bincount(lib.tensor([-1, 2]))
        with pytest.raises(NotImplementedError, match="\"bincount_cpu\" not implemented for 'Float'"):
            lib.bincount(lib.tensor([1.0]))


# --- samplers --------------------------------------------------------------------------------------------------------
class FixedOrder:
    """A sampler (any iterable with len) that replays a given order: the same on both engines."""

    def __init__(self, order):
        self.order = list(order)

    def __iter__(self):
        return iter(self.order)

    def __len__(self):
        return len(self.order)


@pytest.mark.parametrize("drop_last", [False, True])
def test_dataloader_follows_a_sampler_like_torch(drop_last):
    def program(lib):
        ds = lib.utils.data.TensorDataset(lib.arange(10) * 2)
        loader = lib.utils.data.DataLoader(ds, batch_size=3, sampler=FixedOrder([9, 0, 4, 4, 7, 1, 2]),
                                           drop_last=drop_last)
        seq = lib.utils.data.DataLoader(ds, batch_size=4, sampler=lib.utils.data.SequentialSampler(ds))
        return (len(loader), [b[0].tolist() for b in loader], [b[0].tolist() for b in seq],
                list(lib.utils.data.SequentialSampler(ds)))

    assert program(mt) == program(torch)
    for lib in LIBS:
        with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
            lib.utils.data.DataLoader(lib.utils.data.TensorDataset(lib.zeros(3)), sampler=FixedOrder([0]),
                                      shuffle=True)


def test_random_samplers_draw_what_torchs_do_in_distribution():
    mt.manual_seed(0)
    ds = mt.utils.data.TensorDataset(mt.arange(6))
    for lib in LIBS:  # the same contract on both: a permutation of the subset / of all / n draws in range
        indices = [5, 1, 3]
        sub = lib.utils.data.SubsetRandomSampler(indices)
        assert sorted(sub) == sorted(indices) and len(sub) == 3
        data = lib.utils.data.TensorDataset(lib.arange(6))
        assert sorted(lib.utils.data.RandomSampler(data)) == list(range(6))
        drawn = list(lib.utils.data.RandomSampler(data, replacement=True, num_samples=20))
        assert len(drawn) == 20 and all(0 <= i < 6 for i in drawn)
        assert len(lib.utils.data.RandomSampler(data, num_samples=9)) == 9
        counts = np.bincount(list(lib.utils.data.RandomSampler(data, num_samples=9)), minlength=6)
        assert sorted(counts.tolist()) == [1, 1, 1, 2, 2, 2]  # one whole permutation, then part of another
        with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
            lib.utils.data.RandomSampler(data, num_samples=0)
    orders = {tuple(mt.utils.data.SubsetRandomSampler([5, 1, 3])) for _ in range(30)}
    assert len(orders) > 1  # a new order per epoch
    loader = mt.utils.data.DataLoader(ds, batch_size=2, sampler=mt.utils.data.SubsetRandomSampler([5, 1, 3]))
    assert sorted(x for b in loader for x in b[0].tolist()) == [1, 3, 5]
