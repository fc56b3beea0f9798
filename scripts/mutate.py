"""Mutation testing for minitorch_cnn: plant one small bug at a time, run the tests that cover the
file, and count how many bugs the tests catch ("kill").

    python scripts/mutate.py --list                         # how many mutants per area
    python scripts/mutate.py --sample 20 --seed 1           # 20 random mutants per area
    python scripts/mutate.py --area kernels --sample 0      # every mutant of one area
    python scripts/mutate.py --file minitorch_cnn/optim/lamb.py

Mutation operators (one per mutant, on the AST of one engine file; docstrings, strings and error
messages are never touched):

- comparisons   ``<`` ↔ ``<=``, ``>`` ↔ ``>=``, ``==`` ↔ ``!=``, ``is`` ↔ ``is not``, ``in`` ↔ ``not in``
- arithmetic    ``+`` ↔ ``-``, ``*`` ↔ ``/``, ``//`` → ``/``, ``**`` → ``*``
- booleans      ``and`` ↔ ``or``, ``not x`` → ``x``, ``True`` ↔ ``False``
- numbers       ``0`` → ``1``, ``1`` → ``0``, ``n`` → ``n + 1`` (ints), ``x`` → ``x · 2`` (floats)
- unary minus   ``-x`` → ``x``

How a mutant runs: the repository is copied once to a scratch folder; each mutant rewrites one file
there (``ast.unparse`` of the mutated tree; the unmutated unparse is checked to pass first), runs
``pytest -x`` on the fast tests mapped to that file (``TESTS`` below; the ``ci`` Hypothesis profile;
tests with the ``backend`` fixture run under both the Numba and the NumPy backend) with a per-mutant
timeout, and restores the file. A mutant is *killed* if the tests fail (or time out: a mutant that
hangs is caught too, and recorded as ``timeout``), *survived* if they pass. Numba's cache goes to a
private folder so mutated kernels never reach the real cache.

Output: one JSON line per mutant in ``--out`` (default ``mutation-results.jsonl``), and a table of the
kill rate per area. See ``docs/mutation-testing.md``.
"""
from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PKG = "minitorch_cnn"

# area → engine source globs
AREAS = {
    "autograd": ["tensor*.py", "creation.py", "functions.py", "autograd/*.py", "ops/*.py"],
    "nn": ["nn/*.py", "nn/functional/*.py"],
    "optim": ["optim/*.py", "optim/lr_scheduler/*.py", "optim/lr_scheduler.py"],
    "kernels": ["kernels/*.py"],
}

