"""Learn the Basics, "Automatic Differentiation", and the Blitz's "A Gentle Introduction to
torch.autograd", in our own words: a one-layer logistic model with
F.binary_cross_entropy_with_logits, grad_fn, backward and .grad, requires_grad under no_grad and
after detach, vector-Jacobian products with backward(gradient, retain_graph=True) accumulating and
zeroed, Q = 3a³ − b² checked against 9a² and −2b, requires_grad propagation, and frozen parameters
with a replaced classifier layer trained by SGD with momentum. Same printout as torch (grad_fn
names aside, which the autograd work of issue 8 gives torch's names)."""
from __future__ import annotations

from tutorial_harness import assert_same_printout


def autograd_chapter(torch, nn, optim, same_init, same_draws, **_):
    x = torch.ones(5)
    y = torch.zeros(3)
    w = same_draws(torch.randn(5, 3, requires_grad=True), normal=True)
    b = same_draws(torch.randn(3, requires_grad=True), normal=True)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    print(f"Gradient function for z = {z.grad_fn}")
    print(f"Gradient function for loss = {loss.grad_fn}")
    loss.backward()
    print(w.grad)
    print(b.grad)

    z = torch.matmul(x, w) + b
    print(z.requires_grad)
    with torch.no_grad():
        z = torch.matmul(x, w) + b
    print(z.requires_grad)
    z_det = (torch.matmul(x, w) + b).detach()
    print(z_det.requires_grad)

    inp = torch.eye(4, 5, requires_grad=True)
    out = (inp + 1).pow(2).t()
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"First call\n{inp.grad}")
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"\nSecond call\n{inp.grad}")
    inp.grad.zero_()
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"\nCall after zeroing gradients\n{inp.grad}")

    a = torch.tensor([2., 3.], requires_grad=True)
    b = torch.tensor([6., 4.], requires_grad=True)
    Q = 3 * a ** 3 - b ** 2
    Q.backward(gradient=torch.tensor([1., 1.]))
    print(9 * a ** 2 == a.grad)
    print(-2 * b == b.grad)

    p, q = same_draws(torch.rand(5, 5)), same_draws(torch.rand(5, 5))
    r = same_draws(torch.rand((5, 5), requires_grad=True))
    print(f"Does `a` require gradients?: {(p + q).requires_grad}")
    print(f"Does `b` require gradients?: {(p + r).requires_grad}")

    # fine-tuning: freeze a small "pretrained" network, replace its last layer, train only that
    class Tiny(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten())
            self.fc = nn.Linear(4 * 6 * 6, 7)

        def forward(self, x):
            return self.fc(self.body(x))

    model = same_init(Tiny())
    for param in model.parameters():
        param.requires_grad = False
    model.fc = same_init(nn.Linear(4 * 6 * 6, 10))
    optimizer = optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
    data, labels = same_draws(torch.rand(2, 3, 8, 8)), same_draws(torch.rand(2, 10))
    for _ in range(3):
        prediction = model(data)
        loss = (prediction - labels).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        print(loss.item(), model.body[0].weight.grad, model.fc.bias[:3])
    print(sum(p.requires_grad for p in model.parameters()), [n for n, p in model.named_parameters() if p.requires_grad])


def test_autograd_chapter_prints_what_torch_prints():
    assert_same_printout(autograd_chapter)
