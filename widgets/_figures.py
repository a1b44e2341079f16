"""matplotlib for the helpers that draw: the Japanese font, Agg figures and figure → PNG.

Used by ``live_loss``, the playground and the prediction plots. Figures are made with
``Figure`` and an Agg canvas, never through pyplot, so the inline backend never shows a
stray copy. ``warm_up()`` imports matplotlib, then pays its other one-off costs (font files,
the first text layout) in a background thread, so that the first live figure of a session
is quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

import atexit
import contextlib
import importlib.abc
import importlib.util
import io
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

JAPANESE_FONT = "IPAexGothic"  # the font matplotlib-fontja ships
_warm: threading.Thread | None = None
_font_lock = threading.Lock()
_warm_lock = threading.Lock()
_hook_lock = threading.Lock()


def japanese_font() -> None:
    """Make matplotlib draw Japanese text, unless its font is already in use.

    Every helper that draws calls this, whatever the language, so Japanese labels never
    miss glyphs: not without setup(), not after a learner resets rcParams, not when a
    background thread draws while the language changes.
    """
    import matplotlib as mpl

    if JAPANESE_FONT not in mpl.rcParams["font.family"]:
        with _font_lock:
            if JAPANESE_FONT not in mpl.rcParams["font.family"]:
                import matplotlib_fontja

                matplotlib_fontja.japanize()


class _AfterImport(importlib.abc.MetaPathFinder):
    """Runs callbacks right after module ``name`` is first imported, then leaves sys.meta_path."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.callbacks: dict[str, Callable[[], None]] = {}

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)  # once, and never while finding the real spec below
        spec = importlib.util.find_spec(fullname)
        loader = spec.loader if spec is not None else None
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        real_exec = loader.exec_module
        callbacks = self.callbacks

        def exec_module(module) -> None:
            real_exec(module)
            for callback in callbacks.values():
                callback()

        loader.exec_module = exec_module  # this spec's own loader object
        return spec


def when_imported(name: str, key: str, callback: Callable[[], None]) -> None:
    """Run ``callback`` now if module ``name`` is loaded, else as soon as it is imported.

    ``key`` names the callback: a second call with the same key replaces the first, so that
    calling ``setup()`` twice before matplotlib is imported configures it once."""
    if name in sys.modules:
        callback()
        return
    with _hook_lock:
        hook = next(
            (f for f in sys.meta_path if isinstance(f, _AfterImport) and f.name == name), None
        )
        if hook is None:
            hook = _AfterImport(name)
            sys.meta_path.insert(0, hook)
        hook.callbacks[key] = callback


# -- light and dark themes (issue 29 item 6) ----------------------------------------------------
# JupyterLab's dark theme shows outputs on #111111: a white figure is a white block there and
# black text unreadable. The kernel reads the theme the learner chose in JupyterLab (its user
# settings, on the same machine as `make lab`) and draws for it: on the dark theme with a
# transparent background and light text. Elsewhere (Colab, scripts, nbval) it is light.
# Text colours keep a contrast of at least 4.5 with the theme's background (WCAG AA; a test).
BACKGROUND = {"light": "#ffffff", "dark": "#111111"}  # JupyterLab's --jp-layout-color0
PALETTES: dict[str, dict[str, str]] = {
    "light": {"text": "#000000", "edge": "#000000", "grid": "#b0b0b0", "red": "#b3261e",
              "note": "#ffffff", "legend": "#ffffff", "legend_edge": "#cccccc"},
    "dark": {"text": "#e8e8e8", "edge": "#a8a8a8", "grid": "#8a8a8a", "red": "#ff8a80",
             "note": "#1e1e1e", "legend": "#1e1e1e", "legend_edge": "#555555"},
}  # fmt: skip
THEME_SETTINGS = Path("@jupyterlab", "apputils-extension", "themes.jupyterlab-settings")
THEME_RE = re.compile(r'"theme"\s*:\s*"([^"]*)"')


def settings_dir() -> Path:
    """JupyterLab's user-settings folder, as JupyterLab finds it."""
    if os.environ.get("JUPYTERLAB_SETTINGS_DIR"):
        return Path(os.environ["JUPYTERLAB_SETTINGS_DIR"])
    config = os.environ.get("JUPYTER_CONFIG_DIR") or Path.home() / ".jupyter"
    return Path(config, "lab", "user-settings")


