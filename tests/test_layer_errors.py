"""Every user mistake with a layer or loss raises a ValueError/TypeError naming the layer, what it
expected and what it got. One table: (id, call, exception type, message regex)."""
from __future__ import annotations

import numpy as np
import pytest

import minitorch_cnn as mt
import minitorch_cnn.nn.functional as F
from minitorch_cnn import nn

z = mt.zeros

ERRORS = [
    # Linear
    ("linear wrong in_features", lambda: nn.Linear(48, 3)(z(1, 47)), ValueError,
     r"^Linear\(48→3\): expected input with last dimension 48, got \(1, 47\)$"),
    ("linear 0-d input", lambda: nn.Linear(2, 3)(mt.tensor(1.0)), ValueError, r"Linear\(2→3\): expected input with last dimension 2, got \(\)"),
    ("linear int input", lambda: nn.Linear(3, 2)(z(2, 3, dtype=mt.int64)), TypeError,
     r"Linear\(3→2\): expected a floating point input .*got dtype int64"),
    ("linear dtype mismatch", lambda: nn.Linear(3, 2)(z(2, 3, dtype=mt.float64)), TypeError,
     r"Linear\(3→2\): input dtype float64 differs from the weight's dtype float32"),
    ("linear numpy input", lambda: nn.Linear(3, 2)(np.zeros((2, 3), np.float32)), TypeError,
     r"Linear\(3→2\): expected input to be a Tensor, got ndarray"),
    ("linear bad bias shape", lambda: F.linear(z(2, 3), z(4, 3), z(3)), ValueError,
     r"Linear\(3→4\): expected bias of shape \(4,\), got \(3,\)"),
    ("linear negative features", lambda: nn.Linear(-1, 3), ValueError, r"Linear\(-1→3\): expected in_features ≥ 0, got -1"),
    # Conv2d: input
    ("conv wrong channels", lambda: nn.Conv2d(1, 16, 3)(z(2, 3, 28, 28)), ValueError,
     r"Conv2d\(1→16\): expected input with 1 channels .*got 3 channels in input of shape \(2, 3, 28, 28\)"),
    ("conv wrong ndim", lambda: nn.Conv2d(1, 16, 3)(z(28, 28)), ValueError,
     r"Conv2d\(1→16\): expected a 4-D input \(N, C, H, W\) or an unbatched 3-D input \(C, H, W\), got \(28, 28\)"),
    ("conv 5-D input", lambda: nn.Conv2d(1, 16, 3)(z(1, 1, 1, 5, 5)), ValueError, r"Conv2d\(1→16\): expected a 4-D input"),
    ("conv int input", lambda: nn.Conv2d(1, 16, 3)(z(1, 1, 28, 28, dtype=mt.uint8)), TypeError,
     r"Conv2d\(1→16\): expected a floating point input .*got dtype uint8"),
    ("conv dtype mismatch", lambda: nn.Conv2d(1, 2, 3)(z(1, 1, 5, 5, dtype=mt.float64)), TypeError,
     r"Conv2d\(1→2\): input dtype float64 differs from the weight's dtype float32"),
    ("conv kernel larger than padded input", lambda: nn.Conv2d(1, 16, 5, padding=1)(z(1, 1, 2, 9)), ValueError,
     r"Conv2d\(1→16\): kernel \(5, 5\) with dilation \(1, 1\) spans \(5, 5\), larger than the padded input \(4, 11\)"),
    ("conv dilated kernel too large", lambda: nn.Conv2d(1, 1, 3, dilation=3)(z(1, 1, 6, 6)), ValueError,
     r"spans \(7, 7\), larger than the padded input \(6, 6\)"),
    ("conv grouped channels", lambda: nn.Conv2d(4, 6, 3, groups=2)(z(1, 2, 5, 5)), ValueError,
     r"Conv2d\(4→6\): expected input with 4 channels .*groups=2.*got 2 channels"),
    # Conv2d: construction
    ("conv out_channels vs groups", lambda: nn.Conv2d(4, 6, 3, groups=4), ValueError,
     r"Conv2d\(4→6\): out_channels \(6\) must be divisible by groups \(4\)"),
    ("conv in_channels vs groups", lambda: nn.Conv2d(3, 6, 3, groups=2), ValueError,
     r"Conv2d\(3→6\): in_channels \(3\) must be divisible by groups \(2\)"),
    ("conv same + stride", lambda: nn.Conv2d(4, 6, 3, padding="same", stride=2), ValueError,
     r"Conv2d\(4→6\): padding='same' is not supported for strided convolutions"),
    ("conv bad padding string", lambda: nn.Conv2d(4, 6, 3, padding="full"), ValueError,
     r"Conv2d\(4→6\): invalid padding string 'full', should be one of"),
    ("conv padding_mode", lambda: nn.Conv2d(4, 6, 3, padding_mode="reflect"), ValueError,
     r"Conv2d\(4→6\): padding_mode='reflect' is not supported; only 'zeros'"),
    ("conv zero kernel", lambda: nn.Conv2d(1, 1, 0), ValueError, r"Conv2d\(1→1\): expected kernel_size ≥ 1, got 0"),
    ("conv negative padding", lambda: nn.Conv2d(1, 1, 3, padding=-1), ValueError, r"Conv2d\(1→1\): expected padding ≥ 0, got -1"),
    ("conv float stride", lambda: nn.Conv2d(1, 1, 3, stride=1.5), TypeError,
     r"Conv2d\(1→1\): expected stride to be an int or a pair of ints, got 1.5"),
    ("conv int dtype", lambda: nn.Conv2d(1, 1, 3, dtype=mt.int64), TypeError,
     r"Conv2d\(1→1\): expected a floating point dtype for the parameters, got int64"),
    ("F.conv2d 3-D weight", lambda: F.conv2d(z(1, 1, 5, 5), z(1, 3, 3)), ValueError,
     r"conv2d: expected a 4-D weight \(C_out, C_in/groups, kh, kw\), got \(1, 3, 3\)"),
    # MaxPool2d
    ("pool padding too large", lambda: nn.MaxPool2d(3, padding=2)(z(1, 1, 8, 8)), ValueError,
     r"MaxPool2d: padding should be at most half of the kernel size, got padding=\(2, 2\) for kernel_size=\(3, 3\)"),
    ("pool input too small", lambda: nn.MaxPool2d(3)(z(1, 1, 2, 2)), ValueError,
     r"MaxPool2d: input of shape \(1, 1, 2, 2\) is too small for kernel_size=\(3, 3\).*the output would be \(0, 0\)"),
    ("pool wrong ndim", lambda: nn.MaxPool2d(2)(z(4, 4)), ValueError,
     r"MaxPool2d: expected a 4-D input \(N, C, H, W\) or an unbatched 3-D input \(C, H, W\), got \(4, 4\)"),
    ("pool bool input", lambda: nn.MaxPool2d(2)(z(1, 1, 4, 4, dtype=mt.bool)), NotImplementedError,
     r"\"max_pool2d\" not implemented for 'Bool'"),
    ("pool zero stride", lambda: nn.MaxPool2d(2, stride=0), ValueError, r"MaxPool2d: expected stride ≥ 1, got 0"),
    # CrossEntropyLoss
    ("ce target out of range", lambda: nn.CrossEntropyLoss()(z(2, 5), mt.tensor([1, 7])), ValueError,
     r"^CrossEntropyLoss: target 7 is out of bounds for 5 classes$"),
    ("ce negative target", lambda: nn.CrossEntropyLoss()(z(2, 5), mt.tensor([-1, 0])), ValueError,
     r"^CrossEntropyLoss: target -1 is out of bounds for 5 classes$"),
    ("ce float target of wrong shape", lambda: nn.CrossEntropyLoss()(z(2, 5), z(2, 4)), ValueError,
     r"CrossEntropyLoss: float \(class-probability\) target must have the input's shape \(2, 5\), got \(2, 4\)"),
    ("ce int32 target", lambda: nn.CrossEntropyLoss()(z(2, 5), mt.tensor([1, 2], dtype=mt.int32)), TypeError,
     r"CrossEntropyLoss: expected target dtype int64 \(class indices\) or a float dtype .*got int32"),
    ("ce bool target", lambda: nn.CrossEntropyLoss()(z(2, 5), mt.tensor([True, False])), TypeError,
     r"CrossEntropyLoss: expected target dtype int64 .*got bool"),
    ("ce batch mismatch", lambda: nn.CrossEntropyLoss()(z(2, 5), mt.tensor([1, 2, 3])), ValueError,
     r"CrossEntropyLoss: expected target of shape \(2,\) \(class indices\) for input of shape \(2, 5\), got \(3,\)"),
    ("ce int logits", lambda: nn.CrossEntropyLoss()(z(2, 5, dtype=mt.int64), mt.tensor([1, 2])), TypeError,
     r"CrossEntropyLoss: expected a floating point input .*got dtype int64"),
    ("ce weight shape", lambda: nn.CrossEntropyLoss(weight=mt.ones(4))(z(2, 5), mt.tensor([1, 2])), ValueError,
     r"CrossEntropyLoss: expected weight of shape \(5,\) \(one per class\), got \(4,\)"),
    ("ce bad reduction", lambda: nn.CrossEntropyLoss(reduction="avg"), ValueError,
     r"CrossEntropyLoss: 'avg' is not a valid value for reduction"),
    ("ce label smoothing", lambda: nn.CrossEntropyLoss(label_smoothing=1.5), ValueError,
     r"CrossEntropyLoss: label_smoothing must be between 0.0 and 1.0, got 1.5"),
    ("nll float target", lambda: F.nll_loss(z(2, 3), z(2, 3)), TypeError, r"NLLLoss: expected an int64 target of class indices"),
    # MSELoss (torch broadcasts with a warning; we refuse)
    ("mse shape mismatch", lambda: nn.MSELoss()(z(4, 1), z(4)), ValueError,
     r"MSELoss: input and target must have the same shape, got input \(4, 1\) and target \(4,\)"),
    ("mse bad reduction", lambda: nn.MSELoss(reduction="avg"), ValueError, r"MSELoss: 'avg' is not a valid value for reduction"),
    ("mse int tensors", lambda: nn.MSELoss()(z(3, dtype=mt.int64), z(3, dtype=mt.int64)), TypeError,
     r"MSELoss: expected a floating point input"),
]


@pytest.mark.parametrize("name,call,exc,pattern", ERRORS, ids=[e[0] for e in ERRORS])
def test_layer_error_messages(name, call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_errors_are_raised_before_any_work_on_the_numpy_backend_too():
    """The checks live in the functional layer, not in a kernel: both backends give the same message."""
    for name in ("numpy", "numba"):
        with mt.backend(name), pytest.raises(ValueError, match=r"Conv2d\(1→16\): expected input with 1 channels"):
            nn.Conv2d(1, 16, 3)(z(1, 2, 8, 8))
