"""Learn the Basics, "Build the Neural Network", in our own words: the device-selection lines (both
forms: cuda/mps and torch.accelerator), an nn.Module subclass with nn.Flatten and an nn.Sequential
of Linear/ReLU, print(model), calling it on random images, nn.Softmax(dim=1) and argmax, the layers
one by one (sizes, before/after ReLU), named_parameters with slices of the weights. Same printout
as torch, from torch's initial weights."""
from __future__ import annotations

from tutorial_harness import assert_same_printout


def build_model_chapter(torch, nn, same_init, same_draws, **_):
    device = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
    print(f"Using {device} device")
    device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
    print(f"Using {device} device")

    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(28 * 28, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))

        def forward(self, x):
            return self.linear_relu_stack(self.flatten(x))

    model = same_init(NeuralNetwork().to(device))
    print(model)

    X = same_draws(torch.rand(1, 28, 28, device=device))
    logits = model(X)
    pred_probab = nn.Softmax(dim=1)(logits)
    y_pred = pred_probab.argmax(1)
    print(f"Predicted class: {y_pred}")
    print(logits, pred_probab.sum())

    input_image = same_draws(torch.rand(3, 28, 28))
    print(input_image.size())
    flatten = nn.Flatten()
    flat_image = flatten(input_image)
    print(flat_image.size())
    layer1 = same_init(nn.Linear(in_features=28 * 28, out_features=20))
    hidden1 = layer1(flat_image)
    print(hidden1.size())
    print(f"Before ReLU: {hidden1}\n\n")
    hidden1 = nn.ReLU()(hidden1)
    print(f"After ReLU: {hidden1}")

    seq_modules = nn.Sequential(flatten, layer1, nn.ReLU(), same_init(nn.Linear(20, 10)))
    logits = seq_modules(same_draws(torch.rand(3, 28, 28)))
    softmax = nn.Softmax(dim=1)
    print(softmax(logits))

    print(f"Model structure: {model}\n\n")
    for name, param in model.named_parameters():
        print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2]} \n")


def test_build_model_chapter_prints_what_torch_prints():
    assert_same_printout(build_model_chapter)
