"""Learn the Basics, "Save and Load the Model" (and Quickstart's last part), in our own words:
torch.save(model.state_dict(), path), a fresh model, load_state_dict(torch.load(path, weights_only=True)),
model.eval(), the same predictions; saving a whole model is refused with a message that says to save the
state_dict (pickle is not used here). Same printout as torch, from torch's initial weights."""
from __future__ import annotations

from tutorial_harness import assert_same_printout


def save_load_chapter(torch, nn, same_init, same_draws, path, **_):
    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(nn.Linear(28 * 28, 64), nn.ReLU(), nn.Linear(64, 10))

        def forward(self, x):
            return self.linear_relu_stack(self.flatten(x))

    model = same_init(NeuralNetwork())
    x = same_draws(torch.rand(2, 1, 28, 28))
    before = model(x)
    weights = path / ("ours.pth" if torch.__name__ != "torch" else "torch.pth")
    torch.save(model.state_dict(), weights)
    print("Saved PyTorch Model State to model.pth")
    model = NeuralNetwork()
    model.load_state_dict(torch.load(weights, weights_only=True))
    model.eval()
    with torch.no_grad():
        after = model(x)
    print(after, (after - before).abs().max())
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    print(f'Predicted: "{classes[after[0].argmax(0)]}"')


def test_save_load_chapter_prints_what_torch_prints(tmp_path):
    assert_same_printout(save_load_chapter, path=tmp_path)
