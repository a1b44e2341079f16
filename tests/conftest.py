"""Shared test setup."""

from __future__ import annotations

import os
import tempfile

import pytest

from tests.support.chromium import browser, chromium_path
from widgets._i18n import get_lang, set_lang

# One session-wide Chromium for tests/browser and tests/classroom alike: two session fixtures
# would start two Playwright sessions in one xdist worker, and the second one fails.
__all__ = ["browser", "chromium_path", "english", "light_theme"]

# Checks keep the learner's progress in her data folder (widgets/_progress/store.py): the
# tests' checks, their kernels and servers (which inherit this) keep theirs in a folder of
# their own, never in the home of whoever runs the tests.
os.environ.setdefault("NYUMON_PROGRESS_DIR", tempfile.mkdtemp(prefix="nyumon-progress-"))


@pytest.fixture(autouse=True)
def english():
    """Each test starts with the helpers speaking English and leaves the language as it was.

    Tests of Japanese texts switch with ``set_lang("ja")`` themselves.
    """
    before = get_lang()
    set_lang("en")
    yield
    set_lang(before)


@pytest.fixture(autouse=True)
def light_theme(monkeypatch):
    """Figures are drawn for the light theme, whatever the developer's JupyterLab has chosen
    (widgets/_figures.py reads it); tests of the dark theme set NYUMON_THEME themselves."""
    monkeypatch.setenv("NYUMON_THEME", "light")
