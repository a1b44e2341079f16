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

from tests.corpus import changed, mistake, right, shortcut, stub
from widgets import check_checkpoint, check_cnn_block, check_mynet, check_probabilities
from widgets._checks.ch06 import (
    BLOCK_CHANNELS,
    BLOCK_NO_BN,
    BLOCK_NO_PADDING,
    BLOCK_NO_POOL,
    BLOCK_NOT_MODULE,
    BLOCK_ORDER,
    CKPT_EPOCH,
    CKPT_EPOCH_COUNT,
    CKPT_KEYS,
    CKPT_MISSING,
    CKPT_NOT_A_PATH,
    CKPT_NOT_DICT,
    CKPT_OPTIMIZER,
    CKPT_PICKLED_MODEL,
    MYNET_AFTER_LAST,
    MYNET_COUNT,
    MYNET_LAYERS,
    MYNET_LAZY,
    MYNET_MISMATCH,
    MYNET_NOT_MODULE,
    MYNET_ORDER,
    MYNET_RELU_FIRST,
    MYNET_SHAPE,
    MYNET_VALUES,
    PROBS_NO_EVAL,
    PROBS_NO_SOFTMAX,
    PROBS_NOT_TENSOR,
    PROBS_SHAPE,
    PROBS_STATS_CHANGED,
    PROBS_WRONG,
    PROBS_WRONG_DIM,
    reference_mynet,
)
from widgets._checks.verdict import CRASHED_AT, RETURNED_NONE


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


MISSING = Path(tempfile.gettempdir()) / "nyumon-corpus-ch06-never-saved.pt"  # never written


def saved(name: str, make) -> tuple:
    model = small_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    path = folder() / name
    torch.save(make(model, optimizer), path)
    return path, model


def state(model, optimizer, epoch=2):
    return {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}


# Issue 24: networks that differ from the statement in order or kind, and shortcuts -----


def mynet_layers(swap=None, *, end=(), replace=None) -> list[nn.Module]:
    """The reference's layers, with each layer of type ``swap[0]`` made by ``swap[1]``."""
    layers = list(reference_mynet())
    if swap:
        kind, make = swap
        layers = [make(m) if isinstance(m, kind) else m for m in layers]
    if replace:
        for index, layer in replace.items():
            layers[index] = layer
    return [*layers, *end]


def mynet(swap=None, *, end=(), replace=None) -> nn.Module:
    return nn.Sequential(*mynet_layers(swap, end=end, replace=replace))


def relu_before_batchnorm() -> nn.Module:
    layers = mynet_layers()
    for i in range(len(layers) - 1):
        if isinstance(layers[i], nn.BatchNorm2d) and isinstance(layers[i + 1], nn.ReLU):
            layers[i], layers[i + 1] = layers[i + 1], layers[i]
    return nn.Sequential(*layers)


class MynetHandMadeHead(MynetStages):
    """The fully connected layers written as x @ W.T + b."""

    def forward(self, x):
        x = torch.flatten(self.features(x), 1)
        for i, layer in enumerate(self.head[::2]):
            x = x @ layer.weight.T + layer.bias
            x = x.relu() if i < 2 else x
        return x


class MynetBothOutputs(MynetStages):
    def forward(self, x):
        features = torch.flatten(self.features(x), 1)
        return self.head(features), features


class MynetTypo(MynetStages):
    def forward(self, x):
        return self.haed(torch.flatten(self.features(x), 1))


def stats_touched():
    """A forward pass in training mode first, then the right steps: BatchNorm has moved on."""
    model = small_model()
    torch.softmax(model(IMAGES), dim=1)  # a look at the output, in training mode
    model.eval()
    with torch.no_grad():
        probs = torch.softmax(model(IMAGES), dim=1)
    return model, IMAGES, probs


def probs_from(make):
    model = small_model().eval()
    with torch.no_grad():
        logits = model(IMAGES)
    return small_model(), IMAGES, make(logits)


REORDERED = "issue 24: check_mynet now reads the order and kind of the layers the network runs"


def no_eval_on_the_model():
    model = small_model()
    with torch.no_grad():  # training mode: batch statistics, and BatchNorm's stored ones move
        probs = torch.softmax(model(IMAGES), dim=1)
    return model, IMAGES, probs


