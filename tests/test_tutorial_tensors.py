"""Learn the Basics, "Tensors" (and the Blitz's "What is PyTorch?"), in our own words: creating tensors
from lists, NumPy and other tensors, attributes, indexing and assignment, joining, matrix and
elementwise products (with ``out=``), single-element tensors, in-place add, the NumPy bridge, the
``new_*``/``*_like`` factories and the CUDA branch that must not run. Same printout as torch."""
from __future__ import annotations

import numpy as np

from tutorial_harness import assert_same_printout


def tensors_chapter(torch, same_draws, **_):
    grid = [[1, 2], [3, 4]]
    t_data = torch.tensor(grid)
    t_np = torch.from_numpy(np.array(grid))
    print(f"From data:\n {t_data}\nFrom NumPy:\n {t_np}\n")

    t_ones = torch.ones_like(t_data)
    print(f"Ones like:\n {t_ones}\n")
    t_rand = same_draws(torch.rand_like(t_data, dtype=torch.float))
    print(f"Random like:\n {t_rand}\n")

    dims = (2, 3,)
    for name, t in (("rand", same_draws(torch.rand(dims))), ("ones", torch.ones(dims)), ("zeros", torch.zeros(dims))):
        print(f"{name}:\n {t}\n")

    t = same_draws(torch.rand(3, 4))
    print(f"Shape of tensor: {t.shape}")
    print(f"Datatype of tensor: {t.dtype}")
    print(f"Device tensor is stored on: {t.device}")
    if torch.cuda.is_available():
        t = t.to("cuda")

    t = torch.ones(4, 4)
    print(f"First row: {t[0]}")
    print(f"First column: {t[:, 0]}")
    print(f"Last column: {t[..., -1]}")
    t[:, 1] = 0
    print(t)
    print(torch.cat([t, t, t], dim=1))
    print(torch.stack([t[0], t[1]]))

    y1 = t @ t.T
    y2 = t.matmul(t.T)
    y3 = torch.rand_like(y1)
    torch.matmul(t, t.T, out=y3)
    z1 = t * t
    z2 = t.mul(t)
    z3 = torch.rand_like(t)
    torch.mul(t, t, out=z3)
    print(y1, y2, y3, z1, z2, z3, sep="\n")

    total = t.sum()
    value = total.item()
    print(value, type(value))

    print(f"{t} \n")
    t.add_(5)
    print(t)

    a = torch.ones(5)
    b = a.numpy()
    print(f"a: {a}\nb: {b}")
    a.add_(1)
    print(f"a: {a}\nb: {b}")
    n = np.ones(5)
    m = torch.from_numpy(n)
    np.add(n, 1, out=n)
    print(f"m: {m}\nn: {n}")

    # the Blitz's version: empty, long zeros, new_ones, randn_like, add with out=, view, item
    print(torch.empty(5, 3).shape, torch.zeros(5, 3, dtype=torch.long))
    x = torch.tensor([5.5, 3])
    x = x.new_ones(5, 3, dtype=torch.double)
    print(x)
    x = same_draws(torch.randn_like(x, dtype=torch.float), normal=True)
    print(x, x.size())
    y = same_draws(torch.rand(5, 3))
    result = torch.empty(5, 3)
    torch.add(x, y, out=result)
    print(x + y, torch.add(x, y), result, sep="\n")
    y.add_(x)
    print(y, x[:, 1])
    x = same_draws(torch.randn(4, 4), normal=True)
    print(x.size(), x.view(16).size(), x.view(-1, 8).size())
    x = same_draws(torch.randn(1), normal=True)
    print(x, x.item())
    if torch.cuda.is_available():
        device = torch.device("cuda")
        print(torch.ones_like(x, device=device))
    print(x.to("cpu", torch.double))


def test_tensors_chapter_prints_what_torch_prints():
    assert_same_printout(tensors_chapter)
