"""Chromium through Playwright, and the JupyterLab page steps browser tests share.

Without ``/usr/bin/chromium`` the browser tests skip (saying how to install it), unless
``NYUMON_REQUIRE_BROWSER=1`` (set by CI): then a missing browser fails them. Screenshots go
to the git-ignored ``test-output/browser/``. The ``chromium_path`` and ``browser`` fixtures
live in tests/support/chromium.py (no Playwright import until a browser is started), and are
registered once, in tests/conftest.py.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.support.jupyter_server import ROOT

OUT = ROOT / "test-output" / "browser"


def write_notebook(path: Path, cells) -> str:
    """A notebook of code ``cells`` at ``path`` (under the git-ignored OUT); its server path."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path.relative_to(ROOT).as_posix()


def copy_notebook(relpath: str, target: Path) -> str:
    """The committed notebook ``relpath`` copied to ``target`` (git-ignored); its server path."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ROOT / relpath, target)
    return target.relative_to(ROOT).as_posix()


ERRORS_JS = """() => [...document.querySelectorAll(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"],'
    + '.jp-RenderedText[data-mime-type*="error"]')]
    .map(e => e.innerText).filter(t => /Traceback|Error/.test(t))"""
ALL_RAN_JS = """() => {
    const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
        .map(e => e.textContent);
    return prompts.length > 0 && prompts.every(t => /\\[\\d+\\]/.test(t));
}"""


def screenshot(page, name: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def dismiss_news(page) -> None:
    """The config turns the news question off; close it anyway if it shows."""
    button = page.locator(".jp-Notification-Toast button", has_text=re.compile("^(No|いいえ)$"))
    if button.count():
        button.first.click()


def accept_kernel_dialog(page, wait: float) -> None:
    """JupyterLab sometimes asks which kernel to start; the notebook's own (Python 3) is right."""
    dialog = page.locator(".jp-Dialog", has_text=re.compile("Select Kernel|カーネルを選択"))
    try:
        dialog.wait_for(timeout=wait * 1000)
    except PlaywrightTimeout:
        return
    dialog.locator(".jp-mod-accept").click()


def assert_no_error_outputs(page) -> None:
    errors = page.evaluate(ERRORS_JS)
    assert errors == [], "\n---\n".join(errors)


def open_and_run_all(page, lab, path: str) -> None:
    # A workspace of its own, so no tab restored from an earlier test takes the commands.
    workspace = re.sub(r"\W", "-", path)
    page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{path}?token={lab.token}")
    page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=60_000)
    accept_kernel_dialog(page, wait=3)
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=60_000)
    dismiss_news(page)
    # The labels of JupyterLab in English and in Japanese (its ja_JP language pack).
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^(Run|実行)$")).click()
    page.locator(
        ".lm-Menu-itemLabel", has_text=re.compile("^(Run All Cells|すべてのセルを実行)$")
    ).click()
    accept_kernel_dialog(page, wait=2)
    try:
        page.wait_for_function(ALL_RAN_JS, timeout=120_000, polling=500)
    except PlaywrightTimeout:
        screenshot(page, "timeout_" + path.replace("/", "_"))
        raise
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=60_000)


def wait_text(locator, pattern: re.Pattern, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while not pattern.search(text := locator.inner_text()):
        assert time.monotonic() < deadline, f"{pattern.pattern!r} never appeared in {text!r}"
        time.sleep(0.25)
    return text


def wait_change(read, before: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while (now := read()) == before:
        assert time.monotonic() < deadline, f"still {before!r} after {timeout} s"
        time.sleep(0.2)
    return now
