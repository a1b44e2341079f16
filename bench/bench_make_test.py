"""How long ``make test`` takes, and where the time goes: read from its last run.

``make test`` records its pytest part (``tests/support/timing.py``) in
``test-output/test-timing.json``; this prints it. The goal (issue 18): the whole ``.ci/run``
under 20 minutes on 2 cores as the course grows; its log prints each part's time. Running
the suite here again would take minutes, so the figures are those of the latest run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from bench import Row
from tests.support.timing import record_path

SHOWN = 8


def rows() -> Iterator[Row]:
    path = record_path()
    if not path.exists():
        yield Row("make test (pytest part)", "no record", f"run `make test` first ({path})")
        return
    f = json.loads(path.read_text())
    workers = f["workers"]
    busy = f["test_seconds"] / (f["wall_seconds"] * workers) if f["wall_seconds"] else 0.0
    minutes, seconds = divmod(round(f["wall_seconds"]), 60)
    yield Row(
        "make test (pytest part), latest run",
        f"{minutes} min {seconds:02d} s",
        f"{f['tests']} tests, {workers} workers, commit {f['commit']}, {f['finished']}, "
        f"load {f['load_average'][0]}; goal: the whole .ci/run ≤ 20 min",
    )
    yield Row(
        "  … test time summed over workers",
        f"{f['test_seconds']:.0f} s",
        f"workers busy {busy:.0%} of the wall time",
    )
    for name, secs in list(f["files"].items())[:SHOWN]:
        yield Row(
            f"  … {name}"[:58], f"{secs:.1f} s", f"{secs / f['test_seconds']:.0%} of test time"
        )
