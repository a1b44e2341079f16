"""Classroom tests reuse the browser tests' Chromium: the ``browser`` and ``chromium_path``
fixtures are registered once, in tests/conftest.py, so one worker never starts two Playwright
sessions (a second ``sync_playwright()`` inside the first one's loop fails).
"""