ANSWERS = [
    # 1. Mynet
    right("the reference as nn.Sequential", check_mynet, lambda: (reference_mynet(),)),
    right("named stages and a head", check_mynet, lambda: (MynetStages(),)),
    right("the head as x @ W.T + b", check_mynet, lambda: (MynetHandMadeHead(),)),
    right(
        "padding='same'",
        check_mynet,
        lambda: (
            mynet(
                (nn.Conv2d, lambda c: nn.Conv2d(c.in_channels, c.out_channels, 3, padding="same"))
            ),
        ),
    ),
    mistake("forgotten return", check_mynet, lambda: (MynetNoReturn(),), RETURNED_NONE),
    mistake("the last pooling left out", check_mynet, lambda: (mynet_without(27),), MYNET_MISMATCH),
    mistake(
        "no final layer",
        check_mynet,
        lambda: (nn.Sequential(*list(reference_mynet())[:-1]),),
        MYNET_SHAPE,
    ),
    mistake(
        "one convolution per stage",
        check_mynet,
        lambda: (
            nn.Sequential(
                *[m for i, m in enumerate(mynet_layers()[:28]) if i % 7 < 3 or i % 7 == 6],
                *mynet_layers()[28:],
            ),
        ),
        MYNET_LAYERS,
    ),
    mistake(
        "the last layer without bias",
        check_mynet,
        lambda: (mynet(replace={33: nn.Linear(512, 10, bias=False)}),),
        MYNET_COUNT,
    ),
    mistake("a list of layers", check_mynet, lambda: (mynet_layers(),), MYNET_NOT_MODULE),
    mistake("the class, not an instance", check_mynet, lambda: (MynetStages,), MYNET_NOT_MODULE),
    mistake("logits and features", check_mynet, lambda: (MynetBothOutputs(),), MYNET_SHAPE),
    mistake("a typo in forward", check_mynet, lambda: (MynetTypo(),), CRASHED_AT),
    mistake(
        "ReLU before BatchNorm", check_mynet, lambda: (relu_before_batchnorm(),), MYNET_RELU_FIRST
    ),
    mistake(
        "softmax at the end",
        check_mynet,
        lambda: (mynet(end=[nn.Softmax(dim=1)]),),
        MYNET_AFTER_LAST,
    ),
    mistake(
        "ReLU after the last layer",
        check_mynet,
        lambda: (mynet(end=[nn.ReLU()]),),
        MYNET_AFTER_LAST,
    ),
    mistake(
        "average pooling",
        check_mynet,
        lambda: (mynet((nn.MaxPool2d, lambda m: nn.AvgPool2d(2))),),
        MYNET_ORDER,
    ),
    mistake(
        "sigmoid activations",
        check_mynet,
        lambda: (mynet((nn.ReLU, lambda m: nn.Sigmoid())),),
        MYNET_ORDER,
    ),
    mistake(
        "dropout in the head",
        check_mynet,
        lambda: (nn.Sequential(*mynet_layers()[:31], nn.Dropout(0.5), *mynet_layers()[31:]),),
        MYNET_ORDER,
    ),
    mistake(
        "pooling 3×3, stride 2, padding 1",
        check_mynet,
        lambda: (mynet((nn.MaxPool2d, lambda m: nn.MaxPool2d(3, 2, 1))),),
        MYNET_VALUES,
    ),
    shortcut(
        "nn.LazyLinear", check_mynet, lambda: (mynet(replace={29: nn.LazyLinear(512)}),), MYNET_LAZY
    ),
    shortcut(
        "AdaptiveAvgPool2d before Flatten",
        check_mynet,
        lambda: (
            nn.Sequential(*mynet_layers()[:28], nn.AdaptiveAvgPool2d(4), *mynet_layers()[28:]),
        ),
        MYNET_ORDER,
    ),
    stub("the stub", check_mynet, lambda: (None,)),
    # The first edition's exercise 1 (legacy)
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
        BLOCK_ORDER,
    ),
    mistake(
        "pooling before ReLU", check_cnn_block, lambda: (block("c", "b", "p", "r"),), BLOCK_ORDER
    ),
    mistake(
        "no padding",
        check_cnn_block,
        lambda: (block("c", "b", "r", "p", conv=nn.Conv2d(16, 32, 3)),),
        BLOCK_NO_PADDING,
    ),
    mistake("forgotten return", check_cnn_block, lambda: (BlockNoReturn(),), RETURNED_NONE),
    mistake("no pooling", check_cnn_block, lambda: (block("c", "b", "r"),), BLOCK_NO_POOL),
    mistake(
        "64 channels",
        check_cnn_block,
        lambda: (
            nn.Sequential(
                nn.Conv2d(16, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2)
            ),
        ),
        BLOCK_CHANNELS,
    ),
    mistake("no BatchNorm", check_cnn_block, lambda: (block("c", "r", "p"),), BLOCK_NO_BN),
    mistake("a string", check_cnn_block, lambda: ("conv",), BLOCK_NOT_MODULE),
    stub("the stub", check_cnn_block, lambda: (None,)),
    # 2. Probabilities
    right("F.softmax after eval()", check_probabilities, lambda: probs()),
    mistake("no eval()", check_probabilities, lambda: probs(eval_mode=False), PROBS_NO_EVAL),
    mistake(
        "no eval(), on the model itself", check_probabilities, no_eval_on_the_model, PROBS_NO_EVAL
    ),
    mistake("softmax over dim=0", check_probabilities, lambda: probs(dim=0), PROBS_WRONG_DIM),
    mistake(
        "logits, no softmax", check_probabilities, lambda: probs(softmax=False), PROBS_NO_SOFTMAX
    ),
    mistake(
        "log_softmax",
        check_probabilities,
        lambda: probs_from(lambda logits: logits.log_softmax(dim=1)),
        PROBS_NO_SOFTMAX,
    ),
    mistake(
        "softmax of logits / 2",
        check_probabilities,
        lambda: probs_from(lambda logits: (logits / 2).softmax(dim=1)),
        PROBS_WRONG,
    ),
    mistake(
        "half of the images",
        check_probabilities,
        lambda: probs_from(lambda logits: logits.softmax(dim=1)[:4]),
        PROBS_SHAPE,
    ),
    mistake(
        "a NumPy array",
        check_probabilities,
        lambda: probs_from(lambda logits: logits.softmax(dim=1).numpy()),
        PROBS_NOT_TENSOR,
    ),
    mistake(
        "a list",
        check_probabilities,
        lambda: probs_from(lambda logits: logits.softmax(dim=1).tolist()),
        PROBS_NOT_TENSOR,
    ),
    mistake(
        "a look in training mode first", check_probabilities, stats_touched, PROBS_STATS_CHANGED
    ),
    stub("the stub", check_probabilities, lambda: (small_model(), IMAGES, None)),
    # 3. Checkpoint
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
        CKPT_PICKLED_MODEL,
    ),
    mistake(
        "epoch 1 (counted from 0)",
        check_checkpoint,
        lambda: saved("epoch1.pt", lambda m, o: state(m, o, epoch=1)),
        CKPT_EPOCH_COUNT,
    ),
    mistake(
        "epoch 3 (the one to resume at)",
        check_checkpoint,
        lambda: saved("epoch3.pt", lambda m, o: state(m, o, epoch=3)),
        CKPT_EPOCH_COUNT,
    ),
    mistake(
        "epoch as a word",
        check_checkpoint,
        lambda: saved("epoch_word.pt", lambda m, o: state(m, o, epoch="two")),
        CKPT_EPOCH,
    ),
    mistake(
        "another model's state_dict",
        check_checkpoint,
        lambda: saved(
            "other.pt", lambda m, o: {**state(m, o), "model": nn.Linear(2, 2).state_dict()}
        ),
        CKPT_KEYS,
    ),
    mistake(
        "no optimizer",
        check_checkpoint,
        lambda: saved("no_opt.pt", lambda m, o: {"model": m.state_dict(), "epoch": 2}),
        CKPT_MISSING,
    ),
    mistake(
        "the optimizer's settings only",
        check_checkpoint,
        lambda: saved("bad_opt.pt", lambda m, o: {**state(m, o), "optimizer": {"lr": 1}}),
        CKPT_OPTIMIZER,
    ),
    mistake(
        "a list", check_checkpoint, lambda: saved("list.pt", lambda m, o: [1, 2]), CKPT_NOT_DICT
    ),
    mistake("a number for the path", check_checkpoint, lambda: (3, small_model()), CKPT_NOT_A_PATH),
    changed(
        stub("nothing saved yet", check_checkpoint, lambda: (MISSING, small_model())),
        "the missing file's path is fixed now: it was in a random temporary folder, so the "
        "recorded hint, which shows the path, could not be met again",
    ),
]
