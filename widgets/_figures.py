"""matplotlib for the helpers that draw: the Japanese font, Agg figures and figure → PNG.

Used by ``live_loss``, the playground and the prediction plots. Figures are made with
``Figure`` and an Agg canvas, never through pyplot, so the inline backend never shows a
stray copy. ``warm_up()`` imports matplotlib, then pays its other one-off costs (font files,
the first text layout) in a background thread, so that the first live figure of a session
is quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

import atexit
import importlib.abc
import importlib.util
import io
import sys
import threading
from collections.abc import Callable

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


def new_figure(width: float, height: float, dpi: float) -> Figure:
    """An empty matplotlib ``Figure`` with an Agg canvas (no pyplot), Japanese-ready."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    japanese_font()
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
    rgb = Image.frombuffer("RGBA", size, pixels, "raw", "RGBA", 0, 1).convert("RGB")
    buffer = io.BytesIO()
    rgb.save(buffer, format="png", compress_level=1)
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
