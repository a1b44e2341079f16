"""``live_loss``: recording (no drawing), throttling, outputs, bad inputs, properties."""

from __future__ import annotations

import base64
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import CourseTypeError, CourseValueError, LiveLoss, live_loss
from widgets._i18n import set_lang
from widgets._live_loss.history import DivergenceRule, History
from widgets._live_loss.outputs import NotebookOutput, TextOutput
from widgets._live_loss.plot import DRAW_SHARE

PNG = b"\x89PNG\r\n\x1a\n"


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FakeOutput:
    """Records each send; a send may 'take' some seconds of the fake clock."""

    def __init__(self, clock: FakeClock | None = None, cost: float = 0.0) -> None:
        self.sends: list[tuple[int, bool]] = []
        self.clock, self.cost = clock, cost

    def send(self, plot: LiveLoss, final: bool) -> None:
        self.sends.append((plot.history.updates, final))
        if self.clock:
            self.clock.now += self.cost


def clocked(cost: float = 0.0, **kwargs) -> tuple[LiveLoss, FakeClock, FakeOutput]:
    clock = FakeClock()
    out = FakeOutput(clock, cost)
    plot = live_loss(output=out, **kwargs)
    plot._clock = clock
    plot._cost = 0.05  # as in a fresh process, before any figure was rendered
    return plot, clock, out


# --- recording -------------------------------------------------------------------------


def test_records_series_in_order_with_their_panels():
    history = History()
    history.record(0, train=1.0, val=2.0, acc=0.1)
    history.record(5, train=0.5)
    history.record(10, train=0.25, val=1.0, acc=None)
    assert history["train"].points() == [(0, 1.0), (5, 0.5), (10, 0.25)]
    assert history["val"].points() == [(0, 2.0), (10, 1.0)]
    assert history["acc"].points() == [(0, 0.1)]
    assert list(history.panels()) == ["loss", "accuracy"]
    assert history.summary() == "step 10 · train 0.25 · val 1 · acc 0.1"


def test_one_element_tensors_and_numpy_scalars_become_floats():
    history = History()
    loss = torch.tensor(0.5, requires_grad=True) * 2
    history.record(np.int64(3), a=loss, b=np.float32(0.25), c=np.array([2.0]), d=torch.ones(1, 1))
    assert [history[k].y[0] for k in "abcd"] == [1.0, 0.25, 2.0, 1.0]
    assert all(type(history[k].y[0]) is float for k in "abcd")
    assert history["a"].x == [3]


def test_step_defaults_to_one_more_than_the_last():
    history = History(x="epoch")
    history.record(train=1.0)
    history.record(train=0.5)
    history.record(2.5, train=0.4)
    history.record(train=0.3)
    assert history["train"].x == [1, 2, 2.5, 3.5]


def test_explicit_panels_override_the_default():
    history = History(panels={"lr": "learning rate", "train_acc": "loss"})
    history.record(0, train=1.0, lr=0.1, train_acc=0.3)
    assert {k: s.panel for k, s in history.items()} == {
        "train": "loss",
        "lr": "learning rate",
        "train_acc": "loss",
    }


def test_nan_and_inf_are_recorded_and_the_first_is_reported():
    plot = live_loss(output="none")
    plot.update(0, train=1.0)
    assert plot.diverged is None
    plot.update(1, train=float("inf"), val=1.0)
    plot.update(2, train=float("nan"))
    assert plot.history["train"].y[1:] == [math.inf, pytest.approx(math.nan, nan_ok=True)]
    assert (plot.diverged.series, plot.diverged.step) == ("train", 1)
    assert str(plot.diverged) == "Diverged: train became inf (step 1)"
    set_lang("ja")
    assert str(plot.diverged) == "発散しました: train が inf になりました（ステップ 1）"


def test_a_bad_value_records_nothing_of_its_update():
    history = History()
    with pytest.raises(CourseTypeError):
        history.record(0, train=1.0, val="0.5")
    assert len(history) == 0 and history.last_x is None


# --- throttling ------------------------------------------------------------------------


