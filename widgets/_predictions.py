"""Pictures for chapters 05–06: test digits with their predicted probabilities, a confusion matrix.

The training loops themselves stay in the notebooks, where the learner reads them; these
helpers only draw what the loops produced.
"""

from __future__ import annotations

import math

import torch

from ._figures import japanese_font, palette, themed
from ._i18n import CourseTypeError, CourseValueError, Message
from ._validate import WRONG_TYPE, require_int, type_name

TENSOR = Message(ja="torch.Tensor", en="a torch.Tensor")
EMPTY = Message(
    ja="{name} が空です。1 つ以上のデータを渡してください。",
    en="{name} is empty; pass at least one item.",
)
BAD_SHAPE = Message(
    ja="{name} の形は {want} にしてください（渡されたのは {got} です）。",
    en="{name} must have shape {want} (got {got}).",
)
COUNT_MISMATCH = Message(
    ja="{a} と {b} の枚数が違います（{n_a} と {n_b}）。同じバッチから作りましょう。",
    en="{a} and {b} hold different numbers of items ({n_a} and {n_b}); take them from the same batch.",
)
NOT_PROBABILITIES = Message(
    ja="probs の各行が確率になっていません（0 以上で合計 1）。logits なら torch.softmax(logits, dim=1) で確率にします。",
    en="Each row of probs must be probabilities (≥ 0, summing to 1). For logits, use torch.softmax(logits, dim=1).",
)
NOT_FINITE = Message(
    ja="{name} に NaN または無限大が入っています。", en="{name} contains NaN or infinity."
)
BAD_LABEL = Message(
    ja="{name} には 0 から {high} までの整数ラベルを入れてください（{got} が入っています）。",
    en="{name} must hold integer labels from 0 to {high} (found {got}).",
)
NOT_COUNTS = Message(
    ja="混同行列には 0 以上の個数を入れます（負の値や小数が入っています）。",
    en="A confusion matrix holds counts ≥ 0 (found negative or fractional values).",
)
PRED_TITLE = Message(ja="予測 {pred}（{prob:.0%}）", en="pred {pred} ({prob:.0%})")
TRUE_LABEL = Message(ja="正解 {label}", en="true {label}")
CONF_TITLE = Message(
    ja="混同行列（行: 正解、列: 予測）— 正解率 {acc:.1%}",
    en="Confusion matrix (rows: true, columns: predicted) — accuracy {acc:.1%}",
)
PREDICTED = Message(ja="予測したクラス", en="predicted class")
ACTUAL = Message(ja="正解のクラス", en="true class")


def require_tensor(name: str, value: object) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        raise CourseTypeError(WRONG_TYPE, name=name, expected=TENSOR, got=type_name(value))
    if value.numel() == 0:
        raise CourseValueError(EMPTY, name=name)
    return value.detach().cpu()


def require_labels(name: str, value: object, classes: int) -> torch.Tensor:
    labels = require_tensor(name, value)
    if labels.dim() != 1:
        raise CourseValueError(BAD_SHAPE, name=name, want="(N,)", got=tuple(labels.shape))
    if labels.is_floating_point() and not torch.isfinite(labels).all():
        raise CourseValueError(NOT_FINITE, name=name)
    bad = labels[(labels < 0) | (labels >= classes) | (labels != labels.round())]
    if len(bad):
        raise CourseValueError(BAD_LABEL, name=name, high=classes - 1, got=bad[0].item())
    return labels.long()


