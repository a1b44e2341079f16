"""The playground's canvas in JupyterLab: a control redraws it from the kernel's new frame.

The front end (widgets/_playground/board.js) counts its draws in ``data-frame`` on the
widget's element; moving a control must advance that counter and change the pixels, in
both languages, with the Japanese labels drawn in a Japanese font (no tofu boxes).
"""

from __future__ import annotations

import re

import pytest

from tests.support.browser import (
    OUT,
    assert_no_error_outputs,
    open_and_run_all,
    wait_text,
    write_notebook,
)

pytestmark = pytest.mark.browser
DONE = re.compile(r"完了|done")
TRAINING = re.compile(r"(ステップ|step) [1-9]")


def notebook(lang: str) -> str:
    cells = (
        f"from widgets import playground, setup\nsetup({lang!r})",
        "playground(task='circle', controls=('activation', 'hidden'), max_steps=300)",
    )
    return write_notebook(OUT / f"playground_canvas_{lang}.ipynb", cells)


def frames(board) -> int:
    return int(board.get_attribute("data-frame") or 0)


def pixels(board) -> str:
    """A digest of the canvas's pixels, read in the page."""
    return board.evaluate(
        """el => { const c = el.querySelector('canvas');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let h = 0; for (let i = 0; i < d.length; i += 7) h = (h * 31 + d[i]) | 0;
                   return String(h); }"""
    )


def wait_for(predicate, page, timeout: float = 30) -> None:
    for _ in range(int(timeout * 10)):
        if predicate():
            return
        page.wait_for_timeout(100)
    assert predicate()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_moving_a_control_redraws_the_canvas(page, lab, lang):
    open_and_run_all(page, lab, notebook(lang))
    assert_no_error_outputs(page)
    output = page.locator(".jp-OutputArea-output", has=page.locator("canvas.nyumon-board")).first
    output.scroll_into_view_if_needed()
    board = output.locator("[data-frame]").first
    status = output.locator(".widget-html").first
    wait_text(status, DONE)
    wait_for(lambda: frames(board) > 0, page)
    before_frames, before_pixels = frames(board), pixels(board)

    menu = output.locator("select").first  # activation
    menu.select_option(value="relu")
    wait_for(lambda: frames(board) > before_frames, page)
    wait_text(status, TRAINING)
    wait_text(status, DONE)
    wait_for(lambda: pixels(board) != before_pixels, page)
    assert int(board.get_attribute("data-kernel-frame")) > 1

    if lang == "ja":  # the canvas's font has the Japanese glyphs the labels need
        assert page.evaluate("document.fonts.check('12px \"Noto Sans CJK JP\"', '損失')")
    OUT.mkdir(parents=True, exist_ok=True)
    output.screenshot(path=str(OUT / f"playground_canvas_{lang}.png"))
