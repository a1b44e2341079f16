"""Drawing the playground: one matplotlib (Agg) figure → PNG bytes, and a one-line readout."""

from __future__ import annotations

import io
import math

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .._i18n import Message
from .._setup import japanese_font
from .session import DIVERGED, DONE, FAILED, PAUSED, RUNNING, STOPPED, WAITING
from .train import Run

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


def readout(status: str, run: Run | None, error: BaseException | None = None) -> str:
    """Step, epoch, losses and accuracy (R² for regression) with the status, in one line."""
    text = STATUS[status](error=error) if status == FAILED else STATUS[status]()
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


def draw(run: Run, status: str, *, dpi: int = 72) -> bytes:
    """Loss curves (left) and the decision boundary or regression surface (right)."""
    japanese_font()  # Japanese labels render even without setup()
    fig = Figure(figsize=(10, 4), dpi=dpi)  # fixed margins: automatic layout is the slow part
    FigureCanvasAgg(fig)
    loss_ax = fig.add_axes((0.08, 0.13, 0.38, 0.8))
    map_ax = fig.add_axes((0.54, 0.13, 0.36, 0.8))
    h = run.history
    finite = [
        (s, a, b)
        for s, a, b in zip(h.steps, h.train, h.test, strict=True)
        if 0 < a < math.inf and 0 < b < math.inf
    ]
    if finite:
        steps, train, test = zip(*finite, strict=True)
        loss_ax.plot(steps, train, label=TRAIN(), color="#1f77b4")
        loss_ax.plot(steps, test, label=TEST(), color="#ff7f0e")
        loss_ax.set_yscale("log")
        loss_ax.legend(loc="upper right")
    loss_ax.set_xlabel(STEP_AXIS())
    loss_ax.set_ylabel(LOSS_AXIS())
    norm = None
    if status == DIVERGED:
        loss_ax.text(
            0.5,
            0.5,
            STATUS[DIVERGED](),
            transform=loss_ax.transAxes,
            ha="center",
            color="#b3261e",
            fontsize=13,
            wrap=True,
        )
    else:
        surface, extent = run.surface()
        if run.classify:
            image = map_ax.imshow(
                surface.numpy(),
                origin="lower",
                extent=extent,
                cmap="RdBu_r",
                vmin=0,
                vmax=1,
                aspect="auto",
            )
        else:
            image = map_ax.imshow(
                surface.numpy(), origin="lower", extent=extent, cmap="viridis", aspect="auto"
            )
        fig.colorbar(image, cax=fig.add_axes((0.92, 0.13, 0.015, 0.8)))
        norm = image.norm
    cmap, unit = ("RdBu_r", 1.0) if run.classify else ("viridis", math.sqrt(run.unit))
    shown = (run.x_train[:300], run.y_train[:300], "o"), (run.x_test[:100], run.y_test[:100], "^")
    for x, y, marker in shown:  # a few hundred points are enough to see the pattern
        map_ax.scatter(
            x[:, 0],
            x[:, 1],
            c=y[:, 0] * unit,
            s=14,
            marker=marker,
            cmap=cmap,
            norm=norm,
            edgecolors="white",
            linewidths=0.5,
        )
    map_ax.set_title(BOUNDARY() if run.classify else SURFACE(), fontsize=10)
    map_ax.grid(False)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