# source file (relative to minitorch_cnn/, glob) → the fast tests that cover it (first match wins)
TESTS = [
    ("kernels/im2col.py", ["tests/test_kernels_conv_pool.py", "tests/test_kernels_fast_paths.py", "tests/test_layers.py::test_conv2d_matches_torch"]),
    ("kernels/conv.py", ["tests/test_kernels_conv_pool.py"]),
    ("kernels/direct_conv.py", ["tests/test_kernels_direct_conv.py", "tests/test_layers.py::test_conv2d_matches_torch"]),
    ("kernels/pool.py", ["tests/test_kernels_conv_pool.py", "tests/test_layers.py::test_maxpool2d_matches_torch"]),
    ("kernels/softmax_ce.py", ["tests/test_softmax_ce_exp.py", "tests/test_kernels_fast_paths.py", "tests/test_losses.py"]),
    ("kernels/gemm.py", ["tests/test_gemm_threads.py", "tests/test_layers.py::test_linear_matches_torch"]),
    ("kernels/jit.py", ["tests/test_kernels_fast_paths.py", "tests/test_layers.py"]),
    ("kernels/activation.py", ["tests/test_kernels_fast_paths.py", "tests/test_layers.py::test_relu_matches_torch"]),
    ("kernels/optim_kernels.py", ["tests/test_optim_kernels.py", "tests/test_kernels_fast_paths.py"]),
    ("kernels/tiled_conv.py", ["tests/test_kernels_tiled_conv.py", "tests/test_dispatch.py"]),
    ("kernels/avgpool.py", ["tests/test_layers_next.py"]),
    ("kernels/batchnorm.py", ["tests/test_batchnorm.py"]),
    ("kernels/optim_kernels_multipass.py", ["tests/test_optim_kernels.py", "tests/test_kernels_fast_paths.py",
                                            "tests/test_optim_parity.py::test_trajectory_matches_torch"]),
    ("kernels/optim_scalars.py", ["tests/test_optim_kernels.py", "tests/test_optim_parity.py"]),
    ("kernels/dispatch.py", ["tests/test_dispatch.py", "tests/test_dispatch_coverage.py"]),
    ("kernels/conv_geometry.py", ["tests/test_dispatch.py", "tests/test_kernels_conv_pool.py"]),
    ("kernels/*", ["tests/test_kernels_conv_pool.py", "tests/test_kernels_fast_paths.py", "tests/test_layers.py"]),
    ("optim/lr_scheduler*", ["tests/test_lr_scheduler.py"]),
    ("optim/*", ["tests/test_optim_parity.py::test_trajectory_matches_torch",
                 "tests/test_optim_parity.py::test_zero_initialised_parameters_move_like_torch",
                 "tests/test_optim_parity.py::test_lamb_norm_of_a_one_element_tensor_is_its_magnitude",
                 "tests/test_optim_parity.py::test_lamb_nan_norm_gives_trust_ratio_one",
                 "tests/test_optim_parity.py::test_lamb_infinite_weight_without_decay",
                 "tests/test_optim_state.py", "tests/test_optim_api.py"]),
    ("nn/functional/loss.py", ["tests/test_losses.py"]),
    ("nn/*relu_family.py", ["tests/test_layers_next.py"]),
    ("nn/*avg_pooling.py", ["tests/test_layers_next.py"]),
    ("nn/*regression_loss.py", ["tests/test_layers_next.py"]),
    ("nn/*bce.py", ["tests/test_api_functional.py"]),
    ("nn/functional/distance.py", ["tests/test_api_program_gaps.py"]),  # normalize, cosine_similarity
    ("nn/*normalization.py", ["tests/test_batchnorm.py", "tests/test_models_bn.py"]),
    ("nn/*dropout.py", ["tests/test_dropout.py"]),
    ("nn/functional/regularization.py", ["tests/test_dropout.py"]),
    ("nn/functional/activation.py", ["tests/test_layers.py", "tests/test_api_functional.py", "tests/test_losses.py"]),
    ("nn/activation.py", ["tests/test_layers.py", "tests/test_api_functional.py", "tests/test_api_program_gaps.py"]),
    ("nn/elementwise.py", ["tests/test_api_functional.py", "tests/test_api_program_gaps.py"]),
    ("nn/softmax.py", ["tests/test_losses.py", "tests/test_api_functional.py"]),
    ("nn/functional/*", ["tests/test_layers.py", "tests/test_losses.py", "tests/test_layer_errors.py",
                         "tests/test_mutation_pins.py"]),
    ("nn/containers.py", ["tests/test_api_program_gaps.py", "tests/test_models.py"]),
    ("nn/utils.py", ["tests/test_api_program_gaps.py"]),
    ("nn/init.py", ["tests/test_layers.py", "tests/test_api_program_gaps.py"]),
    ("nn/module.py", ["tests/test_models.py", "tests/test_layers.py", "tests/test_api_program_gaps.py", "tests/test_mutation_pins.py",
                      "tests/test_serialization.py"]),
    ("nn/*", ["tests/test_layers.py", "tests/test_losses.py", "tests/test_layer_errors.py", "tests/test_models.py"]),
    # the autograd area: each file to the tests of what it defines (a mutant runs only those)
    ("tensor_inplace.py", ["tests/test_inplace.py", "tests/test_inplace_views.py", "tests/test_tensor.py", "tests/test_mutation_pins.py"]),
    ("ops/inplace.py", ["tests/test_inplace.py", "tests/test_inplace_views.py", "tests/test_tensor.py"]),
    ("tensor_extras.py", ["tests/test_api_extras.py", "tests/test_tensor.py", "tests/test_api_more.py"]),
    ("tensor_select.py", ["tests/test_api_more.py", "tests/test_api_extras.py"]),
    ("tensor_pointwise.py", ["tests/test_api_more.py", "tests/test_inplace.py"]),
    ("ops/rearrange.py", ["tests/test_api_more.py"]),
    ("ops/pointwise.py", ["tests/test_api_more.py"]),
    ("threads.py", ["tests/test_api_more.py::test_set_num_threads_sets_numba_and_blas"]),
    ("ops/selection.py", ["tests/test_api_extras.py", "tests/test_tensor.py", "tests/test_autograd.py", "tests/test_api_more.py"]),
    ("ops/division.py", ["tests/test_api_division.py", "tests/test_tensor.py"]),
    ("autograd/views.py", ["tests/test_inplace_views.py", "tests/test_inplace.py"]),
    ("tensor_reduce.py", ["tests/test_tensor.py", "tests/test_autograd.py", "tests/test_api_extras.py",
                          "tests/test_api_functional.py", "tests/test_api_more.py"]),
    ("ops/reduction.py", ["tests/test_tensor.py", "tests/test_autograd.py", "tests/test_api_extras.py",
                          "tests/test_api_functional.py", "tests/test_api_more.py"]),
    ("creation.py", ["tests/test_api_factories.py", "tests/test_tensor.py"]),
    ("functions.py", ["tests/test_api_functional.py", "tests/test_api_elementwise.py", "tests/test_api_division.py", "tests/test_api_more.py"]),
    ("tensor_math.py", ["tests/test_api_elementwise.py", "tests/test_tensor.py", "tests/test_autograd.py", "tests/test_mutation_pins.py"]),
    ("ops/math.py", ["tests/test_api_elementwise.py", "tests/test_tensor.py", "tests/test_autograd.py"]),
    ("ops/elementwise.py", ["tests/test_api_elementwise.py", "tests/test_tensor.py", "tests/test_autograd.py"]),
    ("ops/activation.py", ["tests/test_api_elementwise.py", "tests/test_layers.py", "tests/test_autograd.py",
                           "tests/test_api_functional.py", "tests/test_gradcheck.py"]),  # softmax's backward
    ("tensor_arithmetic.py", ["tests/test_tensor.py", "tests/test_autograd.py", "tests/test_mutation_pins.py", "tests/test_api_division.py",
                              "tests/test_api_elementwise.py"]),
    ("ops/arithmetic.py", ["tests/test_tensor.py", "tests/test_autograd.py", "tests/test_autograd_graph.py",
                           "tests/test_api_division.py", "tests/test_api_elementwise.py"]),
    ("tensor_shape.py", ["tests/test_tensor.py", "tests/test_autograd.py", "tests/test_inplace_views.py", "tests/test_api_more.py"]),
    ("ops/shape.py", ["tests/test_tensor.py", "tests/test_autograd.py", "tests/test_autograd_graph.py"]),
    ("tensor.py", ["tests/test_tensor.py", "tests/test_autograd.py", "tests/test_autograd_graph.py",
                   "tests/test_inplace_views.py", "tests/test_mutation_pins.py"]),
    ("autograd/gradcheck.py", ["tests/test_gradcheck.py", "tests/test_mutation_pins.py"]),
    ("autograd/*", ["tests/test_autograd.py", "tests/test_autograd_function.py", "tests/test_autograd_graph.py",
                    "tests/test_tensor.py"]),
    ("*", ["tests/test_tensor.py", "tests/test_autograd.py", "tests/test_autograd_graph.py", "tests/test_gradcheck.py",
           "tests/test_mutation_pins.py"]),
]

