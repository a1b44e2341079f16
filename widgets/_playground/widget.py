"""``playground()``: sliders and buttons over a ``Session``; the browser draws the picture.

The canvas (``board.py``/``board.js``) gets compact frames while a page shows it; the PNG of
``view.py`` is drawn only for the saved output (nbval, nbconvert, the web book).
"""

from __future__ import annotations

import base64
import html
import time
from dataclasses import asdict

import ipywidgets as w

from .._i18n import CourseError, CourseTypeError, CourseValueError, Message, get_lang
from .._validate import require_int
from .board import Board, Frames, texts
from .controls import CONTROLS, make_control, set_quietly, setting
from .export import export_code
from .session import DIVERGED, FAILED, RUNNING, Session
from .settings import UNKNOWN_SETTING, Config, make_config
from .view import PlaygroundFigure, readout

BUTTONS = {
    "run": (Message(ja="実行", en="Run"), "play"),
    "pause": (Message(ja="一時停止", en="Pause"), "pause"),
    "reset": (Message(ja="リセット", en="Reset"), "refresh"),
    "export": (Message(ja="コードに書き出す", en="Export code"), "code"),
}
CONTROLS_TYPE = Message(
    ja='controls には "all" か、設定名のタプル（例: ("lr", "hidden")）を渡してください。',
    en='controls must be "all" or a tuple of setting names, e.g. ("lr", "hidden").',
)
REJECTED = Message(ja="その値は使えません: {error}", en="That value cannot be used: {error}")
FRAME_INTERVAL = 1 / 50  # a frame after every training chunk (~20 ms); the browser's pace rules
STATUS_INTERVAL = 0.2  # the status line changes at most this often while training


class Playground:
    """A live trainer: change a control and a new run starts; ``session`` holds the state."""

    def __init__(
        self, config: Config, shown: tuple[str, ...], *, max_steps: int, preview_steps: int
    ) -> None:
        self.session = Session(
            config, max_steps=max_steps, interval=FRAME_INTERVAL, on_update=self._refresh
        )
        self.preview_steps = preview_steps
        self.started = False
        self._preview: tuple[bytes, str] = (b"", "")
        self._quiet = False
        self._status_at = -1.0
        self._figure: PlaygroundFigure | None = None  # the static PNG, made only when saved
        self.board = Board(texts=texts(), layout=w.Layout(max_width="100%"))
        self.frames = Frames(self.board)
        self.controls = {name: make_control(name, getattr(config, name, None)) for name in shown}
        for name, control in self.controls.items():
            control.observe(lambda change, name=name: self._changed(name, change), names="value")
        self.buttons = {}
        for key, (label, icon) in BUTTONS.items():
            self.buttons[key] = w.Button(description=str(label), icon=icon)
        self.buttons["run"].on_click(lambda _: self._act(self.session.proceed))
        self.buttons["pause"].on_click(lambda _: self._act(self.session.pause))
        self.buttons["reset"].on_click(lambda _: self._act(self.session.start))
        self.buttons["export"].on_click(lambda _: self.show_export())
        self.status = w.HTML()
        self.code = w.Textarea(layout=w.Layout(width="100%", height="24em", display="none"))
        grid = list(self.controls.values())
        columns = w.HBox([w.VBox(grid[0::2]), w.VBox(grid[1::2])])
        self.box = w.VBox(
            [columns, w.HBox(list(self.buttons.values())), self.status, self.board, self.code]
        )
        self.session.prepare()
        self._refresh(self.session)

    @property
    def config(self) -> Config:
        return self.session.config

    def set(self, **changes) -> None:
        """Change settings as the controls would (checked; the run restarts)."""
        self.session.set(**changes)
        self._show_config()
        self._show_status()

    def start(self) -> None:
        """Train ``preview_steps`` now, then keep training in the background."""
        self.started = True
        self.session.train_now(self.preview_steps)
        self._refresh(self.session)
        s = self.session
        self._preview = (self.picture(), readout(s.status, s.run, s.error))
        self.session.proceed()

    def stop(self) -> None:
        self.session.stop()
        self._show_status()

    def wait(self, timeout: float | None = None) -> bool:
        return self.session.wait(timeout)

    def picture(self) -> bytes:
        """The current frame as PNG bytes (matplotlib): the static fallback."""
        run = self.session.run
        if run is None:
            return b""
        if self._figure is None:
            self._figure = PlaygroundFigure()
        return self._figure.render(run, self.session.status)

    def export(self) -> str:
        """Plain PyTorch code for the current setup (also shown under the plot)."""
        return export_code(self.config, steps=self.session.max_steps, lang=get_lang())

    def show_export(self) -> None:
        self.code.value = self.export()
        self.code.layout.display = None

    def _act(self, action) -> None:
        action()
        self._show_status()

    def _changed(self, name: str, change: dict) -> None:
        if self._quiet:
            return
        try:
            value = setting(change["new"])
            if name == "preset":
                if value is None:
                    return
                self.session.set(**asdict(make_config(self.config, preset=str(value))))
                self._show_config()
            else:
                self.session.set(**{name: value})
        except CourseError as error:
            self.status.value = (
                f"<span style='color:#b3261e'>{html.escape(REJECTED(error=error))}</span>"
            )
            return
        self._show_status()

    def _show_config(self) -> None:
        self._quiet = True
        try:
            for name, control in self.controls.items():
                if name != "preset":
                    set_quietly(control, getattr(self.config, name))
        finally:
            self._quiet = False

    def _show_status(self) -> None:
        s = self.session
        color = "var(--jp-error-color1, #b3261e)" if s.status in (DIVERGED, FAILED) else "inherit"
        text = html.escape(readout(s.status, s.run, s.error))
        self.status.value = f"<span style='color:{color}'>{text}</span>"

    def _refresh(self, session: Session) -> None:
        """Send a frame (called from the trainer thread, or the kernel's on a change).

        While training, a frame goes only when the browser has drawn the last one; the last
        frame of a run (done, diverged, paused) always goes, with its status line.
        """
        run = session.run
        if run is None:
            return
        training = session.status == RUNNING
        self.frames.show(run, session.status == DIVERGED, force=not training)
        now = time.monotonic()
        if not training or now - self._status_at >= STATUS_INTERVAL:
            self._status_at = now
            self._show_status()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        s = self.session
        if not self.started:
            self.start()  # the saved picture and text are the preview's, before training goes on
            picture, text = self._preview
        else:
            picture, text = self.picture(), readout(s.status, s.run, s.error)
        view = {"version_major": 2, "version_minor": 0, "model_id": self.box.model_id}
        return {
            "application/vnd.jupyter.widget-view+json": view,
            "image/png": base64.b64encode(picture).decode(),
            "text/plain": text,
        }


