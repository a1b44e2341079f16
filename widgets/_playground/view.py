"""Drawing the playground: one reused matplotlib (Agg) figure → PNG bytes, and a readout.

A ``PlaygroundFigure`` builds its axes, lines, image and point sets once; each frame only
moves their data (``set_data``, ``set_offsets``, ``set_array``), so a frame costs one Agg
render. Points are filled with their true class (regression: their true value) in a
palette made for colour-blind readers (Okabe-Ito orange and blue), with dark edges; test
points are triangles, and a black ring marks every point the model gets wrong.
"""

from __future__ import annotations

import math
import threading
from typing import Any

import numpy as np
import torch

from .._figures import new_figure, to_png
from .._i18n import Message
from .._live_loss.panel import CurvePanel
from .session import DIVERGED, DONE, FAILED, PAUSED, RUNNING, STOPPED, WAITING, YIELDED, State
from .train import Run, single_threaded

STATUS = {
    RUNNING: Message(ja="学習中", en="training"),
    PAUSED: Message(ja="一時停止中", en="paused"),
    DONE: Message(ja="完了", en="done"),
    DIVERGED: Message(
        ja="発散しました（学習率が大きすぎます）", en="diverged (learning rate too high)"
    ),
    STOPPED: Message(ja="停止", en="stopped"),
    WAITING: Message(ja="設定を反映中…", en="applying the new settings…"),
    FAILED: Message(ja="エラー: {error}", en="error: {error}"),
    YIELDED: Message(
        ja="一時停止中（別のプレイグラウンドが学習を始めたため。「実行」で再開します）",
        en="paused (another playground started training; press Run to continue)",
    ),
}
READOUT = Message(
    ja="ステップ {step}・エポック {epochs:.1f}・訓練損失 {train}・テスト損失 {test}・{metric} {score} — {status}",
    en="step {step} · epoch {epochs:.1f} · train loss {train} · test loss {test} · {metric} {score} — {status}",
)
ACCURACY = Message(ja="テスト正解率", en="test accuracy")
R2 = Message(ja="テスト R²", en="test R²")
LOSS_AXIS = Message(ja="損失（対数目盛）", en="loss (log scale)")
STEP_AXIS = Message(ja="ステップ", en="step")
TRAIN = Message(ja="訓練", en="train")
TEST = Message(ja="テスト", en="test")
BOUNDARY = Message(
    ja="決定境界（色 = クラス 1 の確率）", en="decision boundary (colour = P(class 1))"
)
SURFACE = Message(ja="予測した曲面（色 = 予測値）", en="predicted surface (colour = prediction)")


def number(value: float) -> str:
    return f"{value:.4g}" if math.isfinite(value) else "nan" if math.isnan(value) else "inf"


def readout(status: State | str, run: Run | None, error: BaseException | None = None) -> str:
    """Step, epoch, losses and accuracy (R² for regression) with the status, in one line."""
    state = State(status)
    text = STATUS[state](error=error) if state == FAILED else STATUS[state]()
    if run is None:
        return text
    h = run.history
    score = f"{h.accuracy[-1]:.1%}" if run.classify else number(h.accuracy[-1])
    return READOUT(
        step=run.steps,
        epochs=run.epochs,
        train=number(h.train[-1]),
        test=number(h.test[-1]),
        metric=ACCURACY() if run.classify else R2(),
        score=score,
        status=text,
    )


MISCLASSIFIED = Message(ja="誤分類", en="misclassified")
# Okabe & Ito's colour-blind-safe pair: class 0 orange, class 1 blue. The boundary map runs
# between lighter tints of the same two colours, so a point of the wrong class stands out.
CLASS_COLOURS = ("#E69F00", "#0072B2")
MAP_COLOURS = ("#F0C766", "#FFFFFF", "#5FA8D3")
EDGE, RING = "#1a1a1a", "#000000"
SHOWN_TRAIN, SHOWN_TEST = 300, 100  # a few hundred points are enough to see the pattern
SIZE = 60  # surface grid


def class_map():
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("nyumon_classes", MAP_COLOURS)


def point_map():
    from matplotlib.colors import ListedColormap

    return ListedColormap(CLASS_COLOURS, name="nyumon_points")


