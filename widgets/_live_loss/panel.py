"""One axes of training curves, drawn the same way by ``live_loss`` and the playground.

A ``CurvePanel`` makes a line per series once and then only moves their data
(``set_data``): NaN and infinite values, and values ≤ 0 on a log axis, become gaps rather
than errors. The first divergence is marked with a dashed line at its step and a red note
in the middle of the panel; the mark changes only when the divergence does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from .._figures import palette, plain_log_axis
from .history import Divergence, Series

RED = palette("light")["red"]  # on the dark theme: palette("dark")["red"]


class CurvePanel:
    """Lines for the named series on ``ax``; ``labels`` and ``styles`` by name are optional."""

    def __init__(
        self,
        ax,
        names: Iterable[str],
        *,
        log: bool,
        labels: Mapping[str, str] | None = None,
        styles: Mapping[str, dict] | None = None,
        legend: str | None = None,
    ) -> None:
        self.ax, self.log = ax, log
        if log:
            ax.set_yscale("log")
            plain_log_axis(ax.yaxis)
        labels, styles = labels or {}, styles or {}
        self.lines = {
            name: ax.plot([], [], label=labels.get(name, name), **styles.get(name, {}))[0]
            for name in names
        }
        if legend:
            ax.legend(loc=legend)
        self.mark: tuple = ()  # (what it marks, its artists…)

    def show(self, series: Iterable[Series]) -> None:
        """Move each line to its series' points and rescale the axes to them."""
        for s in series:
            y = np.asarray(s.y, dtype=float)
            y[~np.isfinite(y) | ((y <= 0) if self.log else False)] = np.nan  # gaps, not errors
            self.lines[s.name].set_data(s.x, y)
        self.ax.relim()
        self.ax.autoscale_view()

    def show_divergence(self, event: Divergence | None, text: str = "") -> None:
        """Mark ``event`` (a dashed line at its step) with ``text`` (default: the event itself)."""
        key = (event, text) if event is not None or text else None
        if self.mark and self.mark[0] == key:
            return
        for artist in self.mark[1:]:
            artist.remove()
        self.mark = ()
        if key is None:
            return
        artists = []
        colors = palette()  # readable on JupyterLab's light and dark themes
        red = colors["red"]
        if event is not None:
            artists.append(self.ax.axvline(event.step, color=red, linestyle="--", linewidth=1))
        note = self.ax.text(
            0.5, 0.5, text or str(event), transform=self.ax.transAxes, ha="center",
            va="center", color=red, wrap=True,
            bbox={"facecolor": colors["note"], "alpha": 0.85, "edgecolor": red},
        )  # fmt: skip
        self.mark = (key, *artists, note)

    @property
    def note(self):
        """The divergence note shown, or ``None``."""
        return self.mark[-1] if self.mark else None