def playground(
    task: str | None = None,
    *,
    controls: str | tuple[str, ...] = "all",
    preset: str | None = None,
    max_steps: int = 3000,
    preview_steps: int = 200,
    **settings,
) -> Playground:
    """A TensorFlow-Playground-like trainer: sliders and a live plot over real PyTorch.

    Args:
        task: "xor" (default), "circle", "gaussians", "spiral", "regression" or "xor4"
            (the source material's four points).
        controls: "all", or the settings to show as controls, e.g. ("lr", "hidden").
        preset: "original_xor", "good_xor", "original_regression" or "good_regression".
        max_steps: each run stops after this many steps (press Run to continue).
        preview_steps: trained at once when the playground is displayed, so that a
            notebook run without a browser (nbval, nbconvert) saves a meaningful picture.
        **settings: any ``Config`` field: lr, hidden, layers, activation, optimizer,
            batch_size, noise, test_fraction, points, seed, loss, scale.
    """
    if task is not None:
        settings["task"] = task
    config = make_config(preset=preset, **settings)
    if controls == "all":
        shown = CONTROLS
    elif isinstance(controls, (tuple, list)) and all(isinstance(c, str) for c in controls):
        shown = tuple(controls)
        for name in shown:
            if name not in CONTROLS:
                raise CourseValueError(
                    UNKNOWN_SETTING, name=repr(name), choices=", ".join(CONTROLS)
                )
    else:
        raise CourseTypeError(CONTROLS_TYPE)
    max_steps = require_int("max_steps", max_steps, low=1, high=10**7)
    preview_steps = min(require_int("preview_steps", preview_steps, low=0), max_steps)
    return Playground(config, shown, max_steps=max_steps, preview_steps=preview_steps)
