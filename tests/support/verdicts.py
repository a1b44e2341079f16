"""Assertions on a check's ``Verdict`` shared by the check tests and the answer corpus."""

from __future__ import annotations

import re

from widgets._checks.verdict import WRONG

BLANK = re.compile(r"\{[^{}]*\}")


def words_of(text: str) -> str:
    """The longest run of a message's own words between its blanks (``{…}``)."""
    return max(BLANK.split(text), key=len)


def assert_hint(verdict, message, **fmt) -> None:
    """``verdict`` is ✗ and its hint carries ``message``'s own words, in the current language.

    The words are the longest piece of the message's text between its blanks (``{…}``), at
    least 8 characters; with ``fmt``, the text filled in must match a little further too.
    """
    assert verdict.status == WRONG, verdict
    assert not verdict
    template = message()
    head = words_of(template)
    assert len(head) >= 8 and head in verdict.hint, (verdict.hint, head)
    if fmt:  # the text up to the first blank, and 8 characters of what filled it
        filled = message(**fmt)[: len(template.split("{")[0]) + 8]
        assert filled in verdict.hint, (verdict.hint, filled)
