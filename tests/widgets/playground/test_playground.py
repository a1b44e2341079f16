"""The playground's plain-Python layer: data, config checks, training runs, sessions, export."""

from __future__ import annotations

import contextlib
import io
import math
import re
import subprocess
import sys
import threading
import time

import pytest
import torch

from tests.support import ROOT
from tests.support.polling import settled, until
from widgets._i18n import CourseTypeError, CourseValueError, set_lang
from widgets._playground.export import export_code
from widgets._playground.session import (
    DIVERGED,
    DONE,
    PAUSED,
    RUNNING,
    WAITING,
    YIELDED,
    Session,
)
from widgets._playground.settings import PRESETS, Config, make_config
from widgets._playground.tasks import TASKS, make_data
from widgets._playground.train import Run, single_threaded


@pytest.mark.parametrize("task", sorted(TASKS))
def test_every_task_gives_2d_points_with_one_target(task):
    x_train, y_train, x_test, y_test = make_data(make_config(task=task, points=100))
    assert x_train.shape[1] == 2 and y_train.shape == (len(x_train), 1)
    assert x_test.shape[1] == 2 and y_test.shape == (len(x_test), 1)
    assert torch.isfinite(x_train).all() and torch.isfinite(y_train).all()
    if task != "xor4":
        assert len(x_test) == 20 and len(x_train) == 80
    if task != "regression":
        assert set(y_train.flatten().tolist()) == {0.0, 1.0}


def test_same_seed_same_run_and_the_global_rng_is_left_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    a, b = (
        train(make_config(task="xor", layers=2), 30),
        train(make_config(task="xor", layers=2), 30),
    )
    assert torch.equal(torch.rand(3), expected)
    for p, q in zip(a.model.parameters(), b.model.parameters(), strict=True):
        assert torch.equal(p, q)


def test_exported_model_starts_from_the_playground_weights():
    config = make_config(task="circle", layers=2, hidden=5)
    head = export_code(config).split("loss_fn =")[0]  # data and model, before training
    scope: dict = {}
    exec(compile(head, "<export>", "exec"), scope)
    for p, q in zip(scope["model"].parameters(), Run(config).model.parameters(), strict=True):
        assert torch.equal(p, q)


def test_same_seed_same_data_other_seed_other_data():
    a, b = make_data(make_config(task="spiral")), make_data(make_config(task="spiral"))
    c = make_data(make_config(task="spiral", seed=1))
    assert torch.equal(a[0], b[0]) and not torch.equal(a[0], c[0])


def test_regression_is_the_source_surface_and_scale_divides_by_10():
    raw = make_data(make_config(task="regression", noise=0.0, scale=False))
    scaled = make_data(make_config(task="regression", noise=0.0, scale=True))
    x, y = raw[0], raw[1]
    assert torch.allclose(y, 2 * x.norm(dim=1, keepdim=True), atol=1e-5)
    assert torch.allclose(scaled[0], x / 10) and torch.allclose(scaled[1], y / 10)


BAD = [
    (dict(lr=0), CourseValueError),
    (dict(lr=-0.1), CourseValueError),
    (dict(lr=float("nan")), CourseValueError),
    (dict(lr=float("inf")), CourseValueError),
    (dict(lr="0.1"), CourseTypeError),
    (dict(lr=True), CourseTypeError),
    (dict(hidden=0), CourseValueError),
    (dict(hidden=2.5), CourseTypeError),
    (dict(layers=0), CourseValueError),
    (dict(layers=7), CourseValueError),
    (dict(task="moons"), CourseValueError),
    (dict(task=None), CourseValueError),
    (dict(activation="gelu"), CourseValueError),
    (dict(optimizer="lbfgs"), CourseValueError),
    (dict(batch_size=0), CourseValueError),
    (dict(noise=-0.1), CourseValueError),
    (dict(noise=float("nan")), CourseValueError),
    (dict(test_fraction=1.0), CourseValueError),
    (dict(points=5), CourseValueError),
    (dict(seed=-1), CourseValueError),
    (dict(scale="yes"), CourseTypeError),
    (dict(loss="hinge"), CourseValueError),
    (dict(bogus=1), CourseValueError),
    (dict(preset="tf"), CourseValueError),
]


