"""Chapter 01 checks: stubs, Japanese, and answers tests/corpus/ch01.py does not hold (it holds
the typical mistakes, each with its Message in both languages)."""

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


def test_verdicts_speak_japanese_too():
    set_lang("ja")
    verdict = check_image_batch(torch.zeros(16, 32, 32, 3))
    assert "チャンネル" in verdict.hint and "もう一息" in str(verdict)
    assert "✓" in check_image_batch(torch.zeros(16, 3, 32, 32))._repr_html_()


def distances_by_broadcasting(P, Q):
    return (P.unsqueeze(1) - Q.unsqueeze(0)).pow(2).sum(dim=-1).sqrt()


def test_distances():
    assert check_distances(distances_by_broadcasting)
    assert check_distances(lambda P, Q: None).status == "todo"


def test_to_batch():
    assert check_to_batch(lambda photos: torch.stack(photos).permute(0, 3, 1, 2))
    assert check_to_batch(lambda photos: None).status == "todo"
