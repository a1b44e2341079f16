"""Chapter 01 exercise checks: a right answer passes, typical mistakes get the matching hint."""

from __future__ import annotations

import torch

from widgets import (
    check_distances,
    check_flatten,
    check_image_batch,
    check_mean_brightness,
    check_products,
    check_to_batch,
)
from widgets._i18n import set_lang


def status(verdict) -> str:
    return verdict.status


def test_stubs_are_not_yet_and_falsy():
    for verdict in (
        check_image_batch(None),
        check_products(None, None, None, None),
        check_flatten(torch.ones(1), ...),
        check_mean_brightness(torch.ones(1), None),
    ):
        assert verdict.status == "todo" and not verdict


def test_image_batch():
    assert check_image_batch(torch.zeros(16, 3, 32, 32))
    cases = {
        "4-D": torch.zeros(1, 16, 1, 3, 32, 32),
        "channels come last": torch.zeros(16, 32, 32, 3),
        "(16, 3, 32, 32)": torch.zeros(8, 3, 32, 32),
        "float32": torch.zeros(16, 3, 32, 32, dtype=torch.int64),
        "torch.zeros": torch.ones(16, 3, 32, 32),
        "not a torch.Tensor": [[0.0]],
    }
    for hint, answer in cases.items():
        verdict = check_image_batch(answer)
        assert verdict.status == "wrong" and hint in verdict.hint, (hint, verdict)


def test_products():
    A = torch.arange(6.0).reshape(2, 3)
    B = torch.arange(6.0).reshape(3, 2)
    assert check_products(A, B, A @ B, A * A)
    assert "swapped" in check_products(A, B, A * A, A @ B).hint
    assert "A @ B" in check_products(A, B, A @ A.T, A * A).hint
    assert "A * A" in check_products(A, B, A @ B, A + A).hint


def test_flatten():
    images = torch.rand(4, 1, 28, 28)
    assert check_flatten(images, images.reshape(4, -1))
    assert "whole batch" in check_flatten(images, images.reshape(-1)).hint
    assert "(4, 784)" in check_flatten(images, images.reshape(28, -1)).hint
    assert "out of order" in check_flatten(images, images.permute(0, 1, 3, 2).reshape(4, -1)).hint


def test_mean_brightness():
    images = torch.rand(4, 1, 28, 28)
    assert check_mean_brightness(images, images.mean().item())
    assert ".item()" in check_mean_brightness(images, images.mean()).hint
    assert "numel()" in check_mean_brightness(images, images.sum().item()).hint
    assert "should be" in check_mean_brightness(images, images[0].max().item()).hint
    assert "Python float" in check_mean_brightness(images, "0.5").hint


def test_verdicts_speak_japanese_too():
    set_lang("ja")
    verdict = check_image_batch(torch.zeros(16, 32, 32, 3))
    assert "チャンネル" in verdict.hint and "もう一息" in str(verdict)
    assert "✓" in check_image_batch(torch.zeros(16, 3, 32, 32))._repr_html_()


def distances_by_broadcasting(P, Q):
    return (P.unsqueeze(1) - Q.unsqueeze(0)).pow(2).sum(dim=-1).sqrt()


def test_distances():
    assert check_distances(distances_by_broadcasting)
    assert check_distances(lambda P, Q: (P[:, None] - Q[None]).norm(dim=-1))
    assert check_distances(lambda P, Q: None).status == "todo"
    cases = {
        "torch.cdist": lambda P, Q: torch.cdist(P, Q),
        "unsqueeze to make P (5, 1, 2)": lambda P, Q: (P - Q).norm(dim=-1),
        "rows and columns are swapped": lambda P, Q: distances_by_broadcasting(Q, P),
        "sqrt()": lambda P, Q: (P[:, None] - Q[None]).pow(2).sum(dim=-1),
        "sum over the coordinates": lambda P, Q: (P[:, None] - Q[None]).abs(),
        "not the distances": lambda P, Q: (P[:, None] - Q[None]).abs().sum(dim=-1),
        "must be a function": torch.zeros(5, 3),
    }
    for hint, answer in cases.items():
        verdict = check_distances(answer)
        assert verdict.status == "wrong" and hint in verdict.hint, (hint, verdict)


def test_to_batch():
    assert check_to_batch(lambda photos: torch.stack(photos).permute(0, 3, 1, 2))
    assert check_to_batch(lambda photos: torch.stack([p.permute(2, 0, 1) for p in photos]))
    assert check_to_batch(lambda photos: None).status == "todo"
    cases = {
        "torch.stack adds the new one": lambda photos: torch.cat(photos).permute(2, 0, 1),
        "channels are still last": lambda photos: torch.stack(photos),
        "reshape and view do not move": lambda photos: torch.stack(photos).reshape(
            len(photos), 3, *photos[0].shape[:2]
        ),
        "give (4, 3, 5, 6)": lambda photos: torch.stack(photos).permute(0, 3, 2, 1),
        "not a torch.Tensor": lambda photos: [p.permute(2, 0, 1) for p in photos],
    }
    for hint, answer in cases.items():
        verdict = check_to_batch(answer)
        assert verdict.status == "wrong" and hint in verdict.hint, (hint, verdict)
