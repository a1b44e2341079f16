"""Chapter 04 checks: ✓ on a right answer, and the matching hint on typical wrong ones."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from widgets import (
    check_conv_out,
    check_conv_pool_shape,
    check_dropout,
    check_mlp,
    check_param_count,
)
from widgets._checks.ch04 import conv_length, conv_pool_real, conv_pool_settings
from widgets._checks.legacy import conv1d_length, conv_settings
from widgets._i18n import set_lang


def test_settings_are_valid_and_the_formula_matches_torch():
    for args in conv_settings(200, seed=1):
        assert conv1d_length(*args) == conv_length(*args) >= 1


def test_conv_right():
    verdict = check_conv_out(lambda n, k, s, p, d: (n + 2 * p - d * (k - 1) - 1) // s + 1)
    assert verdict and "60" in str(verdict)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda n, k, s, p, d: (n + 2 * p - (k - 1) - 1) // s + 1, "dilation × (kernel_size − 1)"),
        (lambda n, k, s, p, d: (n + 2 * p - d * (k - 1) - 1) / s + 1, "divide with //"),
        (lambda n, k, s, p, d: (n + p - d * (k - 1) - 1) // s + 1, "2 × padding"),
        (lambda n, k, s, p, d: (n + 2 * p - d * (k - 1) - 1) // s, "final + 1"),
    ],
)
def test_conv_typical_mistakes(answer, hint):
    verdict = check_conv_out(answer)
    assert not verdict and hint in verdict.hint


def test_conv_stub_and_crash():
    assert check_conv_out(None).status == "todo"
    verdict = check_conv_out(lambda length, kernel_size, stride, padding, dilation: None)
    assert verdict.status == "todo" and "empty" in verdict.hint  # the stub's `return None`
    verdict = check_conv_out(lambda n, k: n)
    assert not verdict and "TypeError" in verdict.hint


def test_count_right():
    assert check_param_count(101_770)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (784 * 128 + 128 * 10, "also has out biases"),
        (784 * 128 + 128, "first layer alone"),
        (669_706, "in × out + out"),
        ("101770", "integer"),
    ],
)
def test_count_typical_mistakes(answer, hint):
    verdict = check_param_count(answer)
    assert not verdict and hint in verdict.hint


def mlp(*layers):
    return nn.Sequential(nn.Flatten(), *layers)


def test_mlp_right():
    assert check_mlp(mlp(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)))


@pytest.mark.parametrize(
    ("model", "hint"),
    [
        (mlp(nn.Linear(784, 128), nn.Linear(128, 10)), "nn.ReLU()"),
        (nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)), "nn.Flatten()"),
        (mlp(nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 10)), "784 → 128 → 10"),
        (mlp(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 1)), "(8, 10)"),
        (nn.Sequential, "instance"),
    ],
)
def test_mlp_typical_mistakes(model, hint):
    verdict = check_mlp(model)
    assert not verdict and hint in verdict.hint


def test_messages_in_japanese():
    set_lang("ja")
    verdict = check_param_count(784 * 128 + 128 * 10)
    assert "バイアス" in verdict.hint and "もう一息" in str(verdict)


def dropout_by_hand(x, p, training):
    if not training:
        return x
    return x * (torch.rand_like(x) > p) / (1 - p)


def test_dropout():
    assert check_dropout(dropout_by_hand)
    assert check_dropout(lambda x, p, training: None).status == "todo"

    def scaled_by(factor):
        return lambda x, p, t: x * (torch.rand_like(x) > p) * factor(p) if t else x

    fixed_mask = torch.rand(200, 500, generator=torch.Generator().manual_seed(0))
    cases = {
        "write it yourself": lambda x, p, t: F.dropout(x, p, t),
        "nn.Dropout": lambda x, p, t: nn.Dropout(p).train(t)(x),
        "return x as it is": lambda x, p, t: dropout_by_hand(x, p, True),
        "1/(1−p)": scaled_by(lambda p: 1),
        "Divide by (1−p)": scaled_by(lambda p: 1 - p),
        "probability of zeroing": lambda x, p, t: dropout_by_hand(x, 1 - p, t),
        "no element became 0": lambda x, p, t: x,
        "fresh random mask": lambda x, p, t: x * (fixed_mask > p) / (1 - p) if t else x,
        "keeps the shape": lambda x, p, t: x.flatten() if t else x,
    }
    for hint, answer in cases.items():
        verdict = check_dropout(answer)
        assert verdict.status == "wrong" and hint in verdict.hint, (hint, verdict)


def conv_pool_by_formula(h, w, kernel_size, stride, padding, dilation, pool):
    def side(n):
        return ((n + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1) // pool

    return side(h), side(w)


def test_conv_pool_shape_settings_match_the_layers():
    for args in conv_pool_settings(300, seed=2):
        assert conv_pool_real(*args) == conv_pool_by_formula(*args)
        assert min(conv_pool_real(*args)) >= 1, args


def test_conv_pool_shape():
    assert check_conv_pool_shape(conv_pool_by_formula)
    assert check_conv_pool_shape(lambda *args: list(conv_pool_by_formula(*args)))

    def stub(h, w, kernel_size, stride, padding, dilation, pool):
        return None

    assert check_conv_pool_shape(stub).status == "todo"

    def conv_only(h, w, k, s, p, d, pool):
        return conv_pool_by_formula(h, w, k, s, p, d, 1)

    def no_dilation(h, w, k, s, p, d, pool):
        return conv_pool_by_formula(h, w, k, s, p, 1, pool)

    def rounds_up(h, w, k, s, p, d, pool):
        conv = conv_pool_by_formula(h, w, k, s, p, d, 1)
        return tuple(-(-c // pool) for c in conv)

    def runs_the_layers(h, w, k, s, p, d, pool):
        conv = nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d)
        return tuple(nn.MaxPool2d(pool)(conv(torch.zeros(1, 1, h, w))).shape[-2:])

    cases = {
        "convolution alone": conv_only,
        "dilation × (kernel_size − 1) + 1": no_dilation,
        "rounds down, not up": rounds_up,
        "height and width are swapped": lambda *a: conv_pool_by_formula(*a)[::-1],
        "compute it with the formulas": runs_the_layers,
        "two integers": lambda *a: tuple(v / 1 for v in conv_pool_by_formula(*a)),
    }
    for hint, answer in cases.items():
        verdict = check_conv_pool_shape(answer)
        assert verdict.status == "wrong" and hint in verdict.hint, (hint, verdict)