CMP_SWAP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
            ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In}
BIN_SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div,
            ast.Pow: ast.Mult}


def source_files(area: str) -> list[Path]:
    files = []
    for pattern in AREAS[area]:
        files += sorted((REPO / PKG).glob(pattern))
    return [f for f in dict.fromkeys(files) if f.name != "__init__.py" or f.stat().st_size > 0]


# run after every file's own tests (a mutant that survived those still meets them): the pins of earlier
# survivors, every signature's defaults compared with torch's, and the differential suites of bad inputs
# on torch and on ours (~20 s together). Many mutants sit in defaults and argument checks, which these
# exercise and the parity tests (which pass every argument, with valid values) do not.
ALWAYS = ["tests/test_mutation_pins.py", "tests/test_signatures.py", "tests/test_off_happy_path.py", "tests/robustness",
          "tests/test_probe_api.py", "tests/test_api_sweep.py", "tests/test_functional_sweep.py"]


def tests_for(path: Path) -> list[str]:
    import fnmatch

    rel = path.relative_to(REPO / PKG).as_posix()
    return next((tests for pattern, tests in TESTS if fnmatch.fnmatch(rel, pattern)), TESTS[-1][1])


def keyword_for(path: Path) -> str | None:
    """A pytest ``-k`` filter for one optimizer file: its classes' names (``optim/lamb.py`` → ``LAMB``),
    so a mutant of LAMB runs LAMB's parity tests only; None for every other file."""
    rel = path.relative_to(REPO / PKG).as_posix()
    if not rel.startswith("optim/") or "lr_scheduler" in rel or rel.endswith(("optimizer.py", "__init__.py")):
        return None
    names = [n.name for n in ast.parse(path.read_text()).body if isinstance(n, ast.ClassDef)]
    return " or ".join(names) or None