def show_predictions(
    images: torch.Tensor, probs: torch.Tensor, labels: torch.Tensor | None = None, *, ncols: int = 8
) -> None:
    """Draw a grid of images, each titled with its predicted class and probability.

    Args:
        images: ``(N, 1, H, W)`` or ``(N, H, W)`` grayscale images.
        probs: ``(N, classes)`` softmax probabilities (rows sum to 1).
        labels: the true classes ``(N,)``; wrong predictions are titled in red.
        ncols: images per row.
    """
    import matplotlib.pyplot as plt

    images, probs = require_tensor("images", images), require_tensor("probs", probs)
    ncols = require_int("ncols", ncols, low=1, high=32)
    if images.dim() == 4 and images.shape[1] == 1:
        images = images[:, 0]
    if images.dim() != 3:
        raise CourseValueError(
            BAD_SHAPE, name="images", want="(N, 1, H, W)", got=tuple(images.shape)
        )
    if probs.dim() != 2:
        raise CourseValueError(BAD_SHAPE, name="probs", want="(N, classes)", got=tuple(probs.shape))
    if len(probs) != len(images):
        raise CourseValueError(
            COUNT_MISMATCH, a="images", b="probs", n_a=len(images), n_b=len(probs)
        )
    probs = probs.double()
    if not torch.isfinite(probs).all():
        raise CourseValueError(NOT_FINITE, name="probs")
    if (probs < 0).any() or not torch.allclose(
        probs.sum(1), torch.ones(len(probs), dtype=probs.dtype), atol=1e-3
    ):
        raise CourseValueError(NOT_PROBABILITIES)
    if labels is not None:
        labels = require_labels("labels", labels, probs.shape[1])
        if len(labels) != len(images):
            raise CourseValueError(
                COUNT_MISMATCH, a="images", b="labels", n_a=len(images), n_b=len(labels)
            )
    best, pred = probs.max(dim=1)
    nrows = math.ceil(len(images) / ncols)
    japanese_font()
    colors = palette()  # JupyterLab's light or dark theme
    with themed():
        fig, axes = plt.subplots(nrows, ncols, figsize=(1.3 * ncols, 1.55 * nrows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= len(images):
            continue
        ax.imshow(images[i].float().numpy(), cmap="gray_r")
        title = PRED_TITLE(pred=pred[i].item(), prob=best[i].item())
        wrong = labels is not None and pred[i] != labels[i]
        if wrong and labels is not None:
            title += "\n" + TRUE_LABEL(label=labels[i].item())
        ax.set_title(title, fontsize=8, color=colors["red"] if wrong else colors["text"])
    fig.tight_layout()
    plt.show()


def show_confusion(matrix: torch.Tensor) -> None:
    """Draw a confusion matrix: ``matrix[true, predicted]`` counts, with the accuracy in the title."""
    import matplotlib.pyplot as plt

    counts = require_tensor("matrix", matrix)
    if counts.dim() != 2 or counts.shape[0] != counts.shape[1]:
        raise CourseValueError(
            BAD_SHAPE, name="matrix", want="(classes, classes)", got=tuple(counts.shape)
        )
    counts = counts.double()
    if not torch.isfinite(counts).all():
        raise CourseValueError(NOT_FINITE, name="matrix")
    if (counts < 0).any() or (counts != counts.round()).any():
        raise CourseValueError(NOT_COUNTS)
    total = counts.sum().item()
    accuracy = counts.diagonal().sum().item() / total if total else 0.0
    classes = counts.shape[0]
    japanese_font()
    with themed():  # JupyterLab's light or dark theme
        fig, ax = plt.subplots(figsize=(5.2, 4.6))
        ax.imshow(counts.numpy(), cmap="Blues")
        ax.grid(False)
        high = counts.max().item()
        for t in range(classes):
            for p in range(classes):
                value = int(counts[t, p].item())
                if value:
                    color = "white" if value > high / 2 else "black"
                    ax.text(p, t, str(value), ha="center", va="center", fontsize=8, color=color)
        ax.set_xticks(range(classes))
        ax.set_yticks(range(classes))
        ax.set_xlabel(PREDICTED())
        ax.set_ylabel(ACTUAL())
        ax.set_title(CONF_TITLE(acc=accuracy), fontsize=10)
    fig.tight_layout()
    plt.show()
