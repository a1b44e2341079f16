"""Chapter 00's exercise checks beyond tests/corpus/ch00.py: the detail of a ✓, other stubs,
and answers the corpus does not list (the corpus is the one table of answer → verdict)."""

from __future__ import annotations

import pytest
import torch

from widgets import check_shrink, check_torch_version, env_report
from widgets._checks.verdict import OK, TODO, WRONG
from widgets._i18n import set_lang


def test_torch_version_right():
    verdict = check_torch_version(env_report().torch_version)
    assert verdict and verdict.status == OK and torch.__version__ in verdict.detail


@pytest.mark.parametrize("stub", [None, ...])
def test_torch_version_stub_is_not_yet(stub):
    assert check_torch_version(stub).status == TODO


def shrink(x):
    while x.abs() > 1:
        x = x / 2
    return x


def test_shrink_right():
    verdict = check_shrink(shrink)
    assert verdict and "shrink(10.0) = 0.625" in verdict.detail


def test_shrink_right_in_japanese():
    set_lang("ja")
    verdict = check_shrink(shrink)
    assert verdict and "正解" in str(verdict)


def fixed_loop(x):
    for _ in range(3):
        x = x / 2
    return x


def as_number(x):
    return shrink(x).item()


def unfinished(x): ...


@pytest.mark.parametrize(
    "answer,hint",
    [
        (fixed_loop, "while |x| > 1"),
        (as_number, "cuts the graph"),
        (shrink(torch.tensor(3.0)), "Pass the function itself"),
    ],
)
def test_shrink_wrong(answer, hint):
    verdict = check_shrink(answer)
    assert not verdict and verdict.status == WRONG
    assert hint in verdict.hint or hint in verdict.detail


def test_shrink_stub_is_not_yet():
    assert check_shrink(unfinished).status == TODO
    assert check_shrink(None).status == TODO


def test_shrink_crash_is_a_verdict_not_a_traceback():
    def crashes(x):
        raise ZeroDivisionError("oops")

    verdict = check_shrink(crashes)
    assert not verdict and "ZeroDivisionError" in verdict.hint
