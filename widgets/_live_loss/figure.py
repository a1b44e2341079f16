"""Drawing for ``live_loss``: one reused matplotlib figure rendered to PNG bytes.

Axes and lines are built when the panels or series change; a redraw only moves the data
of existing lines (``set_data``), rescales and renders with Agg, never through pyplot (so
the inline backend never shows a stray copy). Building costs as much as a redraw, so plots
with the same title and axes share one figure: each render sets everything from its history.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import TYPE_CHECKING

from .._figures import new_figure, theme, themed, to_png
from .._i18n import Message, get_lang
from .history import ACCURACY, LOSS, X_LABELS, History, fmt
from .panel import CurvePanel

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PANEL_TITLES = {LOSS: Message(ja="損失", en="loss"), ACCURACY: Message(ja="正解率", en="accuracy")}
PANEL_WIDTH, HEIGHT, DPI = 5.0, 3.4, 90
NICE, WHOLE = [1, 2, 2.5, 5, 10], [1, 2, 5, 10]  # tick steps: 0, 500, 1000… or 0, 0.25, 0.5…
# Seconds the latest render took, in this process: a new plot plans its first redraw with it.
recent = {"render": 0.05}
_shared: OrderedDict[tuple, LossFigure] = OrderedDict()


def shared_figure(title: str | None, x: str, log_scale: bool) -> LossFigure:
    """The figure for these settings, reused by later plots (the 4 latest are kept)."""
    key = (title, x, log_scale)
    figure = _shared.pop(key, None) or LossFigure(title, x, log_scale)
    _shared[key] = figure
    while len(_shared) > 4:
        _shared.popitem(last=False)
    return figure


class LossFigure:
    """Renders a ``History`` as one to three side-by-side panels."""

    def __init__(self, title: str | None, x: str, log_scale: bool) -> None:
        self.title, self.x, self.log_scale = title, x, log_scale
        self.lock = threading.Lock()  # a widget may render from a training thread
        self.figure: Figure | None = None
        self.layout: tuple = ()
        self.panels: dict[str, CurvePanel] = {}

    def render(self, history: History) -> bytes:
        """Redraw every series and return the figure as PNG bytes."""
        with self.lock:
            start = time.perf_counter()
            png = self._render(history)
            recent["render"] = time.perf_counter() - start
        return png

    def _render(self, history: History) -> bytes:
        grouped = history.panels() or {LOSS: []}
        shade = theme()  # JupyterLab's light or dark theme: a change rebuilds in its colours
        layout = (get_lang(), shade, *((p, *(s.name for s in g)) for p, g in grouped.items()))
        if layout != self.layout:
            with themed(shade):
                self._build(grouped)
            self.layout = layout
        for name, series_list in grouped.items():
            panel = self.panels[name]
            panel.show(series_list)
            title = PANEL_TITLES[name]() if name in PANEL_TITLES else name
            latest = "  ".join(f"{s.name} {fmt(s.y[-1])}" for s in series_list)
            panel.ax.set_title(f"{title}   {latest}".strip(), fontsize=10, y=1.0)  # no search
        event = history.diverged
        for name, panel in self.panels.items():
            mine = event is not None and history[event.series].panel == name
            panel.show_divergence(event if mine else None)
        return self._png()

    def _build(self, grouped: dict) -> None:
        import matplotlib
        from matplotlib.ticker import MaxNLocator

        if self.figure is None:
            self.figure = new_figure(6.4, HEIGHT, DPI)  # Japanese-ready even without setup()
        fig, n = self.figure, len(grouped)
        fig.clear()
        fig.set_facecolor(matplotlib.rcParams["figure.facecolor"])  # the theme's (themed())
        fig.set_size_inches(max(6.4, PANEL_WIDTH * n + 0.6), HEIGHT)
        axes = fig.subplots(1, n, squeeze=False)[0]
        fig.subplots_adjust(left=0.09 / n, right=0.98, bottom=0.15, wspace=0.25)
        fig.subplots_adjust(top=0.82 if self.title else 0.9)
        if self.title:
            fig.suptitle(self.title)
        self.panels = {}
        for (name, series_list), ax in zip(grouped.items(), axes, strict=True):
            ax.set_xlabel(X_LABELS[self.x]())
            # Fixed places and few ticks: each tick label costs ~0.5 ms of every redraw.
            ax.xaxis.set_label_coords(0.5, -0.11)
            ax.yaxis.set_label_coords(-0.1, 0.5)
            if self.x == "epoch":  # whole epochs: 2, 4, 6… rather than 5, 10
                ax.xaxis.set_major_locator(MaxNLocator(7, steps=WHOLE, integer=True))
            else:
                ax.xaxis.set_major_locator(MaxNLocator(5, steps=NICE))
            log = self.log_scale and name != ACCURACY
            if not log:
                ax.yaxis.set_major_locator(MaxNLocator(5, steps=NICE))
            self.panels[name] = CurvePanel(
                ax,
                (s.name for s in series_list),
                log=log,
                # One series is named in the panel's title already.
                legend=("lower right" if name == ACCURACY else "upper right")
                if len(series_list) > 1
                else None,
            )

    def _png(self) -> bytes:
        return to_png(self.figure)
