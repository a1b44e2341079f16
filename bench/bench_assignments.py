"""How long nbgrader's steps take on the generated course (one student, chapter 08 solved)."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench import Row
from tests.course.test_assignments_roundtrip import HW, Course, answer_all, load, save


def rows() -> Iterator[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        course = Course(Path(tmp))
        steps = []

        def timed(name: str, *args: str) -> None:
            start = time.perf_counter()
            course.instructor(*args)
            steps.append((name, time.perf_counter() - start))

        timed("nbgrader generate_assignment (chapter 08)", "generate_assignment", HW)
        timed("nbgrader release_assignment", "release_assignment", HW)
        path = course.fetch("alice", HW)
        nb = load(path)
        answer_all(nb, HW)
        save(nb, path)
        course.submit("alice", HW)
        timed("nbgrader collect (1 student)", "collect", HW)
        timed("nbgrader autograde (1 student, chapter 08 solved)", "autograde", HW)
        timed("nbgrader generate_feedback (1 student)", "generate_feedback", HW)
        for name, seconds in steps:
            yield Row(name, f"{seconds:.1f} s", "in process, as tests/ run it")