@pytest.mark.parametrize(("kwargs", "error"), BAD, ids=[str(k) for k, _ in BAD])
def test_bad_settings_give_a_clear_error_in_both_languages(kwargs, error):
    name = next(iter(kwargs))
    with pytest.raises(error) as english:
        make_config(**kwargs)
    assert name in str(english.value) and re.search(r"[A-Za-z]{4}", str(english.value))
    set_lang("ja")
    with pytest.raises(error) as japanese:
        make_config(**kwargs)
    assert re.search(r"[ぁ-んァ-ン一-龥]", str(japanese.value)), str(japanese.value)


def test_presets_reproduce_the_source_material_setups():
    xor = make_config(preset="original_xor")
    assert (xor.task, xor.hidden, xor.activation, xor.optimizer, xor.lr, xor.loss) == (
        "xor4",
        3,
        "sigmoid",
        "sgd",
        0.1,
        "mse",
    )
    reg = make_config(preset="original_regression")
    assert (reg.hidden, reg.activation, reg.optimizer, reg.lr, reg.scale) == (
        3,
        "sigmoid",
        "sgd",
        0.01,
        False,
    )
    assert set(PRESETS) == {"original_xor", "good_xor", "original_regression", "good_regression"}


def train(config: Config, steps: int) -> Run:
    run = Run(config)
    run.train(steps)
    run.evaluate()
    return run


def test_good_xor_preset_learns_within_a_few_hundred_steps_original_does_not():
    good, original = (
        train(make_config(preset="good_xor"), 300),
        train(make_config(preset="original_xor"), 300),
    )
    assert good.history.train[-1] < 1e-3 < original.history.train[-1]
    assert good.history.accuracy[-1] == 1.0


def test_original_regression_stalls_and_the_better_preset_does_not():
    original = train(make_config(preset="original_regression"), 300)
    good = train(make_config(preset="good_regression"), 300)
    assert original.history.train[-1] > 10  # stuck in the original units
    assert good.history.train[-1] < 2 and good.history.accuracy[-1] > 0.9  # R²


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam", "rmsprop"])
def test_each_optimizer_lowers_the_loss_on_gaussians(optimizer):
    lr = {"sgd": 0.5, "momentum": 0.1, "adam": 0.03, "rmsprop": 0.01}[optimizer]
    run = train(make_config(task="gaussians", optimizer=optimizer, lr=lr), 100)
    assert run.history.train[-1] < 0.5 * run.history.train[0]


def test_huge_learning_rate_is_reported_as_diverged():
    run = Run(make_config(preset="original_regression", lr=10.0))
    for _ in range(20):
        run.train(1)
        run.evaluate()
    assert run.diverged


def test_minibatches_cover_the_training_set_each_epoch():
    run = Run(make_config(task="circle", batch_size=32))
    seen = [run.next_batch()[0] for _ in range(10)]  # 320 training points / 32
    assert torch.cat(seen).shape == run.x_train.shape
    assert torch.equal(torch.cat(seen).sort(dim=0).values, run.x_train.sort(dim=0).values)
    assert run.epochs == 0 and train(run.config, 10).epochs == 1.0


def test_a_halted_run_stops_before_its_next_step():
    run = Run(make_config(task="xor"))
    asked = []

    def halt() -> bool:  # asked before each step; true from the fourth question on
        asked.append(run.steps)
        return len(asked) > 3

    run.train(1000, halt=halt)
    assert run.steps == 3 and asked == [0, 1, 2, 3]
    run.train(5)  # no halt: all of them
    assert run.steps == 8


def test_pause_and_stop_halt_the_chunk_in_flight():
    session = Session(make_config(task="spiral"), max_steps=10**7)
    halts = []
    train = Run.train

    def watched(run, n, halt=None):  # what the trainer checks before each step
        halts.append(halt)
        train(run, n, halt)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Run, "train", watched)
        session.start()
        assert until(lambda: halts and session.run.steps > 0)
        halt = halts[-1]
        assert halt is not None and not halt()  # training: go on
        session.pause()
        assert halt()  # the chunk in flight ends before its next step
        session.proceed()
        assert not halt()
        session.stop()
        assert halt()
        assert session.wait(10)


