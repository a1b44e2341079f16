"""Cost of class reports: what a check pays when the course's setting is on, and what the
class view's service pays to sum a class (widgets/_checks/report.py, classroom/classview/).

The check is chapter 01's image batch with a wrong answer, timed with the setting off and on;
"on" posts to a local service that never answers (the worst case for the learner: the report
only waits in the queue). The store rows add a class's reports to SQLite and sum them, as the
page's poll does whenever a report arrived.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import torch

from bench import Row
from widgets import check_image_batch
from widgets._checks import report

CALLS, ROUNDS = 100, 7


def per_call(answer: torch.Tensor) -> float:
    times = []
    for _ in range(CALLS):
        start = time.perf_counter()
        check_image_batch(answer)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def check_rows() -> Iterator[Row]:
    """Off and on in alternate rounds (the setting is read at every check); the lowest
    median of each, so that a busy moment of the machine does not land on one side only."""
    answer = torch.zeros(16, 32, 32, 3)
    never = threading.Event()

    class Hang(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            never.wait(60)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hang)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    saved = {k: os.environ.get(k) for k in (report.ON, report.URL, report.TOKEN)}
    os.environ.update({report.TOKEN: "bench",
                       report.URL: f"http://127.0.0.1:{server.server_port}/api/reports"})  # fmt: skip
    report._reporter.clear()
    off, on = [], []
    try:
        per_call(answer)  # warm-up
        for _ in range(ROUNDS):
            os.environ[report.ON] = "0"
            off.append(per_call(answer))
            os.environ[report.ON] = "1"
            on.append(per_call(answer))
        queued = len(report.reporter().pending())
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        report._reporter.clear()
        never.set()
        server.shutdown()
    best_off, best_on = min(off), min(on)
    yield Row("check_image_batch, median per call, reports off", f"{best_off * 1e3:.3f} ms",
              f"lowest of {ROUNDS} rounds of {CALLS}")  # fmt: skip
    yield Row("check_image_batch, median per call, reports on", f"{best_on * 1e3:.3f} ms",
              f"service hanging; {queued} records queued, none sent")  # fmt: skip
    yield Row("  what reporting adds to a check", f"{(best_on - best_off) * 1e6:.0f} µs")


def store_rows() -> Iterator[Row]:
    try:
        from classroom.classview.store import Store
    except ImportError:  # no SQLAlchemy in this venv
        return
    for students, exercises, attempts in ((40, 40, 3), (400, 40, 3)):
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(f"sqlite:///{Path(tmp) / 'c.sqlite'}")
            start = time.perf_counter()
            for s in range(students):
                items = [
                    {**report.record(f"widgets._checks.ch{e % 10:02d}", f"check_{e}",
                                     "ok" if a == attempts - 1 else "wrong", ""),
                     "hint": f"ch01.HINT_{a}"}
                    for e in range(exercises) for a in range(attempts)
                ]  # fmt: skip
                store.add("c", f"student{s:03d}", items)
            added = time.perf_counter() - start
            start = time.perf_counter()
            store.summary("c")
            summed = time.perf_counter() - start
            start = time.perf_counter()
            store.csv("c")
            exported = time.perf_counter() - start
        n = students * exercises * attempts
        label = f"{students} students × {exercises} exercises × {attempts}"
        yield Row(f"store: add {label} ({n} reports)", f"{added:.2f} s",
                  f"{n / added:.0f} reports/s, one request per student")  # fmt: skip
        yield Row(f"store: sum them for the page ({students} students)", f"{summed * 1e3:.0f} ms")
        yield Row(f"store: CSV of them ({students} students)", f"{exported * 1e3:.0f} ms")


def rows() -> Iterator[Row]:
    yield from check_rows()
    yield from store_rows()
