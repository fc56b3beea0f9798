"""Losses: ``F.mse_loss``, ``F.cross_entropy``, ``F.nll_loss`` (reduction 'none' / 'mean' / 'sum' as torch)."""
from __future__ import annotations

import numpy as np

from ... import _backend
from ...autograd.function import Function
from ...errors import DTypeError, ShapeError, TargetOutOfBounds
from ...kernels import dispatch as _dispatch
from ...kernels import softmax_ce as _softmax_ce
from ...tensor import Tensor
from ._checks import _check_float, _check_reduction, _check_tensor, _shape


def _reduce(loss: np.ndarray, reduction: str, denom=None) -> np.ndarray:
    if reduction == "none":
        return loss
    total = np.sum(loss)
    if reduction == "sum":
        return np.asarray(total)
    return np.asarray(total / (loss.size if denom is None else denom))


class MSELossFn(Function):
    """``ℓ = (x − t)²`` per element, then none / sum / mean (÷ n).

    ``dx = 2 (x − t) · dℓ`` (÷ n for mean),  ``dt = −dx``.
    """

    node_name = "MseLossBackward0"

    def forward(self, x, t, reduction):
        # keeps x and t themselves (as torch), so changing either in place before backward is caught
        self.x, self.t, self.reduction = x, t, reduction
        diff = x - t
        return _reduce(diff * diff, reduction)

    def backward(self, g):
        d = self.x - self.t
        scale = 2.0 / d.size if self.reduction == "mean" else 2.0
        dx = (d * (np.asarray(g, dtype=d.dtype) * d.dtype.type(scale))).astype(d.dtype, copy=False)
        return dx, -dx, None


def _promote(a: Tensor, b: Tensor):
    """torch's type promotion for a loss's two tensors: the float wins, the wider float wins."""
    fa, fb = a.dtype.kind == "f", b.dtype.kind == "f"
    if fa and fb:
        dt = np.result_type(a.dtype, b.dtype)
    elif fa or fb:
        dt = a.dtype if fa else b.dtype
    else:
        return a, b
    return a.to(dt), b.to(dt)


def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """Mean squared error ``mean((input − target)²)`` (or ``sum`` / ``none``).

    Unlike torch, which broadcasts mismatched shapes with a warning (a classic silent bug: (N, 1)
    against (N,) becomes an N×N loss), a shape mismatch raises a ValueError naming both shapes.
    """
    layer = "MSELoss"
    if size_average is not None or reduce is not None:
        raise TypeError(f"{layer}: size_average and reduce are deprecated in torch; use reduction=")
    _check_tensor(input, layer)
    _check_tensor(target, layer, "target")
    _check_reduction(reduction, layer)
    if _shape(input) != _shape(target):
        raise ShapeError(
            f"{layer}: input and target must have the same shape, got input {_shape(input)} and target "
            f"{_shape(target)} (torch would broadcast them; reshape one, e.g. target.view({', '.join(map(str, input.shape)) or ''}))"
        )
    x, t = _promote(input, target)
    _check_float(x, layer)
    return MSELossFn.apply(x, t, reduction)


def _class_last(x: np.ndarray) -> np.ndarray:
    """(N, C, d1, …) → (N·d1·…, C);  (C,) → (1, C)."""
    if x.ndim == 1:
        return x[None, :]
    if x.ndim == 2:  # already (N, C): skip moveaxis/reshape (~10 µs a call)
        return x
    return np.moveaxis(x, 1, -1).reshape(-1, x.shape[1])


def _class_back(a2: np.ndarray, shape: tuple) -> np.ndarray:
    """Inverse of :func:`_class_last`."""
    if len(shape) == 1:
        return a2.reshape(shape)
    if len(shape) == 2:
        return a2
    moved = (shape[0],) + tuple(shape[2:]) + (shape[1],)
    return np.ascontiguousarray(np.moveaxis(a2.reshape(moved), -1, 1))


