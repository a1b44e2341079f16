"""The playground's widget layer, driven without a browser (ipywidgets 8 and 7.7.1)."""

from __future__ import annotations

import threading

import ipywidgets
import pytest

from tests.support.polling import settled, until
from widgets import CourseTypeError, CourseValueError, Playground, playground

pytestmark = pytest.mark.widgets
PNG = b"\x89PNG"


@pytest.fixture
def made():
    made: list[Playground] = []
    yield made
    for pg in made:
        pg.stop()


def test_focused_playground_shows_only_the_chosen_controls(made):
    pg = playground(task="xor", controls=("lr", "hidden"), max_steps=50)
    made.append(pg)
    assert list(pg.controls) == ["lr", "hidden"]
    assert isinstance(pg.controls["lr"], ipywidgets.SelectionSlider)  # a log scale of stops
    assert pg.controls["lr"].label == "0.03"  # exactly the value passed in code
    assert pg.controls["hidden"].value == 8 and len(pg.board.grid) == 60 * 60
    assert pg.picture().startswith(PNG)  # the static fallback
    assert "step 0" in pg.status.value


def test_full_playground_has_every_setting_and_the_buttons(made):
    pg = playground(max_steps=50)
    made.append(pg)
    assert {
        "task",
        "lr",
        "hidden",
        "layers",
        "activation",
        "optimizer",
        "batch_size",
        "noise",
        "test_fraction",
        "seed",
        "preset",
    } <= set(pg.controls)
    assert set(pg.buttons) == {"run", "pause", "reset", "export"}


def test_display_trains_a_preview_then_stops_within_its_budget(made):
    pg = playground(task="gaussians", max_steps=300, preview_steps=50)
    made.append(pg)
    bundle = pg._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == pg.box.model_id
    assert bundle["image/png"] and "step 50" in bundle["text/plain"]
    assert pg.wait(60) and pg.session.run.steps == 300
    assert "done" in pg.status.value


def test_moving_a_slider_starts_a_new_run_whose_loss_falls(made):
    pg = playground(task="circle", max_steps=200, preview_steps=0)
    made.append(pg)
    pg.start()
    assert pg.wait(60)
    first, grid, frame = pg.session.run, pg.board.grid, pg.board.frame
    pg.controls["hidden"].value = 4
    assert pg.session.run is not first and pg.session.run.config.hidden == 4  # at once
    assert pg.wait(60)
    run = pg.session.run
    assert run is not first and run.config.hidden == 4 and run.steps == 200
    assert run.history.train[-1] < run.history.train[0]
    assert pg.board.grid != grid and pg.board.frame > frame


def test_preset_sets_the_other_controls(made):
    pg = playground(max_steps=20, preview_steps=0)
    made.append(pg)
    pg.controls["preset"].value = "original_xor"
    assert pg.controls["task"].value == "xor4" and pg.controls["hidden"].value == 3
    assert pg.controls["activation"].value == "sigmoid" and pg.controls["lr"].value == 0.1
    assert pg.wait(60) and pg.session.run.config.loss == "mse"


def test_learning_rate_10_shows_diverged_and_the_widget_still_works(made):
    pg = playground(task="xor", optimizer="adam", max_steps=500, preview_steps=0)
    made.append(pg)
    pg.controls["lr"].value = 10.0
    assert pg.wait(60) and "diverged" in pg.status.value
    pg.controls["lr"].value = 0.1
    assert pg.wait(60) and "done" in pg.status.value


def test_lr_slider_spans_1e_4_to_100_and_its_top_diverges_then_recovers(made):
    pg = playground(task="xor", max_steps=300, preview_steps=0)
    made.append(pg)
    lr = pg.controls["lr"]
    values = [v for _, v in lr.options]
    assert values[0] == 1e-4 and values[-1] >= 30 and values == sorted(values)
    assert {0.001, 0.01, 0.03, 0.1, 1.0, 10.0, 30.0, 100.0} <= set(values)
    lr.value = values[-1]
    assert pg.wait(60) and "diverged" in pg.status.value
    lr.value = 0.03
    assert pg.wait(60) and "done" in pg.status.value
    assert pg.session.run.history.accuracy[-1] > 0.9


