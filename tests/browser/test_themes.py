"""Figures and the "diverged" note readable in JupyterLab's light and dark themes (issue 29).

A JupyterLab per theme, the theme chosen in its user settings (as Settings → Theme saves it);
a small notebook draws a live_loss plot that diverges and a plain pyplot figure, as the
chapters do. From a screenshot of each figure in the page (saved under test-output/browser/):

- the figure's corner has the page's own background (no white block on the dark theme);
- some text in the figure's title strip has a contrast of at least 4.5 with that background;
- the red of the divergence note has a contrast of at least 4.5 with that background.
"""

from __future__ import annotations

import io
import json

import pytest

from tests.support.browser import OUT, open_and_run_all, write_notebook
from tests.support.jupyter_server import ROOT, running_lab

pytestmark = pytest.mark.browser
THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}
SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}
CELLS = [
    'from widgets import live_loss, setup\ndevice = setup("en")',
    'with live_loss("A run that diverges") as plot:\n'
    "    for step in range(30):\n"
    '        plot.update(step, train=1 / (step + 1), val=1.2 / (step + 1) if step < 20 else float("nan"))',
    "import matplotlib.pyplot as plt\n"
    'plt.plot([1, 2, 3], [3, 1, 2], label="a line")\n'
    'plt.title("A static figure")\nplt.xlabel("x")\nplt.legend()\nplt.show()',
]


def luminance(rgb) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_is_wcags():
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((0xB3, 0x26, 0x1E), (0x11, 0x11, 0x11)) < 4.5  # the old red on dark


@pytest.fixture(scope="module", params=sorted(THEMES))
def themed_lab(request, tmp_path_factory, chromium_path):
    theme = request.param
    tmp = tmp_path_factory.mktemp(f"lab-{theme}")
    settings = tmp / "home" / ".jupyter" / "lab" / "user-settings"
    chosen = {"@jupyterlab/apputils-extension/themes.jupyterlab-settings": {
        "theme": THEMES[theme]}}  # fmt: skip
    for name, values in {**SETTINGS, **chosen}.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    # The kernel reads the theme from these settings, not from the tests' NYUMON_THEME, and
    # imports this checkout's widgets (whatever the venv's editable install points at).
    env = {"NYUMON_THEME": None, "PYTHONPATH": str(ROOT)}
    with running_lab(tmp, lang="en", env=env) as server:
        yield theme, server


def run_in_page(browser, lab, cells: list[str], name: str):
    """A notebook of ``cells`` under test-output, opened and run in a new page of its own."""
    served = write_notebook(OUT / "themes" / name, cells)
    context = browser.new_context(viewport={"width": 1400, "height": 1400}, locale="en-US")
    page = context.new_page()
    try:
        open_and_run_all(page, lab, served)
    except BaseException:
        context.close()
        raise
    return context, page


def test_figures_follow_the_theme(themed_lab, browser):
    from PIL import Image

    theme, lab = themed_lab
    context, page = run_in_page(browser, lab, CELLS, f"{theme}.ipynb")
    try:
        images = page.locator(".jp-OutputArea-output img")
        images.nth(1).wait_for(timeout=60_000)
        images.nth(1).scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        shot = OUT / f"theme_{theme}.png"
        page.screenshot(path=str(shot))
        boxes = [images.nth(i).bounding_box() for i in range(images.count())]
    finally:
        context.close()
    picture = Image.open(io.BytesIO(shot.read_bytes())).convert("RGB")
    assert len(boxes) >= 2, "expected the live_loss figure and the pyplot figure"
    for number, box in enumerate(boxes):
        x, y, w, h = (round(box[k]) for k in ("x", "y", "width", "height"))
        page_bg = picture.getpixel((min(x + w + 8, picture.width - 1), y + 4))
        if theme == "dark":
            assert luminance(page_bg) < 0.05, f"the page is not dark: {page_bg}"
        else:
            assert luminance(page_bg) > 0.9, f"the page is not light: {page_bg}"
        corner = picture.getpixel((x + 2, y + 2))
        assert max(abs(a - b) for a, b in zip(corner, page_bg, strict=True)) <= 12, (
            f"figure {number}: its background {corner} is not the page's {page_bg}"
        )
        strip = picture.crop((x, y, x + w, y + max(h // 8, 12)))
        best = max(contrast(p, page_bg) for p in strip.get_flattened_data())
        assert best >= 4.5, f"figure {number}: title text contrast only {best:.2f}"
    x, y, w, h = (round(boxes[0][k]) for k in ("x", "y", "width", "height"))
    live = picture.crop((x, y, x + w, y + h))
    reds = [p for p in live.get_flattened_data() if p[0] > p[1] + 60 and p[0] > p[2] + 60]
    assert reds, "no divergence note in the live_loss figure"
    best = max(contrast(p, page_bg) for p in reds)
    assert best >= 4.5, f"the diverged note's red has a contrast of only {best:.2f}"


def test_the_playground_follows_the_theme(themed_lab, browser):
    """Chapter 07's picture (the canvas board.js draws) on the page's own background, with its
    labels readable: a screenshot per theme, as issue 29 asks of chapter 07."""
    from PIL import Image

    theme, lab = themed_lab
    cells = ['from widgets import playground, setup\ndevice = setup("en")', "playground()"]
    context, page = run_in_page(browser, lab, cells, f"{theme}-playground.ipynb")
    try:
        board = page.locator("canvas.nyumon-board").first
        board.wait_for(timeout=60_000)
        page.wait_for_function(
            "() => Number(document.querySelector('[data-frame]')?.dataset.frame) > 0",
            timeout=60_000,
        )
        board.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        shot = OUT / f"theme_{theme}_playground.png"
        page.screenshot(path=str(shot))
        box = board.bounding_box()
    finally:
        context.close()
    assert box is not None
    picture = Image.open(io.BytesIO(shot.read_bytes())).convert("RGB")
    x, y, w, h = (round(box[k]) for k in ("x", "y", "width", "height"))
    page_bg = picture.getpixel((min(x + w + 8, picture.width - 1), y + 4))
    corner = picture.getpixel((x + 2, y + 2))
    if theme == "dark":
        assert luminance(corner) < 0.05, f"the playground's background is not dark: {corner}"
    else:
        assert luminance(corner) > 0.9, f"the playground's background is not light: {corner}"
    assert max(abs(a - b) for a, b in zip(corner, page_bg, strict=True)) <= 12, (corner, page_bg)
    # Its labels and axes are grey (the picture's blues and oranges are data, not text).
    canvas = picture.crop((x, y, x + w, y + h)).get_flattened_data()
    greys = [p for p in canvas if max(p) - min(p) < 24]
    best = max(contrast(p, corner) for p in greys)
    assert best >= 4.5, f"no label on the playground reaches a contrast of 4.5 ({best:.2f})"
