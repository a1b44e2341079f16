"""Playground figures: how fast a control change shows, and how fast the easy tasks are learnt.

The slider rows come from a real kernel: the bench sends the comm message a browser's slider
sends and times until the kernel sends the new picture (issue 18: goal ≤ 150 ms median).
Wall-clock figures on a shared machine depend on its load, printed in the first row.
"""

from __future__ import annotations

import os
import statistics
import threading
import time

from bench import Row
from bench.kernel import Kernel
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


def change_latency(second: bool) -> float:
    """Seconds from ``Session.set`` to the new run's first update (no drawing).

    The first change restarts at once (leading edge); a ``second`` change right after it
    shows its new model at once too, and trains after the debounce (the drag is merged).
    """
    first = threading.Event()
    session = Session(make_config(task="xor"), max_steps=10**6, debounce=0.3)
    session.start()
    time.sleep(0.4)
    if second:
        session.set(lr=0.04)
    session.on_update = lambda s: first.set() if s.config.lr == 0.05 else None
    started = time.perf_counter()
    session.set(lr=0.05)
    first.wait(30)
    took = time.perf_counter() - started
    session.stop()
    session.wait(10)
    return took


def widget_latency() -> float:
    """Seconds from a slider change to the first redrawn picture of the new run (in-process)."""
    from widgets._playground.widget import playground

    pg = playground(task="xor", max_steps=200, preview_steps=0)
    pg.start()
    pg.wait(60)
    time.sleep(0.4)  # past the debounce: this change restarts at once
    redrawn = threading.Event()
    pg.board.observe(lambda change: redrawn.set(), names="frame")
    started = time.perf_counter()
    pg.controls["hidden"].value = 4
    redrawn.wait(30)
    took = time.perf_counter() - started
    pg.stop()
    return took


def frame_cost(canvas: bool = False) -> tuple[float, float]:
    """Median wall and CPU seconds of one frame: a reused ``PlaygroundFigure``'s PNG, or the
    canvas's data (``board.frame_state``)."""
    from widgets._playground.board import frame_state
    from widgets._playground.view import PlaygroundFigure

    figure, run = PlaygroundFigure(), Run(make_config(task="xor"))
    walls, cpus = [], []
    for _ in range(12):
        run.train(20)
        run.evaluate()
        wall, cpu = time.perf_counter(), time.process_time()
        if canvas:
            frame_state(run, False)
        else:
            figure.render(run, "running")
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls[2:]), statistics.median(cpus[2:])


SETUP = """
import json
from widgets import playground
pg = playground(task="xor", max_steps=200, preview_steps=0)
pg.start()
pg.wait(60)
lr = [v for _, v in pg.controls["lr"].options]
ids = {name: c.model_id for name, c in pg.controls.items()}
print(json.dumps({"ids": ids, "image": pg.board.model_id, "lr": lr}))
"""
# (row name, control, value): the changes the issue measured, in its order.
CHANGES = (
    ("hidden 8 → 16", "hidden", 16),
    ("hidden 16 → 4", "hidden", 4),
    ("hidden 4 → 8", "hidden", 8),
    ("lr → slider top", "lr", None),
    ("lr → 0.03", "lr", 0.03),
)


def kernel_latencies(rounds: int = 3) -> tuple[dict[str, list[float]], list[float]]:
    """Slider → new picture in a real kernel, each change ``rounds`` times; and kernel CPU."""
    kernel = Kernel()
    took: dict[str, list[float]] = {name: [] for name, _, _ in CHANGES}
    try:
        setup = kernel.json(SETUP)
        kernel.run("pg.picture()")  # the first render is one-off
        for _ in range(rounds):
            for name, control, value in CHANGES:
                kernel.run("pg.wait(60)")  # the last run has ended: the next picture is new
                time.sleep(0.4)  # longer than the debounce: this change is a drag's first
                if control == "lr":  # a SelectionSlider syncs the index of the stop
                    stops = setup["lr"]
                    state = {"index": len(stops) - 1 if value is None else stops.index(value)}
                else:
                    state = {"value": value}
                took[name].append(kernel.change(setup["ids"][control], state, setup["image"]))
        kernel.run("pg.stop()")
    finally:
        kernel.close()
    return took, kernel.cpu_seconds


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def rows():
    yield Row("playground bench: machine load at start", f"{os.getloadavg()[0]:.1f}", load())
    took, cpu = kernel_latencies()
    every = [t for times in took.values() for t in times]
    yield Row(
        "playground in a kernel: slider → new picture",
        f"{statistics.median(every) * 1000:.0f} ms",
        f"median of {len(every)}: comm message in, new image out; goal ≤ 150 ms; "
        f"kernel CPU {statistics.median(cpu) * 1000:.0f} ms (median, all its threads)",
    )
    for name, times in took.items():
        yield Row(
            f"  … {name}",
            f"{statistics.median(times) * 1000:.0f} ms",
            f"median of {len(times)}; min {min(times) * 1000:.0f} ms",
        )
    wall, cpu = frame_cost()
    yield Row(
        "playground: one frame (reused figure → PNG)",
        f"{wall * 1000:.0f} ms",
        f"CPU {cpu * 1000:.0f} ms; median of 10; only for the saved output now",
    )
    wall, cpu = frame_cost(canvas=True)
    yield Row(
        "playground: one canvas frame (surface, points, curves as bytes)",
        f"{wall * 1000:.1f} ms",
        f"CPU {cpu * 1000:.1f} ms; median of 10",
    )
    took = statistics.median(widget_latency() for _ in range(3))
    yield Row(
        "playground widget in-process: slider change → new picture",
        f"{took * 1000:.0f} ms",
        "median of 3; new run at once (leading edge), its untrained model's frame",
    )
    for second, what in ((False, "first change (leading edge)"), (True, "change during a drag")):
        took = statistics.median(change_latency(second) for _ in range(3))
        yield Row(
            f"playground: {what} → first update",
            f"{took * 1000:.0f} ms",
            "median of 3; no drawing"
            + ("; the new model at once, training after the drag" if second else ""),
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