class CrossEntropyFn(Function):
    """Cross-entropy of logits x (classes on axis 1, or the only axis of a 1-D x).

    With ``logp = log_softmax(x)``, classes C, class weights w (1 if absent), smoothing ε:

    * class-index targets y (ignored where ``y == ignore_index``, giving 0)::

          ℓᵢ = (1−ε)·w_yᵢ·(−logp_{i,yᵢ}) + (ε/C)·Σ_c w_c·(−logp_{i,c})
          mean = Σ ℓᵢ / Σ_{i not ignored} w_yᵢ

    * class-probability targets t (same shape as x)::

          ℓᵢ = −Σ_c w_c·t'_{ic}·logp_{ic},  t' = (1−ε)·t + ε/C;   mean = Σ ℓᵢ / (number of rows)

    Both read ``ℓᵢ = −Σ_c q_{ic}·logp_{ic}`` for a row of target weights q, so the backward is
    ``dlogp = −c_i·q``,  ``dx = dlogp − softmax(x)·Σ_c dlogp``  (the log-softmax backward), where
    ``c_i`` is ``dℓ`` for each row (÷ the mean's denominator). For probability targets also
    ``dt = −c_i·(1−ε)·w·logp``.
    """

    node_name = "NllLossBackward0"

    def forward(self, x, target, weight, *, reduction, ignore_index, label_smoothing, probs):
        self.shape, self.reduction = x.shape, reduction
        x2 = _class_last(x)
        m, c = x2.shape
        w = np.ones(c, dtype=x.dtype) if weight is None else weight.astype(x.dtype, copy=False)
        eps = label_smoothing
        if probs:
            logp = _softmax_ce.log_softmax(x2, 1)
            t2 = _class_last(target)
            t_s = t2 * (1 - eps) + eps / c if eps > 0 else t2
            q = t_s * w
            loss = -np.sum(logp * q, axis=1)
            out = _reduce(loss, reduction, denom=m)
            self.denom = m
        else:  # class indices: the fused softmax-CE kernels (kernels/softmax_ce.py)
            y = target.reshape(-1).astype(np.int64)
            self.numba = _dispatch.softmax_cross_entropy_path(c) == "numba"
            self.y, self.ignore_index = y, ignore_index
            fwd = _softmax_ce.softmax_ce_forward_numba if self.numba else _softmax_ce.softmax_ce_forward
            p, nll, smooth, w_y = fwd(x2, y, w, ignore_index, eps)  # p = softmax(x): all the backward needs
            logp, q, self.p, self.w_y = None, None, p, w_y
            self.denom = np.sum(w_y)
            if reduction == "none":
                out = nll if eps == 0 else (1 - eps) * nll + smooth * (eps / c)
            else:
                # torch reduces the NLL and the smoothing term separately, then mixes them
                out = _reduce(nll, reduction, self.denom)
                if eps > 0:
                    out = (1 - eps) * out + _reduce(smooth, reduction, self.denom) * (eps / c)
        if reduction == "none":
            out = out.reshape(target.shape if not probs else (x.shape[:1] + x.shape[2:] if x.ndim > 1 else ()))
        self.logp, self.q, self.w, self.probs, self.eps = logp, q, w, probs, eps
        return np.asarray(out, dtype=x.dtype)

    def backward(self, g):
        saved = self.logp if self.probs else self.p
        m, dtype = saved.shape[0], saved.dtype
        if self.reduction == "none":
            coef = np.asarray(g, dtype=dtype).reshape(m, 1)
        elif self.reduction == "sum":
            coef = np.asarray(g, dtype=dtype).reshape(1, 1)
        else:
            coef = np.asarray(g, dtype=dtype).reshape(1, 1) / self.denom
        if self.probs:
            dlogp = -coef * self.q
            dx2 = dlogp - np.exp(self.logp) * np.sum(dlogp, axis=1, keepdims=True)
        else:
            bwd = _softmax_ce.softmax_ce_backward_numba if self.numba else _softmax_ce.softmax_ce_backward
            dx2 = bwd(self.p, self.y, self.w, self.w_y, self.ignore_index, self.eps, coef)
        dx = _class_back(dx2.astype(dtype, copy=False), self.shape)
        dt = None
        if self.probs and self.needs_input_grad[1]:
            dt2 = -coef * (1 - self.eps) * self.w * self.logp
            dt = _class_back(dt2.astype(self.logp.dtype, copy=False), self.shape)
        return dx, dt, None


