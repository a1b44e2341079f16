"""What only a browser can show: JupyterLab renders the course, runs it, and the widgets respond.

Screenshots of each check go to the git-ignored ``test-output/browser/``.
"""

from __future__ import annotations

import hashlib
import json
import re
import time

import pytest

from tests.support.browser import (
    assert_no_error_outputs,
    dismiss_news,
    open_and_run_all,
    screenshot,
    wait_change,
    wait_text,
)
from tests.support.jupyter_server import ROOT
from tools import nbstrip
from tools.build import notebook_relpath

pytestmark = pytest.mark.browser
LANGS = ("ja", "en")
OPENED = [
    notebook_relpath(stem, lang) for lang in LANGS for stem in ("01_tensors", "07_playground")
]
LABELS = {"ja": ("学習率", "隠れユニット数"), "en": ("learning rate", "hidden units")}
DONE_OR_PAUSED = re.compile("完了|done|一時停止中|paused")


def digest(paths) -> dict[str, str]:
    return {p: hashlib.sha256((ROOT / p).read_bytes()).hexdigest() for p in paths}


@pytest.fixture(scope="module", autouse=True)
def committed_notebooks_stay_untouched():
    before = digest(OPENED)
    yield
    assert digest(OPENED) == before, "a committed notebook changed during the browser tests"
    assert not list((ROOT / "chapters").glob("*/.ipynb_checkpoints"))


def test_make_lab_opens_the_readme_then_chapter_01_runs_clean(page, lab, copies):
    page.goto(f"{lab.url}/?token={lab.token}")  # what `make lab` opens: default_url
    page.wait_for_selector(".jp-RenderedMarkdown h1", timeout=60_000)
    dismiss_news(page)
    assert "PyTorch" in page.locator(".jp-RenderedMarkdown").first.inner_text()
    assert page.locator(".jp-RenderedMarkdown table").count() >= 1  # the chapter table
    screenshot(page, "readme")
    for lang in LANGS:
        chapter = f"chapters/{lang}/01_{lang}_tensors.ipynb"
        copy = copies(chapter)
        open_and_run_all(page, lab, copy)
        assert_no_error_outputs(page)
        screenshot(page, f"01_tensors_{lang}")
        # Saved after a full run, a course notebook keeps its outputs, and git's view of it
        # (the clean filter, tools/nbstrip.py) is the notebook as shipped: nothing to commit.
        save_notebook(page, ROOT / copy)
        saved = (ROOT / copy).read_bytes()
        assert any(c.get("outputs") for c in json.loads(saved)["cells"])
        assert nbstrip.clean(saved) == (ROOT / chapter).read_bytes()
        save_notebook(page, ROOT / copy)  # again: no "file changed on disk" question
        assert page.locator(".jp-Dialog").count() == 0, page.locator(".jp-Dialog").inner_text()


def save_notebook(page, path, timeout: float = 30) -> None:
    """File → Save, as a learner would; wait until the file on disk was rewritten."""
    before = path.stat().st_mtime_ns
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^File$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Save( Notebook)?$")).first.click()
    deadline = time.monotonic() + timeout
    while path.stat().st_mtime_ns == before:
        assert time.monotonic() < deadline, f"{path.name} was not saved within {timeout} s"
        time.sleep(0.2)
    time.sleep(0.5)  # let the write finish before the file is compared


def move_slider(playground, label: str) -> tuple[str, str]:
    """Focus the slider's handle and press → like a person; return readout before, after."""
    slider = playground.locator(".widget-slider", has=playground.page.locator(
        ".widget-label", has_text=label)).first  # fmt: skip
    readout = slider.locator(".widget-readout")
    before = readout.inner_text()
    slider.locator(".noUi-handle").focus()
    playground.page.keyboard.press("ArrowRight")
    return before, wait_change(readout.inner_text, before, timeout=10)


@pytest.mark.parametrize("lang", LANGS)
def test_chapter_07_widgets_render_and_respond_to_sliders(page, lab, copies, lang):
    open_and_run_all(page, lab, copies(f"chapters/{lang}/07_{lang}_playground.ipynb"))
    assert_no_error_outputs(page)
    notebook = page.locator(".jp-Notebook")
    text = notebook.inner_text()
    assert "Error displaying widget" not in text and "Loading widget" not in text
    boards = notebook.locator("canvas.nyumon-board")
    assert boards.count() == 9  # one per playground cell
    drawn = notebook.locator("[data-frame]")
    assert all(int(drawn.nth(i).get_attribute("data-frame")) > 0 for i in range(9))

    first = page.locator(".jp-OutputArea-output", has=page.locator("canvas.nyumon-board")).first
    first.scroll_into_view_if_needed()
    status = first.locator(".widget-html").first
    # Its first run has finished, or a later playground paused it (one trains at a time):
    # either way, later redraws come from the slider.
    wait_text(status, DONE_OR_PAUSED)
    board = first.locator("[data-frame]").first  # board.js counts its draws here
    for label in LABELS[lang]:
        drawn = board.get_attribute("data-frame")
        before, after = move_slider(first, label)
        assert after != before
        wait_change(lambda: board.get_attribute("data-frame"), drawn)  # the plot redrew
        wait_text(status, re.compile(r"(ステップ|step) [1-9]"))  # a new run is training
    screenshot(page, f"07_playground_{lang}")