def test_redraws_are_throttled_and_the_last_point_drawn_on_close():
    plot, clock, out = clocked(every=0.5)
    for t in [0.0, 0.1, 0.3, 1.2, 2.4]:
        clock.now = t
        plot.update(train=1.0)
    # The first redraw waits until it and the closing one (50 ms each, as is typical) fit
    # in 4 % of the time: a loop of a second or two draws once, when it ends.
    assert out.sends == []
    clock.now = 2.5
    plot.update(train=1.0)
    clock.now = 2.9
    plot.update(train=1.0)
    assert out.sends == [(6, False)]  # a quick redraw: the next one is due `every` later
    clock.now = 3.0
    plot.update(train=1.0)
    assert out.sends == [(6, False), (8, False)]
    plot.close()  # everything is already drawn
    assert len(out.sends) == 2
    clock.now = 3.1
    plot.update(train=1.0)
    plot.close()
    assert out.sends[-1] == (9, True)


def test_slow_redraws_are_spaced_out_to_keep_drawing_cheap():
    plot, clock, out = clocked(cost=0.2, every=0.5)  # 0.2 s per redraw
    plot.update(train=1.0)
    for _ in range(200):
        clock.now += 0.1
        plot.update(train=1.0)
    live = len(out.sends)
    plot.close()
    assert live == 3  # at about 2.5, 15 and 20 s: not every 0.5 s
    assert 0.2 * len(out.sends) <= DRAW_SHARE * clock.now  # the closing redraw included


def test_context_manager_draws_at_exit_even_after_an_error():
    plot, _, out = clocked()
    with pytest.raises(KeyboardInterrupt), plot:
        plot.update(0, train=1.0)
        raise KeyboardInterrupt
    assert out.sends == [(1, True)]


def test_reset_starts_again_from_step_zero():
    plot, _, _ = clocked()
    plot.update(10, train=1.0)
    plot.reset()
    plot.update(0, train=2.0)
    assert plot.history["train"].points() == [(0, 2.0)]


# --- outputs ---------------------------------------------------------------------------


class FakeHandle:
    def __init__(self) -> None:
        self.updates: list[dict] = []

    def update(self, bundle: dict, raw: bool) -> None:
        self.updates.append(bundle)


@pytest.mark.widgets
def test_notebook_output_displays_once_then_updates_in_place():
    shown: list[tuple[dict, dict]] = []
    handle = FakeHandle()

    def display(bundle, **kwargs):
        shown.append((bundle, kwargs))
        return handle

    plot, clock, _ = clocked()
    plot.output = NotebookOutput(display)
    for step in range(30):
        clock.now = step * 0.1
        plot.update(step, train=1 / (step + 1))
    plot.close()
    assert len(shown) == 1 and shown[0][1] == {"raw": True, "display_id": True}
    assert len(handle.updates) == plot.redraws - 1 >= 1
    final = handle.updates[-1]
    assert base64.b64decode(final["image/png"]).startswith(PNG)
    assert final["text/plain"] == "step 29 · train 0.03333"


@pytest.mark.widgets
def test_draws_into_an_ipywidgets_image():
    import ipywidgets

    image = ipywidgets.Image()
    with live_loss(output=image) as plot:
        plot.update(0, train=1.0, acc=0.5)
    assert image.format == "png"
    assert bytes(image.value).startswith(PNG)


def test_scripts_get_text_lines_and_a_saved_png(tmp_path):
    lines: list[str] = []
    path = tmp_path / "curve.png"
    plot = live_loss(output=TextOutput(lines.append), save=path)
    plot.update(0, train=1.0)
    plot.update(1, train=float("nan"))
    plot.close()
    assert lines == [
        "step 1 · train nan",
        "! Diverged: train became nan (step 1)",
        f"Saved the training curve to {path}",
    ]
    assert path.read_bytes().startswith(PNG)


def test_auto_output_is_text_outside_a_kernel():
    assert isinstance(live_loss().output, TextOutput)


