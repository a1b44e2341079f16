"""Shared test setup."""

from __future__ import annotations

import pytest

from widgets._i18n import get_lang, set_lang


@pytest.fixture(autouse=True)
def english():
    """Each test starts with the helpers speaking English and leaves the language as it was.

    Tests of Japanese texts switch with ``set_lang("ja")`` themselves.
    """
    before = get_lang()
    set_lang("en")
    yield
    set_lang(before)
