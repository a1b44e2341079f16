"""The playground's settings: one frozen ``Config``, its checks and the presets."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from numbers import Real

from .._i18n import CourseTypeError, CourseValueError, Message
from .._validate import NUMBER, WRONG_TYPE, require_choice, require_int, require_positive, type_name
from .tasks import TASKS

ACTIVATIONS = ("tanh", "relu", "sigmoid")
OPTIMIZERS = ("sgd", "momentum", "adam", "rmsprop")
LOSSES = ("auto", "mse")


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
        raise CourseTypeError(WRONG_TYPE, name=name, expected=NUMBER(), got=type_name(value))
    value = float(value)
    if not low <= value <= high:  # also refuses NaN
        raise CourseValueError(OUT_OF_RANGE, name=name, low=low, high=high, value=value)
    return value


def checked(name: str, value: object) -> object:
    """``value`` checked for setting ``name``; a bilingual error when it cannot be used."""
    if name == "task":
        return require_choice(name, value, tuple(TASKS))
    if name in ("noise", "test_fraction"):
        return require_fraction(name, value, *{"noise": (0, 1), "test_fraction": (0.05, 0.9)}[name])
    if name == "points":
        return require_int(name, value, low=10, high=5000)
    if name == "seed":
        return require_int(name, value, low=0, high=2**31 - 1)
    if name == "lr":
        return require_fraction(name, require_positive(name, value), 1e-6, 100)
    if name == "hidden":
        return require_int(name, value, low=1, high=256)
    if name == "layers":
        return require_int(name, value, low=1, high=6)
    if name == "batch_size":
        return None if value is None else require_int(name, value, low=1, high=5000)
    if name == "scale":
        if not isinstance(value, bool):
            raise CourseTypeError(WRONG_TYPE, name=name, expected=NOT_BOOL(), got=type_name(value))
        return value
    choices = {"activation": ACTIVATIONS, "optimizer": OPTIMIZERS, "loss": LOSSES}
    if name in choices:
        return require_choice(name, value, choices[name])
    raise CourseValueError(UNKNOWN_SETTING, name=repr(name), choices=", ".join(FIELDS))


def make_config(base: Config | None = None, *, preset: str | None = None, **changes) -> Config:
    """``base`` (default: ``Config()``) with a preset, then ``changes``, applied and checked."""
    settings = dict(PRESETS[require_choice("preset", preset, tuple(PRESETS))]) if preset else {}
    settings.update(changes)
    clean = {name: checked(name, value) for name, value in settings.items()}
    return dataclasses.replace(base or Config(), **clean)