def updates(session_kwargs=None, **config):
    seen: list[tuple[int, int]] = []
    options = dict(debounce=0.05, interval=0.0) | (session_kwargs or {})
    session = Session(
        make_config(**config), on_update=lambda s: seen.append((id(s.run), s.run.steps)), **options
    )
    return session, seen


def test_a_session_trains_in_the_background_and_stops_by_itself():
    session, seen = updates(dict(max_steps=200), task="gaussians")
    session.start()
    assert session.wait(30)
    assert session.status == DONE and session.run.steps == 200
    assert session.run.history.train[-1] < session.run.history.train[0]
    assert seen[0][1] == 0 and seen[-1][1] == 200  # the untrained model first, then trained


def test_training_threads_are_stopped_before_the_interpreter_exits():
    """A daemon thread still inside torch at shutdown can abort the process (exit 134)."""
    from widgets._playground import session as module

    sessions = [Session(make_config(task="spiral"), max_steps=10**7) for _ in range(2)]
    for session in sessions:  # the second pauses the first: its thread waits, still alive
        session.start()
        until(lambda session=session: session.run.steps > 0)
    assert sessions[0].status == YIELDED and sessions[0]._thread.is_alive()
    threads = [session._thread for session in sessions]
    module._stop_all()  # what atexit runs
    assert not any(thread.is_alive() for thread in threads)
    assert all(session.status != RUNNING for session in sessions)


def test_wait_after_stop_waits_for_the_stopped_thread():
    session = Session(make_config(task="spiral"), max_steps=10**7)
    session.start()
    until(lambda: session.run and session.run.steps > 0)
    thread = session._thread
    session.stop()
    assert session.wait(10) and not thread.is_alive()


def test_a_script_that_exits_while_training_exits_cleanly():
    script = (
        "import time\n"
        "from widgets._playground.session import Session\n"
        "from widgets._playground.settings import make_config\n"
        "session = Session(make_config(task='spiral'), max_steps=10**7)\n"
        "session.start()\n"
        "time.sleep(0.5)\n"  # then exit with the thread inside torch
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-500:]


def test_changing_a_setting_cancels_the_run_and_a_new_one_trains():
    session, _ = updates(dict(max_steps=100000), task="xor", lr=0.001)
    session.start()
    assert until(lambda: session.run.steps > 0)
    old = session.run
    session.set(lr=0.05)
    steps_at_cancel = old.steps
    assert until(lambda: session.run is not old and len(session.run.history.train) >= 3)
    assert until(lambda: session.run.history.train[-1] < session.run.history.train[0])
    session.stop()
    assert old.steps <= steps_at_cancel + 2000  # at most the chunk in flight
    assert session.run.config.lr == 0.05


def test_first_change_restarts_at_once_and_quick_changes_merge_into_one_more_run():
    seen: list[int] = []
    session = Session(
        make_config(task="gaussians"),
        max_steps=50,
        debounce=0.2,
        on_update=lambda s: seen.append(s.run.config.hidden),
    )
    session.set(hidden=2)  # leading edge: a new run at once
    assert session.status == RUNNING and session.run.config.hidden == 2
    for hidden in (3, 4, 5):  # while the slider is dragged: merged (trailing edge)
        session.set(hidden=hidden)
    assert session.status == WAITING
    assert session.wait(30)
    assert session.run.config.hidden == 5 and seen[-1] == 5
    assert [h for h in seen if h in (3, 4)] == [3, 4]  # each new model shown once, at once
    assert set(seen) <= {2, 3, 4, 5}


def test_divergence_stops_the_run_and_the_session_stays_usable():
    session, _ = updates(dict(max_steps=500), task="xor", lr=10.0, optimizer="adam")
    session.start()
    assert session.wait(30) and session.status == DIVERGED
    assert session.run.steps < 500
    session.set(lr=0.05, optimizer="adam")
    assert session.wait(30) and session.status == DONE


def test_pause_and_run_continue_the_same_run():
    session, _ = updates(dict(max_steps=100000), task="gaussians")
    session.start()
    assert until(lambda: session.run.steps > 0)
    session.pause()
    run = session.run
    steps = settled(lambda: run.steps)  # the chunk in flight finishes, then nothing moves
    assert session.status == PAUSED
    session.proceed()
    assert until(lambda: run.steps > steps)
    assert session.status == RUNNING and session.run is run
    session.stop()
    assert session.wait(10)


