"""Classroom tests reuse the browser tests' Chromium (``/usr/bin/chromium`` via Playwright)."""

from tests.support.browser import browser, chromium_path

__all__ = ["browser", "chromium_path"]
