"""Softmax cross-entropy with class-index targets: forward and backward, NumPy version + Numba twin.

Rows i of logits x (M, C), targets y (M,) int64, class weights w (C,), smoothing ε,
``ignore_index`` rows contributing nothing::

    z_i    = x_i − max(x_i)                   (the shift keeps every exp ≤ 1: no overflow)
    e_i    = exp(z_i),   s_i = Σ_c e_ic,   lse_i = log s_i
    p_i    = e_i / s_i                        (the softmax, kept for the backward)
    logp_i = z_i − lse_i                      (the stable log-softmax)
    nll_i  = −w_{y_i} · logp_{i,y_i}          (0 where y_i is ignored)
    smooth_i = −Σ_c w_c · logp_ic             (0 where ignored; only if ε > 0)

Backward, with ``q_i = (1−ε)·w_{y_i}·onehot(y_i) + (ε/C)·w`` for a counted row (0 for an ignored one) and the upstream
coefficient ``coef_i`` (dℓ, already divided by the mean's denominator)::

    dlogp_i = −coef_i · q_i ;   dx_i = dlogp_i − p_i · Σ_c dlogp_ic
    (an ignored row's dx_i is exactly 0, even when coef_i = g/0 is NaN because every row is ignored: torch)

The forward keeps the softmax p (not logp), so the backward is one pass with no exponential.

The NumPy version builds q densely (it reads like the formula). The Numba twin, per row (a row of
1000 float32 logits is 4 KB: it stays in L1 cache after the first pass): the max (a scalar loop:
Numba does not vectorise max reductions), then ONE vectorised pass ``p = exp(x − max)`` with the
exponential below (:func:`exp_poly`), the row sum in a small reassociating function (vector partial
sums), ``p ← p·(1/s)``; logp is never stored: ``logp_y = x_y − max − log s``. Its backward never
materialises q: ``Σ_c dlogp_ic = −coef_i·((1−ε)·w_{y_i} + (ε/C)·Σw)`` in closed form, one pass
over p. Sums over classes may be added in another order than NumPy's pairwise sums (agreement to
rounding).

Why an exponential of our own: Numba's ``math.exp`` is a scalar libm call (PyPI's llvmlite is not
built with Intel's SVML), and NumPy's ``np.exp`` between Numba passes costs extra passes over memory
(and, on this AVX2 machine, is itself no faster: 256 000 float32 in 0.32–0.40 ms vs 0.16 ms).
:func:`exp_poly` is the textbook one, written so that LLVM vectorises it: ``exp(z) = 2ⁿ · exp(r)``
with ``n = round(z / ln 2)`` and ``r = z − n·ln 2`` (|r| ≤ ln 2 / 2; ln 2 in two parts so that
``n·ln2_hi`` is exact), ``exp(r)`` by its Taylor polynomial (degree 7 in float32, 13 in float64: the
first left-out term is below the dtype's rounding), ``2ⁿ`` written straight into a float's exponent
bits (as two factors, so that results down to the subnormals come out right). Measured against
exp in float64: ≤ 0.91 ulp in float32; ≤ 1 ulp from NumPy's in float64 (tests/test_softmax_ce_exp.py).

fwd+bwd through ``F.cross_entropy``, (256, 1000) float32, 1 thread, paired with torch in one
process: 2.2–2.6× torch before (NumPy's exp; logp saved and exp(logp) taken again in the backward;
the NumPy version beyond 64 classes), 0.90× after.
"""
from __future__ import annotations

import math

import numba
import numpy as np
from numba.extending import overload

from .jit import kernel


# ---------------------------------------------------------------------------------------------
# NumPy versions
# ---------------------------------------------------------------------------------------------
def log_softmax(x, axis=1):
    """``x − max − log Σ exp(x − max)`` along ``axis``: subtracting the max keeps every exp ≤ 1 (no
    overflow). An all −∞ slice keeps a 0 shift, so it gives nan/−∞ as torch; a +∞ entry makes the whole
    slice NaN (∞ − ∞), as torch's. Also the
    forward of ``Tensor.log_softmax`` / ``F.log_softmax`` / ``F.softmax`` (ops/activation.py)."""
    if x.size == 0:  # an empty input gives an empty output, as torch (np.max has no identity to reduce with)
        return x.copy()
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(m == -np.inf, 0, m)
    z = x - m
    return z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))


