"""The playground's state and background training: plain Python, driven by tests directly.

A ``Session`` holds the current ``Config`` and ``Run``. Training happens in a daemon thread
so the kernel stays free for slider events. A change of config restarts training at once
(leading edge); the changes that follow within ``debounce`` seconds, while a slider is
dragged, cancel that run and are merged into one start after the last of them (trailing
edge), each still showing its new model at once. A run shows its first frame (the untrained
model: one forward pass) before its first step, sent by the thread that started it. Every
run stops by itself after ``max_steps`` steps: no thread outlives its budget, and a
cancelled or paused run stops within one step. One session trains at a time in a kernel:
starting one pauses the others (``YIELDED``), which say so.
"""

from __future__ import annotations

import atexit
import math
import threading
import time
import weakref
from collections.abc import Callable
from enum import Enum

from .settings import Config, make_config
from .train import Run


class State(str, Enum):
    """A session's state; equal to its string value ("running", "done"…)."""

    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"
    DIVERGED = "diverged"
    STOPPED = "stopped"
    WAITING = "waiting"
    FAILED = "failed"
    YIELDED = "yielded"  # paused because another playground started training

    def __str__(self) -> str:
        return self.value


RUNNING, PAUSED, DONE, DIVERGED, STOPPED = (
    State.RUNNING,
    State.PAUSED,
    State.DONE,
    State.DIVERGED,
    State.STOPPED,
)
WAITING, FAILED, YIELDED = State.WAITING, State.FAILED, State.YIELDED
CHUNK_SECONDS = 0.02  # train this long between evaluations
EXIT_WAIT = 2.0  # seconds the interpreter's exit waits for training threads to notice a stop
_sessions: weakref.WeakSet[Session] = weakref.WeakSet()
_turn = threading.Lock()  # one session at a time takes the trainer's turn


@atexit.register
def _stop_all() -> None:
    """Stop every training thread before the interpreter exits (a kernel restart, a script).

    A daemon thread still inside torch when Python shuts down is torn down mid-call, which
    can abort the whole process ("terminate called without an active exception").
    """
    sessions = list(_sessions)
    for session in sessions:
        session.stop()
    deadline = time.monotonic() + EXIT_WAIT
    for session in sessions:
        session.wait(max(deadline - time.monotonic(), 0))


