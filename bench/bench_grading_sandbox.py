"""What the grading sandbox (classroom/nbgrader/nyumon_sandbox) costs (issue 25: ≤ 1 s a hand-in).

- a kernel's start, to its first reply, plain and in the sandbox (median of 5);
- ``nbgrader autograde`` of chapter 08's solved hand-ins, sandboxed and with the unsafe
  opt-out, per hand-in (3 of each, run in one autograde);
- the two-process verdict alone: chapter 08's graded checks on the solved answers, once as
  the notebook runs them (one process) and once as the grader does (probe, the wire's text
  both ways, judge), summed over the six graded cells (median of 3);
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


def solved_namespace() -> tuple[dict, list]:
    """Chapter 08's answer key run in this process, and its graded cells' calls."""
    import ast

    import nbformat
    from nyumon_sandbox.verdicts import graded_call, is_graded_test

    from tests.classroom.test_grading_sandbox import COURSE_FILES, NOTEBOOK

    nb = nbformat.read(COURSE_FILES / "source" / HW / NOTEBOOK, 4)
    space: dict = {"display": lambda *a, **k: None}
    calls = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if is_graded_test(cell):
            graded = graded_call(cell.source)
            call = next(n for n in ast.walk(ast.parse(cell.source)) if isinstance(n, ast.Call)
                        and getattr(n.func, "id", "").startswith("check_"))  # fmt: skip
            calls.append((graded.name, ast.unparse(call)))
            continue
        lines = cell.source.splitlines()
        code = "\n".join(x for x in lines if not x.lstrip().startswith(("%", "!")))
        exec(compile(code, "cell", "exec"), space)  # the course's own answer key
    return space, calls


def verdict_split() -> tuple[float, float]:
    from widgets._checks import grading, wire

    space, calls = solved_namespace()
    one, two = [], []
    for _ in range(3):
        start = time.perf_counter()
        for _name, call in calls:
            assert eval(call, space)
        one.append(time.perf_counter() - start)
        start = time.perf_counter()
        for name, call in calls:
            args_source = call[call.index("(") :]
            args, kw = eval(f"(lambda *a, **k: (a, k)){args_source}", space)
            text = wire.dumps(grading.record_of(grading.check_named(name), *args, **kw))
            assert grading.verdict_of(name, text, "en")
        two.append(time.perf_counter() - start)
    return statistics.median(one), statistics.median(two)


def rows() -> Iterator[Row]:
    notebook, grader = verdict_split()
    yield Row("ch08's 6 graded checks, one process (the notebook)", f"{notebook:.2f} s", load())
    yield Row("ch08's 6 graded checks, probe + wire + judge", f"{grader:.2f} s",
              f"{grader - notebook:+.2f} s per hand-in, {load()}")  # fmt: skip
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
