"""A simulated class on the real classroom hub (``make classroom-load``; needs root).

``NYUMON_LOAD_STUDENTS`` students (default 6) each sign up, are approved, log in, start a
server, pull the course and run chapter 01's code cells, while one more runs out of memory on
purpose (tests/classroom/load.py). The figures: time until every server is ready, cell
latency p50/p95, the hub's and the proxy's CPU, memory per student, failures.
"""

from __future__ import annotations

import os
import statistics
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil

from bench import Row
from tests.classroom.hub import running_hub
from tests.classroom.load import course_remote, simulate

STUDENTS = int(os.environ.get("NYUMON_LOAD_STUDENTS", "6"))
MEM_LIMIT = os.environ.get("NYUMON_MEM_LIMIT", "1G")


def limit_bytes(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(float(text[:-1]) * units[text[-1].upper()]) if text[-1].isalpha() else int(text)


def rows() -> Iterator[Row]:
    with tempfile.TemporaryDirectory(prefix="classroom-load-") as tmp:
        base = Path(tmp)
        with (
            course_remote(base / "course") as course,
            running_hub(base, NYUMON_MEM_LIMIT=MEM_LIMIT) as hub,
        ):
            report = simulate(hub, course, STUDENTS, limit_bytes=limit_bytes(MEM_LIMIT))
    note = f"{STUDENTS} students + 1 runaway, load {os.getloadavg()[0]:.1f}, {psutil.cpu_count()} cores"
    yield Row("all servers ready", f"{report.ready:.1f} s", note)
    yield Row("cells run", f"{len(report.latencies)}", "chapter 01, every code cell")
    yield Row("cell latency p50", f"{report.percentile(0.5) * 1000:.0f} ms")
    yield Row("cell latency p95", f"{report.percentile(0.95) * 1000:.0f} ms")
    yield Row("hub CPU", f"{report.hub_cpu:.1f} s", f"over {report.seconds:.0f} s")
    yield Row("proxy CPU", f"{report.proxy_cpu:.1f} s", f"over {report.seconds:.0f} s")
    peaks = list(report.peak_mib.values()) or [0.0]
    yield Row(
        "peak memory per student (median)", f"{statistics.median(peaks):.0f} MiB", "server + kernel"
    )
    yield Row("peak memory per student (max)", f"{max(peaks):.0f} MiB")
    yield Row("failures", f"{len(report.failures)}", "; ".join(report.failures)[:200])
    yield Row("runaway", report.runaway or "-", f"past its {MEM_LIMIT} limit")
