"""A simulated class on the real classroom hub (issue 31, item 2): ``simulate(hub, course, n)``.

Each of ``n`` students, in a thread of her own, does what a student does in the first lesson,
through the same doors a browser uses: signs up, is approved by the instructor, logs in, starts
her server, pulls the course with the nbgitpuller link, opens chapter 01 and runs its code cells
one after another through the Jupyter Server's REST and kernel websocket APIs, stays idle a
moment, and logs out. Meanwhile one more student allocates past her memory limit on purpose.

Bounded everywhere: a fixed number of students and cells, a deadline per step and for the
whole class, loopback only (the course remote is a ``git daemon`` on 127.0.0.1).

The report: the time until every server was ready, each cell's latency (p50/p95), the hub's
and the proxy's CPU time, each student's peak memory (all her processes), and every failure
(none is expected but the runaway's own kernel).
"""

from __future__ import annotations

import json
import pwd
import shutil
import statistics
import subprocess
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import psutil
import requests
import websocket

from classroom import links
from tests.classroom.hub import ROOT, Hub, Student, cmdline, processes_of, pull_api
from tests.support.jupyter_server import free_port
from tools.build import notebook_relpath

CHAPTER = "chapters/en/01_en_tensors.ipynb"


@dataclass
class Report:
    students: int
    ready: float = 0.0  # seconds from the first sign-up until every server answered
    latencies: list[float] = field(default_factory=list)  # one per cell run
    failures: list[str] = field(default_factory=list)
    runaway: str = ""  # what the runaway's cell ended with
    hub_cpu: float = 0.0  # seconds of CPU, user + system, during the run
    proxy_cpu: float = 0.0
    peak_mib: dict[str, float] = field(default_factory=dict)  # per student
    seconds: float = 0.0  # the whole class
    reconnects: int = 0  # requests tried again while the hub was away (a restart)

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    def lines(self) -> list[str]:
        peaks = list(self.peak_mib.values()) or [float("nan")]
        return [
            f"students: {self.students} (+1 runaway)",
            f"all servers ready after: {self.ready:.1f} s",
            f"cells run: {len(self.latencies)}, latency p50 {self.percentile(0.5) * 1000:.0f} ms,"
            f" p95 {self.percentile(0.95) * 1000:.0f} ms",
            f"hub CPU: {self.hub_cpu:.1f} s, proxy CPU: {self.proxy_cpu:.1f} s"
            f" over {self.seconds:.0f} s",
            f"peak memory per student: median {statistics.median(peaks):.0f} MiB,"
            f" max {max(peaks):.0f} MiB",
            f"failures: {len(self.failures)}" + "".join(f"\n  - {f}" for f in self.failures),
            f"runaway: {self.runaway}",
            f"requests tried again while the hub was away: {self.reconnects}",
        ]