@pytest.mark.parametrize("lr", [0.03, 0.0123, 1e-5, 7.5])
def test_lr_slider_shows_exactly_the_value_set_in_code(made, lr):
    pg = playground(lr=lr, controls=("lr",), max_steps=10, preview_steps=0)
    made.append(pg)
    assert pg.controls["lr"].value == lr and pg.controls["lr"].label == f"{lr:g}"
    pg.set(lr=0.3)
    assert pg.controls["lr"].value == 0.3 and pg.controls["lr"].label == "0.3"


def test_buttons_pause_run_and_reset(made):
    pg = playground(task="gaussians", max_steps=100000, preview_steps=0)
    made.append(pg)
    pg.buttons["run"].click()
    assert until(lambda: pg.session.run.steps > 0)
    pg.buttons["pause"].click()
    run = pg.session.run
    steps = settled(lambda: run.steps)  # the chunk in flight finishes, then nothing moves
    assert "paused" in pg.status.value and steps > 0
    pg.buttons["reset"].click()
    assert until(lambda: pg.session.run is not run)
    assert run.steps == steps
    pg.stop()
    assert pg.wait(10)


def test_export_button_shows_runnable_code(made):
    pg = playground(task="spiral", layers=2, max_steps=10, preview_steps=0)
    made.append(pg)
    assert pg.code.layout.display == "none"
    pg.buttons["export"].click()
    assert pg.code.layout.display != "none"
    assert "nn.Linear(8, 8)" in pg.code.value and "def spiral(" in pg.code.value
    compile(pg.code.value, "<export>", "exec")


def test_wider_initial_values_widen_the_sliders(made):
    pg = playground(hidden=128, lr=1e-5, max_steps=10, preview_steps=0)
    made.append(pg)
    assert pg.controls["hidden"].value == 128 and pg.controls["lr"].value == pytest.approx(1e-5)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        (dict(lr=0), CourseValueError),
        (dict(hidden=0), CourseValueError),
        (dict(task="moons"), CourseValueError),
        (dict(controls="lr"), CourseTypeError),
        (dict(controls=("lr", "speed")), CourseValueError),
        (dict(max_steps=0), CourseValueError),
        (dict(lr=float("nan")), CourseValueError),
    ],
)
def test_bad_arguments_raise_course_errors(kwargs, error):
    with pytest.raises(error):
        playground(**kwargs)


def test_set_refuses_bad_values_and_keeps_the_old_config(made):
    pg = playground(max_steps=10, preview_steps=0)
    made.append(pg)
    with pytest.raises(CourseValueError):
        pg.set(lr=-1)
    assert pg.config.lr == 0.03


def test_no_trainer_threads_remain_after_the_budget(made):
    pg = playground(task="gaussians", max_steps=40, preview_steps=10)
    made.append(pg)
    pg._repr_mimebundle_()
    assert pg.wait(60)
    assert until(lambda: not [t for t in threading.enumerate() if "_loop" in t.name], timeout=10)


def test_a_change_shows_the_new_untrained_model_before_any_step(made):
    pg = playground(task="circle", max_steps=10**6, preview_steps=0)
    made.append(pg)
    pg.start()
    assert until(lambda: pg.session.run.steps > 0)
    pg.controls["activation"].value = "relu"
    pg.controls["activation"].value = "tanh"  # within the debounce: merged, still drawn now
    run = pg.session.run
    assert run.config.activation == "tanh" and run.steps == 0 and pg.frames.shown is run
    assert pg.board.curves and len(pg.board.curves) == 3 * 4  # one row: step 0


def test_the_menus_show_their_choice_for_none(made):
    pg = playground(batch_size=None, max_steps=10, preview_steps=0)
    made.append(pg)
    for name in ("preset", "batch_size"):
        assert pg.controls[name].index == 0 and pg.controls[name].label  # not an empty box
    pg.controls["batch_size"].value = 8
    assert pg.session.config.batch_size == 8
    pg.controls["batch_size"].index = 0
    assert pg.session.config.batch_size is None and pg.controls["batch_size"].label


def test_a_second_playground_pauses_the_first_and_its_status_says_so(made):
    first = playground(task="spiral", max_steps=10**6, preview_steps=0)
    second = playground(task="circle", max_steps=10**6, preview_steps=0)
    made += [first, second]
    first.start()
    assert until(lambda: first.session.run.steps > 0)
    second.start()
    assert "another playground" in first.status.value
    assert "another playground" not in second.status.value