def test_the_figure_and_its_lines_are_reused_between_redraws():
    plot = live_loss(output="none", log_scale=True)
    plot.update(0, train=1.0, val=0.0)  # 0 cannot show on a log axis: dropped, no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        first = plot.to_png()
    figure, line = plot._figure.figure, plot._figure.panels["loss"].lines["train"]
    plot.update(1, train=0.5, val=-1.0)
    assert plot.to_png() != first
    assert plot._figure.figure is figure and plot._figure.panels["loss"].lines["train"] is line
    assert list(line.get_xdata()) == [0, 1]
    plot.update(2, acc=0.5)  # a new panel: the axes are rebuilt once
    plot.to_png()
    assert plot._figure.layout == ("en", "light", ("loss", "train", "val"), ("accuracy", "acc"))


def test_plots_sharing_a_figure_each_show_their_own_data():
    diverged, fine = live_loss("shared", output="none"), live_loss("shared", output="none")
    assert diverged._figure is fine._figure  # building axes costs as much as a redraw
    diverged.update(0, train=math.nan)
    fine.update(0, train=1.0)
    fine.update(1, train=0.5)
    diverged.to_png()
    panel = diverged._figure.panels["loss"]
    assert "nan" in panel.note.get_text() and panel.note.get_visible()
    fine.to_png()
    assert panel.note is None and list(panel.lines["train"].get_xdata()) == [0, 1]


# --- bad inputs ------------------------------------------------------------------------

BAD_INPUTS = [
    (lambda: live_loss(every=0), CourseValueError, "every must be greater than 0"),
    (lambda: live_loss(every=-1), CourseValueError, "every must be greater than 0"),
    (lambda: live_loss(every="fast"), CourseTypeError, "every must be a number"),
    (lambda: live_loss(every=math.inf), CourseValueError, "every is NaN or infinite"),
    (lambda: live_loss(x="time"), CourseValueError, "x cannot be 'time'"),
    (lambda: live_loss(log_scale="yes"), CourseTypeError, "log_scale must be True or False"),
    (lambda: live_loss(title=3), CourseTypeError, "title must be a string or None"),
    (lambda: live_loss(panels=["acc"]), CourseTypeError, "panels must be a dict"),
    (lambda: live_loss(panels={"a": ""}), CourseTypeError, "panels must be a dict"),
    (lambda: live_loss(output="screen"), CourseValueError, "output cannot be 'screen'"),
    (lambda: live_loss(output=42), CourseValueError, "output cannot be '42'"),
    (lambda: live_loss(save=1), CourseTypeError, "save must be a file path"),
    (lambda: live_loss(save="/no/such/dir/x.png"), CourseValueError, "does not exist"),
    # save(path) needs a path: None was an AttributeError (found by mypy)
    (lambda: live_loss(output="none").save(None), CourseTypeError, "path must be a file path"),
]
BAD_UPDATES = [
    ({}, CourseValueError, "Nothing to record"),
    ({"train": "0.5"}, CourseTypeError, "train must be a number (got str)"),
    ({"train": True}, CourseTypeError, "train must be a number (got bool)"),
    ({"train": 1j}, CourseTypeError, "train must be a number (got complex)"),
    ({"train": [0.5]}, CourseTypeError, "train must be a number (got list)"),
    ({"train": torch.ones(3)}, CourseValueError, "tensor of shape (3,)"),
    ({"train": torch.ones(0)}, CourseValueError, "tensor of shape (0,)"),
    ({"train": np.zeros((2, 2))}, CourseValueError, "tensor of shape (2, 2)"),
    ({"train": torch.tensor(True)}, CourseTypeError, "train must be a number (got Tensor)"),
    ({"step": -1, "train": 1.0}, CourseValueError, "step must be at least 0"),
    ({"step": math.nan, "train": 1.0}, CourseValueError, "step is NaN or infinite"),
    ({"step": "1", "train": 1.0}, CourseTypeError, "step must be a number"),
    ({"step": 4, "train": 1.0}, CourseValueError, "went back from 5 to 4"),
    ({"a": 1, "b": 1, "acc": 1, "c": 1}, CourseValueError, "At most 3 panels"),
]


@pytest.mark.parametrize("make,error,fragment", BAD_INPUTS)
def test_bad_arguments_are_explained(make, error, fragment):
    with pytest.raises(error, match=None) as info:
        make()
    assert fragment in str(info.value)