def _check_class_target(input: Tensor, target: Tensor, weight, layer: str, ignore_index):
    """Validate input/target/weight of a class-index loss; return whether target holds probabilities."""
    _check_tensor(input, layer)
    _check_tensor(target, layer, "target")
    _check_float(input, layer)
    if input.ndim == 0:
        raise ShapeError(f"{layer}: expected input of shape (N, C), (C,) or (N, C, d1, ...), got a 0-d tensor")
    c = input.shape[1] if input.ndim > 1 else input.shape[0]
    if weight is not None:
        _check_tensor(weight, layer, "weight")
        if _shape(weight) != (c,):
            raise ShapeError(f"{layer}: expected weight of shape ({c},) (one per class), got {_shape(weight)}")
    kind = target.dtype.kind
    if kind == "f":
        if _shape(target) != _shape(input):
            raise ShapeError(
                f"{layer}: float (class-probability) target must have the input's shape {_shape(input)}, got "
                f"{_shape(target)} (for class indices use an int64 target)"
            )
        return True
    if weight is not None and weight.dtype != input.dtype:  # torch: "expected scalar type Float but found Long"
        raise DTypeError(f"{layer}: expected the class weight in the input's dtype {input.dtype.name}, got "
                         f"{weight.dtype.name}")
    if target.dtype not in (np.dtype(np.int64), np.dtype(np.uint8)):
        raise DTypeError(
            f"{layer}: expected target dtype int64 (class indices) or a float dtype (class probabilities), "
            f"got {target.dtype.name} (convert it with .long())"
        )
    expected = (input.shape[0],) + tuple(input.shape[2:]) if input.ndim > 1 else ()
    if _shape(target) != expected:
        raise ShapeError(
            f"{layer}: expected target of shape {expected} (class indices) for input of shape {_shape(input)}, "
            f"got {_shape(target)}"
        )
    y = target.array if target.dtype == np.int64 else target.array.astype(np.int64)
    outside = (y < 0) | (y >= c)
    if outside.any():  # ignore_index may lie outside [0, C) too: only the other labels are errors
        bad = outside & (y != ignore_index)
        if bad.any():
            raise TargetOutOfBounds(f"{layer}: target {int(y[bad].flat[0])} is out of bounds for {c} classes")
    return False


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                  ignore_index: int = -100, reduce=None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy between logits (N, C), (C,) or (N, C, d1, …) and class indices (int64) or class
    probabilities (float, same shape as input): ``log_softmax`` then the negative log-likelihood.
    See :class:`CrossEntropyFn` for the formulas."""
    layer = "CrossEntropyLoss"
    if size_average is not None or reduce is not None:
        raise TypeError(f"{layer}: size_average and reduce are deprecated in torch; use reduction=")
    _check_reduction(reduction, layer)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ShapeError(f"{layer}: label_smoothing must be between 0.0 and 1.0, got {label_smoothing}")
    probs = _check_class_target(input, target, weight, layer, ignore_index)
    if probs:
        input, target = _promote(input, target)
        if weight is not None and weight.dtype.kind == "f" and weight.dtype.itemsize > input.dtype.itemsize:
            # torch's probability form multiplies by the weight, so a wider weight widens the computation
            input, target = input.to(weight.dtype), target.to(weight.dtype)
    w = None if weight is None else weight.array
    return CrossEntropyFn.apply(input, target, w, reduction=reduction, ignore_index=ignore_index,
                                label_smoothing=float(label_smoothing), probs=probs)


class NLLLossFn(Function):
    """Negative log-likelihood of log-probabilities x: ``ℓᵢ = −w_yᵢ·x_{i,yᵢ}`` (0 where ignored),
    mean = Σ ℓᵢ / Σ w_yᵢ.  ``dx_{i,yᵢ} = −c_i·w_yᵢ``, 0 elsewhere (c_i as in :class:`CrossEntropyFn`);
    an ignored row's gradient is exactly 0, even when every row is ignored and c_i = g/0 (as torch)."""

    node_name = "NllLossBackward0"

    def forward(self, x, target, weight, *, reduction, ignore_index):
        self.shape, self.reduction = x.shape, reduction
        x2 = _class_last(x)
        m, c = x2.shape
        w = np.ones(c, dtype=x.dtype) if weight is None else weight.astype(x.dtype, copy=False)
        y = target.reshape(-1).astype(np.int64)
        valid = y != ignore_index
        self.y = np.where(valid, y, 0)
        self.valid = valid
        self.w_y = np.where(valid, w[self.y], 0).astype(x.dtype)
        loss = np.where(valid, -x2[np.arange(m), self.y] * self.w_y, 0)  # ignored: 0 even for a non-finite x
        self.denom = np.sum(self.w_y)
        out = _reduce(loss, reduction, self.denom)
        if reduction == "none":
            out = out.reshape(target.shape)
        return np.asarray(out, dtype=x.dtype)

    def backward(self, g):
        m = self.y.shape[0]
        g = np.asarray(g, dtype=self.w_y.dtype)
        coef = g.reshape(m) if self.reduction == "none" else (g / self.denom if self.reduction == "mean" else g)
        dx2 = np.zeros((m, self.shape[1] if len(self.shape) > 1 else self.shape[0]), dtype=self.w_y.dtype)
        rows = np.flatnonzero(self.valid)  # ignored rows stay 0 (no 0·(g/0) = NaN there)
        dx2[rows, self.y[rows]] = -np.broadcast_to(coef, (m,))[rows] * self.w_y[rows]
        return _class_back(dx2, self.shape), None, None


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
             ignore_index: int = -100, reduce=None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of log-probabilities (N, C), (C,) or (N, C, d1, …) and int64 class indices."""
    layer = "NLLLoss"
    if size_average is not None or reduce is not None:
        raise TypeError(f"{layer}: size_average and reduce are deprecated in torch; use reduction=")
    _check_reduction(reduction, layer)
    if _check_class_target(input, target, weight, layer, ignore_index):
        raise DTypeError(f"{layer}: expected an int64 target of class indices, got dtype {target.dtype.name}")
    w = None if weight is None else weight.array
    return NLLLossFn.apply(input, target, w, reduction=reduction, ignore_index=ignore_index)