# keyword arguments that choose only memory or compilation, never a value: ``astype(..., copy=False)``
# (one copy more or less), Numba's ``cache=``/``nogil=``/``fastmath=`` (FMA contraction: rounding within
# every tolerance). Their mutants were equivalent every time they were drawn (docs/mutation-testing.md).
PERFORMANCE_ONLY = {"copy", "cache", "nogil", "fastmath", "no_cfunc_wrapper"}


def _skip_nodes(tree: ast.AST) -> set[int]:
    """ids of nodes never mutated: docstrings, raise/assert/warn statements and everything inside them
    (error messages and checks are covered by their own tests, not by the parity ones),
    ``__repr__``/``extra_repr`` text, and the values of ``PERFORMANCE_ONLY`` keyword arguments."""
    skip = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            skip.update(id(n) for n in ast.walk(body[0]))
        if isinstance(node, (ast.Raise, ast.JoinedStr)):
            skip.update(id(n) for n in ast.walk(node))
        if isinstance(node, ast.FunctionDef) and node.name in ("__repr__", "extra_repr"):
            skip.update(id(n) for n in ast.walk(node))
        if isinstance(node, ast.keyword) and node.arg in PERFORMANCE_ONLY:
            skip.update(id(n) for n in ast.walk(node.value))
    return skip


