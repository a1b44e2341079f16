"""What ``live_loss`` and the playground record: plain Python, testable without drawing.

``History`` checks each update (one number per series, steps that never go back), stores
the points by series and panel, and notes the first value that breaks its
``DivergenceRule`` as a ``Divergence``. The rule is one for both: a value diverged when it
is NaN or infinite, or, with a ``factor``, when it is above ``factor`` × its series' first
value. ``live_loss`` uses no factor (NaN/inf only); the playground uses 10 on its train loss.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from math import isfinite
from numbers import Real
from typing import Any

from .._i18n import CourseTypeError, CourseValueError, Message
from .._validate import NOT_FINITE, NUMBER, TOO_SMALL, WRONG_TYPE, type_name, unwrap_number

LOSS, ACCURACY = "loss", "accuracy"
MAX_PANELS = 3

NOT_ONE_NUMBER = Message(
    ja="{name} には数を 1 つ渡してください。形 {shape} のテンソルが渡されました（例: loss.item() や loss.mean().item()）。",
    en="{name} must be a single number, got a tensor of shape {shape} (e.g. use loss.item() or loss.mean().item()).",
)
NO_VALUES = Message(
    ja="記録する値がありません。例: plot.update(step, train=loss.item())",
    en="Nothing to record. Example: plot.update(step, train=loss.item())",
)
STEP_BACKWARDS = Message(
    ja="{x} が {last} から {value} に戻りました。学習をやり直すときは live_loss() を作り直すか plot.reset() を呼んでください。",
    en="The {x} went back from {last} to {value}. To train again, create a new live_loss() or call plot.reset().",
)
TOO_MANY_PANELS = Message(
    ja="グラフの枠は {most} つまでです（{panels}）。panels= で系列をまとめてください。",
    en="At most {most} panels fit ({panels}); group series with panels=.",
)
DIVERGED = Message(
    ja="発散しました: {series} が {value} になりました（{x} {step}）",
    en="Diverged: {series} became {value} ({x} {step})",
)
STEP = Message(ja="ステップ", en="step")
EPOCH = Message(ja="エポック", en="epoch")
X_LABELS = {"step": STEP, "epoch": EPOCH}
STR_MAPPING = Message(ja="系列名→枠名の dict", en="a dict of series name → panel name")


def to_number(name: str, value: object) -> float:
    """A float from a Python/NumPy number or a one-element tensor or array; NaN/inf kept."""
    if type(value) is float:  # the common case first: update() runs every step
        return value
    item = unwrap_number(value)
    if isinstance(item, Real) and not isinstance(item, bool):
        return float(item)
    if item is value and hasattr(value, "item") and hasattr(value, "shape"):
        raise CourseValueError(NOT_ONE_NUMBER, name=name, shape=tuple(value.shape))
    raise CourseTypeError(WRONG_TYPE, name=name, expected=NUMBER, got=type_name(value))


def default_panel(name: str) -> str:
    return ACCURACY if "acc" in name.lower() else LOSS


def check_panels(panels: object) -> dict[str, str]:
    if panels is None:
        return {}
    if not isinstance(panels, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in panels.items()
    ):
        raise CourseTypeError(WRONG_TYPE, name="panels", expected=STR_MAPPING, got=repr(panels))
    return dict(panels)


def fmt(value: float) -> str:
    return f"{value:.4g}"


@dataclass(frozen=True)
class DivergenceRule:
    """When a value counts as diverged: NaN/inf, or above ``factor`` × its series' first value.

    ``factor=None`` is live loss's rule (NaN/inf only). ``only`` limits the factor to some
    series (the playground's train loss); NaN/inf counts in every series.
    """

    factor: float | None = None
    only: tuple[str, ...] | None = None

    def broken(self, name: str, value: float, first: float) -> bool:
        if not math.isfinite(value):
            return True
        if self.factor is None or (self.only is not None and name not in self.only):
            return False
        return first > 0 and value > self.factor * first


@dataclass(frozen=True)
class Divergence:
    """The first NaN or infinite value: which series, at which step, and what it was."""

    series: str
    step: float
    value: float
    x: str = "step"

    def __str__(self) -> str:
        x = X_LABELS[self.x]()
        return DIVERGED(series=self.series, value=fmt(self.value), x=x, step=fmt(self.step))


@dataclass
class Series:
    """One named curve: its panel and its points in the order they were recorded."""

    name: str
    panel: str
    x: list[float] = field(default_factory=list)
    y: list[float] = field(default_factory=list)

    def points(self) -> list[tuple[float, float]]:
        return list(zip(self.x, self.y, strict=True))


class History(Mapping[str, Series]):
    """Every recorded point, by series name: ``history["train"].y``, or ``history.train``."""

    def __init__(
        self,
        *,
        x: str = "step",
        panels: Mapping[str, str] | None = None,
        rule: DivergenceRule = DivergenceRule(),
    ) -> None:
        self.x = x
        self.panel_of = check_panels(panels)
        self.rule = rule
        self.clear()

    def clear(self) -> None:
        self.series: dict[str, Series] = {}
        self.last_x: float | None = None
        self.diverged: Divergence | None = None
        self.updates = 0

    def __getitem__(self, name: str) -> Series:
        return self.series[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.series)

    def __len__(self) -> int:
        return len(self.series)

    def __getattr__(self, name: str) -> list[float]:
        """``history.train`` is ``history["train"].y``: the values of one series."""
        series = self.__dict__.get("series", {})
        if name in series:
            return series[name].y
        raise AttributeError(name)

    def panels(self) -> dict[str, list[Series]]:
        """Series grouped by panel: loss first, accuracy second, others as they came."""
        grouped: dict[str, list[Series]] = {}
        for series in self.series.values():
            grouped.setdefault(series.panel, []).append(series)
        rank = {LOSS: 0, ACCURACY: 1}
        return dict(sorted(grouped.items(), key=lambda kv: rank.get(kv[0], 2)))

    def record(self, step: object = None, **values: object) -> bool:
        """Check then store one update (all or nothing); ``None`` values are skipped.

        Returns whether anything was stored.
        """
        return self.add(step, values)

    def add(self, step: object, values: dict[str, object]) -> bool:
        """``record`` with the values in a dict: what ``live_loss``'s update hands on."""
        if not values:
            raise CourseValueError(NO_VALUES)
        if self._record_quickly(step, values):
            return True
        x = self._next_x(step)
        numbers = {k: to_number(k, v) for k, v in values.items() if v is not None}
        new = [k for k in numbers if k not in self.series]
        if new:
            self._check_panels(new)
        if not numbers:
            return False
        for name in new:
            self.series[name] = Series(name, self.panel_of.get(name) or default_panel(name))
        for name, y in numbers.items():
            series = self.series[name]
            series.x.append(x)
            series.y.append(y)
            self._watch(series, x, y)
        self.last_x = x
        self.updates += 1
        return True

    def _record_quickly(self, step: object, values: dict[str, Any]) -> bool:
        """``add`` for the usual update (a new int step, floats, known series); False if not.

        It runs every step of a learner's loop, interleaved with torch, where every bytecode
        counts: the general path costs about 7 µs per update there, this one about 4 µs.
        """
        last, series = self.last_x, self.series
        if type(step) is not int or last is None or step < last:
            return False
        for name, value in values.items():
            if type(value) is not float or name not in series:
                return False
        watch = self.diverged is None
        for name, value in values.items():
            target = series[name]
            target.x.append(step)
            target.y.append(value)
            if watch and (self.rule.factor is not None or not isfinite(value)):
                self._watch(target, step, value)
                watch = self.diverged is None
        self.last_x = step
        self.updates += 1
        return True

    def watch(self, name: str, step: float, value: float) -> bool:
        """Check a value that is not recorded (a running mean) by the same rule."""
        if name in self.series:
            self._watch(self.series[name], step, value)
        return self.diverged is not None

    def _watch(self, series: Series, x: float, y: float) -> None:
        if self.diverged is None and self.rule.broken(series.name, y, series.y[0]):
            self.diverged = Divergence(series.name, x, y, self.x)

    def _check_panels(self, names: list[str]) -> None:
        panels = list(self.panels())
        for name in names:
            panel = self.panel_of.get(name) or default_panel(name)
            if panel not in panels:
                panels.append(panel)
        if len(panels) > MAX_PANELS:
            raise CourseValueError(TOO_MANY_PANELS, most=MAX_PANELS, panels=", ".join(panels))

    def _next_x(self, step: object) -> float:
        if step is None:
            start = 0 if self.x == "step" else 1
            return start if self.last_x is None else self.last_x + 1
        if type(step) is int and step >= 0 and (self.last_x is None or step >= self.last_x):
            return step  # the common case, checked cheaply
        x = to_number("step", step)
        if not math.isfinite(x):
            raise CourseValueError(NOT_FINITE, name="step")
        if x < 0:
            raise CourseValueError(TOO_SMALL, name="step", low=0, value=fmt(x))
        if self.last_x is not None and x < self.last_x:
            x_name = X_LABELS[self.x]()
            raise CourseValueError(STEP_BACKWARDS, x=x_name, last=fmt(self.last_x), value=fmt(x))
        return int(x) if x.is_integer() else x

    def summary(self) -> str:
        """One compact line with the latest value of every series."""
        if self.last_x is None:
            return ""
        parts = [f"{X_LABELS[self.x]()} {fmt(self.last_x)}"]
        parts += [f"{s.name} {fmt(s.y[-1])}" for s in self.series.values()]
        return " · ".join(parts)
