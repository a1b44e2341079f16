"""The playground's picture, drawn by the browser: compact frames for ``board.js``.

The kernel sends numbers, not pictures: the decision surface as ``SIZE``² bytes (0–255 over
``lo``..``hi``), the shown points as float32 rows, the loss curves as float32 columns. The
front end (an anywidget, JupyterLab's ipywidgets 8 and Colab's 7.7.1 alike) draws them on a
canvas on its next animation frame, in the theme's colours. Where no widget can render
(nbval, nbconvert, the web book) the PNG of ``view.py`` stands in.

A frame is sent only while fewer than ``IN_FLIGHT`` frames wait to be drawn (``drawn``
comes back from the front end), or after ``STALE`` seconds without an answer, so a busy
browser is never queued up and training does not pay for pictures nobody sees.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import anywidget
import numpy as np
import torch
import traitlets as t

from .._i18n import Message
from .session import DIVERGED
from .train import Run, single_threaded
from .view import (
    BOUNDARY,
    LOSS_AXIS,
    MISCLASSIFIED,
    SHOWN_TEST,
    SHOWN_TRAIN,
    SIZE,
    STATUS,
    STEP_AXIS,
    SURFACE,
    TEST,
    TRAIN,
)

CURVE_POINTS = 400  # the loss panel is ~350 px wide: more points than that show nothing new
STALE = 0.5  # seconds to wait for the front end to draw before sending the next frame anyway
# Frames sent and not yet drawn. A frame's round trip (kernel → browser → drawn → kernel) is
# ~120 ms on 2 cores, and the browser answers at most every 100 ms (board.js ACK_EVERY): 8 in
# flight let the kernel send ~36 frames/s. An answer per draw (with 5 in flight) had cost 50
# status changes a second that JupyterLab's toolbar laid out again for: the browser bench went
# from 19.5–21 draws/s to 32, a change while training from 78 to 31 ms (with TCP_NODELAY on
# the kernel websocket, jupyter_config/nyumon_websocket.py), steps/s not lower.
IN_FLIGHT = 8
TEST_POINT, WRONG = 1.0, 2.0  # flags in a point's 4th column (added)
NO_CANVAS = Message(
    ja="この画面では図を描けません（下に静止画があります）",
    en="This page cannot draw the picture (a still image is below)",
)


@dataclass(frozen=True)
class Grid:
    """A surface as bytes: ``size``² values, row 0 at the bottom, 0..255 over lo..hi."""

    data: bytes
    size: int
    lo: float
    hi: float
    finite: bool


def encode_grid(values: torch.Tensor | np.ndarray, *, classify: bool) -> Grid:
    """Probabilities (0..1) or predictions as uint8; a non-finite surface encodes as empty."""
    array = np.asarray(values, dtype=np.float32)
    if array.ndim != 2 or array.shape[0] != array.shape[1]:
        raise ValueError(f"a square grid is expected, not {array.shape}")
    size = array.shape[0]
    if not np.isfinite(array).all():
        return Grid(b"", size, 0.0, 1.0, False)
    if classify:
        lo, hi = 0.0, 1.0
    else:
        lo, hi = float(array.min()), float(array.max())
        if hi - lo < 1e-9:
            hi = lo + 1e-9
    scaled = np.clip(np.rint((array - lo) / (hi - lo) * 255), 0, 255).astype(np.uint8)
    return Grid(scaled.tobytes(), size, lo, hi, True)


def decode_grid(grid: Grid) -> np.ndarray:
    """What the front end reads back: float values (for tests and the bench)."""
    raw = np.frombuffer(grid.data, dtype=np.uint8).reshape(grid.size, grid.size)
    return grid.lo + raw.astype(np.float32) / 255 * (grid.hi - grid.lo)


def encode_points(
    x: torch.Tensor, value: torch.Tensor, *, test: torch.Tensor, wrong: torch.Tensor
) -> bytes:
    """float32 rows (x₁, x₂, value, flags): flags 1 = test point, 2 = misclassified."""
    flags = test.float() * TEST_POINT + wrong.float() * WRONG
    rows = torch.stack([x[:, 0], x[:, 1], value.reshape(-1), flags], dim=1)
    return rows.to(torch.float32).numpy().tobytes()


def encode_curves(
    steps: Sequence[float],
    train: Sequence[float],
    test: Sequence[float],
    limit: int = CURVE_POINTS,
) -> bytes:
    """float32 columns (step, train, test) of at most ``limit`` rows (the last one kept).

    Non-finite losses stay as they are: the front end leaves a gap and says "diverged".
    """
    n = len(steps)
    if n > limit:
        keep = np.unique(np.linspace(0, n - 1, limit).round().astype(int))
    else:
        keep = np.arange(n)
    columns = np.array([steps, train, test], dtype=np.float64)[:, keep] if n else np.zeros((3, 0))
    with np.errstate(over="ignore", invalid="ignore"):
        return np.ascontiguousarray(columns.T, dtype=np.float32).tobytes()


def aligned(*columns: list[float]) -> tuple[list[float], list[float], list[float]]:
    """Three columns cut to the shortest (the trainer thread may be appending to them)."""
    n = min(len(c) for c in columns)
    steps, train, test = (list(c[:n]) for c in columns)
    return steps, train, test


def texts() -> dict[str, str]:
    """Every label the canvas shows, in the current language."""
    return {
        "boundary": BOUNDARY(),
        "surface": SURFACE(),
        "loss_axis": LOSS_AXIS(),
        "step_axis": STEP_AXIS(),
        "train": TRAIN(),
        "test": TEST(),
        "misclassified": MISCLASSIFIED(),
        "diverged": STATUS[DIVERGED](),
        "no_canvas": NO_CANVAS(),
    }


class Board(anywidget.AnyWidget):
    """The canvas widget: traits are the frame; ``drawn`` comes back from the browser."""

    _esm = Path(__file__).with_name("board.js")
    texts = t.Dict().tag(sync=True)
    classify = t.Bool(True).tag(sync=True)
    extent = t.List([-1.0, 1.0, -1.0, 1.0]).tag(sync=True)
    size = t.Int(SIZE).tag(sync=True)
    lo = t.Float(0.0).tag(sync=True)
    hi = t.Float(1.0).tag(sync=True)
    grid = t.Bytes(b"").tag(sync=True)
    points = t.Bytes(b"").tag(sync=True)
    curves = t.Bytes(b"").tag(sync=True)
    diverged = t.Bool(False).tag(sync=True)
    run = t.Int(0).tag(sync=True)  # counts the runs shown: a new one is a control's answer
    frame = t.Int(0).tag(sync=True)  # the kernel's frame number, set last
    # The last frame the browser drew (from the front end). Not echoed back to the browser:
    # one message less per frame through the kernel and the server while it trains.
    drawn = t.Int(0).tag(sync=True, echo_update=False)


class Frames:
    """Turns a ``Run`` into ``Board`` traits; drops frames the browser has not asked for."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.lock = threading.Lock()
        self.sent_at = -math.inf
        self.sent = 0  # frames built (also those for a board no browser shows)
        self.shown: Run | None = None  # the run of the last frame

    def due(self) -> bool:
        b = self.board
        return b.frame - b.drawn < IN_FLIGHT or time.monotonic() - self.sent_at >= STALE

    def show(self, run: Run, diverged: bool, *, force: bool = False) -> bool:
        """Send a frame of ``run`` if the browser is ready for one (or ``force``)."""
        with self.lock:
            if not force and run is self.shown and not self.due():
                return False  # a new run's first frame always goes: it answers a change
            with single_threaded():
                state = frame_state(run, diverged)
            b = self.board
            with b.hold_sync():
                for name, value in state.items():
                    setattr(b, name, value)
                if run is not self.shown:
                    b.run = b.run + 1
                b.frame = b.frame + 1
            self.sent += 1
            self.shown = run
            self.sent_at = time.monotonic()
            return True


