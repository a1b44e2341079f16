"""A class of six on the real hub, with a restart in the middle (issue 31, items 2 and 3).

``make classroom-load`` runs the same simulated class (tests/classroom/load.py) for a bench
figure; here it is a test: six students sign up, are approved, log in, start their servers,
pull the course, fetch and hand in chapter 01's homework, run every code cell of chapter 01
while a seventh runs out of memory on purpose, and hand it in again; the hub is restarted
(SIGTERM, then started again) while their cells run. Nothing may fail but the runaway's own
kernel, and no student's file or hand-in may be lost: the instructor collects both hand-ins of
every student, the one from before the restart and the one from after it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from classroom import limits, links, runtime
from tests.classroom.hub import NBGRADER, instructor, run_ok, running_hub, server_call, start, stop
from tests.classroom.load import CHAPTER, course_remote, simulate
from tests.support.jupyter_server import ROOT

HOW, WHY = limits.mechanism()
pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="OS accounts and cgroups need root"),
    pytest.mark.skipif(HOW is None, reason=f"no cgroup limits on this machine: {WHY}"),
]
STUDENTS = 6
COURSE_ID, ASSIGNMENT = "pytorch-nyumon", "01_tensors_en"


def homework(student, step: str):
    """Fetch or hand in chapter 01's homework through her server, as the Lab's page does."""
    done = server_call(student, "POST", f"assignments/{step}",
                       {"course_id": COURSE_ID, "assignment_id": ASSIGNMENT})  # fmt: skip
    if done.status_code < 500:  # a 5xx while the hub is away is tried again
        assert done.status_code == 200 and done.json()["success"], done.text[:300]
    return done


@pytest.fixture
def exchange():
    if not (runtime.Paths.from_env().venv / "bin" / "nbgrader").exists():
        pytest.skip("no nbgrader in the course runtime: pip install it there")
    folder = Path(tempfile.mkdtemp(prefix="nyumon-exchange-"))  # students must reach it
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def hand_ins(exchange: Path) -> dict[str, int]:
    """How many hand-ins each student has in the exchange (``student+assignment+time+…``)."""
    counts: dict[str, int] = {}
    for entry in (exchange / COURSE_ID / "inbound").iterdir():
        student, assignment, *_ = entry.name.split("+")
        assert assignment == ASSIGNMENT, entry.name
        counts[student] = counts.get(student, 0) + 1
    return counts


def test_a_class_of_six_runs_chapter_01_through_a_hub_restart(tmp_path, exchange):
    with (
        course_remote(tmp_path / "course") as course,
        running_hub(
            tmp_path,
            NYUMON_MEM_LIMIT="1G",
            NYUMON_HUB_CONFIG_EXTRA=str(ROOT / "classroom/nbgrader/jupyterhub_nbgrader.py"),
            NYUMON_NBGRADER_EXCHANGE=str(exchange),
        ) as hub,
    ):
        teacher = instructor(hub, ASSIGNMENT)
        restarts, before = [], {}

        def restart(report) -> None:
            time.sleep(3)  # cells are running
            before.update(hand_ins(exchange))  # each student's first hand-in
            assert stop(hub) == 0
            start(hub)
            restarts.append(time.monotonic())

        report = simulate(
            hub, course, STUDENTS, limit_bytes=1 << 30, during=restart, homework=homework
        )
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
        # Both hand-ins of every student: the one from before the restart, and the one after.
        names = sorted(report.peak_mib)
        assert before == dict.fromkeys(names, 1), before
        assert hand_ins(exchange) == dict.fromkeys(names, 2)
        out = run_ok(teacher, NBGRADER + f"""
print(nbgrader("collect", {ASSIGNMENT!r}))
print(sorted(p.name for p in (Path.home() / "pytorch-nyumon-course/submitted").iterdir()))
""")  # fmt: skip
        assert f"{names}" in out, out
