"""The playground's controls: one ipywidget per ``Config`` field (ipywidgets 7.7 and 8)."""

from __future__ import annotations

import math

import ipywidgets as w

from .._i18n import Message
from .settings import ACTIVATIONS, LOSSES, OPTIMIZERS, PRESET_NAMES, Config
from .tasks import TASK_NAMES

LABELS = {
    "task": Message(ja="データ", en="data"),
    "noise": Message(ja="ノイズ", en="noise"),
    "test_fraction": Message(ja="テストの割合", en="test fraction"),
    "points": Message(ja="点の数", en="points"),
    "seed": Message(ja="乱数シード", en="seed"),
    "lr": Message(ja="学習率", en="learning rate"),
    "hidden": Message(ja="隠れユニット数", en="hidden units"),
    "layers": Message(ja="隠れ層の数", en="hidden layers"),
    "activation": Message(ja="活性化関数", en="activation"),
    "optimizer": Message(ja="最適化手法", en="optimizer"),
    "batch_size": Message(ja="バッチサイズ", en="batch size"),
    "loss": Message(ja="損失関数", en="loss"),
    "scale": Message(ja="回帰の入出力を 1/10 に", en="scale regression by 1/10"),
    "preset": Message(ja="プリセット", en="preset"),
}
ALL = Message(ja="全部（フルバッチ）", en="all (full batch)")
LOSS_NAMES = {
    "auto": Message(ja="自動（分類: BCEWithLogits, 回帰: MSE）", en="auto (BCEWithLogits / MSE)"),
    "mse": Message(ja="シグモイド + MSE（元の教材）", en="sigmoid + MSE (source material)"),
}
OPTIMIZER_NAMES = {
    "sgd": "SGD",
    "momentum": "SGD + momentum 0.9",
    "adam": "Adam",
    "rmsprop": "RMSprop",
}
NO_PRESET = Message(ja="（選んでください）", en="(choose one)")
CONTROLS = (*Config.__dataclass_fields__, "preset")
STYLE = {"description_width": "9em"}
LAYOUT = {"width": "24em"}


def options_for(name: str) -> list[tuple[str, object]]:
    if name == "task":
        return [(str(m), key) for key, m in TASK_NAMES.items()]
    if name == "activation":
        return [(a, a) for a in ACTIVATIONS]
    if name == "optimizer":
        return [(OPTIMIZER_NAMES[o], o) for o in OPTIMIZERS]
    if name == "loss":
        return [(str(LOSS_NAMES[loss]), loss) for loss in LOSSES]
    if name == "batch_size":
        return [(str(ALL), None)] + [(str(n), n) for n in (1, 4, 8, 16, 32, 64, 128)]
    return [(str(NO_PRESET), None)] + [(str(m), key) for key, m in PRESET_NAMES.items()]


def make_control(name: str, value: object) -> w.ValueWidget:
    """The widget for one setting, showing ``value`` (ranges widen to fit it)."""
    common = dict(description=str(LABELS[name]), style=STYLE, layout=w.Layout(**LAYOUT))
    if name in ("task", "activation", "optimizer", "loss", "batch_size", "preset"):
        options = options_for(name)
        if name == "batch_size" and value not in [v for _, v in options]:
            options.append((str(value), value))
        return w.Dropdown(options=options, value=value, **common)
    if name == "lr":
        low, high = min(-4, math.floor(math.log10(value))), max(1, math.ceil(math.log10(value)))
        return w.FloatLogSlider(
            value=value, base=10, min=low, max=high, step=0.1, readout_format=".2g", **common
        )
    if name == "noise":
        return w.FloatSlider(value=value, min=0, max=max(0.5, value), step=0.01, **common)
    if name == "test_fraction":
        return w.FloatSlider(value=value, min=0.05, max=0.9, step=0.05, **common)
    if name == "hidden":
        return w.IntSlider(value=value, min=1, max=max(64, value), **common)
    if name == "layers":
        return w.IntSlider(value=value, min=1, max=6, **common)
    if name == "points":
        return w.IntSlider(value=value, min=10, max=max(1000, value), step=10, **common)
    if name == "seed":
        return w.BoundedIntText(value=value, min=0, max=2**31 - 1, **common)
    return w.Checkbox(value=value, indent=False, **common)


def set_quietly(control: w.ValueWidget, value: object) -> None:
    """Show ``value`` in ``control``, widening a slider's range when needed."""
    if isinstance(control, w.FloatLogSlider):
        control.min = min(control.min, math.floor(math.log10(value)))
        control.max = max(control.max, math.ceil(math.log10(value)))
    elif isinstance(control, (w.IntSlider, w.FloatSlider)) and value > control.max:
        control.max = value
    if isinstance(control, w.Dropdown) and value not in [v for _, v in control.options]:
        control.options = [*control.options, (str(value), value)]
    control.value = value