@torch.no_grad()
def frame_state(run: Run, diverged: bool) -> dict[str, object]:
    """One frame's traits: surface, points (with the misclassified flagged), curves."""
    surface, extent = run.surface(SIZE)
    grid = encode_grid(surface, classify=run.classify)
    x = torch.cat([run.x_train[:SHOWN_TRAIN], run.x_test[:SHOWN_TEST]])
    y = torch.cat([run.y_train[:SHOWN_TRAIN], run.y_test[:SHOWN_TEST]])
    test = torch.arange(len(x)) >= len(run.x_train[:SHOWN_TRAIN])
    if run.classify and grid.finite:
        run.model.eval()
        wrong = ((run.model(x) > 0).float() != y)[:, 0]
        value = y
    else:
        wrong = torch.zeros(len(x), dtype=torch.bool)
        value = y * math.sqrt(run.unit) if not run.classify else y
    h = run.history
    return {
        "classify": run.classify,
        "extent": [float(v) for v in extent],
        "size": grid.size,
        "lo": grid.lo,
        "hi": grid.hi,
        "grid": grid.data,
        "points": encode_points(x, value, test=test, wrong=wrong),
        "curves": encode_curves(*aligned(h["train"].x, h.train, h.test), limit=CURVE_POINTS),
        "diverged": diverged or not grid.finite,
    }