@pytest.mark.parametrize("kwargs,error,fragment", BAD_UPDATES)
def test_bad_updates_are_explained(kwargs, error, fragment):
    plot = live_loss(output="none", panels={"a": "A", "b": "B", "c": "C"})
    plot.update(5, other=1.0)
    with pytest.raises(error) as info:
        plot.update(kwargs.pop("step", 6), **kwargs)
    assert fragment in str(info.value)
    assert plot.history.updates == 1  # nothing half-recorded


def test_unnamed_values_are_explained():
    with pytest.raises(CourseTypeError, match=r"Name each value.*train=0.5"):
        live_loss(output="none").update(0, 0.5)


def test_errors_speak_japanese_too():
    set_lang("ja")
    with pytest.raises(CourseValueError, match="数を 1 つ渡してください"):
        live_loss(output="none").update(0, train=torch.ones(2))


# --- properties ------------------------------------------------------------------------

values = st.one_of(
    st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**6), 10**6)
)
updates = st.lists(
    st.tuples(
        st.one_of(st.none(), st.floats(0, 3)),  # step increment, or automatic
        st.dictionaries(st.sampled_from(["train", "val", "acc"]), values, min_size=1),
    ),
    max_size=40,
)


@given(updates)
@settings(max_examples=150, deadline=None)
def test_every_value_is_kept_in_order(sequence):
    plot = live_loss(output="none")
    step, expected, first_bad = 0.0, {}, None
    for increment, point in sequence:
        if increment is not None:
            step += increment
        plot.update(None if increment is None else step, **point)
        if increment is None and plot.history.last_x is not None:
            step = plot.history.last_x
        for name, value in point.items():
            if value is None:
                continue
            expected.setdefault(name, []).append(float(value))
            if first_bad is None and not math.isfinite(value):
                first_bad = name
    assert set(plot.history) == set(expected)
    for name, ys in expected.items():
        series = plot.history[name]
        assert np.array_equal(series.y, ys, equal_nan=True)
        assert len(series.x) == len(ys)
        assert series.x == sorted(series.x)
    assert (plot.diverged.series if plot.diverged else None) == first_bad


def test_one_divergence_rule_serves_live_loss_and_the_playground():
    """No factor (live loss): only NaN/inf. A factor (the playground's 10 on its train
    loss): also a value above factor × the series' first value; other series only NaN/inf."""
    plain = History()
    plain.record(0, train=1.0)
    plain.record(1, train=1e6)
    assert plain.diverged is None
    ruled = History(rule=DivergenceRule(factor=10, only=("train",)))
    ruled.record(0, train=1.0, test=1.0)
    ruled.record(1, train=9.0, test=50.0)  # test is not held to the factor
    assert ruled.diverged is None
    assert not ruled.watch("train", 2, 9.9) and ruled.watch("train", 3, 10.5)
    assert (ruled.diverged.series, ruled.diverged.step) == ("train", 3)
    assert ruled.train == [1.0, 9.0]  # watched values are checked, not stored
    nan = History(rule=DivergenceRule(factor=10, only=("train",)))
    nan.record(0, train=1.0, test=1.0)
    nan.record(1, train=1.0, test=math.nan)
    assert nan.diverged.series == "test" and "nan" in str(nan.diverged)


@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),
            st.dictionaries(
                st.sampled_from(["train", "val", "acc"]),
                st.floats(allow_nan=True, allow_infinity=True) | st.none(),
                min_size=1,
            ),
        ),
        max_size=30,
    )
)
@settings(max_examples=150, deadline=None)
def test_the_quick_path_records_as_the_general_one(sequence):
    """Plain ints and floats take ``History``'s quick path; NumPy scalars the general one."""
    rule = DivergenceRule(factor=10, only=("train",))
    quick, general = History(rule=rule), History(rule=rule)
    step = 0
    for increment, point in sequence:
        step += increment
        quick.record(step, **point)
        general.record(np.int64(step), **{k: v and np.float64(v) for k, v in point.items()})
    assert list(quick) == list(general) and quick.updates == general.updates
    for name in quick:
        assert quick[name].x == general[name].x
        assert np.array_equal(quick[name].y, general[name].y, equal_nan=True)
    assert repr(quick.diverged) == repr(general.diverged)  # NaN != NaN, but reprs match