class PlaygroundFigure:
    """Loss curves (left) and the decision boundary or regression surface (right)."""

    def __init__(self, dpi: int = 72) -> None:
        self.lock = threading.Lock()  # the trainer thread and the kernel may both draw
        self.fig = fig = new_figure(10, 4, dpi)  # fixed margins: automatic layout is slow
        self.loss_ax = fig.add_axes((0.08, 0.13, 0.38, 0.8))
        self.map_ax = fig.add_axes((0.52, 0.13, 0.36, 0.8))
        self.cbar_ax = fig.add_axes((0.90, 0.13, 0.015, 0.8))
        ax = self.loss_ax
        ax.set_xlabel(STEP_AXIS())
        ax.xaxis.set_label_coords(0.5, -0.1)  # fixed places: no search per frame
        ax.set_ylabel(LOSS_AXIS())
        self.curves = CurvePanel(
            ax,
            ("train", "test"),
            log=True,
            labels={"train": TRAIN(), "test": TEST()},
            styles={
                "train": {"color": CLASS_COLOURS[1]},
                "test": {"color": CLASS_COLOURS[0], "ls": "--"},
            },
            legend="upper right",
        )
        m = self.map_ax
        m.set_xticks([])
        m.set_yticks([])
        m.grid(False)
        self.image = m.imshow(
            np.zeros((SIZE, SIZE)), origin="lower", aspect="auto", cmap=class_map(), vmin=0, vmax=1
        )
        self.colorbar = fig.colorbar(self.image, cax=self.cbar_ax)
        style: dict[str, Any] = dict(edgecolors=EDGE, zorder=3)
        self.train_points = m.scatter([], [], s=22, marker="o", linewidths=0.6, **style)
        self.test_points = m.scatter([], [], s=40, marker="^", linewidths=1.1, **style)
        self.wrong = m.scatter(
            [], [], s=95, marker="o", facecolors="none", edgecolors=RING, linewidths=1.3, zorder=4
        )
        self.title = m.set_title("", fontsize=10, y=1.0)
        self.key: tuple | None = None  # the run whose points are shown
        self.mode: bool | None = None  # classify or not

    def render(self, run: Run, status: str) -> bytes:
        # The surface and the ringed points are torch ops on tiny tensors: one thread, as in
        # training (a busy thread pool made a frame twice as slow on 2 cores).
        with self.lock:
            with single_threaded():
                self._update(run, status)
            return to_png(self.fig)

    def _update(self, run: Run, status: str) -> None:
        h = run.history
        self.curves.show(h[name] for name in ("train", "test"))
        diverged = status == DIVERGED
        if diverged:  # the first value that broke the rule, where it happened
            self.curves.show_divergence(h.diverged, "" if h.diverged else STATUS[DIVERGED]())
        else:
            self.curves.show_divergence(None)
        if self.key != (id(run), run.config):
            self._show_points(run)
        if not diverged:
            surface, extent = run.surface(SIZE)
            self.image.set_data(surface.numpy())
            self.image.set_extent(extent)
            if not run.classify:
                self.image.set_clim(float(surface.min()), float(surface.max()) + 1e-9)
                self.train_points.set_clim(*self.image.get_clim())
                self.test_points.set_clim(*self.image.get_clim())
        self.image.set_visible(not diverged)
        self.wrong.set_offsets(
            self._misclassified(run) if run.classify and not diverged else np.empty((0, 2))
        )

    def _show_points(self, run: Run) -> None:
        self.key = (id(run), run.config)
        if self.mode is not run.classify:
            self.mode = run.classify
            self.image.set_cmap(class_map() if run.classify else "viridis")
            if run.classify:
                self.image.set_clim(0, 1)
            for points in (self.train_points, self.test_points):
                points.set_cmap(point_map() if run.classify else "viridis")
                if run.classify:
                    points.set_clim(0, 1)
            self.title.set_text(BOUNDARY() if run.classify else SURFACE())
        unit = 1.0 if run.classify else math.sqrt(run.unit)
        shown = (
            (self.train_points, run.x_train[:SHOWN_TRAIN], run.y_train[:SHOWN_TRAIN]),
            (self.test_points, run.x_test[:SHOWN_TEST], run.y_test[:SHOWN_TEST]),
        )
        for points, x, y in shown:
            points.set_offsets(x.numpy())
            points.set_array((y[:, 0] * unit).numpy())
        extent = run.extent()
        self.map_ax.set_xlim(extent[0], extent[1])
        self.map_ax.set_ylim(extent[2], extent[3])

    @torch.no_grad()
    def _misclassified(self, run: Run) -> np.ndarray:
        x = torch.cat([run.x_train[:SHOWN_TRAIN], run.x_test[:SHOWN_TEST]])
        y = torch.cat([run.y_train[:SHOWN_TRAIN], run.y_test[:SHOWN_TEST]])
        run.model.eval()
        wrong = ((run.model(x) > 0).float() != y)[:, 0]
        return x[wrong].numpy()


def draw(run: Run, status: str, *, dpi: int = 72) -> bytes:
    """One frame as PNG bytes, from a new figure (a widget keeps its ``PlaygroundFigure``)."""
    return PlaygroundFigure(dpi).render(run, status)
