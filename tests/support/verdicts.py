"""Assertions on a check's ``Verdict`` shared by the check tests."""

from __future__ import annotations

from widgets._checks.verdict import WRONG


def assert_hint(verdict, message, **fmt) -> None:
    """``verdict`` is ✗ and its hint carries ``message``'s own words.

    The words are the message's text up to its first blank (``{…}``), at least 8 characters;
    with ``fmt``, the text filled in must match a little further too.
    """
    assert verdict.status == WRONG, verdict
    assert not verdict
    head = message().split("{")[0]
    assert len(head) >= 8 and head in verdict.hint, (verdict.hint, head)
    if fmt:
        filled = message(**fmt).split("{")[0][: len(head) + 8]
        assert filled in verdict.hint, (verdict.hint, filled)
