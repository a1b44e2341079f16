"""What the grading sandbox (classroom/nbgrader/nyumon_sandbox) costs (issue 25: ≤ 1 s a hand-in).

- a kernel's start, to its first reply, plain and in the sandbox (median of 5);
- ``nbgrader autograde`` of chapter 08's solved hand-ins, sandboxed and with the unsafe
  opt-out, per hand-in (3 of each, run in one autograde);
- a class: ``NYUMON_BENCH_CLASS`` hand-ins (default 40) in one sandboxed autograde; nbgrader
  grades one hand-in after another, so a 2-core machine does it in about N × one hand-in.

Needs root and bubblewrap, as tests/classroom/test_grading_sandbox.py does. Under load the figures move:
the note says the load average when each row was taken.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench import Row
from tests.classroom.test_grading_sandbox import HW, Class, Listener
from tests.support.nbgrader_run import nbgrader

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "classroom" / "nbgrader"))


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def kernel_start(sandboxed: bool) -> float:
    from jupyter_client.manager import AsyncKernelManager, run_sync
    from nyumon_sandbox.kernel import SandboxedKernelManager

    async def once() -> float:
        manager = (SandboxedKernelManager if sandboxed else AsyncKernelManager)()
        folder = tempfile.mkdtemp()  # a hand-in's folder: the sandbox copies it in
        start = time.perf_counter()
        await manager.start_kernel(cwd=folder)
        client = manager.client()
        client.start_channels()
        await client.wait_for_ready(timeout=60)
        took = time.perf_counter() - start
        client.stop_channels()
        await manager.shutdown_kernel(now=True)
        await manager.cleanup_resources()
        os.rmdir(folder)
        return took

    return run_sync(once)()


def autograde(students: int, *flags: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        course = Class(Path(tmp) / "course", Path(tmp))
        try:
            nbgrader("generate_assignment", HW, cwd=course.root)
            listener = Listener()
            for n in range(students):
                course.hand_in(f"s{n:03d}", listener.port)
            start = time.perf_counter()
            nbgrader("autograde", HW, *flags, cwd=course.root)
            took = time.perf_counter() - start
            listener.server.close()
            nbgrader("export", cwd=course.root)
            assert set(course.scores().values()) == {6.0}, course.scores()
            return took
        finally:
            course.remove()


def rows() -> Iterator[Row]:
    for sandboxed in (False, True):
        times = [kernel_start(sandboxed) for _ in range(5)]
        name = "kernel start → ready, " + ("sandboxed" if sandboxed else "plain")
        yield Row(name, f"{statistics.median(times):.2f} s", f"median of 5, {load()}")
    per = {}
    for label, flags in (("unsafe_no_sandbox", ["--Sandbox.unsafe_no_sandbox=True"]),
                         ("sandboxed", [])):  # fmt: skip
        per[label] = autograde(3, *flags) / 3
        yield Row(f"autograde ch08 solved, {label}, per hand-in", f"{per[label]:.1f} s", load())
    extra = per["sandboxed"] - per["unsafe_no_sandbox"]
    yield Row("sandbox's cost per hand-in (goal ≤ 1 s)", f"{extra:+.2f} s", "difference of the two")
    size = int(os.environ.get("NYUMON_BENCH_CLASS", "40"))
    if size:
        took = autograde(size)
        yield Row(f"autograde a class of {size}, sandboxed", f"{took:.0f} s",
                  f"{took / size:.1f} s a hand-in, {os.cpu_count()} cores, {load()}")  # fmt: skip
