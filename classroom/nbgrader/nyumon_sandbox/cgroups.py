"""Memory, process and CPU-weight limits for one sandbox: a cgroup (v1 or v2) when we may.

Used by launch.py (standard library only). As root, a cgroup per hand-in under
``nyumon-grading``: v2 when ``/sys/fs/cgroup/cgroup.controllers`` exists (a normal Debian 12
server), else the v1 ``memory`` and ``pids`` hierarchies (these project machines). An ordinary
user gets ``None``: launch.py falls back to rlimits (RLIMIT_AS, RLIMIT_NPROC).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
PARENT = "nyumon-grading"
# CPU weight against the machine's other work (1024 is a normal process's): a fork bomb that
# keeps every core busy yields to everything else, and an idle machine still runs it at full speed.
WEIGHT = 128


def _write(path: Path, value: str) -> None:
    with open(path, "w") as f:
        f.write(value)


class Group:
    """One hand-in's cgroup: made, joined by the launcher (its children inherit), removed."""

    def __init__(self, name: str, memory: int, pids: int, make: bool = True):
        self.v2 = (ROOT / "cgroup.controllers").exists()
        if self.v2:
            self.dirs = [ROOT / PARENT / name]
        else:
            self.dirs = [ROOT / c / PARENT / name for c in ("memory", "pids", "cpu")]
        if not make:
            return
        if self.v2:
            (ROOT / PARENT).mkdir(exist_ok=True)
            for folder in (ROOT, ROOT / PARENT):
                _write(folder / "cgroup.subtree_control", "+memory +pids +cpu")
        for folder in self.dirs:
            folder.mkdir(parents=True, exist_ok=True)
        if self.v2:
            (cg,) = self.dirs
            _write(cg / "memory.max", str(memory))
            if (cg / "memory.swap.max").exists():
                _write(cg / "memory.swap.max", "0")
            _write(cg / "pids.max", str(pids))
            _write(cg / "cpu.weight", str(WEIGHT * 100 // 1024))
        else:
            memory_dir, pids_dir, cpu_dir = self.dirs
            _write(memory_dir / "memory.limit_in_bytes", str(memory))
            swap = memory_dir / "memory.memsw.limit_in_bytes"
            if swap.exists():
                _write(swap, str(memory))
            _write(pids_dir / "pids.max", str(pids))
            _write(cpu_dir / "cpu.shares", str(WEIGHT))

    def join(self) -> None:
        for folder in self.dirs:
            _write(folder / "cgroup.procs", str(os.getpid()))

    def what_broke(self) -> str | None:
        """'memory' or 'processes' when the group met that limit, else None."""
        if self.v2:
            (cg,) = self.dirs
            if _count((cg / "memory.events").read_text(), "oom_kill"):
                return "memory"
            return "processes" if _count((cg / "pids.events").read_text(), "max") else None
        memory_dir, pids_dir, _ = self.dirs
        if _count((memory_dir / "memory.oom_control").read_text(), "oom_kill"):
            return "memory"
        return "processes" if _count((pids_dir / "pids.events").read_text(), "max") else None

    def members(self) -> set[int]:
        found: set[int] = set()
        for folder in (f for f in self.dirs if f.exists()):
            text = (folder / "cgroup.procs").read_text()
            found |= {int(p) for p in text.split()}
        return found - {os.getpid()}

    def remove(self) -> None:
        """Kill what is left in the group, leave it, and remove it."""
        for _ in range(50):
            left = self.members()
            if not left:
                break
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.02)
        for folder in self.dirs:  # the launcher leaves: back to each hierarchy's root
            if (
                folder.exists()
                and str(os.getpid()) in (folder / "cgroup.procs").read_text().split()
            ):
                _write(folder.parent.parent / "cgroup.procs", str(os.getpid()))
        for folder in self.dirs:
            try:
                folder.rmdir()
            except OSError:
                pass


def _count(text: str, key: str) -> int:
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == key:
            return int(parts[1])
    return 0


def remove_left(name: str) -> None:
    """The grader's cleanup after a launcher was killed (jupyter_client's forced shutdown)."""
    if os.geteuid() == 0:
        Group(name, 0, 0, make=False).remove()
