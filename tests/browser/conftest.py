"""Real JupyterLab in Debian's Chromium, driven by Playwright for Python.

Without ``/usr/bin/chromium`` the browser tests skip (saying how to install it), unless
``NYUMON_REQUIRE_BROWSER=1`` (set by CI): then a missing browser fails them.

The notebooks opened here are copies under the git-ignored ``test-output/browser/``: running
them in JupyterLab adds outputs, and nothing of that may reach the committed notebooks. The
course config turns autosave on; this test user's settings turn it off as a second guard.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.jupyter_server import ROOT, running_lab

CHROMIUM = Path("/usr/bin/chromium")
OUT = ROOT / "test-output" / "browser"
INSTALL = "apt-get install chromium fonts-noto-cjk"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=en-US",
]
USER_SETTINGS = {
    # Outputs of the test run must never be saved, even into the copies.
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    # Render every cell, so that outputs far down a notebook are in the page to check.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if CHROMIUM.exists():
        return str(CHROMIUM)
    message = f"browser tests need Chromium at {CHROMIUM}: {INSTALL}"
    if os.environ.get("NYUMON_REQUIRE_BROWSER") == "1":
        pytest.fail(f"NYUMON_REQUIRE_BROWSER=1 but {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def lab(tmp_path_factory, chromium_path):
    tmp = tmp_path_factory.mktemp("browser-lab")
    settings = tmp / "home" / ".jupyter" / "lab" / "user-settings"
    for name, values in USER_SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    with running_lab(tmp, lang="en") as server:
        yield server


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    yield page
    context.close()  # closes without saving: no "unsaved changes" dialog is honoured


@pytest.fixture(scope="session")
def copies():
    """Copy a committed notebook under test-output/browser/ and return its server path."""
    OUT.mkdir(parents=True, exist_ok=True)

    def copy(relpath: str) -> str:
        target = OUT / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / relpath, target)
        return target.relative_to(ROOT).as_posix()

    return copy


def screenshot(page, name: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