def git(*args: str, cwd: Path | None = None) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@contextmanager
def course_remote(base: Path):
    """Chapter 01 (both languages) served by ``git daemon`` on 127.0.0.1, like a forge."""
    bare, work = base / "served" / "pytorch-nyumon.git", base / "work"
    git("init", "--bare", "--initial-branch=main", str(bare))
    git("init", "--initial-branch=main", str(work))
    for lang in ("ja", "en"):
        target = work / notebook_relpath("01_tensors", lang)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / notebook_relpath("01_tensors", lang), target)
    git("add", ".", cwd=work)
    git("-c", "user.name=I", "-c", "user.email=i@example.org", "commit", "-m", "ch01", cwd=work)
    git("push", str(bare), "main", cwd=work)
    port = free_port()
    daemon = subprocess.Popen(
        ["git", "daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1", f"--port={port}",
         f"--base-path={bare.parent}", str(bare.parent)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield links.Course(f"git://127.0.0.1:{port}/pytorch-nyumon.git", "main")
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


def code_cells(student: Student) -> list[str]:
    """Chapter 01's code cells, as the student's server has them after the pull."""
    model = student.api("GET", f"contents/{links.TARGET}/{CHAPTER}")
    if model.status_code >= 500:
        raise ConnectionError(f"{model.status_code} from the proxy")  # the hub is away
    assert model.status_code == 200, model.text[:500]
    cells = model.json()["content"]["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


class CpuMeter:
    """CPU seconds a process tree used since the meter was made (children that ended count
    only while they were sampled, so it samples)."""

    def __init__(self, pick: Callable[[], list[psutil.Process]]):
        self.pick, self.seen = pick, {}
        self.sample()
        self.start = dict(self.seen)

    def sample(self) -> None:
        for p in self.pick():
            try:
                t = p.cpu_times()
                self.seen[p.pid] = t.user + t.system
            except psutil.Error:
                pass

    def used(self) -> float:
        return sum(v - self.start.get(pid, 0.0) for pid, v in self.seen.items())


def hub_tree(hub: Hub) -> tuple[list[psutil.Process], list[psutil.Process]]:
    """(the hub's own processes, the proxy's), from the hub's process group."""
    try:
        root = psutil.Process(hub.proc.pid)
        tree = [root, *root.children(recursive=True)]
    except psutil.Error:
        return [], []
    proxy = [p for p in tree if "configurable-http-proxy" in " ".join(cmdline(p))]
    servers = [p for p in tree if "jupyterhub-singleuser" in " ".join(cmdline(p))]
    return [p for p in tree if p not in proxy and p not in servers], proxy


def rss_mib(uid: int) -> float:
    total = 0
    for p in processes_of(uid):
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


# What a hub restart does to a student's requests: the proxy is gone for a few seconds.
GONE = (requests.ConnectionError, websocket.WebSocketException, ConnectionError)


def again(step: Callable[[], object], report: Report, lock: threading.Lock, deadline: float):
    """``step()``, tried again while the hub is away (a restart), until ``deadline``."""
    while True:
        try:
            result = step()
        except GONE:
            result = None
        if not isinstance(result, requests.Response | None) or (
            result is not None and result.status_code < 500
        ):
            return result
        assert time.monotonic() < deadline, "the hub did not come back in time"
        with lock:
            report.reconnects += 1
        time.sleep(1)


# Set by each cell the simulation runs, as its last line: the index of the last cell done.
DONE = "_nyumon_load_cell"


def last_cell_done(
    student: Student, kernel: str, report: Report, lock: threading.Lock, deadline: float
) -> int:
    """After a lost connection: the last cell that ran to its end in ``kernel``.

    The websocket can drop before the cell was sent (or while the proxy held it) as well as
    while it ran; the kernel runs requests in order, so this asks after the cell is done."""

    def ask() -> dict:
        return student.run_in_kernel(f"print(globals().get({DONE!r}, -1))", kernel=kernel)

    out = again(ask, report, lock, deadline)
    assert isinstance(out, dict) and not out["error"], out
    return int(out["stdout"].strip())


# A student's homework during the class: called with her and "fetch" (before her cells), then
# "submit" twice (once before the cells, once after): what a hub restart must not lose.
Homework = Callable[[Student, str], object]


def one_student(
    hub: Hub, course: links.Course, label: str, report: Report, lock: threading.Lock,
    ready: Callable[[], None], working: Callable[[], None], idle: float, deadline: float,
    homework: Homework | None = None, resumed: threading.Event | None = None,
) -> None:  # fmt: skip
    """One student's hour. With ``resumed`` (a restart is coming), she runs chapter 01 again
    in a restarted kernel until the restart is over, so that it lands under running cells on a
    fast machine too, and her second hand-in comes after it."""
    try:
        student = hub.student(label)
        student.start_server(timeout=max(10.0, deadline - time.monotonic()))
        ready()
        query = {"repo": course.repository, "branch": course.branch, "targetpath": links.TARGET}
        events = pull_api(student, query)
        assert events and events[-1].get("phase") == "finished", events[-3:]
        if homework is not None:
            again(lambda: homework(student, "fetch"), report, lock, deadline)
            again(lambda: homework(student, "submit"), report, lock, deadline)
        cells = again(lambda: code_cells(student), report, lock, deadline)
        kernel = again(student.start_kernel, report, lock, deadline)
        working()
        i = 0
        while i < len(cells):
            assert time.monotonic() < deadline, "the class ran out of time"
            began = time.perf_counter()
            try:  # the cell, then the note that it got to its end
                out = student.run_in_kernel(f"{cells[i]}\n{DONE} = {i}", timeout=120, kernel=kernel)
            except GONE:  # the hub restarted under the cell: did the kernel get it?
                with lock:
                    report.reconnects += 1
                again(lambda: student.api("GET", "status"), report, lock, deadline)
                i = last_cell_done(student, kernel, report, lock, deadline) + 1
                continue  # the next cell, or this one again if it never reached the kernel
            took = time.perf_counter() - began
            with lock:
                report.latencies.append(took)
            assert not out["error"], f"cell {i}: {out['error'][:300]}"
            i += 1
            if i == len(cells) and resumed is not None and not resumed.is_set():
                restart = partial(student.api, "POST", f"kernels/{kernel}/restart")
                again(restart, report, lock, deadline)
                i = 0  # the chapter from the top, in a fresh kernel: Restart and Run All
        if homework is not None:
            again(lambda: homework(student, "submit"), report, lock, deadline)
        again(lambda: student.api("DELETE", f"kernels/{kernel}"), report, lock, deadline)
        time.sleep(idle)
        again(
            lambda: student.session.get(f"{hub.url}/hub/logout", timeout=30), report, lock, deadline
        )
    except Exception as error:
        with lock:
            report.failures.append(f"{label}: {type(error).__name__}: {str(error)[:300]}")


def runaway(hub: Hub, report: Report, lock: threading.Lock, limit_bytes: int) -> None:
    try:
        student = hub.student("runaway")
        student.start_server()
        code = f"x = b'x' * {2 * limit_bytes}\nprint('allocated')"
        try:
            out = student.run_in_kernel(code, timeout=120)
            outcome = out["error"] or out["stdout"].strip() or "nothing"
        except websocket.WebSocketException as error:
            outcome = f"connection lost ({type(error).__name__})"
        status = student.api("GET", "status").status_code
        report.runaway = f"{outcome}; her server then answered {status}"
    except Exception as error:
        with lock:
            report.failures.append(f"runaway: {type(error).__name__}: {str(error)[:300]}")


def simulate(
    hub: Hub, course: links.Course, n: int, *, limit_bytes: int, idle: float = 2.0,
    time_cap: float = 900.0, during: Callable[[Report], None] | None = None,
    homework: Homework | None = None,
) -> Report:  # fmt: skip
    """Run the class; ``during(report)``, if given, runs once every student has pulled the
    course, handed in once (with ``homework``) and started her kernel (a hub restart, say),
    while they run their cells (again, until it is over); with ``homework`` each hands in
    again after it."""
    report, lock = Report(students=n), threading.Lock()
    resumed = threading.Event() if during is not None else None
    start, deadline = time.monotonic(), time.monotonic() + time_cap
    up, busy = threading.Semaphore(0), threading.Semaphore(0)
    hub_cpu = CpuMeter(lambda: hub_tree(hub)[0])
    proxy_cpu = CpuMeter(lambda: hub_tree(hub)[1])
    threads = [
        threading.Thread(
            target=one_student,
            args=(hub, course, f"s{i:02d}", report, lock, up.release, busy.release),
            kwargs={"idle": idle, "deadline": deadline, "homework": homework, "resumed": resumed},
        )
        for i in range(n)
    ]
    threads.append(threading.Thread(target=runaway, args=(hub, report, lock, limit_bytes)))
    for t in threads:
        t.start()
        time.sleep(0.2)  # a class arrives over a few seconds, not in one packet
    names = [f"{hub.prefix}s{i:02d}" for i in range(n)]

    def sample() -> None:
        for meter in (hub_cpu, proxy_cpu):
            meter.sample()
        for name in names:
            try:
                uid = pwd.getpwnam(name).pw_uid
            except KeyError:
                continue
            report.peak_mib[name] = max(report.peak_mib.get(name, 0.0), rss_mib(uid))

    ready_count = 0
    while ready_count < n and any(t.is_alive() for t in threads[:n]):
        if up.acquire(timeout=0.5):
            ready_count += 1
        sample()
    report.ready = time.monotonic() - start
    if during is not None and ready_count == n:
        working = 0
        while working < n and any(t.is_alive() for t in threads[:n]):
            working += busy.acquire(timeout=0.5)
            sample()
        threads[-1].join(timeout=max(0.0, deadline - time.monotonic()))  # the runaway is over
        try:
            during(report)
        finally:
            resumed.set()
    elif resumed is not None:
        resumed.set()  # not every student got to work: nothing to wait for
    while any(t.is_alive() for t in threads):
        sample()
        time.sleep(0.5)
    report.hub_cpu, report.proxy_cpu = hub_cpu.used(), proxy_cpu.used()
    report.seconds = time.monotonic() - start
    return report


def dump(report: Report, path: Path) -> None:
    path.write_text(json.dumps(report.__dict__, indent=1) + "\n", encoding="utf-8")
