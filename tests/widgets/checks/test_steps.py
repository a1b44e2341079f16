"""Every exercise has help in steps past its check's own hint, in both languages (issue 30).

Level 1 (the check's hints) and level 2 (``Steps.more``) must not give the answer away: neither
contains a line of the exercise's solution that the stub does not already show. Level 3 (the
worked first step) may show one step, never the whole solution.
"""

from __future__ import annotations

import re
from importlib import import_module
from pathlib import Path

import pytest

import widgets
from tools.build import parse
from widgets._checks.catalog import CHAPTERS, EXERCISES, Exercise
from widgets._checks.steps import Steps, all_steps
from widgets._i18n import Message

ROOT = Path(__file__).resolve().parents[3]


def norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def solution_lines(chapter: str) -> set[str]:
    """The chapter's solution lines that its stubs and lessons do not already show."""
    cells = parse(ROOT / "chapters" / "src" / f"{chapter}.nb")
    shown = {norm(line) for c in cells if c.kind != "solution" for line in c.text.splitlines()}
    lines = set()
    for cell in cells:
        if cell.kind != "solution":
            continue
        for line in cell.text.splitlines():
            code = line.split("#")[0].strip()
            if len(norm(code)) >= 12 and norm(line) not in shown and "check_" not in code:
                lines.add(norm(code))
    return lines


def check_messages(ex: Exercise) -> list[Message]:
    """Every message of the module that defines the exercise's check: its level-1 hints."""
    name = ex.check.partition("[")[0]
    module = import_module(f"widgets.{widgets._EXPORTS[name]}")
    return [v for v in vars(module).values() if isinstance(v, Message)]


def texts(message: Message) -> list[str]:
    return [message.ja, message.en]


def giveaways(text: str, lines: set[str]) -> list[str]:
    flat = norm(text)
    return sorted(line for line in lines if line in flat)


IDS = [e.check for e in EXERCISES]


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_every_exercise_has_two_levels_past_its_hint(ex: Exercise) -> None:
    steps = all_steps().get(ex.check)
    assert isinstance(steps, Steps), (
        f"{ex.number} {ex.check}: no steps in steps/ch{ex.chapter[:2]}.py"
    )
    for level in (steps.more, steps.first_step):
        assert isinstance(level, Message)
        assert level.ja.strip() and level.en.strip()
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", level.ja), level.ja  # Japanese
        assert not re.search(r"[\u3040-\u30ff]", level.en), level.en  # no kana in English
    assert norm(steps.more.en) != norm(steps.first_step.en)


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_the_checks_own_hints_give_no_solution_line(ex: Exercise) -> None:
    lines = solution_lines(ex.chapter)
    for message in check_messages(ex):
        for text in texts(message):
            assert not giveaways(text, lines), (ex.number, text)


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_the_second_level_gives_no_solution_line(ex: Exercise) -> None:
    lines = solution_lines(ex.chapter)
    steps = all_steps().get(ex.check)
    assert steps is not None
    for text in texts(steps.more):
        assert not giveaways(text, lines), (ex.number, text)


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_the_first_step_is_not_the_whole_solution(ex: Exercise) -> None:
    lines = solution_lines(ex.chapter)
    steps = all_steps().get(ex.check)
    assert steps is not None
    for text in texts(steps.first_step):
        shown = giveaways(text, lines)
        assert len(shown) <= 2, (ex.number, shown)


def test_no_steps_for_an_exercise_the_catalog_lacks() -> None:
    assert set(all_steps()) <= {e.check for e in EXERCISES}


def test_giveaway_detection_finds_a_solution_line() -> None:
    """The rule above can fail: a hint quoting the solution is caught."""
    lines = solution_lines("01_tensors")
    assert lines
    quoted = next(iter(lines))
    assert giveaways(f"Try this: {quoted}", lines) == [quoted]
    assert len(CHAPTERS) == 11
