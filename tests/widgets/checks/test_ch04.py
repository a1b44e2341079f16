"""Chapter 04 checks beyond tests/corpus/ch04.py: internals (settings, formulas), the detail of a
✓, and answers the corpus does not list (it holds the typical mistakes with their Message)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from tests.support.verdicts import assert_hint
from widgets import (
    check_conv_out,
    check_conv_pool_shape,
    check_dropout,
    check_mlp,
    check_param_count,
)
from widgets._checks.ch04 import (
    MLP_CRASHED,
    MLP_NOT_FLAT,
    conv_length,
    conv_pool_real,
    conv_pool_settings,
)
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


def mlp(*layers):
    return nn.Sequential(nn.Flatten(), *layers)


def test_mlp_right():
    assert check_mlp(mlp(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)))


@pytest.mark.parametrize(
    ("model", "hint"),
    [
        (mlp(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 1)), "(8, 10)"),
    ],
)
def test_mlp_typical_mistakes(model, hint):
    verdict = check_mlp(model)
    assert not verdict and hint in verdict.hint


def test_mlp_on_unflattened_images_names_the_flattening():
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))  # no Flatten
    for lang in ("en", "ja"):
        set_lang(lang)
        verdict = check_mlp(model)
        assert_hint(verdict, MLP_NOT_FLAT)
        assert "784x128" in verdict.hint  # the error's own words follow the sentence
    set_lang("en")


def test_mlp_other_crashes_are_reported_without_naming_a_cause():
    class Broken(nn.Module):
        def forward(self, x):
            raise ValueError("something else")

    for lang in ("en", "ja"):
        set_lang(lang)
        verdict = check_mlp(Broken())
        assert_hint(verdict, MLP_CRASHED)
        assert "ValueError: something else" in verdict.hint
        for word in ("flat", "Flatten", "784", "平ら"):
            assert word not in verdict.hint, (word, verdict.hint)
    set_lang("en")


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

    cases = {
        "nn.Dropout": lambda x, p, t: nn.Dropout(p).train(t)(x),
        "no element became 0": lambda x, p, t: x,
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

    def no_dilation(h, w, k, s, p, d, pool):
        return conv_pool_by_formula(h, w, k, s, p, 1, pool)

    cases = {
        "dilation × (kernel_size − 1) + 1": no_dilation,
        "two integers": lambda *a: tuple(v / 1 for v in conv_pool_by_formula(*a)),
    }
    for hint, answer in cases.items():
        verdict = check_conv_pool_shape(answer)
        assert verdict.status == "wrong" and hint in verdict.hint, (hint, verdict)
