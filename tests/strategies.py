"""Hypothesis strategies shared by the test files.

Two families:

* **Value strategies** (:func:`values`, :func:`value_elements`) for the parity tests against torch:
  Hypothesis draws the *values themselves* — exact ties, zeros, ±0, ±inf, NaN, subnormals, huge and
  tiny magnitudes mixed with ordinary numbers — and torch decides what the right answer is (NaN
  propagation included). A tie-breaking or NaN bug is then found by the search and shrinks to a
  small counterexample, which a seeded array cannot do.
* **Bounded safe-domain strategies** (:func:`floats`, :func:`arrays`, :func:`seeded_array`) for
  finite-difference gradient checks and twin-equality tests, where specials have no meaning.

How :func:`values` builds an array (see its docstring): arrays of up to ``max_drawn`` elements are
drawn element by element from :func:`value_elements`; bigger ones get an ordinary base (drawn normal
values, optionally rounded to a coarse grid so that many entries tie) with drawn special values
written at drawn positions. Every array is then multiplied by a drawn power of two (1, tiny or huge)
— exact, so ties stay ties.
"""
from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

DTYPES = [np.float64, np.float32]


# ---------------------------------------------------------------------------------------------
# bounded, finite values (finite differences, twin-equality tests)
# ---------------------------------------------------------------------------------------------
def floats(lo: float = -3.0, hi: float = 3.0):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=64)


def arrays(shape, dtype=np.float64, lo: float = -3.0, hi: float = 3.0):
    """An array of ``shape`` with values in [lo, hi] (cast to ``dtype``)."""
    return hnp.arrays(np.float64, shape, elements=floats(lo, hi)).map(lambda a: a.astype(dtype))


def seeded_array(shape, seed: int, dtype=np.float64, scale: float = 1.0) -> np.ndarray:
    """Deterministic normal values for a drawn seed: cheaper than drawing every element.

    For finite-difference checks and twin tests only; parity tests against torch use :func:`values`.
    """
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(dtype)


seeds = st.integers(0, 2**31 - 1)
small_dims = st.integers(1, 5)


# ---------------------------------------------------------------------------------------------
# value strategies for parity tests: torch decides what is right
# ---------------------------------------------------------------------------------------------
# Magnitudes as powers of two, per dtype: a "huge" or "tiny" element, and the whole-array scales.
# Chosen so that a product of two such values (input × upstream gradient in a weight gradient) and
# sums of a few hundred of them stay finite and normal: the comparison then tests the algorithm,
# not where each engine happens to overflow. (Overflow itself is drawn with ±inf and ±max below
# only where no arithmetic follows: see ``extremes``.)
_EXP = {np.float32: dict(huge=30, tiny=-30, scale=15), np.float64: dict(huge=300, tiny=-300, scale=150)}


def _dt(dtype):
    return np.dtype(dtype).type


def special_values(dtype=np.float64, *, nonfinite: bool = True, extremes: bool = False, huge: bool = True) -> list[float]:
    """The edge values of ``dtype``: ±0, ±1, ties at ±2, the smallest subnormal, the smallest normal,
    a tiny and (``huge``) a huge power of two, and (``nonfinite``) ±inf and NaN, (``extremes``) ±max."""
    t = _dt(dtype)
    fi = np.finfo(t)
    e = _EXP[t]
    vals = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0,
            float(fi.smallest_subnormal), -float(fi.smallest_subnormal),
            float(fi.smallest_normal), -float(fi.smallest_normal),
            2.0 ** e["tiny"], -(2.0 ** e["tiny"])]
    if huge:
        vals += [2.0 ** e["huge"], -(2.0 ** e["huge"])]
    if nonfinite:
        vals += [math.inf, -math.inf, math.nan]
    if extremes:
        vals += [float(fi.max), -float(fi.max)]
    return vals


def value_elements(dtype=np.float64, *, nonfinite: bool = True, extremes: bool = False, huge: bool = True,
                   lo: float = -4.0, hi: float = 4.0):
    """One element: an ordinary number in [lo, hi] (exact in ``dtype``), a small integer (ties), or an
    edge value from :func:`special_values` — each family drawn often enough to matter."""
    width = 32 if _dt(dtype) is np.float32 else 64
    ordinary = st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=width)
    ties = st.integers(-2, 2).map(float)
    specials = st.sampled_from(special_values(dtype, nonfinite=nonfinite, extremes=extremes, huge=huge))
    return st.one_of(ordinary, ordinary, ties, specials)


@st.composite
def values(draw, shape, dtype=np.float64, *, nonfinite: bool = True, extremes: bool = False, huge: bool = True,
           scaled: bool = True, max_drawn: int = 200, lo: float = -4.0, hi: float = 4.0) -> np.ndarray:
    """An array of ``shape`` and ``dtype`` whose values Hypothesis draws.

    - up to ``max_drawn`` elements: every element from :func:`value_elements`;
    - more: a base of ordinary values (normals from a drawn seed; with a drawn flag rounded to
      integers so that most entries tie), then up to 24 drawn positions overwritten with drawn
      elements (the specials land where the search puts them and shrink away when not needed);
    - then (``scaled``) the whole array times a drawn power of two: 1, tiny (2^-s) or huge (2^s),
      exact, so that every magnitude regime is tried without changing the ties.

    ``nonfinite=False`` drops ±inf and NaN (optimizer trajectories need finite values);
    ``extremes=True`` adds ±max of the dtype (only where no arithmetic overflows on it differently);
    ``huge=False`` drops the isolated huge elements (the whole-array scale may still be huge; with
    ``scaled=False`` too, magnitudes stay within float32's range).
    """
    t = _dt(dtype)
    shape = tuple(int(s) for s in shape)
    size = int(np.prod(shape, dtype=np.int64))
    elements = value_elements(t, nonfinite=nonfinite, extremes=extremes, huge=huge, lo=lo, hi=hi)
    if size <= max_drawn:
        a = draw(hnp.arrays(t, shape, elements=elements, fill=st.nothing()))
    else:
        rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1), label="base seed"))
        base = rng.standard_normal(size)
        if draw(st.booleans(), label="ties in the base"):
            base = np.round(base)
        a = base.astype(t)
        for i, v in draw(st.lists(st.tuples(st.integers(0, size - 1), elements), max_size=24), label="overwrites"):
            a[i] = v
        a = a.reshape(shape)
    if scaled:
        s = _EXP[t]["scale"]
        power = draw(st.sampled_from([0, 0, -s, s]), label="scale exponent")
        if power:
            with np.errstate(over="ignore", under="ignore"):
                a = (a * t(2.0 ** power)).astype(t)
    return np.array(a, dtype=t)


def finite_values(shape, dtype=np.float64, **kw):
    """:func:`values` without ±inf/NaN (ties, zeros, ±0, subnormals, tiny and huge stay)."""
    return values(shape, dtype, nonfinite=False, **kw)
