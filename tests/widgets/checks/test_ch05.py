"""Chapter 05 checks beyond tests/corpus/ch05.py (answers it does not list; it holds the typical
mistakes with their Message), and the drawing helpers of ``widgets._predictions``."""

from __future__ import annotations

import matplotlib
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from tests.corpus.ch05 import step_no_zero_grad as no_zero_grad
from widgets import (
    CourseTypeError,
    CourseValueError,
    check_accuracy,
    check_logits_loss,
    check_train_step,
    show_confusion,
    show_predictions,
)
from widgets._i18n import set_lang

matplotlib.use("Agg")


def right_step(model, X, y, loss_fn, optimizer):
    optimizer.zero_grad()
    loss = loss_fn(model(X), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def test_train_step():
    assert check_train_step(right_step)
    assert check_train_step(None).status == "todo"


def test_logits_loss():
    logits = torch.tensor([[1.5, -0.3, 0.2], [0.1, 2.2, -1.0], [-0.5, 0.3, 0.9], [2.0, 1.9, -0.2]])
    labels = torch.tensor([0.0, 1.0, 2.0, 1.0])
    assert check_logits_loss(logits, labels, nn.CrossEntropyLoss()(logits, labels.long()))
    # log_softmax twice is only redundant: it gives the same value, so it passes
    twice = F.cross_entropy(F.log_softmax(logits, dim=1), labels.long())
    assert check_logits_loss(logits, labels, twice)
    assert check_logits_loss(logits, labels, None).status == "todo"
    assert check_logits_loss(logits, labels.long(), F.cross_entropy(logits, labels.long()))


def test_logits_loss_is_judged_on_the_exercises_numbers():
    """Other logits or labels, even with their right loss, are not the exercise's answer."""
    logits = torch.tensor([[1.5, -0.3, 0.2], [0.1, 2.2, -1.0], [-0.5, 0.3, 0.9], [2.0, 1.9, -0.2]])
    labels = torch.tensor([0.0, 1.0, 2.0, 1.0])
    for other_logits, other_labels in (
        (logits[:3], labels[:3]),
        (torch.zeros(4, 3), labels),
        (logits, torch.tensor([1.0, 1.0, 1.0, 1.0])),
    ):
        loss = F.cross_entropy(other_logits, other_labels.long())
        verdict = check_logits_loss(other_logits, other_labels, loss)
        assert verdict.status == "wrong" and "Leave those two lines" in verdict.hint, verdict


def test_accuracy():
    assert check_accuracy(lambda z, y: (z.argmax(dim=1) == y).float().mean().item())
    assert check_accuracy(lambda z, y: None).status == "todo"


def test_checks_speak_japanese_too():
    set_lang("ja")
    assert "勾配" in check_train_step(no_zero_grad).hint


# The drawing helpers ------------------------------------------------------------------


def probs_for(n: int, classes: int = 10) -> torch.Tensor:
    return torch.softmax(torch.randn(n, classes), dim=1)


def test_show_predictions_and_confusion_draw(monkeypatch):
    import matplotlib.pyplot as plt

    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(plt.gcf()))
    show_predictions(torch.rand(5, 1, 28, 28), probs_for(5), torch.tensor([0, 1, 2, 3, 4]), ncols=3)
    assert len(shown[-1].axes) == 6  # 2 rows of 3, the last one blank
    titles = [ax.get_title() for ax in shown[-1].axes[:5]]
    assert all(t.startswith("pred ") for t in titles)
    matrix = torch.tensor([[3, 1], [0, 4]])
    show_confusion(matrix)
    assert "87.5%" in shown[-1].axes[0].get_title()
    plt.close("all")


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: show_predictions([[0.0]], probs_for(1)), CourseTypeError, "torch.Tensor"),
        (lambda: show_predictions(torch.rand(0, 28, 28), probs_for(1)), CourseValueError, "empty"),
        (lambda: show_predictions(torch.rand(2, 28), probs_for(2)), CourseValueError, "shape"),
        (
            lambda: show_predictions(torch.rand(2, 28, 28), probs_for(3)),
            CourseValueError,
            "different",
        ),
        (
            lambda: show_predictions(torch.rand(2, 28, 28), torch.randn(2, 10)),
            CourseValueError,
            "softmax",
        ),
        (
            lambda: show_predictions(torch.rand(1, 28, 28), torch.full((1, 10), float("nan"))),
            CourseValueError,
            "NaN",
        ),
        (
            lambda: show_predictions(torch.rand(1, 28, 28), probs_for(1), torch.tensor([10])),
            CourseValueError,
            "0 to 9",
        ),
        (
            lambda: show_predictions(torch.rand(1, 28, 28), probs_for(1), torch.tensor([-1])),
            CourseValueError,
            "0 to 9",
        ),
        (
            lambda: show_predictions(torch.rand(1, 28, 28), probs_for(1), ncols=0),
            CourseValueError,
            "at least",
        ),
        (lambda: show_confusion(torch.ones(2, 3)), CourseValueError, "shape"),
        (
            lambda: show_confusion(torch.tensor([[1.0, -1.0], [0.0, 2.0]])),
            CourseValueError,
            "counts",
        ),
        (
            lambda: show_confusion(torch.tensor([[1.5, 0.0], [0.0, 2.0]])),
            CourseValueError,
            "counts",
        ),
        (lambda: show_confusion(torch.tensor([[float("inf")]])), CourseValueError, "NaN"),
        (lambda: show_confusion("matrix"), CourseTypeError, "torch.Tensor"),
    ],
)
def test_drawing_helpers_refuse_bad_input(call, error, words):
    with pytest.raises(error, match=words):
        call()
