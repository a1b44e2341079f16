"""The playground's controls: one ipywidget per setting, made from ``settings.SETTINGS``.

ipywidgets 7.7 (Colab) and 8 alike. The learning rate is a slider over ``LR_STOPS`` (a
log scale) whose readout is the exact value, also for a value set in code (0.03 shows 0.03).
"""

from __future__ import annotations

from typing import Any, cast

import ipywidgets as w

from .._i18n import Message
from .settings import (
    CHECKBOX,
    CHOICE,
    INT_SLIDER,
    LOG_SLIDER,
    LR_STOPS,
    NUMBER_BOX,
    PRESET_NAMES,
    SETTINGS,
    SLIDER,
    Config,
)

PRESET = Message(ja="プリセット", en="preset")
NO_PRESET = Message(ja="（選んでください）", en="(choose one)")
CONTROLS = (*Config.__dataclass_fields__, "preset")
STYLE = {"description_width": "9em"}
LAYOUT = {"width": "24em"}
MENU_LAYOUT = {"width": "30em"}  # a menu shows its longest choice whole (ja and en)
# A menu's choice for "None" (no preset, the full batch): ipywidgets reads a None value as
# "nothing selected" and shows an empty box, so the menu holds this string instead.
NONE = ""


def shown(value: object) -> object:
    """A setting's value as its control holds it."""
    return NONE if value is None else value


def setting(value: object) -> object:
    """A control's value as the setting takes it."""
    return None if value == NONE else value


def label(value: object) -> str:
    """How a number reads on a control: exactly as typed (0.03, 1e-05), no rounding."""
    return f"{value:.12g}" if isinstance(value, float) else str(value)


def options_for(name: str) -> list[tuple[str, object]]:
    if name == "preset":
        presets: list[tuple[str, object]] = [(str(m), key) for key, m in PRESET_NAMES.items()]
        return [(str(NO_PRESET), NONE), *presets]
    if name == "lr":
        return [(label(v), v) for v in LR_STOPS]
    choices = SETTINGS[name].choices or {}
    return [(str(choice.label), shown(key)) for key, choice in choices.items()]


def with_value(options: list[tuple[str, object]], value: object) -> list[tuple[str, object]]:
    """``options`` with ``value`` added (in order, for numbers) when it is not one of them."""
    if value in [v for _, v in options]:
        return options
    if isinstance(value, float) and all(isinstance(v, float) for _, v in options):
        return sorted([*options, (label(value), value)], key=lambda option: cast(float, option[1]))
    return [*options, (label(value), value)]


def position(options: list[tuple[str, object]], value: object) -> int:
    return [v for _, v in options].index(value)


def make_control(name: str, value: Any) -> w.ValueWidget:
    """The widget for one setting, showing ``value`` (ranges widen to fit it)."""
    spec = SETTINGS.get(name)
    text = PRESET if spec is None else spec.label
    common = dict(description=str(text), style=STYLE, layout=w.Layout(**LAYOUT))
    if spec is None or spec.control == CHOICE:  # the preset menu has no Setting
        options = with_value(options_for(name), shown(value))
        common["layout"] = w.Layout(**MENU_LAYOUT)
        return w.Dropdown(options=options, index=position(options, shown(value)), **common)
    kind = spec.control
    if kind == LOG_SLIDER:  # by index: ipywidgets leaves the label empty for value=first
        options = with_value(options_for(name), value)
        return w.SelectionSlider(options=options, index=position(options, value), **common)
    if kind in (SLIDER, INT_SLIDER):
        assert spec.shown is not None, "a slider shows a range"
        low, high = spec.shown
        slider = w.FloatSlider if kind == SLIDER else w.IntSlider
        return slider(value=value, min=low, max=max(high, value), step=spec.step, **common)
    if kind == NUMBER_BOX:
        return w.BoundedIntText(value=value, min=spec.low, max=spec.high, **common)
    assert kind == CHECKBOX, kind
    return w.Checkbox(value=value, indent=False, **common)


def set_quietly(control: w.ValueWidget, value: object) -> None:
    """Show ``value`` in ``control``, widening a slider's range when needed."""
    if isinstance(control, (w.Dropdown, w.SelectionSlider)):
        value = shown(value)
        options = with_value(list(control.options), value)
        if len(options) != len(control.options):
            control.options = options
        control.index = position(options, value)
        return
    elif isinstance(control, (w.IntSlider, w.FloatSlider)) and value > control.max:
        control.max = value
    control.value = value
