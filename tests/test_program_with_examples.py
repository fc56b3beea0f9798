"""A real program in the style of PyTorch's "Learning PyTorch with Examples": fit a third-order
polynomial to sin(x) on [-π, π], five ways — raw tensors with hand-written gradients, autograd, a custom
``autograd.Function`` (a Legendre polynomial), ``nn.Sequential`` with ``nn.Flatten(0, 1)`` + manual
updates, ``optim.RMSprop``, a custom ``nn.Module`` with scalar Parameters, and a dynamic network whose
forward draws its depth with Python's ``random``. Written in our own words, shortened (fewer steps);
run on both engines from the same draws, every printed number compared.
"""
from __future__ import annotations

import math
import random

from tutorial_harness import assert_same_printout


def raw_tensors_and_autograd(torch, same_draws, **_):
    dtype = torch.float
    device = torch.device("cpu")
    x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = torch.sin(x)
    a, b, c, d = (same_draws(torch.randn((), device=device, dtype=dtype), normal=True) for _ in range(4))
    learning_rate = 1e-6
    for t in range(300):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum().item()
        if t % 100 == 99:
            print(t, f"{loss:.4f}")
        grad_y_pred = 2.0 * (y_pred - y)
        grad_a = grad_y_pred.sum()
        grad_b = (grad_y_pred * x).sum()
        grad_c = (grad_y_pred * x ** 2).sum()
        grad_d = (grad_y_pred * x ** 3).sum()
        a -= learning_rate * grad_a
        b -= learning_rate * grad_b
        c -= learning_rate * grad_c
        d -= learning_rate * grad_d
    print(f"Result: y = {a.item():.5f} + {b.item():.5f} x + {c.item():.5f} x^2 + {d.item():.5f} x^3")

    a, b, c, d = (same_draws(torch.randn((), dtype=dtype, requires_grad=True), normal=True) for _ in range(4))
    for t in range(300):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        if t % 100 == 99:
            print(t, f"{loss.item():.4f}")
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    print(f"Result: y = {a.item():.5f} + {b.item():.5f} x + {c.item():.5f} x^2 + {d.item():.5f} x^3")


def custom_function(torch, same_draws, **_):
    class LegendrePolynomial3(torch.autograd.Function):
        """P3(t) = (5t³ − 3t) / 2;  dP3/dt = (15t² − 3) / 2."""

        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    x = torch.linspace(-math.pi, math.pi, 2000, dtype=torch.float)
    y = torch.sin(x)
    a = torch.full((), 0.0, dtype=torch.float, requires_grad=True)
    b = torch.full((), -1.0, dtype=torch.float, requires_grad=True)
    c = torch.full((), 0.0, dtype=torch.float, requires_grad=True)
    d = torch.full((), 0.3, dtype=torch.float, requires_grad=True)
    learning_rate = 5e-6
    for t in range(300):
        P3 = LegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        if t % 100 == 99:
            print(t, f"{loss.item():.4f}")
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d):
                p -= learning_rate * p.grad
                p.grad = None
    print(f"Result: y = {a.item():.5f} + {b.item():.5f} * P3({c.item():.5f} + {d.item():.5f} x)")


def nn_and_optim(torch, nn, same_init, **_):
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    p = torch.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)
    print(xx.shape, xx.dtype)

    model = same_init(nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1)))
    loss_fn = nn.MSELoss(reduction="sum")
    learning_rate = 1e-6
    for t in range(200):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        if t % 100 == 99:
            print(t, f"{loss.item():.4f}")
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for param in model.parameters():
                param -= learning_rate * param.grad
    linear_layer = model[0]
    print(f"Result: y = {linear_layer.bias.item():.5f} + {linear_layer.weight[:, 0].item():.5f} x + "
          f"{linear_layer.weight[:, 1].item():.5f} x^2 + {linear_layer.weight[:, 2].item():.5f} x^3")

    model = same_init(nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1)))
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3)
    for t in range(300):
        loss = loss_fn(model(xx), y)
        if t % 100 == 99:
            print(t, f"{loss.item():.4f}")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(model[0].weight.detach(), model[0].bias.detach())


def custom_modules(torch, same_draws, **_):
    class Polynomial3(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b, self.c, self.d = (
                torch.nn.Parameter(same_draws(torch.randn(()), normal=True)) for _ in range(4))

        def forward(self, x):
            return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

        def string(self):
            return (f"y = {self.a.item():.5f} + {self.b.item():.5f} x + {self.c.item():.5f} x^2 + "
                    f"{self.d.item():.5f} x^3")

    class DynamicNet(Polynomial3):
        def __init__(self):
            super().__init__()
            self.e = torch.nn.Parameter(same_draws(torch.randn(()), normal=True))

        def forward(self, x):
            y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
            for exp in range(4, random.randint(4, 6)):  # the graph is built anew on every call
                y = y + self.e * x ** exp
            return y

    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    for Model, lr, momentum in ((Polynomial3, 1e-6, 0.0), (DynamicNet, 1e-8, 0.9)):
        random.seed(0)  # the same depths on both engines
        model = Model()
        criterion = torch.nn.MSELoss(reduction="sum")
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
        for t in range(300):
            loss = criterion(model(x), y)
            if t % 100 == 99:
                print(t, f"{loss.item():.4f}")
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        print(f"Result: {model.string()}")


def test_raw_tensors_and_autograd_print_what_torch_prints():
    assert_same_printout(raw_tensors_and_autograd)


def test_custom_autograd_function_prints_what_torch_prints():
    assert_same_printout(custom_function)


def test_nn_and_optim_print_what_torch_prints():
    assert_same_printout(nn_and_optim)


def test_custom_and_dynamic_modules_print_what_torch_prints():
    assert_same_printout(custom_modules)
