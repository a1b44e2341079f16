"""Chapter 06: the source's Mynet, prediction probabilities, a checkpoint (and the conv block)."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from tests.corpus import mistake, right, stub
from widgets import check_checkpoint, check_cnn_block, check_mynet, check_probabilities
from widgets._checks.ch06 import reference_mynet


def block(*kinds: str, conv=None) -> nn.Module:
    layers = {
        "c": conv or nn.Conv2d(16, 32, 3, padding=1),
        "b": nn.BatchNorm2d(32),
        "r": nn.ReLU(),
        "p": nn.MaxPool2d(2),
    }
    return nn.Sequential(*(layers[k] for k in kinds))


class BlockFunctional(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv, self.bn = nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32)

    def forward(self, x):
        return F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)


class BlockNoReturn(BlockFunctional):
    def forward(self, x):
        F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)


class MynetStages(nn.Module):
    """Mynet written as the source writes it: named stages, a head."""

    def __init__(self):
        super().__init__()
        stages, c_in = [], 3
        for c_out in (32, 64, 128, 256):
            convs = []
            for c in (c_in, c_out):
                convs += [
                    nn.Conv2d(c, c_out, 3, padding=1),
                    nn.BatchNorm2d(c_out),
                    nn.ReLU(inplace=True),
                ]
            stages.append(nn.Sequential(*convs, nn.MaxPool2d(2, 2)))
            c_in = c_out
        self.features = nn.Sequential(*stages)
        self.head = nn.Sequential(
            nn.Linear(4096, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)
        )

    def forward(self, x):
        return self.head(torch.flatten(self.features(x), 1))


class MynetNoReturn(MynetStages):
    def forward(self, x):
        self.head(torch.flatten(self.features(x), 1))


def mynet_without(index: int) -> nn.Module:
    layers = list(reference_mynet())
    return nn.Sequential(*layers[:index], *layers[index + 1 :])


def small_model() -> nn.Module:
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 26 * 26, 10)
    )
    model[1].running_mean.fill_(0.5)
    model[1].running_var.fill_(2.0)
    return model


IMAGES = torch.rand(8, 1, 28, 28, generator=torch.Generator().manual_seed(0))


def probs(*, eval_mode=True, dim=1, softmax=True):
    model = small_model()
    if eval_mode:
        model.eval()
    with torch.no_grad():
        out = model(IMAGES)
    return small_model(), IMAGES, torch.softmax(out, dim=dim) if softmax else out


@functools.cache
def folder() -> Path:
    root = tempfile.mkdtemp(prefix="corpus-ch06-")
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return Path(root)


def saved(name: str, make) -> tuple:
    model = small_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    path = folder() / name
    torch.save(make(model, optimizer), path)
    return path, model


def state(model, optimizer, epoch=2):
    return {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}


ANSWERS = [
    right("the reference as nn.Sequential", check_mynet, lambda: (reference_mynet(),)),
    right("named stages and a head", check_mynet, lambda: (MynetStages(),)),
    mistake("forgotten return", check_mynet, lambda: (MynetNoReturn(),), "forget `return`"),
    mistake("the last pooling left out", check_mynet, lambda: (mynet_without(27),), "256×4×4"),
    mistake(
        "no final layer",
        check_mynet,
        lambda: (nn.Sequential(*list(reference_mynet())[:-1]),),
        "(2, 10)",
    ),
    right(
        "LazyConv2d",
        check_cnn_block,
        lambda: (block("c", "b", "r", "p", conv=nn.LazyConv2d(32, 3, padding=1)),),
    ),
    right("functional forward", check_cnn_block, lambda: (BlockFunctional(),)),
    mistake(
        "ReLU before BatchNorm",
        check_cnn_block,
        lambda: (block("c", "r", "b", "p"),),
        "Conv → BatchNorm → ReLU → MaxPool",
    ),
    mistake(
        "no padding",
        check_cnn_block,
        lambda: (block("c", "b", "r", "p", conv=nn.Conv2d(16, 32, 3)),),
        "padding=1",
    ),
    mistake("forgotten return", check_cnn_block, lambda: (BlockNoReturn(),), "forget `return`"),
    mistake("no pooling", check_cnn_block, lambda: (block("c", "b", "r"),), "nn.MaxPool2d(2)"),
    right("F.softmax after eval()", check_probabilities, lambda: probs()),
    mistake("no eval()", check_probabilities, lambda: probs(eval_mode=False), "model.eval()"),
    mistake("softmax over dim=0", check_probabilities, lambda: probs(dim=0), "dim=1"),
    mistake("logits, no softmax", check_probabilities, lambda: probs(softmax=False), "softmax"),
    right("the dict of chapter 5", check_checkpoint, lambda: saved("right.pt", state)),
    right(
        "epoch as a tensor",
        check_checkpoint,
        lambda: saved("tensor_epoch.pt", lambda m, o: state(m, o, epoch=torch.tensor(2))),
    ),
    mistake(
        "torch.save(model, path)",
        check_checkpoint,
        lambda: saved("whole.pt", lambda m, o: m),
        "pickled model",
    ),
    mistake(
        "epoch 1 (counted from 0)",
        check_checkpoint,
        lambda: saved("epoch1.pt", lambda m, o: state(m, o, epoch=1)),
        "Two epochs are finished",
    ),
    mistake(
        "another model's state_dict",
        check_checkpoint,
        lambda: saved(
            "other.pt", lambda m, o: {**state(m, o), "model": nn.Linear(2, 2).state_dict()}
        ),
        "missing keys",
    ),
    mistake(
        "no optimizer",
        check_checkpoint,
        lambda: saved("no_opt.pt", lambda m, o: {"model": m.state_dict(), "epoch": 2}),
        "'optimizer'",
    ),
    stub("nothing saved yet", check_checkpoint, lambda: (folder() / "missing.pt", small_model())),
]