def _row_max(x2):
    """max(x_i) per row, taken as 0 for an all −∞ row (a +∞ or NaN max makes the row NaN, as torch)."""
    if x2.shape[1] == 0:  # no classes: nothing to shift (np.max has no identity to reduce with)
        return np.zeros(x2.shape[0], dtype=x2.dtype)
    mx = np.max(x2, axis=1)
    return np.where(mx == -np.inf, 0, mx).astype(x2.dtype, copy=False)


def softmax_ce_forward(x2, y, w, ignore_index, eps):
    """Return ``(p (M, C), nll (M,), smooth (M,), w_y (M,))``: p the softmax, kept for the backward
    (smooth is 0 when ε = 0)."""
    m = x2.shape[0]
    with np.errstate(divide="ignore", invalid="ignore"):  # +∞ − ∞, or s = 0 in an all −∞ row: NaN as torch's
        z = x2 - _row_max(x2)[:, None]
        e = np.exp(z)
        s = np.sum(e, axis=1, keepdims=True)
        p = e / s
        logp = z - np.log(s)
    valid = y != ignore_index
    y_safe = np.where(valid, y, 0)
    w_y = np.where(valid, w[y_safe], 0).astype(x2.dtype)
    nll = np.where(valid, -logp[np.arange(m), y_safe] * w_y, 0).astype(x2.dtype)  # ignored: 0 even if logp is NaN
    if eps > 0:
        smooth = np.where(valid, -np.sum(logp * w, axis=1), 0).astype(x2.dtype)
    else:
        smooth = np.zeros(m, dtype=x2.dtype)
    return p.astype(x2.dtype, copy=False), nll, smooth, w_y


def softmax_ce_backward(p, y, w, w_y, ignore_index, eps, coef):
    """``dx`` (M, C) from the saved softmax ``p`` and ``w_y``; ``coef`` has length M or 1."""
    m, c = p.shape
    valid = y != ignore_index
    y_safe = np.where(valid, y, 0)
    q = np.zeros_like(p)
    q[np.arange(m), y_safe] = w_y
    if eps > 0:
        q = (1 - eps) * q + (eps / c) * w[None, :]
    dlogp = np.where(valid[:, None], -np.asarray(coef, dtype=p.dtype).reshape(-1, 1) * q, 0)
    return (dlogp - p * np.sum(dlogp, axis=1, keepdims=True)).astype(p.dtype, copy=False)


# ---------------------------------------------------------------------------------------------
# the exponential of the Numba twin
# ---------------------------------------------------------------------------------------------
def exp_poly(z):
    """``exp(z)`` for one float, as the Numba twin computes it (plain Python here, for reading and
    for the tests; inside Numba code the dtype's version below is compiled in instead):

    ``n = round(z·log2 e)``, ``r = z − n·ln 2`` (so |r| ≤ ln 2 / 2), ``exp(z) = 2ⁿ · Σ_{k≤K} rᵏ/k!``.
    z is first clamped to where exp is neither 0 nor ∞ in the dtype (so n fits the exponent bits);
    NaN gives NaN."""
    if z != z:
        return z
    zc = min(max(z, -750.0), 710.0)
    n = math.floor(zc * _LOG2E + 0.5)
    r = (zc - n * _LN2_HI) - n * _LN2_LO
    try:
        return math.ldexp(sum(r ** k / math.factorial(k) for k in range(14)), n)
    except OverflowError:  # beyond float64's range: ∞, as exp
        return math.inf


# ln 2 in two parts: _LN2_HI has few significant bits, so n·_LN2_HI is exact for every n in range
# (Cody and Waite's argument reduction); _LN2_LO is the rest.
_LOG2E = 1.4426950408889634
_LN2_HI = 0.693145751953125
_LN2_LO = 1.4286068203094173e-06

_F = np.float32
_LOG2E_32, _LN2_HI_32, _LN2_LO_32 = _F(_LOG2E), _F(_LN2_HI), _F(_LN2_LO)
_LO_32, _HI_32, _HALF_32 = _F(-110.0), _F(89.0), _F(0.5)  # exp(−110) rounds to 0, exp(89) to ∞ in float32
_C32 = tuple(_F(1.0 / math.factorial(k)) for k in range(8))        # 1/k!, k = 0 … 7
_C64 = tuple(1.0 / math.factorial(k) for k in range(14))           # 1/k!, k = 0 … 13


