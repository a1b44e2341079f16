"""``widgets/_figures.py``: matplotlib is imported in the calling thread, never in the warm-up one.

Two threads importing matplotlib's circular modules at once can meet a half-made module
(ImportError: cannot import name … from partially initialized module). It happened in this
test suite when ``live_loss()`` started the warm-up thread and the test drew at once.
Each test runs in a fresh interpreter, where matplotlib is not imported yet.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support import ROOT


def fresh(code: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_warm_up_thread_imports_nothing():
    out = fresh(
        """
import json, sys, threading
from widgets import _figures
assert "matplotlib" not in sys.modules
seen = {}
real_start = threading.Thread.start
def start(thread):  # what was imported when the warm-up thread started
    if thread.name == "warm-matplotlib":
        seen["before"] = set(sys.modules)
    real_start(thread)
threading.Thread.start = start
_figures.warm_up(wait=True)  # this thread waits: every module new now came from the other
print(json.dumps({"new": sorted(set(sys.modules) - seen["before"]), "started": "before" in seen}))
"""
    )
    assert out["started"]
    assert out["new"] == []


def test_drawing_at_once_after_live_loss_starts_the_warm_up():
    out = fresh(
        """
import json
from widgets import live_loss
from widgets._live_loss.outputs import ImageOutput

class Image:  # an ipywidgets.Image stand-in: live_loss draws into .value
    value, format = b"", ""

plot = live_loss(output=Image())  # starts the warm-up thread
plot.update(0, train=1.0)
print(json.dumps({"png": plot.to_png()[:4].hex()}))  # draws at once, in this thread
"""
    )
    assert out["png"] == "89504e47"  # the PNG signature


# -- JupyterLab's light and dark themes (issue 29 item 6) --------------------------------------


def luminance(color: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(color[i : i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def write_theme(tmp_path, text: str):
    path = tmp_path / "@jupyterlab" / "apputils-extension" / "themes.jupyterlab-settings"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")


def test_the_theme_is_read_from_jupyterlabs_settings(tmp_path, monkeypatch):
    from widgets import _figures

    monkeypatch.delenv("NYUMON_THEME", raising=False)
    monkeypatch.setenv("JUPYTERLAB_SETTINGS_DIR", str(tmp_path))
    assert _figures.theme() == "light"  # nothing chosen yet: JupyterLab's default
    # As JupyterLab saves it: the schema's comments, a default named in one of them.
    write_theme(
        tmp_path, '{\n    // Default: "JupyterLab Light"\n    "theme": "JupyterLab Dark"\n}'
    )
    assert _figures.theme() == "dark"
    (tmp_path / _figures.THEME_SETTINGS).write_text('{\n  // "theme": "JupyterLab Dark"\n}')
    assert _figures.theme() == "light"
    monkeypatch.setenv("NYUMON_THEME", "dark")
    assert _figures.theme() == "dark"


def test_every_text_colour_reads_on_its_themes_background():
    from widgets._figures import BACKGROUND, PALETTES

    for name, colors in PALETTES.items():
        for role in ("text", "red"):
            assert contrast(colors[role], BACKGROUND[name]) >= 4.5, (name, role)
        assert contrast(colors["red"], colors["note"]) >= 4.5, name  # the note's own box
    assert contrast(PALETTES["light"]["red"], BACKGROUND["dark"]) < 4.5  # why dark has its own


def test_a_dark_figure_is_transparent_with_light_text(monkeypatch):
    import io

    from PIL import Image

    from widgets import live_loss
    from widgets._figures import PALETTES

    class Output:  # an ipywidgets.Image stand-in
        value, format = b"", ""

    pictures = {}
    for name in ("light", "dark"):
        monkeypatch.setenv("NYUMON_THEME", name)
        plot = live_loss("themes", output=Output())
        for step in range(5):
            plot.update(step, train=1 / (step + 1), val=float("nan") if step == 4 else 1.0)
        pictures[name] = Image.open(io.BytesIO(plot.to_png())).convert("RGBA")
        note = plot._figure.panels["loss"].note
        assert note.get_color() == PALETTES[name]["red"]
    assert pictures["light"].getpixel((1, 1)) == (255, 255, 255, 255)
    assert pictures["dark"].getpixel((1, 1))[3] == 0  # the page shows through
    title = plot._figure.figure.texts[0]  # the suptitle, drawn in the dark theme's text colour
    assert title.get_color() == PALETTES["dark"]["text"]
