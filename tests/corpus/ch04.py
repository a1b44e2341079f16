"""Chapter 04: output shapes by formula, parameter counts, an MLP class, dropout by hand."""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from tests.corpus import changed, mistake, right, shortcut, stub
from widgets import (
    check_conv_out,
    check_conv_pool_shape,
    check_dropout,
    check_mlp,
    check_param_count,
)
from widgets._checks.ch04 import (
    COUNT_NO_BIAS,
    COUNT_NOT_INT,
    COUNT_ONE_LAYER,
    COUNT_WRONG,
    DROP_EVAL,
    DROP_KEEP_P,
    DROP_NO_SCALE,
    DROP_SAME_MASK,
    DROP_SHORTCUT,
    DROP_TIMES_KEEP,
    MLP_ACTIVATION,
    MLP_AFTER_LAST,
    MLP_CRASHED,
    MLP_LINEAR,
    MLP_LINEAR_ANYWAY,
    MLP_NOT_FLAT,
    MLP_NOT_MODULE,
    MLP_PARAMS,
    SHAPE_CEIL,
    SHAPE_NO_PADDING,
    SHAPE_NO_POOL,
    SHAPE_NOT_CALLABLE,
    SHAPE_POOL_STRIDE,
    SHAPE_RUNS_LAYERS,
    SHAPE_SWAPPED,
)
from widgets._checks.learner import NOT_A_TENSOR
from widgets._checks.legacy import CONV_NO_DILATION, CONV_NOT_INT, CONV_RUNS_CONV
from widgets._checks.verdict import RETURNED_NONE


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


def shape_swapped(h, w, kernel_size, stride, padding, dilation, pool):
    return tuple(reversed(shape_with_floor(h, w, kernel_size, stride, padding, dilation, pool)))


def shape_pool_stride_one(h, w, kernel_size, stride, padding, dilation, pool):
    sides = shape_conv_only(h, w, kernel_size, stride, padding, dilation, pool)
    return tuple(side - pool + 1 for side in sides)


def shape_padding_once(h, w, kernel_size, stride, padding, dilation, pool):
    span = dilation * (kernel_size - 1) + 1
    return tuple(((n + padding - span) // stride + 1) // pool for n in (h, w))


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
        if self.last == "tanh":
            return torch.tanh(out)
        return out


class MLPFunctional(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(784, 128), nn.Linear(128, 10)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x.view(len(x), -1))))


class MLPSigmoid(MLPFunctional):
    def forward(self, x):
        return self.fc2(torch.sigmoid(self.fc1(x.flatten(1))))


class MLPExtraLayer(MLPFunctional):
    def __init__(self):
        super().__init__()
        self.fc3 = nn.Linear(10, 10)

    def forward(self, x):
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x.flatten(1))))))


class MLPReluFirst(MLPFunctional):
    """ReLU before the first layer, on pixels that are never negative: it changes nothing."""

    def forward(self, x):
        return self.fc2(self.fc1(F.relu(x.flatten(1))))


class MLPNoReturn(MLPFunctional):
    def forward(self, x):
        self.fc2(F.relu(self.fc1(x.flatten(1))))


class MLPNoFlatten(MLPFunctional):
    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


