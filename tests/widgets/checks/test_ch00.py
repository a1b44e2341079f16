"""Chapter 00's exercise checks: ✓, "not yet" and the typical ✗ of each."""

from __future__ import annotations

import pytest
import torch

from widgets import check_shrink, check_torch_version, env_report
from widgets._checks.verdict import OK, TODO, WRONG
from widgets._i18n import set_lang


def test_torch_version_right():
    verdict = check_torch_version(env_report().torch_version)
    assert verdict and verdict.status == OK and torch.__version__ in verdict.detail


@pytest.mark.parametrize(
    "typed",
    [str(torch.__version__), f"{env_report().torch_version}", "".join(torch.__version__)],
)
def test_torch_version_typed_by_hand_is_wrong(typed):
    """The same text, not read off the report: a learner who copied it by hand."""
    assert typed == torch.__version__
    verdict = check_torch_version(typed)
    assert verdict.status == WRONG and "typed in" in verdict.hint


@pytest.mark.parametrize("stub", [None, ...])
def test_torch_version_stub_is_not_yet(stub):
    assert check_torch_version(stub).status == TODO


@pytest.mark.parametrize(
    "answer,hint",
    [
        (env_report(), "whole report"),  # forgot the field
        (2.14, "is float"),  # typed a number
        (env_report().torchvision_version, "version of torchvision"),  # wrong field
        ("2.0.0", "does not match torch.__version__"),  # typed by hand
    ],
)
def test_torch_version_wrong(answer, hint):
    verdict = check_torch_version(answer)
    assert not verdict and verdict.status == WRONG
    assert hint in verdict.hint


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


def detached(x):
    return shrink(x.detach())


def in_place(x):
    while x.abs() > 1:
        x /= 2
    return x


def wrong_grad(x):
    # right values, but the graph sees only the last halving
    y = shrink(x.detach())
    return y + (x - x.detach()) * 0.5


def unfinished(x): ...


def returns_ellipsis(x):
    return ...


@pytest.mark.parametrize(
    "answer,hint",
    [
        (fixed_loop, "while |x| > 1"),
        (as_number, "cuts the graph"),
        (detached, "not connected to the graph"),
        (in_place, "x = x / 2"),
        (wrong_grad, "gradient should be"),
        (shrink(torch.tensor(3.0)), "Pass the function itself"),
    ],
)
def test_shrink_wrong(answer, hint):
    verdict = check_shrink(answer)
    assert not verdict and verdict.status == WRONG
    assert hint in verdict.hint or hint in verdict.detail


def test_shrink_stub_is_not_yet():
    assert check_shrink(unfinished).status == TODO
    assert check_shrink(returns_ellipsis).status == TODO
    assert check_shrink(None).status == TODO


def test_shrink_crash_is_a_verdict_not_a_traceback():
    def crashes(x):
        raise ZeroDivisionError("oops")

    verdict = check_shrink(crashes)
    assert not verdict and "ZeroDivisionError" in verdict.hint