def theme() -> str:
    """``"dark"`` when JupyterLab's chosen theme is a dark one, else ``"light"``.

    ``NYUMON_THEME=dark|light`` decides instead (a script, or a theme this cannot read)."""
    forced = os.environ.get("NYUMON_THEME", "").strip().lower()
    if forced in PALETTES:
        return forced
    try:
        text = (settings_dir() / THEME_SETTINGS).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return "light"
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    found = THEME_RE.search(text)
    return "dark" if found and "dark" in found.group(1).lower() else "light"


def palette(name: str | None = None) -> dict[str, str]:
    """The named colours of theme ``name`` (default: the current one)."""
    return PALETTES[name or theme()]


def theme_rc(name: str | None = None) -> Any:  # matplotlib types its keys as Literals
    """matplotlib settings that draw for theme ``name`` (default: the current one)."""
    name = name or theme()
    c = PALETTES[name]
    background = "white" if name == "light" else (0, 0, 0, 0)  # dark: the page shows through
    return {
        "figure.facecolor": background,
        "axes.facecolor": background,
        "savefig.facecolor": "auto",
        "savefig.transparent": False,
        "text.color": c["text"],
        "axes.labelcolor": c["text"],
        "axes.titlecolor": c["text"],
        "axes.edgecolor": c["edge"],
        "xtick.color": c["edge"],
        "ytick.color": c["edge"],
        "xtick.labelcolor": c["text"],
        "ytick.labelcolor": c["text"],
        "grid.color": c["grid"],
        "legend.facecolor": c["legend"],
        "legend.edgecolor": c["legend_edge"],
        "legend.labelcolor": c["text"],
    }


@contextlib.contextmanager
def themed(name: str | None = None) -> Iterator[None]:
    """Artists made inside take the colours of theme ``name`` (default: the current one)."""
    import matplotlib as mpl

    with mpl.rc_context(theme_rc(name)):
        yield


def new_figure(width: float, height: float, dpi: float) -> Figure:
    """An empty matplotlib ``Figure`` with an Agg canvas (no pyplot), Japanese-ready."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    japanese_font()
    with themed():
        figure = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(figure)
    return figure


def plain_log_axis(axis) -> None:
    """Label a log axis as 0.2, 0.03, 1e-05 in plain text: mathtext (10⁻¹) is slow to lay out."""
    from matplotlib.ticker import LogFormatter

    class Plain(LogFormatter):  # LogFormatter picks which ticks to label; only the text differs
        def _num_to_string(self, x, vmin, vmax):
            return f"{x:.3g}"

    axis.set_major_formatter(Plain())
    axis.set_minor_formatter(Plain(labelOnlyBase=False))


def to_png(figure) -> bytes:
    """Render ``figure`` and encode it as PNG bytes.

    ``canvas.draw()`` then Pillow at compression level 1: quicker than ``savefig``, which
    lays the figure out again and compresses harder; a few more bytes matter less.
    """
    from PIL import Image

    canvas = figure.canvas
    canvas.draw()
    size, pixels = canvas.get_width_height(), canvas.buffer_rgba()
    image = Image.frombuffer("RGBA", size, pixels, "raw", "RGBA", 0, 1)
    if figure.get_facecolor()[3] == 1:  # opaque: RGB is smaller; transparent keeps its alpha
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def _warm_up() -> None:
    figure = new_figure(2, 1, 72)
    ax = figure.add_subplot()
    ax.plot([0, 1], [1, 0.5], label="損失 loss")
    ax.set_yscale("log")
    plain_log_axis(ax.yaxis)
    ax.set_title("学習曲線 0.5")
    ax.legend()
    to_png(figure)


def load() -> None:
    """Import everything drawing needs, in the calling thread.

    matplotlib's modules import one another in a circle: two threads importing them at once
    can meet a half-made module ("cannot import name … from partially initialized module").
    So imports happen here, and the warm-up thread only draws.
    """
    import matplotlib.backends.backend_agg
    import matplotlib.figure
    import matplotlib.ticker  # noqa: F401
    import matplotlib_fontja  # noqa: F401
    from PIL import Image

    Image.preinit()  # the image plugins Pillow would import at its first save


def warm_up(wait: bool = False) -> None:
    """Import matplotlib here, then load the fonts and the text engine in a daemon thread.

    Once per process. The imports (about 0.4 s the first time) happen in the calling thread:
    see ``load``. The thread's drawing imports nothing more (a test checks this).
    """
    global _warm
    with _warm_lock:
        if _warm is None:
            load()
            _warm = threading.Thread(target=_warm_up, name="warm-matplotlib", daemon=True)
            _warm.start()
            atexit.register(_warm.join, 5)  # never tear it down mid-render at exit
    if wait:
        _warm.join()
