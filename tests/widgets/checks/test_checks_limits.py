"""widgets/_checks/limits.py: the bounds a check puts on a learner's loop."""

from __future__ import annotations

import signal
import threading

import pytest

from tests.support.verdicts import assert_hint
from widgets._checks.limits import TOO_SLOW, Counter, OutOfBounds, deadline, time_bounded
from widgets._checks.verdict import exercise, passed
from widgets._i18n import Message


def spin() -> None:
    while True:
        pass


def test_a_counter_stops_the_call_after_its_limit():
    tick = Counter(3)
    assert [tick(), tick(), tick()] == [1, 2, 3]
    with pytest.raises(OutOfBounds) as stopped:
        tick()
    assert stopped.value.kind == "calls" and stopped.value.limit == 3


def test_the_bound_passes_through_a_learners_except_exception():
    tick = Counter(0)

    def learner() -> None:
        try:
            tick()
        except Exception:  # what a learner's loop may wrap around its body
            pass

    with pytest.raises(OutOfBounds):
        learner()


def test_a_deadline_ends_a_loop_that_calls_nothing():
    with pytest.raises(OutOfBounds) as stopped, deadline(0.2):
        spin()
    assert stopped.value.kind == "seconds"
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0  # no alarm left behind


def test_an_inner_deadline_gives_the_outer_one_back():
    with deadline(30):
        with deadline(0.1):
            pass
        left = signal.getitimer(signal.ITIMER_REAL)[0]
        assert 20 < left <= 30
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


def test_a_sooner_outer_deadline_stays_in_charge():
    with pytest.raises(OutOfBounds) as stopped, deadline(0.2), deadline(60):
        spin()
    assert stopped.value.limit == 0.2


def test_off_the_main_thread_a_deadline_does_nothing():
    seen: list[float] = []

    def body() -> None:
        with deadline(0.01):
            seen.append(signal.getitimer(signal.ITIMER_REAL)[0])

    thread = threading.Thread(target=body)
    thread.start()
    thread.join()
    assert seen == [0.0]


def test_a_time_bounded_probe_ends_the_check_with_a_hint_instead_of_hanging():
    @time_bounded(0.2)
    def probe(answer: object) -> dict[str, object]:
        spin()
        return {}

    @exercise(Message(ja="題", en="Title"))
    def check(answer: object):
        probe(answer)
        return passed()

    assert_hint(check(1), TOO_SLOW, seconds=0.2)
