"""Chapter 04: output shapes by formula, parameter counts, an MLP class, dropout by hand."""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from tests.corpus import mistake, right, shortcut, stub
from widgets import (
    check_conv_out,
    check_conv_pool_shape,
    check_dropout,
    check_mlp,
    check_param_count,
)


def shape_with_floor(h, w, kernel_size, stride, padding, dilation, pool):
    span = dilation * (kernel_size - 1) + 1
    sides = [math.floor((n + 2 * padding - span) / stride) + 1 for n in (h, w)]
    return [side // pool for side in sides]


def shape_conv_only(h, w, kernel_size, stride, padding, dilation, pool):
    return tuple((n + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1 for n in (h, w))


def shape_rounds_up(h, w, kernel_size, stride, padding, dilation, pool):
    return tuple(
        -(-side // pool)
        for side in shape_conv_only(h, w, kernel_size, stride, padding, dilation, pool)
    )


def shape_no_return(h, w, kernel_size, stride, padding, dilation, pool):
    sides = shape_conv_only(h, w, kernel_size, stride, padding, dilation, pool)
    (sides[0] // pool, sides[1] // pool)


def shape_by_layers(h, w, kernel_size, stride, padding, dilation, pool):
    conv = nn.Conv2d(1, 1, kernel_size, stride, padding, dilation)
    return tuple(nn.MaxPool2d(pool)(conv(torch.zeros(1, 1, h, w))).shape[-2:])


def shape_stub(h, w, kernel_size, stride, padding, dilation, pool):
    return None


def conv_out_float(length, kernel_size, stride, padding, dilation):
    return (length + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1


def conv_out_no_return(length, kernel_size, stride, padding, dilation):
    span = dilation * (kernel_size - 1) + 1
    (length + 2 * padding - span) // stride + 1


def conv_out_measured(length, kernel_size, stride, padding, dilation):
    conv = nn.Conv1d(1, 1, kernel_size, stride, padding, dilation)
    return conv(torch.zeros(1, 1, length)).shape[-1]


class MLP(nn.Module):
    """DigitMLP written with nn.Sequential inside, and a switch for typical mistakes."""

    last = None

    def __init__(self, relu: bool = True):
        super().__init__()
        middle = [nn.ReLU()] if relu else []
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), *middle, nn.Linear(128, 10))

    def forward(self, x):
        out = self.net(x)
        if self.last == "softmax":
            return torch.softmax(out, dim=1)
        if self.last == "relu":
            return F.relu(out)
        return out


class MLPFunctional(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(784, 128), nn.Linear(128, 10)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x.view(len(x), -1))))


class MLPNoReturn(MLPFunctional):
    def forward(self, x):
        self.fc2(F.relu(self.fc1(x.flatten(1))))


class MLPNoFlatten(MLPFunctional):
    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


class MLPStub(nn.Module):
    def forward(self, x):
        return None  # replace None


def mlp(**kw) -> nn.Module:
    model = MLP(relu=kw.pop("relu", True))
    model.last = kw.pop("last", None)
    return model


def dropout_where(x, p, training):
    if not training:
        return x
    return torch.where(torch.rand_like(x) < p, torch.zeros_like(x), x / (1 - p))


def dropout_unscaled(x, p, training):
    return x * (torch.rand_like(x) > p) if training else x


def dropout_keep_p(x, p, training):
    return x * (torch.rand_like(x) < p) / p if training else x


def dropout_no_return(x, p, training):
    if training:
        x = x * (torch.rand_like(x) > p) / (1 - p)


ANSWERS = [
    right("floor and a list", check_conv_pool_shape, lambda: (shape_with_floor,)),
    mistake("no pooling", check_conv_pool_shape, lambda: (shape_conv_only,), "convolution alone"),
    mistake("rounded up", check_conv_pool_shape, lambda: (shape_rounds_up,), "rounds down, not up"),
    mistake(
        "forgotten return", check_conv_pool_shape, lambda: (shape_no_return,), "forget `return`"
    ),
    shortcut("runs the layers", check_conv_pool_shape, lambda: (shape_by_layers,), "formulas"),
    stub("the stub", check_conv_pool_shape, lambda: (shape_stub,)),
    right(
        "math.floor",
        check_conv_out,
        lambda: (lambda n, k, s, p, d: math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1,),
    ),
    mistake("/ instead of //", check_conv_out, lambda: (conv_out_float,), "//"),
    mistake(
        "no dilation",
        check_conv_out,
        lambda: (lambda n, k, s, p, d: (n + 2 * p - k) // s + 1,),
        "dilation",
    ),
    mistake("forgotten return", check_conv_out, lambda: (conv_out_no_return,), "forget `return`"),
    shortcut("runs nn.Conv1d", check_conv_out, lambda: (conv_out_measured,), "formula"),
    right("one sum", check_param_count, lambda: (784 * 128 + 128 + 128 * 10 + 10,)),
    right("NumPy's int64", check_param_count, lambda: (np.int64(101770),)),
    mistake("no biases", check_param_count, lambda: (784 * 128 + 128 * 10,), "biases"),
    mistake("first layer only", check_param_count, lambda: (784 * 128 + 128,), "first layer"),
    mistake("a float", check_param_count, lambda: (101770.0,), "integer"),
    right("nn.Sequential inside", check_mlp, lambda: (mlp(),)),
    right("view and F.relu", check_mlp, lambda: (MLPFunctional(),)),
    mistake("no ReLU", check_mlp, lambda: (mlp(relu=False),), "nn.ReLU()"),
    mistake("softmax on the output", check_mlp, lambda: (mlp(last="softmax"),), "logits"),
    mistake("ReLU on the output", check_mlp, lambda: (mlp(last="relu"),), "logits"),
    mistake("forgotten return", check_mlp, lambda: (MLPNoReturn(),), "forget `return`"),
    mistake("no flatten", check_mlp, lambda: (MLPNoFlatten(),), "nn.Flatten()"),
    stub("the stub", check_mlp, lambda: (MLPStub(),)),
    right("torch.where", check_dropout, lambda: (dropout_where,)),
    mistake("no 1/(1−p)", check_dropout, lambda: (dropout_unscaled,), "unchanged"),
    mistake(
        "p as the keep rate", check_dropout, lambda: (dropout_keep_p,), "probability of zeroing"
    ),
    mistake("forgotten return", check_dropout, lambda: (dropout_no_return,), "forget `return`"),
    shortcut(
        "F.dropout",
        check_dropout,
        lambda: (lambda x, p, training: F.dropout(x, p, training),),
        "F.dropout",
    ),
]
