"""The playground in JupyterLab: the learning-rate slider's top diverges, and back it recovers.

A learner drags the lr handle to the end of its track with the mouse, sees "diverged" and a
usable widget, then steps it back with the keyboard to 0.03 and sees a run that learns.
Screenshots of the playground (points in their class colours) go to test-output/browser/.
"""

from __future__ import annotations

import re

import pytest

from tests.support.browser import (
    OUT,
    assert_no_error_outputs,
    open_and_run_all,
    wait_change,
    wait_text,
    write_notebook,
)

pytestmark = pytest.mark.browser
CELLS = (
    "from widgets import playground, setup\nsetup('en')",
    "playground(task='xor', controls=('lr', 'hidden', 'task'), max_steps=400)",
)
DONE = re.compile(r"— done")
DIVERGED = re.compile(r"— diverged")


def notebook() -> str:
    """A two-cell notebook under the git-ignored test-output/browser/; its server path."""
    return write_notebook(OUT / "playground_lr.ipynb", CELLS)


def shoot(widget, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    widget.screenshot(path=str(OUT / f"{name}.png"))


def test_lr_slider_top_diverges_and_back_recovers(page, lab):
    open_and_run_all(page, lab, notebook())
    assert_no_error_outputs(page)
    widget = page.locator(".jp-OutputArea-output", has=page.locator("canvas.nyumon-board")).first
    widget.scroll_into_view_if_needed()
    status = widget.locator(".widget-html").first
    wait_text(status, DONE)
    shoot(widget, "playground_xor_classes")

    slider = widget.locator(
        ".widget-slider", has=page.locator(".widget-label", has_text="learning rate")
    )
    readout = slider.first.locator(".widget-readout")
    assert readout.inner_text() == "0.03"  # exactly the value passed in code
    track = slider.first.locator(".noUi-target").bounding_box()
    handle = slider.first.locator(".noUi-handle")
    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    for fraction in (0.25, 0.5, 0.75, 1.0, 1.2):  # a drag: several moves, one merged restart
        page.mouse.move(track["x"] + track["width"] * fraction, box["y"] + box["height"] / 2)
    page.mouse.up()
    wait_text(readout, re.compile(r"^100$"), timeout=10)
    text = wait_text(status, DIVERGED)
    assert "learning rate 100" not in text  # the status line is the readout of the run
    shoot(widget, "playground_xor_diverged")

    handle.focus()
    for _ in range(14):  # 100 → 0.03: fourteen stops down, as a learner's arrow key presses
        page.keyboard.press("ArrowLeft")
    wait_text(readout, re.compile(r"^0\.03$"), timeout=10)
    text = wait_text(status, DONE)
    accuracy = float(re.search(r"test accuracy ([0-9.]+)%", text).group(1))
    assert accuracy > 90, text
    shoot(widget, "playground_xor_recovered")

    task = widget.locator("select").first  # the data dropdown
    board = widget.locator("[data-frame]").first  # board.js counts its draws here
    for label, name in (
        ("Circle (inside vs ring)", "playground_circle_classes"),
        ("Regression y = 2√(x₁²+x₂²)", "playground_regression_values"),
    ):
        drawn = board.get_attribute("data-frame")
        task.select_option(label=label)
        wait_change(lambda: board.get_attribute("data-frame"), drawn)  # the new run's first frame
        wait_text(status, DONE)
        shoot(widget, name)
