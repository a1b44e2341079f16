"""Playground figures: how fast a control change shows, and how fast the easy tasks are learnt."""

from __future__ import annotations

import statistics
import threading
import time

from bench import Row
from widgets._playground.session import Session
from widgets._playground.settings import make_config
from widgets._playground.train import Run

TARGET = 0.95


def time_to_accuracy(task: str, budget: float = 20.0, **settings) -> tuple[float, int] | None:
    """Seconds and steps of training (evaluating every 10 steps) to reach 95% test accuracy."""
    started = time.perf_counter()
    run = Run(make_config(task=task, **settings))
    while time.perf_counter() - started < budget:
        run.train(10)
        run.evaluate()
        if run.history.accuracy[-1] >= TARGET:
            return time.perf_counter() - started, run.steps
    return None


def change_latency(debounce: float) -> float:
    """Seconds from ``Session.set`` to the new run's first update (no drawing)."""
    first = threading.Event()
    session = Session(make_config(task="xor"), max_steps=10**6, debounce=debounce)
    session.start()
    time.sleep(0.3)
    session.on_update = lambda s: first.set()
    started = time.perf_counter()
    session.set(lr=0.05)
    first.wait(30)
    took = time.perf_counter() - started
    session.stop()
    session.wait(10)
    return took


def widget_latency() -> float:
    """Seconds from a slider change to the first redrawn picture of the new run."""
    from widgets._playground.widget import playground

    pg = playground(task="xor", max_steps=200, preview_steps=0)
    pg.start()
    pg.wait(60)
    redrawn = threading.Event()
    pg.image.observe(lambda change: redrawn.set(), names="value")
    started = time.perf_counter()
    pg.controls["hidden"].value = 4
    redrawn.wait(30)
    took = time.perf_counter() - started
    pg.stop()
    return took


def rows():
    took = statistics.median(widget_latency() for _ in range(3))
    yield Row(
        "playground widget: slider change → new picture",
        f"{took * 1000:.0f} ms",
        "median of 3; 0.3 s debounce + new run + one figure draw",
    )
    for debounce in (0.3, 0.0):
        took = statistics.median(change_latency(debounce) for _ in range(3))
        yield Row(
            f"playground: control change → first update (debounce {debounce} s)",
            f"{took * 1000:.0f} ms",
            "median of 3; the widget adds one figure draw (~0.1–0.6 s) on top",
        )
    settings = {"spiral": dict(hidden=32, layers=2, lr=0.01, batch_size=None)}
    for task in ("xor", "circle", "gaussians", "spiral"):
        hit = time_to_accuracy(task, **settings.get(task, {}))
        value = f"{hit[0]:.2f} s" if hit else "not reached"
        steps = f"{hit[1]} steps" if hit else "20 s budget"
        extra = (
            "2×32 tanh, lr 0.01, full batch" if task == "spiral" else "8 tanh, lr 0.03, batch 32"
        )
        yield Row(
            f"playground: time to ≥95% test accuracy, {task}",
            value,
            f"{steps}; Adam, {extra}; goal ≤ 1 s (not spiral)",
        )
