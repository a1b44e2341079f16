"""Where ``make test``'s time goes: a pytest plugin that records it and prints a summary.

``make test`` loads it with ``-p tests.support.timing``. At the end of the run it prints the
wall time, the number of tests, and the files that took longest (their tests' set-up, call
and tear-down summed over the workers), and writes the same figures to
``test-output/test-timing.json`` (or ``$NYUMON_TEST_TIMING``) for ``python -m bench
bench_make_test``. Only the process
that runs the session records (not xdist workers, nor the child runs of
``test_portable_verdicts``, which do not load this plugin).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_RECORD = ROOT / "test-output" / "test-timing.json"
SHOWN = 10  # slowest files printed at the end of the run


class Timing:
    def __init__(self, config) -> None:
        self.config = config
        self.started = time.time()
        self.by_file: dict[str, float] = defaultdict(float)
        self.tests: set[str] = set()
        self.outcomes: dict[str, int] = defaultdict(int)
        self.record = record_path()

    def pytest_runtest_logreport(self, report) -> None:
        self.by_file[report.nodeid.split("::")[0]] += report.duration
        self.tests.add(report.nodeid)
        if report.when == "call" or report.outcome != "passed":
            self.outcomes[report.outcome] += 1

    def figures(self) -> dict:
        worker_seconds = sum(self.by_file.values())
        ranked = sorted(self.by_file.items(), key=lambda kv: kv[1], reverse=True)
        return {
            "finished": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "commit": commit(),
            "wall_seconds": round(time.time() - self.started, 1),
            "tests": len(self.tests),
            "workers": getattr(self.config.option, "numprocesses", None) or 1,
            "cores": os.cpu_count(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "test_seconds": round(worker_seconds, 1),
            "outcomes": dict(self.outcomes),
            "files": {name: round(seconds, 1) for name, seconds in ranked},
        }

    def pytest_sessionfinish(self, session) -> None:
        self.record.parent.mkdir(parents=True, exist_ok=True)
        self.record.write_text(json.dumps(self.figures(), indent=1, ensure_ascii=False) + "\n")

    def pytest_terminal_summary(self, terminalreporter) -> None:
        f = self.figures()
        write = terminalreporter.write_line
        terminalreporter.section("where the time went")
        write(
            f"{f['tests']} tests in {f['wall_seconds']:.0f} s wall on {f['workers']} worker(s); "
            f"{f['test_seconds']:.0f} s of test time in all"
        )
        for name, seconds in list(f["files"].items())[:SHOWN]:
            write(f"{seconds:8.1f} s  {name}")
        write(f"(recorded in {self.record}; python -m bench bench_make_test)")


def record_path() -> Path:
    return Path(os.environ.get("NYUMON_TEST_TIMING") or DEFAULT_RECORD)


def commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
    except OSError:
        return "?"
    return out.stdout.strip() or "?"


def pytest_configure(config) -> None:
    if hasattr(config, "workerinput"):  # an xdist worker: the controller records
        return
    config.pluginmanager.register(Timing(config), "nyumon-timing")