@kernel(error_model="numpy", fastmath={"contract"})
def _exp32(z):
    """float32 ``exp_poly``: Taylor degree 7 (r⁸/8! < 6e-9, below float32's 6e-8 rounding)."""
    zc = z if z > _LO_32 else _LO_32  # NaN goes to the low clamp here (safe bits), and comes back below
    zc = zc if zc < _HI_32 else _HI_32
    n = np.floor(zc * _LOG2E_32 + _HALF_32)
    r = (zc - n * _LN2_HI_32) - n * _LN2_LO_32
    c = _C32
    er = c[0] + r * (c[1] + r * (c[2] + r * (c[3] + r * (c[4] + r * (c[5] + r * (c[6] + r * c[7]))))))
    # 2ⁿ as two factors 2^(n//2)·2^(n − n//2), each a normal float (n reaches −159 at the low clamp)
    ni = np.int32(n)
    n1 = ni >> 1
    two_n1 = np.int32((n1 + 127) << 23).view(np.float32)
    two_n2 = np.int32((ni - n1 + 127) << 23).view(np.float32)
    res = (er * two_n1) * two_n2
    return res if z == z else z


@kernel(error_model="numpy", fastmath={"contract"})
def _exp64(z):
    """float64 ``exp_poly``: Taylor degree 13 (r¹⁴/14! < 5e-18, below float64's 1.1e-16 rounding)."""
    zc = z if z > -750.0 else -750.0
    zc = zc if zc < 710.0 else 710.0
    n = np.floor(zc * _LOG2E + 0.5)
    r = (zc - n * _LN2_HI) - n * _LN2_LO
    c = _C64
    er = c[13]
    for k in range(12, -1, -1):  # Horner, unrolled by the compiler (constant trip count)
        er = c[k] + r * er
    ni = np.int64(n)
    n1 = ni >> 1
    two_n1 = np.int64((n1 + 1023) << 52).view(np.float64)
    two_n2 = np.int64((ni - n1 + 1023) << 52).view(np.float64)
    res = (er * two_n1) * two_n2
    return res if z == z else z


@overload(exp_poly)
def _exp_poly_numba(z):
    """Inside Numba code ``exp_poly(z)`` compiles to the version of z's dtype."""
    if isinstance(z, numba.types.Float):
        exp_dtype = _exp32 if z.bitwidth == 32 else _exp64

        def impl(z):
            return exp_dtype(z)

        return impl
    return None


@kernel(error_model="numpy")
def exp_poly_numba(z, out):
    """``out = exp_poly(z)`` elementwise over 1-D arrays (for the tests: the exponential alone)."""
    for k in range(z.size):
        out[k] = exp_poly(z[k])


# ---------------------------------------------------------------------------------------------
# Numba twins
# ---------------------------------------------------------------------------------------------
@kernel(error_model="numpy", fastmath={"reassoc"})
def _sum(a):
    """Σ a (1-D) in a's dtype; reassoc lets LLVM keep vector partial sums (a separate, not inlined
    function, so the flag reaches no other arithmetic)."""
    s = a.dtype.type(0)
    for k in range(a.size):
        s += a[k]
    return s


@kernel(error_model="numpy", fastmath={"contract"})
def _forward_rows(x2, y, w, ignore_index, eps, p, nll, smooth, w_y):
    """Per row: the max, p = exp(x − max) in one vectorised pass, its sum s, p ← p·(1/s); then nll,
    smooth and w_y from logp = x − max − log s (only where needed: the target, and Σ w·logp if ε > 0)."""
    m, c = x2.shape
    w_sum = _sum(w)
    for i in range(m):
        yi = y[i]
        if yi != ignore_index and (yi < 0 or yi >= c):  # refuse before it indexes x and w (see the caller)
            return i
        xi, pi = x2[i], p[i]
        mx = x2.dtype.type(-np.inf)  # in x's dtype: the loops below stay float32 for float32 x
        for k in range(c):
            v = xi[k]
            mx = v if v > mx else mx  # skips NaNs: a NaN x_ic still makes s, hence the whole row, NaN
        if mx == -np.inf:  # an all −∞ row: shift 0 (see _row_max)
            mx = x2.dtype.type(0)
        for k in range(c):
            pi[k] = exp_poly(xi[k] - mx)
        s = _sum(pi)
        lse = math.log(s)
        inv = x2.dtype.type(1) / s  # in x's dtype (a plain 1 / s is float64)
        for k in range(c):
            pi[k] = pi[k] * inv
        if yi == ignore_index:
            w_y[i] = 0
            nll[i] = 0
            smooth[i] = 0
            continue
        w_y[i] = w[yi]
        nll[i] = -((xi[yi] - mx) - lse) * w_y[i]
        smooth[i] = 0
        if eps > 0:  # −Σ_c w_c·logp_ic = −(Σ_c w_c·(x_ic − max) − lse·Σ_c w_c)
            t = x2.dtype.type(0)
            for k in range(c):
                t += w[k] * (xi[k] - mx)
            smooth[i] = -(t - lse * w_sum)
    return -1