class MLPFlattenLate(nn.Module):
    """nn.Flatten put after the first layer, which then gets the images' rows of 28."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(784, 128), nn.Flatten(), nn.ReLU(), nn.Linear(128, 10))

    def forward(self, x):
        return self.net(x)


class MLPMisspelt(MLPFunctional):
    """forward calls a layer that __init__ never made (fc_1 for fc1): an AttributeError."""

    def forward(self, x):
        return self.fc2(F.relu(self.fc_1(x.flatten(1))))


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


def dropout_same_mask(x, p, training):
    if not training:
        return x
    keep = torch.rand(x.shape, generator=torch.Generator().manual_seed(1)) >= p
    return x * keep / (1 - p)


def dropout_times_keep(x, p, training):
    return x * (torch.rand_like(x) >= p) * (1 - p) if training else x


def dropout_always(x, p, training):
    return x * (torch.rand_like(x) >= p) / (1 - p)


def dropout_no_return(x, p, training):
    if training:
        x = x * (torch.rand_like(x) > p) / (1 - p)


ANSWERS = [
    right("floor and a list", check_conv_pool_shape, lambda: (shape_with_floor,)),
    mistake("no pooling", check_conv_pool_shape, lambda: (shape_conv_only,), SHAPE_NO_POOL),
    mistake("rounded up", check_conv_pool_shape, lambda: (shape_rounds_up,), SHAPE_CEIL),
    mistake("forgotten return", check_conv_pool_shape, lambda: (shape_no_return,), RETURNED_NONE),
    shortcut(
        "runs the layers", check_conv_pool_shape, lambda: (shape_by_layers,), SHAPE_RUNS_LAYERS
    ),
    stub("the stub", check_conv_pool_shape, lambda: (shape_stub,)),
    right(
        "math.floor",
        check_conv_out,
        lambda: (lambda n, k, s, p, d: math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1,),
    ),
    mistake("/ instead of //", check_conv_out, lambda: (conv_out_float,), CONV_NOT_INT),
    mistake(
        "no dilation",
        check_conv_out,
        lambda: (lambda n, k, s, p, d: (n + 2 * p - k) // s + 1,),
        CONV_NO_DILATION,
    ),
    mistake("forgotten return", check_conv_out, lambda: (conv_out_no_return,), RETURNED_NONE),
    shortcut("runs nn.Conv1d", check_conv_out, lambda: (conv_out_measured,), CONV_RUNS_CONV),
    right("one sum", check_param_count, lambda: (784 * 128 + 128 + 128 * 10 + 10,)),
    right("NumPy's int64", check_param_count, lambda: (np.int64(101770),)),
    mistake("no biases", check_param_count, lambda: (784 * 128 + 128 * 10,), COUNT_NO_BIAS),
    mistake("first layer only", check_param_count, lambda: (784 * 128 + 128,), COUNT_ONE_LAYER),
    mistake("a float", check_param_count, lambda: (101770.0,), COUNT_NOT_INT),
    right("nn.Sequential inside", check_mlp, lambda: (mlp(),)),
    right("view and F.relu", check_mlp, lambda: (MLPFunctional(),)),
    changed(
        mistake("no ReLU", check_mlp, lambda: (mlp(relu=False),), MLP_LINEAR),
        "issue 24: the hint says what the check saw (no activation ran, the output is affine)",
    ),
    changed(
        mistake("softmax on the output", check_mlp, lambda: (mlp(last="softmax"),), MLP_AFTER_LAST),
        "issue 24: the hint names the function seen after the last layer (it guessed)",
    ),
    changed(
        mistake("ReLU on the output", check_mlp, lambda: (mlp(last="relu"),), MLP_AFTER_LAST),
        "issue 24: the hint names the function seen after the last layer (it guessed)",
    ),
    mistake("forgotten return", check_mlp, lambda: (MLPNoReturn(),), RETURNED_NONE),
    mistake("no flatten", check_mlp, lambda: (MLPNoFlatten(),), MLP_NOT_FLAT),
    mistake("Flatten after the first layer", check_mlp, lambda: (MLPFlattenLate(),), MLP_NOT_FLAT),
    mistake("a misspelt layer", check_mlp, lambda: (MLPMisspelt(),), MLP_CRASHED),
    stub("the stub", check_mlp, lambda: (MLPStub(),)),
    changed(
        right("torch.where", check_dropout, lambda: (dropout_where,)),
        "issue 24: the learner's random numbers are seeded (the share zeroed changed every run)",
    ),
    mistake("no 1/(1−p)", check_dropout, lambda: (dropout_unscaled,), DROP_NO_SCALE),
    mistake("p as the keep rate", check_dropout, lambda: (dropout_keep_p,), DROP_KEEP_P),
    mistake("forgotten return", check_dropout, lambda: (dropout_no_return,), RETURNED_NONE),
    shortcut(
        "F.dropout",
        check_dropout,
        lambda: (lambda x, p, training: F.dropout(x, p, training),),
        DROP_SHORTCUT,
    ),
    # Hostile or mistaken answers added for issue 24 (moved from tests/widgets/checks/test_ch04.py too).
    mistake(
        "a tuple, not a function", check_conv_pool_shape, lambda: ((14, 14),), SHAPE_NOT_CALLABLE
    ),
    mistake(
        "height and width swapped", check_conv_pool_shape, lambda: (shape_swapped,), SHAPE_SWAPPED
    ),
    mistake(
        "pooling with stride 1",
        check_conv_pool_shape,
        lambda: (shape_pool_stride_one,),
        SHAPE_POOL_STRIDE,
    ),
    mistake(
        "padding on one side",
        check_conv_pool_shape,
        lambda: (shape_padding_once,),
        SHAPE_NO_PADDING,
    ),
    mistake("the count as text", check_param_count, lambda: ("101770",), COUNT_NOT_INT),
    mistake("weights times biases", check_param_count, lambda: (784 * 128 * 128,), COUNT_WRONG),
    mistake("sigmoid in the middle", check_mlp, lambda: (MLPSigmoid(),), MLP_ACTIVATION),
    mistake("tanh on the output", check_mlp, lambda: (mlp(last="tanh"),), MLP_AFTER_LAST),
    mistake("the class, not an instance", check_mlp, lambda: (MLPFunctional,), MLP_NOT_MODULE),
    mistake("an extra layer", check_mlp, lambda: (MLPExtraLayer(),), MLP_PARAMS),
    mistake("ReLU on the pixels", check_mlp, lambda: (MLPReluFirst(),), MLP_LINEAR_ANYWAY),
    mistake("one mask for every call", check_dropout, lambda: (dropout_same_mask,), DROP_SAME_MASK),
    mistake("times (1 − p)", check_dropout, lambda: (dropout_times_keep,), DROP_TIMES_KEEP),
    mistake("zeroes in evaluation too", check_dropout, lambda: (dropout_always,), DROP_EVAL),
    mistake("a list", check_dropout, lambda: (lambda x, p, training: x.tolist(),), NOT_A_TENSOR),
]
