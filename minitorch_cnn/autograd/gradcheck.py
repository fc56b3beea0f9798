"""``autograd.gradcheck``: compare a function's backward with finite differences, as torch's does.

For each input ``i`` that requires grad and each output ``j``, two Jacobians are built:

* numerical — central differences, one input element at a time:
  ``J_num[k, :] = (f(x + eps·e_k) − f(x − eps·e_k)) / (2·eps)`` (flattened output ``j``);
* analytical — one backward per output element ``m`` with ``grad_output = e_m``: row ``m`` of the
  transposed Jacobian is the gradient that backward hands to input ``i``.

They must agree elementwise: ``|analytical − numerical| ≤ atol + rtol·|numerical|``. Use float64
inputs: in float32 the differences drown in rounding (torch warns about the same). On a mismatch it
raises :class:`GradcheckError` (a ``RuntimeError``) naming the output and the input and showing both
Jacobians, or returns False with ``raise_exception=False``.
"""
from __future__ import annotations

import numpy as np

from ..errors import warn
from . import function, grad_mode
from .gradients import grad


class GradcheckError(RuntimeError):
    """Raised by :func:`gradcheck` when the analytical and numerical Jacobians differ."""


def _as_tuple(x) -> tuple:
    return x if isinstance(x, tuple) else (x,)


def _float_outputs(outputs) -> list:
    Tensor = function.tensor_class()
    return [(j, o) for j, o in enumerate(outputs) if isinstance(o, Tensor) and o.dtype.kind == "f"]


def _numerical_jacobian(func, inputs, i, j, eps) -> np.ndarray:
    """(elements of input i) × (elements of output j), by central differences."""
    x = inputs[i].array
    with grad_mode.no_grad():
        n_out = _as_tuple(func(*inputs))[j].array.size
    jac = np.zeros((x.size, n_out), dtype=np.float64)
    for k, index in enumerate(np.ndindex(x.shape)):
        orig = x[index].copy()
        with grad_mode.no_grad():
            x[index] = orig + eps
            plus = np.array(_as_tuple(func(*inputs))[j].array, dtype=np.float64)
            x[index] = orig - eps
            minus = np.array(_as_tuple(func(*inputs))[j].array, dtype=np.float64)
            x[index] = orig
        jac[k] = ((plus - minus) / (2 * eps)).ravel()
    return jac


def _analytical_jacobian(output, inputs, diff) -> dict:
    """{input index: (elements of input) × (elements of output)}, one backward per output element."""
    Tensor = function.tensor_class()
    jac = {i: np.zeros((inputs[i].array.size, output.array.size), dtype=np.float64) for i in diff}
    if not output.requires_grad:
        return jac
    for m in range(output.array.size):
        seed = np.zeros(output.array.size, dtype=output.dtype)
        seed[m] = 1
        grads = grad(output, [inputs[i] for i in diff], grad_outputs=Tensor(seed.reshape(output.shape)),
                      retain_graph=True, allow_unused=True)
        for i, g in zip(diff, grads):
            if g is not None:
                jac[i][:, m] = g.array.ravel()
    return jac


def gradcheck(func, inputs, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, nondet_tol: float = 0.0, check_undefined_grad: bool = True,
              check_grad_dtypes: bool = False, check_batched_grad: bool = False, check_batched_forward_grad: bool = False,
              check_forward_ad: bool = False, check_backward_ad: bool = True, fast_mode: bool = False,
              masked=None) -> bool:
    """True if ``func``'s backward matches central differences for every input that requires grad.

    ``inputs`` is a Tensor or a tuple of arguments (non-Tensors are passed through). The other
    keyword arguments of torch's gradcheck are accepted; only the default behaviour is implemented.
    """
    Tensor = function.tensor_class()
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not diff:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but none of the them have requires_grad=True."
        )
    for i in diff:
        if inputs[i].dtype != np.float64:
            warn(
                f"Input #{i} requires gradient and is not a double precision floating point or complex. "
                "This check will likely fail if all the inputs are not of double precision floating point or complex."
            )
    outputs = _as_tuple(func(*inputs))
    for j, out in _float_outputs(outputs):
        analytical = _analytical_jacobian(out, inputs, diff)
        for i in diff:
            numerical = _numerical_jacobian(func, inputs, i, j, eps)
            a = analytical[i]
            if not np.all(np.abs(a - numerical) <= atol + rtol * np.abs(numerical)):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output {j} with respect to input {i},\n"
                    f"numerical:{Tensor(numerical)!r}\nanalytical:{Tensor(a)!r}\n"
                )
    return True