def _check_shapes(kernel, m, c, y, w):
    if np.shape(y) != (m,) or np.shape(w) != (c,):
        raise ValueError(f"{kernel}: expected y of shape ({m},) and w of shape ({c},), got {np.shape(y)} and "
                         f"{np.shape(w)}")


def _raise_bad_label(kernel, bad, y, c):
    """The row loops index ``w[y[i]]``, ``x[i, y[i]]`` and ``dx[i, y[i]]`` unchecked, so each checks
    the row's label first and returns that row (else −1) when it is neither ignore_index nor in
    [0, c): say which label (the loss checks the labels before; this guards the kernels' own entries)."""
    if bad >= 0:
        from ..errors import TargetOutOfBounds

        raise TargetOutOfBounds(f"{kernel}: target {int(y[bad])} is out of bounds for {c} classes")


def softmax_ce_forward_numba(x2, y, w, ignore_index, eps):
    """Numba twin of :func:`softmax_ce_forward` (one Numba loop over the rows)."""
    x2 = np.ascontiguousarray(x2)
    m, c = x2.shape
    _check_shapes("softmax_ce_forward_numba", m, c, y, w)
    p = np.empty_like(x2)
    nll, smooth, w_y = (np.empty(m, dtype=x2.dtype) for _ in range(3))
    y = np.ascontiguousarray(y, dtype=np.int64)
    bad = _forward_rows(x2, y, np.ascontiguousarray(w, dtype=x2.dtype), int(ignore_index), float(eps),
                        p, nll, smooth, w_y)
    _raise_bad_label("softmax_ce_forward_numba", bad, y, c)
    return p, nll, smooth, w_y


@kernel(error_model="numpy")
def _backward_rows(p, y, w, w_y, ignore_index, eps, coef, dx):
    """dx from the softmax p, row by row, q in closed form."""
    m, c = p.shape
    w_sum = 0.0
    for k in range(c):
        w_sum += w[k]
    for i in range(m):
        ci = coef[i] if coef.size > 1 else coef[0]
        if y[i] == ignore_index:  # an ignored row passes no gradient (coef may be g/0 = NaN): dlogp_i = 0
            for k in range(c):
                dx[i, k] = 0.0 - p[i, k] * 0.0  # 0, or NaN from a NaN row, as torch
            continue
        if y[i] < 0 or y[i] >= c:  # refuse before it indexes dx (see the caller)
            return i
        a = (1.0 - eps) * w_y[i]  # weight of the target class (w_y itself when eps = 0)
        b = eps / c               # weight of every class (× w_c; 0 when eps = 0)
        total = -ci * (a + b * w_sum)                    # Σ_c dlogp_ic
        for k in range(c):
            dx[i, k] = -ci * (b * w[k]) - p[i, k] * total
        dx[i, y[i]] += -ci * a
    return -1


def softmax_ce_backward_numba(p, y, w, w_y, ignore_index, eps, coef):
    """Numba twin of :func:`softmax_ce_backward`."""
    m, c = p.shape
    _check_shapes("softmax_ce_backward_numba", m, c, y, w)
    if np.shape(w_y) != (m,) or np.size(coef) not in (1, m):
        raise ValueError(f"softmax_ce_backward_numba: w_y must have shape ({m},) and coef 1 or {m} values, "
                         f"got {np.shape(w_y)} and {np.size(coef)}")
    dx = np.empty_like(p)
    y = np.ascontiguousarray(y, dtype=np.int64)
    bad = _backward_rows(np.ascontiguousarray(p), y, np.ascontiguousarray(w, dtype=p.dtype), w_y,
                         int(ignore_index), float(eps),
                         np.ascontiguousarray(np.asarray(coef, dtype=np.float64).reshape(-1)), dx)
    _raise_bad_label("softmax_ce_backward_numba", bad, y, c)
    return dx
