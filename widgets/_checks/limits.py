"""Bounds on the learner's code a check runs: a number of calls, and a time.

A check that drives a learner's loop (early stopping, a training function) must end even
when the loop does not. Two bounds, both raised as ``OutOfBounds`` (a ``BaseException``, so
that a learner's ``except Exception`` inside the loop cannot swallow it):

- ``Counter(limit)``: a callback the check hands to the learner counts its calls and stops
  the loop at the call after ``limit``. The verdict is the same on every machine.
- ``deadline(seconds)``: a wall-clock bound for loops that call nothing the check gave
  (``while True: pass``). It needs ``SIGALRM`` and the main thread (a notebook's cells run
  there); elsewhere it does nothing and only the counters bound the loop. The limits are
  far above what a right answer needs, so a slow machine does not change a verdict.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

from .._i18n import Message
from .verdict import stop

P = ParamSpec("P")
R = TypeVar("R")

TOO_SLOW = Message(
    ja="答えのコードが {seconds:g} 秒たっても終わらなかったので、チェックが止めました（正しい答えなら 1 秒もかかりません）。"
    "ループが終わる条件を確かめましょう（while の条件が変わらない、break に届かない、など）。",
    en="Your code had not finished after {seconds:g} s, so the check stopped it (a right answer takes well "
    "under a second). Check that every loop ends (a while condition that never changes, a break never reached).",
)


class OutOfBounds(BaseException):
    """The learner's code ran past a bound the check set: ``calls`` or ``seconds``."""

    def __init__(self, kind: str, limit: float) -> None:
        super().__init__(f"{kind} > {limit:g}")
        self.kind, self.limit = kind, limit


class Counter:
    """Counts calls; the call after ``limit`` raises ``OutOfBounds("calls", limit)``."""

    def __init__(self, limit: int) -> None:
        self.limit, self.count = limit, 0

    def __call__(self) -> int:
        self.count += 1
        if self.count > self.limit:
            raise OutOfBounds("calls", self.limit)
        return self.count


def can_ring() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise ``OutOfBounds("seconds", seconds)`` in the block once ``seconds`` have passed.

    An outer deadline that rings sooner stays in charge; one that rings later is set again,
    with the time it has left, when the block ends.
    """
    outer = signal.getitimer(signal.ITIMER_REAL)[0] if can_ring() else 0.0
    if not can_ring() or 0 < outer <= seconds:
        yield
        return

    def ring(signum: int, frame: object) -> None:
        raise OutOfBounds("seconds", seconds)

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            left = outer - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3))


def time_bounded(seconds: float) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A probe (or check) that ends after ``seconds`` with the TOO_SLOW hint, not a hang.

    It raises ``Stopped`` for ``exercise`` to turn into a ✗, so a probe the grader runs on
    its own is bounded too.
    """

    def decorate(probe: Callable[P, R]) -> Callable[P, R]:
        @wraps(probe)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                with deadline(seconds):
                    return probe(*args, **kwargs)
            except OutOfBounds as bound:
                if bound.kind != "seconds":
                    raise
                raise stop(TOO_SLOW, seconds=bound.limit) from None

        return run

    return decorate
