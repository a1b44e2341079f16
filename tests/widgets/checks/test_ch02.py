"""Chapter 02 checks beyond tests/corpus/ch02.py: the detail of a ✓, stubs and crashes, and
answers the corpus does not list (it holds the typical mistakes with their Message)."""

from __future__ import annotations

import pytest
import torch

from tests.support.verdicts import assert_hint
from widgets import check_grad_by_hand, check_per_sample_grads, check_sgd_step, setup
from widgets._checks.ch02 import (
    HAND_AUTOGRAD,
    STEP_LEAF,
    STEP_UNCHANGED,
)
from widgets._checks.verdict import OK, TODO, WRONG

# 1. grad_by_hand --------------------------------------------------------------------


def right_by_hand(x):
    return 6 * (2 * x + 1) ** 2


def with_autograd_grad(x):
    x = x.clone().requires_grad_(True)
    return torch.autograd.grad(((2 * x + 1) ** 3).sum(), x)[0]


def with_torch_func(x):
    return torch.func.grad(lambda t: ((2 * t + 1) ** 3).sum())(x)


def written_differently(x):
    u = x * 2 + 1
    return 3 * u * u * 2


@pytest.mark.parametrize("answer", [right_by_hand, written_differently])
def test_grad_by_hand_right(answer):
    verdict = check_grad_by_hand(answer)
    assert verdict.status == OK and verdict
    assert "Matches torch's x.grad on 22 inputs" in verdict.detail


@pytest.mark.parametrize("answer", [with_autograd_grad, with_torch_func])
def test_grad_by_hand_rejects_autograd(answer):
    """The right numbers from autograd are not a gradient worked out by hand."""
    assert_hint(check_grad_by_hand(answer), HAND_AUTOGRAD)


def test_grad_by_hand_stub_and_crash():
    assert check_grad_by_hand(lambda x: None).status == TODO
    assert check_grad_by_hand(None).status == TODO
    crashed = check_grad_by_hand(lambda x: x @ torch.ones(7))
    assert crashed.status == WRONG and "RuntimeError" in crashed.hint


# 2. per-sample gradients ------------------------------------------------------------


def loop(fix):
    w = torch.tensor(1.5, requires_grad=True)
    grads = []
    for x, y in zip([1.0, 2.0, 3.0], [2.0, 3.0, 7.0], strict=True):
        if fix == "zero_before" and w.grad is not None:
            w.grad.zero_()
        ((w * x - y) ** 2).backward()
        grads.append(w.grad if fix.startswith("tensor") else w.grad.item())
        if fix in ("none_after", "tensor_none_after"):
            w.grad = None
        elif fix == "tensor_zero_after":
            w.grad.zero_()
    return grads


@pytest.mark.parametrize("fix", ["none_after", "zero_before", "tensor_none_after"])
def test_per_sample_right(fix):
    verdict = check_per_sample_grads(loop(fix))
    assert verdict.status == OK and "[-1.0, 0.0, -15.0]" in verdict.detail


def test_per_sample_accepts_a_tensor():
    assert check_per_sample_grads(torch.tensor([-1.0, 0.0, -15.0]))


def test_per_sample_none_is_not_yet():
    assert check_per_sample_grads(None).status == TODO


# 3. sgd_step ------------------------------------------------------------------------


def sgd_right(w, lr):
    with torch.no_grad():
        w -= lr * w.grad
    w.grad = None


def sgd_zero(w, lr):
    with torch.no_grad():
        w.sub_(lr * w.grad)
        w.grad.zero_()


def sgd_no_no_grad(w, lr):
    w -= lr * w.grad
    w.grad = None


def sgd_stops_grad(w, lr):
    with torch.no_grad():
        w -= lr * w.grad
    w.requires_grad_(False)
    w.grad = None


@pytest.mark.parametrize("answer", [sgd_right, sgd_zero])
def test_sgd_step_right(answer):
    assert check_sgd_step(answer).status == OK


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (sgd_stops_grad, STEP_LEAF),
        (lambda w, lr: w.grad, STEP_UNCHANGED),
    ],
)
def test_sgd_step_wrong(answer, message):
    assert_hint(check_sgd_step(answer), message)


def test_sgd_step_stub_is_not_yet():
    def sgd_step(w, lr):
        # TODO: update w
        ...

    verdict = check_sgd_step(sgd_step)
    assert verdict.status == TODO and "body is still empty" in verdict.hint
    assert check_sgd_step(...).status == TODO


def test_messages_speak_japanese_too():
    setup("ja", quiet=True)
    verdict = check_sgd_step(sgd_no_no_grad)
    assert "torch.no_grad()" in verdict.hint and "エラー" in verdict.hint
    assert "連鎖律" in check_grad_by_hand(lambda x: 3 * (2 * x + 1) ** 2).hint
