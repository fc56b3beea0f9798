"""Run one program on torch and on minitorch_cnn and compare what each prints.

The test_tutorial_*.py modules exercise, chapter by chapter, the APIs that PyTorch's official
beginner tutorials use (Learn the Basics; the 60 Minute Blitz). Each chapter is written here in our
own words as a function whose parameters are the names a tutorial imports (``torch``, ``nn``,
``DataLoader``, ``datasets``, ``ToTensor``...), so the very same body runs on both engines: that is
"only the imports changed". Two hooks make the runs comparable:

- ``same_init(model)``: after building a model, give it torch's initial weights (torch runs first
  and records them; our run loads them);
- ``same_draws(t)``: overwrite a randomly drawn tensor with the next values of a NumPy stream that
  restarts for each engine (the two libraries' random generators differ; their APIs are tested apart).

torchvision is not a dependency, so the torch run gets small stand-ins for ``datasets.FashionMNIST``,
``ToTensor``, ``Lambda``, ``Compose`` and ``Normalize``, written with torch ops from torchvision's
documented behaviour (IDX files read with NumPy; uint8 H×W×C → float C×H×W / 255). Everything else on
the torch side — tensors, autograd, nn, optim, DataLoader — is the real torch.
"""
from __future__ import annotations

import contextlib
import functools
import gzip
import io
import struct
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch

import minitorch_cnn
import minitorch_cnn.data
import minitorch_cnn.nn
import minitorch_cnn.nn.functional
import minitorch_cnn.optim
from api_helpers import same_printout
from minitorch_cnn.data import datasets as mt_datasets, transforms as mt_transforms

FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")


# --- torchvision stand-ins for the torch run --------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _read_idx(path: Path) -> np.ndarray:
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    ndim = raw[3]
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


class TorchFashionMNIST(torch.utils.data.Dataset):
    """torchvision.datasets.FashionMNIST's behaviour: (transform(image), target_transform(int label))."""

    def __init__(self, root, train=True, download=False, transform=None, target_transform=None):
        stem = "train" if train else "t10k"
        self.images = _read_idx(FASHION_DIR / f"{stem}-images-idx3-ubyte.gz")
        self.labels = _read_idx(FASHION_DIR / f"{stem}-labels-idx1-ubyte.gz")
        self.transform, self.target_transform = transform, target_transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        img, target = self.images[i][:, :, None], int(self.labels[i])  # (torchvision: a PIL 'L' image)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target


class TorchToTensor:
    def __call__(self, pic):
        img = torch.from_numpy(np.ascontiguousarray(np.atleast_3d(pic).transpose(2, 0, 1)))
        return img.to(torch.get_default_dtype()).div(255) if img.dtype == torch.uint8 else img


class TorchLambda:
    def __init__(self, lambd):
        self.lambd = lambd

    def __call__(self, x):
        return self.lambd(x)


class TorchCompose:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, x):
        for t in self.transforms:
            x = t(x)
        return x


class TorchNormalize:
    def __init__(self, mean, std):
        self.mean, self.std = mean, std

    def __call__(self, x):
        mean = torch.tensor(self.mean, dtype=x.dtype).view(-1, 1, 1)
        std = torch.tensor(self.std, dtype=x.dtype).view(-1, 1, 1)
        return (x - mean) / std


def _names(lib):
    """What a tutorial's imports bind, for one engine."""
    if lib is torch:
        transforms = SimpleNamespace(ToTensor=TorchToTensor, Lambda=TorchLambda, Compose=TorchCompose,
                                     Normalize=TorchNormalize)
        return dict(torch=torch, nn=torch.nn, F=torch.nn.functional, optim=torch.optim,
                    DataLoader=torch.utils.data.DataLoader, Dataset=torch.utils.data.Dataset,
                    datasets=SimpleNamespace(FashionMNIST=TorchFashionMNIST), transforms=transforms,
                    ToTensor=TorchToTensor, Lambda=TorchLambda)
    mt = minitorch_cnn
    return dict(torch=mt, nn=mt.nn, F=mt.nn.functional, optim=mt.optim, DataLoader=mt.data.DataLoader,
                Dataset=mt.data.Dataset, datasets=mt_datasets, transforms=mt_transforms,
                ToTensor=mt_transforms.ToTensor, Lambda=mt_transforms.Lambda)


# --- running a chapter on both engines ------------------------------------------------------------
def run_chapter(program, *, seed: int = 0, **extra) -> tuple[str, str, dict]:
    """Run ``program(**names, same_init=..., same_draws=..., **extra)`` on torch, then on ours;
    return (our printout, torch's printout, {"torch": result, "ours": result})."""
    recorded = []
    outputs, results = {}, {}
    for lib in (torch, minitorch_cnn):
        rng = np.random.default_rng(seed)
        inits = iter(recorded)

        def same_init(model, lib=lib, inits=inits):
            if lib is torch:
                recorded.append({k: v.detach().numpy().copy() for k, v in model.state_dict().items()})
            else:
                model.load_state_dict(next(inits))
            return model

        def same_draws(t, lib=lib, rng=rng, normal=None):
            """Overwrite ``t`` with the stream's next values (normal if t came from randn, else uniform)."""
            shape = tuple(t.shape)
            values = rng.standard_normal(shape) if normal else rng.random(shape)
            with lib.no_grad():
                t.copy_(lib.tensor(values, dtype=t.dtype))
            return t

        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            results["torch" if lib is torch else "ours"] = program(
                **_names(lib), same_init=same_init, same_draws=same_draws, **extra)
        outputs[lib] = buf.getvalue()
    return outputs[minitorch_cnn], outputs[torch], results


def assert_same_printout(program, *, grad_fn_names: bool = True, **kw) -> tuple[str, str]:
    """The chapter prints the same text and numbers on both engines (float32 tolerance, and one unit
    in the last printed digit), grad_fn names included (``grad_fn_names=False`` masks them)."""
    import re

    ours, theirs, _ = run_chapter(program, **kw)
    ours = re.sub(r" object at 0x[0-9a-f]+>", " object>", ours)       # printed graph nodes: no addresses
    theirs = re.sub(r" object at 0x[0-9a-f]+>", " object>", theirs)
    if not grad_fn_names:
        ours = re.sub(r"<\w+>|<\w+ object at 0x[0-9a-f]+>", "<node>", ours)
        theirs = re.sub(r"<\w+>|<\w+ object at 0x[0-9a-f]+>", "<node>", theirs)
    same_printout(ours, theirs)
    return ours, theirs
