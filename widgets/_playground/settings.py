"""The playground's settings, each declared once in ``SETTINGS``, plus ``Config`` and presets.

A ``Setting`` holds everything about one field of ``Config``: its bilingual label, the
values it accepts (checked by ``checked``), the kind of control that shows it and that
control's range. Optimizers and activations are ``Choice`` tables whose entries carry
their torch constructor; the code the playground exports is derived from that same
constructor. The controls (``controls.py``), training (``train.py``) and export
(``export.py``) all read these tables, so a new optimizer or activation is one entry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from numbers import Real
from typing import Any

import torch
from torch import nn

from .._i18n import CourseTypeError, CourseValueError, Message
from .._validate import NUMBER, WRONG_TYPE, require_choice, require_int, require_positive, type_name
from .tasks import TASK_NAMES, TASKS


@dataclass(frozen=True)
class Choice:
    """One option of a choice setting: its label and, for layers and optimizers, what it builds.

    ``make`` is a torch class (``nn.Tanh``, ``torch.optim.Adam``) called with ``options``
    (and, for optimizers, the parameters and the learning rate); ``code`` is how the
    exported code writes that call, derived from ``make`` when not given.
    """

    label: Message | str
    make: Callable | None = None
    options: Mapping[str, object] = field(default_factory=dict)

    def build(self, *args, **kwargs):
        return self.make(*args, **kwargs, **self.options)

    def code(self, *args: str, **kwargs: str) -> str:
        """The constructor call as Python source, e.g. ``torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)``."""
        assert self.make is not None, "only choices that build something are exported"
        parts = [*args, *(f"{k}={v}" for k, v in kwargs.items())]
        parts += [f"{k}={v!r}" for k, v in self.options.items()]
        return f"{source_name(self.make)}({', '.join(parts)})"


def source_name(make: Callable) -> str:
    """``nn.Tanh`` or ``torch.optim.Adam``: the public name the exported code imports."""
    for prefix, module in (("nn", nn), ("torch.optim", torch.optim), ("torch", torch)):
        if getattr(module, make.__name__, None) is make:
            return f"{prefix}.{make.__name__}"
    return f"{make.__module__}.{make.__qualname__}"


ACTIVATIONS: dict[str, Choice] = {
    "tanh": Choice("tanh", nn.Tanh),
    "relu": Choice("relu", nn.ReLU),
    "sigmoid": Choice("sigmoid", nn.Sigmoid),
}
OPTIMIZERS: dict[str, Choice] = {
    "sgd": Choice("SGD", torch.optim.SGD),
    "momentum": Choice("SGD + momentum 0.9", torch.optim.SGD, {"momentum": 0.9}),
    "adam": Choice("Adam", torch.optim.Adam),
    "rmsprop": Choice("RMSprop", torch.optim.RMSprop),
}
LOSSES: dict[str, Choice] = {
    "auto": Choice(
        Message(ja="自動（分類: BCEWithLogits, 回帰: MSE）", en="auto (BCEWithLogits / MSE)")
    ),
    "mse": Choice(Message(ja="シグモイド + MSE（元の教材）", en="sigmoid + MSE (source material)")),
}
TASK_CHOICES: dict[str, Choice] = {key: Choice(TASK_NAMES[key]) for key in TASKS}
ALL = Message(ja="全部（フルバッチ）", en="all (full batch)")
BATCH_SIZES: dict[object, Choice] = {None: Choice(ALL)} | {
    n: Choice(str(n)) for n in (1, 4, 8, 16, 32, 64, 128)
}
# The learning-rate slider's stops: 1, 2, 3 and 5 per decade. A value set in code that is
# not a stop is added as one, so the slider shows exactly that value.
LR_STOPS = (*(float(f"{m}e{e}") for e in range(-4, 2) for m in (1, 2, 3, 5)), 100.0)

UNKNOWN_SETTING = Message(
    ja="playground に {name} という設定はありません。使える設定: {choices}",
    en="The playground has no setting {name}. Available settings: {choices}",
)
OUT_OF_RANGE = Message(
    ja="{name} は {low} 以上 {high} 以下にしてください（渡されたのは {value} です）。",
    en="{name} must be between {low} and {high} (got {value}).",
)
NOT_BOOL = Message(ja="真偽値（True か False）", en="a bool (True or False)")


def require_fraction(name: str, value: object, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise CourseTypeError(WRONG_TYPE, name=name, expected=NUMBER, got=type_name(value))
    value = float(value)
    if not low <= value <= high:  # also refuses NaN
        raise CourseValueError(OUT_OF_RANGE, name=name, low=low, high=high, value=value)
    return value


def require_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise CourseTypeError(WRONG_TYPE, name=name, expected=NOT_BOOL, got=type_name(value))
    return value


# Kinds of control (see controls.py).
CHOICE, SLIDER, INT_SLIDER, LOG_SLIDER, NUMBER_BOX, CHECKBOX = (
    "choice", "slider", "int_slider", "log_slider", "number_box", "checkbox",
)  # fmt: skip


@dataclass(frozen=True)
class Setting:
    """One playground setting: label, accepted values, kind of control and its range.

    Numbers are accepted from ``low`` to ``high``; the slider starts out spanning
    ``shown`` (a part of that range where the lessons happen) and widens to fit a value set
    in code. ``choices`` is the table of a choice setting: without ``low`` only its keys are
    accepted, with ``low`` (batch sizes) they are suggestions for any integer in range.
    """

    label: Message
    control: str
    low: float | None = None
    high: float | None = None
    shown: tuple[float, float] | None = None
    step: float | None = None
    choices: Mapping[Any, Choice] | None = None  # keys: names, or batch sizes (None: all)
    optional: bool = False  # None is accepted (batch_size: the whole set)

    def check(self, name: str, value: object) -> object:
        if self.optional and value is None:
            return None
        if self.control == CHECKBOX:
            return require_bool(name, value)
        if self.low is None:  # a closed choice: one of the table's keys
            return require_choice(name, value, tuple(self.choices or ()))
        if self.control in (LOG_SLIDER, SLIDER):
            assert self.high is not None, "a slider has both ends"
            if self.control == LOG_SLIDER:
                value = require_positive(name, value)
            return require_fraction(name, value, self.low, self.high)
        # Whole-number settings declare int bounds (Setting types them as float for all kinds).
        return require_int(name, value, low=self.low, high=self.high)  # type: ignore[arg-type]


SETTINGS: dict[str, Setting] = {
    "task": Setting(Message(ja="データ", en="data"), CHOICE, choices=TASK_CHOICES),
    "noise": Setting(Message(ja="ノイズ", en="noise"), SLIDER, 0, 1, (0, 0.5), 0.01),
    "test_fraction": Setting(
        Message(ja="テストの割合", en="test fraction"), SLIDER, 0.05, 0.9, (0.05, 0.9), 0.05
    ),
    "points": Setting(Message(ja="点の数", en="points"), INT_SLIDER, 10, 5000, (10, 1000), 10),
    "seed": Setting(Message(ja="乱数シード", en="seed"), NUMBER_BOX, 0, 2**31 - 1),
    "lr": Setting(
        Message(ja="学習率", en="learning rate"), LOG_SLIDER, 1e-6, 100, (LR_STOPS[0], LR_STOPS[-1])
    ),
    "hidden": Setting(
        Message(ja="隠れユニット数", en="hidden units"), INT_SLIDER, 1, 256, (1, 64), 1
    ),
    "layers": Setting(Message(ja="隠れ層の数", en="hidden layers"), INT_SLIDER, 1, 6, (1, 6), 1),
    "activation": Setting(Message(ja="活性化関数", en="activation"), CHOICE, choices=ACTIVATIONS),
    "optimizer": Setting(Message(ja="最適化手法", en="optimizer"), CHOICE, choices=OPTIMIZERS),
    "batch_size": Setting(
        Message(ja="バッチサイズ", en="batch size"),
        CHOICE,
        1,
        5000,
        choices=BATCH_SIZES,
        optional=True,
    ),
    "loss": Setting(Message(ja="損失関数", en="loss"), CHOICE, choices=LOSSES),
    "scale": Setting(Message(ja="回帰の入出力を 1/10 に", en="scale regression by 1/10"), CHECKBOX),
}


@dataclass(frozen=True)
class Config:
    """Everything that defines one training run; changing any field starts a new run.

    ``batch_size=None`` trains on the whole training set at every step. ``loss="auto"``
    is BCEWithLogits for classification and MSE for regression; ``"mse"`` puts a sigmoid
    on the output and uses MSE, as the source material did for XOR. ``scale`` divides the regression
    task's inputs and targets by 10 (losses are still reported in the original units).
    """

    task: str = "xor"
    noise: float = 0.05
    test_fraction: float = 0.2
    points: int = 400
    seed: int = 0
    lr: float = 0.03
    hidden: int = 8
    layers: int = 1
    activation: str = "tanh"
    optimizer: str = "adam"
    batch_size: int | None = 32
    loss: str = "auto"
    scale: bool = True


FIELDS = tuple(f.name for f in dataclasses.fields(Config))

PRESETS: dict[str, dict] = {
    "original_xor": dict(
        task="xor4",
        hidden=3,
        layers=1,
        activation="sigmoid",
        optimizer="sgd",
        lr=0.1,
        loss="mse",
        batch_size=None,
    ),
    "good_xor": dict(
        task="xor4",
        hidden=8,
        layers=1,
        activation="tanh",
        optimizer="adam",
        lr=0.05,
        loss="mse",
        batch_size=None,
    ),
    "original_regression": dict(
        task="regression",
        hidden=3,
        layers=1,
        activation="sigmoid",
        optimizer="sgd",
        lr=1e-2,
        loss="auto",
        batch_size=None,
        scale=False,
        noise=0.0,
        points=2000,
    ),
    "good_regression": dict(
        task="regression",
        hidden=32,
        layers=1,
        activation="tanh",
        optimizer="adam",
        lr=3e-2,
        loss="auto",
        batch_size=None,
        scale=True,
        noise=0.0,
        points=2000,
    ),
}
PRESET_NAMES = {
    "original_xor": Message(
        ja="元の教材の XOR: シグモイド 3 個・MSE・SGD lr 0.1（とても遅い）",
        en="Original XOR: 3 sigmoid units, MSE, SGD lr 0.1 (very slow)",
    ),
    "good_xor": Message(
        ja="改良 XOR: tanh 8 個・Adam lr 0.05", en="Better XOR: 8 tanh units, Adam lr 0.05"
    ),
    "original_regression": Message(
        ja="元の教材の回帰: シグモイド 3 個・SGD lr 0.01・スケーリングなし（停滞）",
        en="Original regression: 3 sigmoid units, SGD lr 0.01, unscaled (stalls)",
    ),
    "good_regression": Message(
        ja="改良回帰: tanh 32 個・Adam lr 0.03・入出力を 1/10 に",
        en="Better regression: 32 tanh units, Adam lr 0.03, inputs/targets ÷ 10",
    ),
}


def checked(name: str, value: object) -> object:
    """``value`` checked for setting ``name``; a bilingual error when it cannot be used."""
    setting = SETTINGS.get(name) if isinstance(name, str) else None
    if setting is None:
        raise CourseValueError(UNKNOWN_SETTING, name=repr(name), choices=", ".join(FIELDS))
    return setting.check(name, value)


def make_config(base: Config | None = None, *, preset: str | None = None, **changes) -> Config:
    """``base`` (default: ``Config()``) with a preset, then ``changes``, applied and checked."""
    settings = dict(PRESETS[require_choice("preset", preset, tuple(PRESETS))]) if preset else {}
    settings.update(changes)
    clean: dict[str, Any] = {name: checked(name, value) for name, value in settings.items()}
    return dataclasses.replace(base or Config(), **clean)