def mutation_sites(tree: ast.AST):
    """Yield (node path index, description, apply) for every mutation of ``tree``."""
    skip = _skip_nodes(tree)
    nodes = [n for n in ast.walk(tree)]
    for i, node in enumerate(nodes):
        if id(node) in skip:
            continue
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Compare):
            for j, op in enumerate(node.ops):
                if type(op) in CMP_SWAP:
                    yield i, line, f"{type(op).__name__} -> {CMP_SWAP[type(op)].__name__}", ("cmp", j)
        elif isinstance(node, ast.BinOp) and type(node.op) in BIN_SWAP:
            yield i, line, f"{type(node.op).__name__} -> {BIN_SWAP[type(node.op)].__name__}", ("bin",)
        elif isinstance(node, ast.AugAssign) and type(node.op) in BIN_SWAP:
            yield i, line, f"{type(node.op).__name__}= -> {BIN_SWAP[type(node.op)].__name__}=", ("bin",)
        elif isinstance(node, ast.BoolOp):
            yield i, line, f"{type(node.op).__name__} -> {'Or' if isinstance(node.op, ast.And) else 'And'}", ("bool",)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
            yield i, line, f"drop {type(node.op).__name__}", ("unary",)
        elif isinstance(node, ast.Constant) and type(node.value) in (bool, int, float):
            v = node.value
            if isinstance(v, bool):
                yield i, line, f"{v} -> {not v}", ("const", not v)
            elif isinstance(v, int):
                yield i, line, f"{v} -> {v + 1 if v not in (1,) else 0}", ("const", v + 1 if v != 1 else 0)
            else:
                new = 1.0 if v == 0 else v * 2
                yield i, line, f"{v!r} -> {new!r}", ("const", new)


def apply(tree: ast.AST, index: int, how) -> ast.AST:
    tree = copy.deepcopy(tree)
    node = list(ast.walk(tree))[index]
    kind = how[0]
    if kind == "cmp":
        node.ops[how[1]] = CMP_SWAP[type(node.ops[how[1]])]()
    elif kind == "bin":
        node.op = BIN_SWAP[type(node.op)]()
    elif kind == "bool":
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif kind == "unary":  # replace the UnaryOp by its operand, in its parent
        for parent in ast.walk(tree):
            for field, value in ast.iter_fields(parent):
                if value is node:
                    setattr(parent, field, node.operand)
                elif isinstance(value, list):
                    for k, item in enumerate(value):
                        if item is node:
                            value[k] = node.operand
    elif kind == "const":
        node.value = how[1]
    return ast.fix_missing_locations(tree)


def all_mutants(areas):
    out = []
    for area in areas:
        for path in source_files(area):
            tree = ast.parse(path.read_text())
            for index, line, desc, how in mutation_sites(tree):
                out.append(dict(area=area, file=str(path.relative_to(REPO)), index=index, line=line, desc=desc, how=how))
    return out


