"""In Chromium: run a chapter, save, reload the page, and what ran is still there; git stays clean.

The lab serves a scratch git clone of a tiny course (a chapter, the real tools/nbstrip.py and
.gitattributes), set up as `make lab` does, so nothing here touches the repository. Then the
Japanese UI: with `make lab LANG=ja` the menus are in Japanese.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.support.browser import dismiss_news, open_and_run_all, screenshot
from tests.support.jupyter_server import ROOT, running_lab

pytestmark = pytest.mark.browser
CHAPTER = "chapters/en/01_en_tensors.ipynb"
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
OUTPUTS_JS = """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')]
    .map(c => c.querySelector('.jp-OutputArea-output')?.innerText ?? '')"""


def git(root, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, env={**os.environ, **GIT_ENV},
                          capture_output=True, text=True, check=True).stdout  # fmt: skip


@pytest.fixture(scope="module")
def clone_lab(tmp_path_factory, chromium_path):
    tmp = tmp_path_factory.mktemp("reload-lab")
    root = tmp / "course"
    for rel in (CHAPTER, "tools/nbstrip.py", ".gitattributes"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / rel, root / rel)
    (root / ".gitignore").write_text(".ipynb_checkpoints/\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=c", "-c", "user.email=c@example.invalid", "commit", "-qm", "c")
    subprocess.run([sys.executable, "tools/nbstrip.py", "--install"], cwd=root,
                   env={**os.environ, **GIT_ENV}, check=True, capture_output=True)  # fmt: skip
    settings = tmp / "home/.jupyter/lab/user-settings/@jupyterlab/notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    with running_lab(tmp, root=root, env=GIT_ENV) as server:
        yield server, root


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    yield context.new_page()
    context.close()


def test_outputs_survive_a_reload_and_git_status_stays_clean(page, clone_lab):
    lab, root = clone_lab
    open_and_run_all(page, lab, CHAPTER)
    ran = page.evaluate(OUTPUTS_JS)
    assert sum(bool(text) for text in ran) >= 10, ran  # the run printed and showed things
    before = (root / CHAPTER).stat().st_mtime_ns
    page.keyboard.press("Control+s")
    page.wait_for_function(
        "() => !document.querySelector('.jp-mod-current.jp-mod-dirty')", timeout=30_000
    )
    assert (root / CHAPTER).stat().st_mtime_ns != before, "the notebook was not saved"
    page.reload()
    page.wait_for_selector(".jp-Notebook .jp-CodeCell .jp-OutputArea-output", timeout=60_000)
    dismiss_news(page)
    reloaded = page.evaluate(OUTPUTS_JS)
    screenshot(page, "01_tensors_after_reload")
    assert reloaded == ran
    assert git(root, "status", "--porcelain") == ""
    assert git(root, "diff") == ""


def test_make_lab_lang_ja_shows_the_japanese_menus(page, tmp_path, chromium_path):
    with running_lab(tmp_path, lang="en", env={"NYUMON_LAB_LANG": "ja", "LC_ALL": None}) as lab:
        page.goto(f"{lab.url}/lab?token={lab.token}")
        menus = page.locator(".lm-MenuBar-itemLabel")
        menus.first.wait_for(timeout=60_000)
        page.wait_for_function(
            "() => [...document.querySelectorAll('.lm-MenuBar-itemLabel')]"
            ".some(e => /ファイル/.test(e.textContent))",
            timeout=60_000,
        )
        labels = menus.all_inner_texts()
        screenshot(page, "lab_in_japanese")
        assert any(re.search("ファイル", t) for t in labels), labels
        assert "File" not in labels
