"""The session's one Chromium, started through Playwright only when a test asks for it.

Without ``/usr/bin/chromium`` the browser tests skip (saying how to install it), unless
``NYUMON_REQUIRE_BROWSER=1`` (set by CI): then a missing browser fails them. Playwright is
imported inside the fixture, so test runs without it (the Colab-like venv) still collect.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
INSTALL = "apt-get install chromium fonts-noto-cjk"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=en-US",
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if CHROMIUM.exists():
        return str(CHROMIUM)
    message = f"browser tests need Chromium at {CHROMIUM}: {INSTALL}"
    if os.environ.get("NYUMON_REQUIRE_BROWSER") == "1":
        pytest.fail(f"NYUMON_REQUIRE_BROWSER=1 but {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        yield browser
        browser.close()
