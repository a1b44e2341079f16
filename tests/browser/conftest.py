"""Real JupyterLab in Debian's Chromium, driven by Playwright for Python.

Chromium and the ``browser`` fixture come from tests/support/browser.py, registered once in
tests/conftest.py for every test folder that drives a browser.

The notebooks opened here are copies under the git-ignored ``test-output/browser/``: running
them in JupyterLab adds outputs, and nothing of that may reach the committed notebooks. The
course config turns autosave on; this test user's settings turn it off as a second guard.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.browser import OUT, copy_notebook
from tests.support.jupyter_server import running_lab

USER_SETTINGS = {
    # Outputs of the test run must never be saved, even into the copies.
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    # Render every cell, so that outputs far down a notebook are in the page to check.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def write_user_settings(tmp: Path, extra: dict | None = None) -> None:
    """JupyterLab's user settings under ``tmp/home`` (running_lab's HOME): ours, then ``extra``."""
    settings = tmp / "home" / ".jupyter" / "lab" / "user-settings"
    for name, values in {**USER_SETTINGS, **(extra or {})}.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@pytest.fixture(scope="session")
def lab(tmp_path_factory, chromium_path):
    tmp = tmp_path_factory.mktemp("browser-lab")
    write_user_settings(tmp)
    with running_lab(tmp, lang="en") as server:
        yield server


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
        return copy_notebook(relpath, OUT / relpath)

    return copy


__all__ = ["copies", "lab", "page"]
