"""Each playground setting is declared once (``settings.SETTINGS`` and its choice tables).

A new optimizer or activation is one table entry: the check, the control, the training
and the exported code all pick it up.
"""

from __future__ import annotations

import contextlib
import io
import re

import ipywidgets
import pytest
import torch
from torch import nn

from widgets._i18n import CourseValueError
from widgets._playground import settings
from widgets._playground.controls import CONTROLS, make_control, options_for
from widgets._playground.export import export_code
from widgets._playground.settings import (
    ACTIVATIONS,
    OPTIMIZERS,
    SETTINGS,
    Choice,
    Config,
    make_config,
)
from widgets._playground.train import Run, single_threaded

pytestmark = pytest.mark.widgets  # the controls: also run under ipywidgets 7.7.1


@pytest.fixture
def new_entries(monkeypatch):
    """AdamW and GELU, added as one entry each."""
    monkeypatch.setitem(
        OPTIMIZERS, "adamw", Choice("AdamW", torch.optim.AdamW, {"weight_decay": 0.01})
    )
    monkeypatch.setitem(ACTIVATIONS, "gelu", Choice("GELU", nn.GELU))


def test_the_new_entries_are_refused_without_the_table_entry():
    for name, value in (("optimizer", "adamw"), ("activation", "gelu")):
        with pytest.raises(CourseValueError, match=name):
            make_config(**{name: value})


def test_a_new_optimizer_and_activation_are_offered_by_the_controls(new_entries):
    optimizer, activation = make_control("optimizer", "adamw"), make_control("activation", "gelu")
    assert isinstance(optimizer, ipywidgets.Dropdown) and isinstance(
        activation, ipywidgets.Dropdown
    )
    assert ("AdamW", "adamw") in optimizer.options and optimizer.value == "adamw"
    assert ("GELU", "gelu") in activation.options and activation.value == "gelu"
    assert ("Adam", "adam") in optimizer.options  # the others stay


def test_training_uses_the_new_entries(new_entries):
    run = Run(make_config(task="gaussians", optimizer="adamw", activation="gelu", lr=0.03))
    assert type(run.optimizer) is torch.optim.AdamW
    assert run.optimizer.defaults["weight_decay"] == 0.01
    assert any(isinstance(m, nn.GELU) for m in run.model)
    assert not any(isinstance(m, nn.Tanh) for m in run.model)
    run.train(100)
    run.evaluate()
    assert run.history.train[-1] < 0.5 * run.history.train[0]


def test_exported_code_contains_the_new_entries_and_runs(new_entries):
    config = make_config(task="gaussians", optimizer="adamw", activation="gelu", lr=0.03)
    code = export_code(config, steps=100)
    assert "torch.optim.AdamW(model.parameters(), lr=0.03, weight_decay=0.01)" in code
    assert "nn.GELU()" in code
    scope: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out), single_threaded():
        exec(compile(code, "<export>", "exec"), scope)
    assert type(scope["optimizer"]) is torch.optim.AdamW
    assert any(isinstance(m, nn.GELU) for m in scope["model"])
    losses = [float(line) for line in out.getvalue().splitlines() if re.fullmatch(r"[0-9.]+", line)]
    assert len(losses) >= 2 and losses[-1] < losses[0]
    # The exported model starts from the playground's own weights.
    head = code.split("loss_fn =")[0]
    fresh: dict = {}
    exec(compile(head, "<export>", "exec"), fresh)
    for p, q in zip(fresh["model"].parameters(), Run(config).model.parameters(), strict=True):
        assert torch.equal(p, q)


def test_every_config_field_has_one_setting_and_one_control():
    assert set(SETTINGS) == set(Config.__dataclass_fields__)
    assert set(CONTROLS) == {*SETTINGS, "preset"}
    for name, setting in SETTINGS.items():
        default = getattr(Config(), name)
        assert setting.check(name, default) == default, name
        control = make_control(name, default)
        assert control.value == default and control.description == str(setting.label), name


@pytest.mark.parametrize("name", ["hidden", "points", "noise", "lr"])
def test_a_slider_never_offers_a_value_the_check_refuses(name):
    setting = SETTINGS[name]
    control = make_control(name, getattr(Config(), name))
    if isinstance(control, ipywidgets.SelectionSlider):
        values = [v for _, v in control.options]
    else:
        values = [control.min, control.max]
    for value in values:
        assert setting.check(name, value) == value
    assert setting.low <= min(values) and max(values) <= setting.high


def test_choice_options_come_from_the_tables():
    assert [v for _, v in options_for("optimizer")] == list(OPTIMIZERS)
    assert [v for _, v in options_for("activation")] == list(ACTIVATIONS)
    batch_sizes = [v for _, v in options_for("batch_size")]
    assert batch_sizes == ["" if k is None else k for k in settings.BATCH_SIZES]  # "" is None