class Session:
    """Config, current run and status; ``on_update(session)`` is called from the trainer."""

    def __init__(
        self,
        config: Config,
        *,
        max_steps: int = 3000,
        debounce: float = 0.3,
        interval: float = 0.25,
        on_update: Callable[[Session], None] | None = None,
    ) -> None:
        self.config = config
        self.max_steps, self.debounce, self.interval = max_steps, debounce, interval
        self.on_update = on_update or (lambda session: None)
        self.run: Run | None = None
        self.status = STOPPED
        self.error: BaseException | None = None
        self.limit = max_steps
        self._lock = threading.RLock()
        self._cancel = threading.Event()
        self._resume = threading.Event()
        self._thread: threading.Thread | None = None
        self._ending: list[threading.Thread] = []
        self._timer: threading.Timer | None = None
        self._changed = -math.inf  # clock of the latest change of settings
        _sessions.add(self)

    def set(self, **changes) -> None:
        """Change settings (checked); the current run stops and a new one starts.

        The first change starts the new run at once; changes that follow within
        ``debounce`` seconds are merged into one start after the last of them.
        """
        config = make_config(self.config, **changes)
        with self._lock:
            self.config = config
            now = time.monotonic()
            quiet = now - self._changed >= self.debounce and self._timer is None
            self._changed = now
            if quiet:
                self.start()
                return
            self._stop_thread()
            self.status = WAITING
            self._timer = threading.Timer(self.debounce, self._trailing)
            self._timer.daemon = True
            self._timer.start()
            self.run = Run(config)  # the new model's picture now; its training after the drag
            self.limit = self.max_steps
            self.on_update(self)

    def _trailing(self) -> None:
        with self._lock:
            if self._timer is not None and self._timer is threading.current_thread():
                self._timer = None
                self.start()

    def start(self) -> None:
        """Start a fresh run of the current config now (the old one is cancelled)."""
        with self._lock:
            self._stop_thread()
            fresh = self.run is not None and self.run.steps == 0 and not self.run.diverged
            if not (fresh and self.run is not None and self.run.config == self.config):
                self.run = Run(self.config)
            self.limit = self.max_steps
            self._launch()

    def proceed(self) -> None:
        """Resume a paused run, or train a finished one for another ``max_steps``."""
        with self._lock:
            if self.run is None or self.run.diverged or self.status == WAITING:
                self.start()
            elif self._alive():
                self.status = RUNNING
                self._claim()
                self._resume.set()
            else:
                if self.run.steps >= self.limit:
                    self.limit = self.run.steps + self.max_steps
                self._launch()

    def pause(self) -> None:
        with self._lock:
            if self._alive():
                self.status = PAUSED
                self._resume.clear()

    def stop(self) -> None:
        """Cancel any pending start and the running thread (the run's state is kept)."""
        with self._lock:
            self._stop_thread()
            if self.status in (RUNNING, PAUSED, WAITING, YIELDED):
                self.status = STOPPED

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no start is pending and no trainer thread runs, including those told to
        stop that have not finished their chunk yet; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                self._ending = [t for t in self._ending if t.is_alive()]
                running = [t for t in (self._timer, self._thread, *self._ending) if t is not None]
                running = [t for t in running if t.is_alive()]
            if not running:
                return True
            running[0].join(None if deadline is None else max(deadline - time.monotonic(), 0))
            if deadline is not None and time.monotonic() >= deadline:
                return False

    def prepare(self) -> None:
        """Create the run for the current config (step 0) without training it."""
        with self._lock:
            if self.run is None:
                self.run = Run(self.config)

    def train_now(self, steps: int) -> None:
        """Train the current run (started if needed) for ``steps`` steps in this thread."""
        with self._lock:
            self._stop_thread()
            self._claim()
            if self.run is None:
                self.run = Run(self.config)
            run, target = self.run, self.run.steps + steps
        while run.steps < target and not run.diverged:
            run.train(min(50, target - run.steps))
            run.evaluate()
        self.status = DIVERGED if run.diverged else DONE

    def _alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _stop_thread(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._cancel.set()
        self._resume.set()
        if self._thread is not None:
            self._ending.append(self._thread)  # told to stop; it ends after its chunk
        self._thread = None

    def _launch(self) -> None:
        self._cancel = threading.Event()
        self._resume = threading.Event()
        self._resume.set()
        self.status = RUNNING
        self._thread = threading.Thread(
            target=self._loop, args=(self.run, self._cancel, self._resume), daemon=True
        )
        try:
            # The run's first frame (one forward pass) from this thread, before the trainer
            # starts: the answer to a change no longer shares the GIL with the new run's
            # training, and leaves ahead of the status line. Issue 28's probe, ten activation
            # changes in Chromium: median 46 → 40 ms from the input to the new picture.
            self.on_update(self)
            self._claim()
        finally:
            self._thread.start()

    def _claim(self) -> None:
        """Pause every other session that is training or about to, and let it say so.

        About to: a slider of it was dragged and its new run waits for the drag to end. That
        start must not take the turn back from the playground the learner pressed Run on
        since; Run on the paused one starts its new run.

        The others' locks are not taken (two sessions claiming at once must not deadlock):
        a paused trainer only waits on its ``_resume`` event, which is safe to clear, and a
        pending start checks that it is still its session's ``_timer`` before it starts.
        """
        with _turn:
            for other in list(_sessions):
                if other is self:
                    continue
                timer = other._timer
                if other.status == RUNNING and other._alive():
                    other._resume.clear()
                elif other.status == WAITING and timer is not None:
                    other._timer = None
                    timer.cancel()
                else:
                    continue
                other.status = YIELDED
                if other.run is not None:
                    other.on_update(other)

    def _publish(self, run: Run, cancel: threading.Event) -> None:
        if run is self.run and not cancel.is_set():
            self.on_update(self)

    def _loop(self, run: Run, cancel: threading.Event, resume: threading.Event) -> None:
        def halted() -> bool:  # a change, Stop or Pause, or another playground's start
            return cancel.is_set() or not resume.is_set()

        try:
            chunk, shown = 1, time.monotonic()  # the first frame went from _launch
            while not cancel.is_set() and run.steps < self.limit and not run.diverged:
                resume.wait()
                if cancel.is_set():
                    break
                started, before = time.monotonic(), run.steps
                run.train(min(chunk, self.limit - run.steps), halt=halted)
                run.evaluate()
                took, done = time.monotonic() - started, max(run.steps - before, 1)
                chunk = max(1, min(chunk * 2, int(done * CHUNK_SECONDS / max(took, 1e-6))))
                if time.monotonic() - shown >= self.interval:
                    self._publish(run, cancel)
                    shown = time.monotonic()
                time.sleep(0)  # let the kernel's own thread handle slider events
            with self._lock:
                if run is self.run and not cancel.is_set():
                    self.status = DIVERGED if run.diverged else DONE
        except Exception as error:  # shown in the widget instead of dying silently
            self.error, self.status = error, FAILED
        self._publish(run, cancel)
