"""Answers to the exercises, written the way learners write them, with the verdict each gets.

One module per chapter, ``chNN.py``, holds ``ANSWERS``: for every exercise at least one right
answer written differently from the solution, two typical mistakes and the shortcuts we know
of. Each mistake names the ``Message`` its hint must carry (``assert_hint`` checks its words in
English and Japanese); chapters not yet moved to that name an English keyword instead.
tests/widgets/checks/test_answer_corpus.py runs them all, in English and Japanese, and enforces the house
rules for hints. A new chapter adds its module here. This table is the only list of
"answer → verdict" for an exercise: tests/test_checks_NN.py tests a check's internals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from widgets._i18n import Message

OK, WRONG, TODO = "ok", "wrong", "todo"


@dataclass(frozen=True)
class Answer:
    """One learner answer: ``check(*args())`` must give ``status`` and a hint with ``hint``."""

    what: str  # the answer in a few words, e.g. "channels last"
    check: Callable
    args: Callable[[], tuple]  # builds fresh arguments for every run
    status: str = WRONG
    hint: Message | str = ""  # the Message the hint carries (or a word of the English hint)
    kind: str = "mistake"  # "right", "mistake", "shortcut" or "stub"
    slow: bool = False  # trains for seconds: run in one language only
    # Why issue 24 means this answer's verdict to differ from tests/corpus/verdicts.json
    # (recorded before it); empty for every answer whose verdict must stay as recorded.
    changes: str = ""


def right(what: str, check: Callable, args: Callable[[], tuple]) -> Answer:
    return Answer(what, check, args, status=OK, kind="right")


def mistake(what: str, check: Callable, args: Callable[[], tuple], hint: Message | str) -> Answer:
    return Answer(what, check, args, status=WRONG, hint=hint)


def shortcut(what: str, check: Callable, args: Callable[[], tuple], hint: Message | str) -> Answer:
    return Answer(what, check, args, status=WRONG, hint=hint, kind="shortcut")


def slow(answer: Answer) -> Answer:
    return Answer(**{**answer.__dict__, "slow": True})


def changed(answer: Answer, reason: str) -> Answer:
    """``answer``, marked as meant to get another verdict than the recorded one, and why."""
    return Answer(**{**answer.__dict__, "changes": reason})


def stub(what: str, check: Callable, args: Callable[[], tuple]) -> Answer:
    return Answer(what, check, args, status=TODO, kind="stub")
