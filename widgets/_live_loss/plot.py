"""``live_loss``: a training curve that redraws in place while the loop runs.

``LiveLoss`` records every update in a ``History`` (cheap) and hands the drawing to an
output (``outputs``) only when a redraw is due: at most every ``every`` seconds, and
less often when a redraw is slow, so that drawing stays a few percent of the loop's time.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path

from .._figures import warm_up
from .._i18n import CourseTypeError, CourseValueError, Message
from .._validate import WRONG_TYPE, require_choice, require_positive, type_name
from .figure import recent, shared_figure
from .history import Divergence, History
from .outputs import NoOutput, TextOutput, make_output

DRAW_SHARE = 0.04  # redraws may take at most this share of the time since the first update

BOOL = Message(ja="True か False", en="True or False")
TEXT_OR_NONE = Message(ja="文字列か None", en="a string or None")
PATH_OR_NONE = Message(ja="ファイルのパスか None", en="a file path or None")
PATH = Message(ja="ファイルのパス", en="a file path")
NO_FOLDER = Message(
    ja="{path} を保存するフォルダ {folder} がありません。",
    en="The folder {folder} for {path} does not exist.",
)
UNNAMED = Message(
    ja="値には名前を付けてください。例: plot.update(step, train={value})",
    en="Name each value, for example plot.update(step, train={value})",
)
SAVED = Message(ja="学習曲線を {path} に保存しました", en="Saved the training curve to {path}")


class LiveLoss:
    """A live training curve; create it with ``live_loss(...)``."""

    _clock = staticmethod(time.perf_counter)

    def __init__(self, title, *, x, log_scale, panels, every, output, save) -> None:
        if title is not None and not isinstance(title, str):
            raise CourseTypeError(
                WRONG_TYPE, name="title", expected=TEXT_OR_NONE, got=type_name(title)
            )
        x = require_choice("x", x, ("step", "epoch"))
        if not isinstance(log_scale, bool):
            raise CourseTypeError(
                WRONG_TYPE, name="log_scale", expected=BOOL, got=type_name(log_scale)
            )
        self.every = require_positive("every", every)
        self.save_to = check_save(save)
        self.history = History(x=x, panels=panels)
        self._figure = shared_figure(title, x, log_scale)
        self.output = make_output(output)
        if not isinstance(self.output, (TextOutput, NoOutput)):
            warm_up()  # without setup() too: matplotlib loads while the loop's first steps run
        self.every = max(self.every, getattr(self.output, "min_every", 0.0))
        self._start: float | None = None  # clock at the first update
        self._due = 0.0  # clock when the next redraw may happen
        self._spent = 0.0  # seconds spent redrawing since the first update
        self._cost = recent["render"]  # duration of the last redraw (or any plot's)
        self._pending = False
        self.redraws = 0

    @property
    def diverged(self) -> Divergence | None:
        """The first NaN/inf recorded (prints as a sentence), or ``None``: ``if plot.diverged: break``."""
        return self.history.diverged

    def update(self, step: object = None, *unnamed: object, **values: object) -> None:
        """Record one point per named series (``train=loss.item(), val=...``); redraw if due.

        ``step`` is the x value (step or epoch number); omitted, it is one more than the last.
        """
        if unnamed:
            raise CourseTypeError(UNNAMED, value=repr(unnamed[0])[:40])
        if not self.history.add(step, values):
            return
        self._pending = True
        now = self._clock()
        if self._start is None:
            self._start = now
            self._schedule(now)  # so a short loop draws only once, at the end
        elif now >= self._due:
            self._draw(final=False)

    def close(self) -> None:
        """Draw the last points (and save the PNG if ``save=`` was given)."""
        if self._pending:
            self._draw(final=True)
        if self.save_to is not None and self.history.updates:
            self.save(self.save_to)

    def reset(self) -> None:
        """Forget every point (to train again in the same figure)."""
        self.history.clear()
        self._start, self._spent, self._pending = None, 0.0, False

    def to_png(self) -> bytes:
        """The current figure as PNG bytes."""
        return self._figure.render(self.history)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the current figure to ``path`` as PNG and return the path."""
        target = check_save(path)
        if target is None:
            raise CourseTypeError(WRONG_TYPE, name="path", expected=PATH, got=type_name(path))
        target.write_bytes(self.to_png())
        if isinstance(self.output, TextOutput):
            self.output.print(SAVED(path=target))
        return target

    def _draw(self, final: bool) -> None:
        start = self._clock()
        self.output.send(self, final)
        end = self._clock()
        self._cost = end - start
        self._spent += self._cost
        self._schedule(end)
        self._pending = False
        self.redraws += 1

    def _schedule(self, now: float) -> None:
        # Not before `every` has passed, nor before the redraws so far, the next one and the
        # closing one fit in the budget: a loop of a second or two draws once, at the end.
        assert self._start is not None  # set by the first update, before any redraw
        budget_ok = self._start + (self._spent + 2 * self._cost) / DRAW_SHARE
        self._due = max(now + self.every, budget_ok)

    def __enter__(self) -> LiveLoss:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()  # also after an error or a stopped cell: the curve so far stays

    def _repr_png_(self) -> bytes | None:
        return self.to_png() if self.history.updates else None

    def __repr__(self) -> str:
        return f"<LiveLoss {self.history.summary() or 'empty'}>"


def check_save(save: object) -> Path | None:
    if save is None:
        return None
    if not isinstance(save, (str, os.PathLike)):
        raise CourseTypeError(WRONG_TYPE, name="save", expected=PATH_OR_NONE, got=type_name(save))
    path = Path(save)
    if not path.parent.is_dir():
        raise CourseValueError(NO_FOLDER, path=path, folder=path.parent)
    return path


def live_loss(
    title: str | None = None,
    *,
    x: str = "step",
    log_scale: bool = False,
    panels: Mapping[str, str] | None = None,
    every: float = 0.5,
    output: object = "auto",
    save: str | os.PathLike | None = None,
) -> LiveLoss:
    """A training curve updated in place: ``with live_loss() as plot: plot.update(step, train=loss)``.

    Args:
        title: shown above the figure.
        x: ``"step"`` or ``"epoch"``: what the first argument of ``update`` counts.
        log_scale: logarithmic y axis (every panel but accuracy).
        panels: series name → panel name; by default names containing "acc" go to an
            accuracy panel and everything else to the loss panel.
        every: fewest seconds between redraws (more when a redraw is slow).
        output: ``"auto"`` (figure in a notebook, text lines in a script), ``"notebook"``,
            ``"text"``, ``"none"``, or an ``ipywidgets.Image`` to draw into.
        save: a PNG path written when the plot closes.
    """
    return LiveLoss(
        title, x=x, log_scale=log_scale, panels=panels, every=every, output=output, save=save
    )