def run_tests(work: Path, tests: list[str], timeout: float, env, keyword=None) -> tuple[str, float]:
    k = "not cuda" if keyword is None else f"not cuda and ({keyword})"
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-W", "ignore", "-k", k, *tests]
    t0 = time.perf_counter()
    try:
        r = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", time.perf_counter() - t0
    code = r.returncode
    status = "survived" if code == 0 else "killed" if code == 1 else f"error{code}"
    if status.startswith("error") and "SyntaxError" not in r.stdout + r.stderr:
        status = "killed"  # collection/import error caused by the mutant: the tests notice it
    return status, time.perf_counter() - t0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--area", action="append", choices=sorted(AREAS), help="area(s) to mutate (default: all)")
    ap.add_argument("--file", help="mutate only this file (path relative to the repository)")
    ap.add_argument("--sample", type=int, default=20, help="random mutants per area (0: all)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=240.0, help="seconds per mutant")
    ap.add_argument("--out", default="mutation-results.jsonl")
    ap.add_argument("--list", action="store_true", help="only count the mutants")
    ap.add_argument("--report", help="only print the table of an earlier --out file")
    ap.add_argument("--rerun", help="run again the survivors of an earlier --out file (after adding a test)")
    args = ap.parse_args(argv)
    if args.report:
        summarize([json.loads(line) for line in open(args.report)])
        return 0
    areas = args.area or list(AREAS)
    mutants = all_mutants(areas)
    if args.rerun:
        wanted = {(r["file"], r["line"], r["desc"]) for r in map(json.loads, open(args.rerun)) if r["status"] == "survived"}
        mutants = [m for m in mutants if (m["file"], m["line"], m["desc"]) in wanted]
        args.sample = 0
    if args.file:
        mutants = [m for m in mutants if m["file"] == args.file]
    if args.list:
        for area in areas:
            print(f"{area:10s} {sum(m['area'] == area for m in mutants):6d} mutants")
        return 0
    rng = random.Random(args.seed)
    chosen = []
    for area in areas:
        pool = [m for m in mutants if m["area"] == area]
        chosen += pool if args.sample == 0 or args.file else rng.sample(pool, min(args.sample, len(pool)))
    work = Path(tempfile.mkdtemp(prefix="mutate-"))
    shutil.copytree(REPO, work / "repo", ignore=shutil.ignore_patterns(".git", "__pycache__", ".hypothesis",
                                                                         "*.egg-info", "mutants", ".pytest_cache"))
    work = work / "repo"
    # NUMBA_BOUNDSCHECK: a mutated slice bound or index inside a Numba kernel reads past an array's end
    # without a bounds check, often into the very memory the right index reads (a shortened view of a
    # longer row): equivalent in a normal run, a real bug all the same. With the checks on it raises.
    env = dict(os.environ, NUMBA_CACHE_DIR=str(work / ".numba-cache"), PYTHONPATH=str(work), NUMBA_BOUNDSCHECK="1",
               HYPOTHESIS_PROFILE=os.environ.get("HYPOTHESIS_PROFILE", "ci"), PYTHONDONTWRITEBYTECODE="1")
    where = subprocess.run([sys.executable, "-c", f"import {PKG}; print({PKG}.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True).stdout.strip()
    if not where.startswith(str(work)):  # an installed copy would shadow the mutants
        raise SystemExit(f"the tests would import {PKG} from {where!r}, not from the scratch copy {work}")
    results = []
    with open(args.out, "a") as log:
        for k, m in enumerate(chosen, 1):
            target = work / m["file"]
            original = target.read_text()
            tree = ast.parse(original)
            mutated = ast.unparse(apply(tree, m["index"], m["how"]))
            tests = tests_for(REPO / m["file"])
            try:
                target.write_text(mutated)
                status, seconds = run_tests(work, tests, args.timeout, env, keyword_for(REPO / m["file"]))
                if status == "survived":  # then the suites every mutant meets (no -k filter: all their cases)
                    status, more = run_tests(work, [t for t in ALWAYS if t not in tests], args.timeout, env)
                    seconds += more
                    tests = list(dict.fromkeys([*tests, *ALWAYS]))
            finally:
                target.write_text(original)
            row = dict(m, how=list(m["how"]), status=status, seconds=round(seconds, 1), tests=tests)
            results.append(row)
            log.write(json.dumps(row) + "\n")
            log.flush()
            print(f"[{k}/{len(chosen)}] {status:8s} {m['file']}:{m['line']} {m['desc']} ({seconds:.0f} s)", flush=True)
    summarize(results, areas)
    shutil.rmtree(work.parent, ignore_errors=True)
    return 0


def summarize(results, areas=None):
    """Kill rate per area: killed / (killed + survived); timeouts (the tests did not finish within the
    per-mutant limit: a hang or just a busy machine) are listed apart and left out of the score."""
    areas = areas or sorted({r["area"] for r in results})
    print(f"\n{'area':10s} {'mutants':>8s} {'killed':>7s} {'survived':>9s} {'timeout':>8s} {'score':>7s}")
    for area in areas:
        rows = [r for r in results if r["area"] == area]
        killed = sum(r["status"] == "killed" for r in rows)
        survived = sum(r["status"] == "survived" for r in rows)
        if rows:
            score = killed / (killed + survived) if killed + survived else float("nan")
            print(f"{area:10s} {len(rows):8d} {killed:7d} {survived:9d} {len(rows) - killed - survived:8d} {score:7.1%}")
    print("\nsurvivors:")
    for r in results:
        if r["status"] == "survived":
            print(f"  {r['file']}:{r['line']} {r['desc']}")


if __name__ == "__main__":
    sys.exit(main())