def test_no_trainer_thread_is_left_behind():
    session, _ = updates(dict(max_steps=30), task="gaussians")
    session.start()
    assert session.wait(30)
    assert until(lambda: not [t for t in threading.enumerate() if "_loop" in str(t)], timeout=10)


def run_export(code: str) -> list[str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), single_threaded():  # as the playground trains
        exec(compile(code, "<export>", "exec"), {})
    return out.getvalue().splitlines()


@pytest.mark.parametrize(
    "settings",
    [
        dict(task="circle"),
        dict(preset="good_xor"),
        dict(preset="good_regression"),
        dict(task="spiral", layers=2, optimizer="momentum", lr=0.1, batch_size=16),
    ],
    ids=["circle", "good_xor", "good_regression", "spiral"],
)
def test_exported_code_runs_and_its_loss_falls(settings):
    config = make_config(**settings)
    lines = run_export(export_code(config, steps=200))
    losses = [float(line) for line in lines if re.fullmatch(r"[0-9.]+", line)]
    assert len(losses) >= 2 and losses[-1] < losses[0]
    test_loss = float(next(line for line in lines if line.startswith("test loss")).split()[-1])
    assert math.isfinite(test_loss)


def test_exported_data_matches_the_playground_data():
    config = make_config(task="spiral", noise=0.1, seed=3)
    code = export_code(config, steps=1)
    scope: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<export>", "exec"), scope)
    x_train, _, x_test, _ = make_data(config)
    assert torch.equal(scope["x_train"], x_train) and torch.equal(scope["x_test"], x_test)


def test_starting_a_session_pauses_the_one_training_and_it_says_so():
    said: list[str] = []
    first = Session(
        make_config(task="spiral"), max_steps=10**7, on_update=lambda s: said.append(s.status)
    )
    second = Session(make_config(task="circle"), max_steps=10**7)
    try:
        first.start()
        assert until(lambda: first.run.steps > 0)
        second.start()
        assert first.status == YIELDED and said[-1] == YIELDED  # told, so its widget shows it
        steps = settled(lambda: first.run.steps)
        assert until(lambda: second.run.steps > 0) and first.run.steps == steps
        first.proceed()  # Run on the first: it trains again and the second gives way
        assert first.status == RUNNING and second.status == YIELDED
        assert until(lambda: first.run.steps > steps)
    finally:
        first.stop()
        second.stop()
    assert first.wait(10) and second.wait(10)
    assert first.status == second.status == "stopped"


def test_a_start_pending_after_a_drag_yields_to_a_playground_started_since():
    dragged = Session(make_config(task="xor"), max_steps=10**7, debounce=0.3)
    pressed = Session(make_config(task="circle"), max_steps=10**7)
    try:
        dragged.set(hidden=3)  # starts at once
        dragged.set(hidden=4)  # within the drag: its start waits for the drag to end
        assert dragged.status == WAITING
        pressed.start()  # Run on another playground meanwhile
        assert dragged.status == YIELDED and dragged.run.config.hidden == 4
        time.sleep(0.5)  # past the drag's end: no start takes the turn back
        assert pressed.status == RUNNING and dragged.status == YIELDED
        assert dragged.run.steps == 0 and until(lambda: pressed.run.steps > 0)
        dragged.proceed()  # Run on the dragged one: its new run trains
        assert until(lambda: dragged.run.steps > 0) and dragged.run.config.hidden == 4
        assert pressed.status == YIELDED
    finally:
        dragged.stop()
        pressed.stop()
    assert dragged.wait(10) and pressed.wait(10)


def test_a_preview_run_also_pauses_the_one_training():
    first = Session(make_config(task="spiral"), max_steps=10**7)
    second = Session(make_config(task="xor"), max_steps=100)
    try:
        first.start()
        assert until(lambda: first.run.steps > 0)
        second.train_now(20)  # what displaying a playground does
        assert first.status == YIELDED and second.run.steps == 20
    finally:
        first.stop()
    assert first.wait(10)
