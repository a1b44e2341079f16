"""A class of six on the real hub, with a restart in the middle (issue 31, items 2 and 3).

``make classroom-load`` runs the same simulated class (tests/classroom/load.py) for a bench
figure; here it is a test: six students sign up, are approved, log in, start their servers,
pull the course and run every code cell of chapter 01 while a seventh runs out of memory on
purpose, and the hub is restarted (SIGTERM, then started again) while their cells run.
Nothing may fail but the runaway's own kernel, and no student's file may be lost.
"""

from __future__ import annotations

import os
import pwd
import time
from pathlib import Path

import pytest

from classroom import limits, links
from tests.classroom.hub import running_hub, start, stop
from tests.classroom.load import CHAPTER, course_remote, simulate

HOW, WHY = limits.mechanism()
pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="OS accounts and cgroups need root"),
    pytest.mark.skipif(HOW is None, reason=f"no cgroup limits on this machine: {WHY}"),
]
STUDENTS = 6


def test_a_class_of_six_runs_chapter_01_through_a_hub_restart(tmp_path):
    with (
        course_remote(tmp_path / "course") as course,
        running_hub(tmp_path, NYUMON_MEM_LIMIT="1G") as hub,
    ):
        restarts = []

        def restart(report) -> None:
            time.sleep(3)  # cells are running
            assert stop(hub) == 0
            start(hub)
            restarts.append(time.monotonic())

        report = simulate(hub, course, STUDENTS, limit_bytes=1 << 30, during=restart)
        print("\n" + "\n".join(report.lines()))
        assert restarts, "the hub was never restarted: not every student got to work"
        assert report.failures == []
        # killed at its limit, alone: her server lives on
        assert report.runaway == "kernel restarting; her server then answered 200", report.runaway
        cells = len(report.latencies) + report.reconnects
        assert len(report.latencies) >= STUDENTS * 40 and cells >= STUDENTS * 45, report.lines()
        assert report.reconnects > 0  # the restart did happen under running cells
        assert len(report.peak_mib) == STUDENTS and all(
            100 < mib < 1024 for mib in report.peak_mib.values()
        ), report.peak_mib
        for name in report.peak_mib:  # every student's pulled chapter is still there
            home = Path(pwd.getpwnam(name).pw_dir)
            assert (home / links.TARGET / CHAPTER).is_file(), name
