"""Memory and CPU limits that hold for each student's server on one machine (issue 31).

JupyterHub's LocalProcessSpawner records ``mem_limit`` and ``cpu_limit`` but enforces neither:
one student's 30 GB tensor would take the machine down, and the kernel's OOM killer would pick
whichever process it likes, another student's kernel or the hub. ``LimitedSpawner`` (classroom/spawner.py) starts each
server inside a cgroup of its own, and the server's kernels inherit it:

- cgroup v2 (a modern Debian server): ``memory.max`` (no swap), ``cpu.max``;
- cgroup v1 (these project machines, and older servers): ``memory.limit_in_bytes`` (and
  ``memsw`` where swap is accounted), ``cpu.cfs_quota_us`` in the ``cpu`` hierarchy.

Past the memory limit the kernel inside the cgroup is killed, nobody else's; the kernel that
starts next says why (widgets/_env/memory_limit.py, loaded through the runtime's
``ipython_kernel_config.py``). Where systemd is PID 1, TLJH's SystemdSpawner does the same with
``MemoryMax`` and ``CPUQuota``; this module writes the cgroup files itself, so it also works
where there is no systemd. ``python -m classroom start`` says which mechanism is in force and
refuses to start with limits it cannot enforce unless told ``--no-limits``.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
PARENT = "nyumon-hub"
PERIOD = 100_000  # µs: the CPU quota is this many times cpu_limit


def _write(path: Path, value: str) -> None:
    with open(path, "w") as f:
        f.write(value)


def mechanism(root: Path = ROOT) -> tuple[str | None, str]:
    """``("cgroup v2" | "cgroup v1" | None, why)``: how limits can be enforced on this machine."""
    if os.geteuid() != 0:
        return None, "the hub is not root"
    if (root / "cgroup.controllers").exists():
        have = set((root / "cgroup.controllers").read_text().split())
        missing = {"memory", "cpu"} - have
        if missing:
            return None, f"cgroup v2 without the {', '.join(sorted(missing))} controller"
        return "cgroup v2", "memory.max and cpu.max"
    missing = [c for c in ("memory", "cpu") if not (root / c / "cgroup.procs").exists()]
    if missing:
        return None, f"no cgroup {', '.join(missing)} controller mounted under {root}"
    return "cgroup v1", "memory.limit_in_bytes and cpu.cfs_quota_us"


class StudentGroup:
    """The cgroup of one student's server (the same name after a hub restart)."""

    def __init__(self, name: str, root: Path = ROOT) -> None:
        self.root = root
        self.v2 = (root / "cgroup.controllers").exists()
        if self.v2:
            self.dirs = [root / PARENT / name]
        else:
            self.dirs = [root / "memory" / PARENT / name, root / "cpu" / PARENT / name]

    @property
    def events(self) -> Path:
        """The file that counts this group's out-of-memory kills."""
        if self.v2:
            return self.dirs[0] / "memory.events"
        return self.dirs[0] / "memory.oom_control"

    def make(self, memory: int, cpus: float) -> None:
        if self.v2:
            (self.root / PARENT).mkdir(exist_ok=True)
            for folder in (self.root, self.root / PARENT):
                _write(folder / "cgroup.subtree_control", "+memory +cpu")
        for folder in self.dirs:
            folder.mkdir(parents=True, exist_ok=True)
        quota = str(int(cpus * PERIOD)) if cpus else "max"
        if self.v2:
            (group,) = self.dirs
            _write(group / "memory.max", str(memory) if memory else "max")
            if (group / "memory.swap.max").exists():
                _write(group / "memory.swap.max", "0")
            _write(group / "cpu.max", f"{quota} {PERIOD}")
            return
        memory_dir, cpu_dir = self.dirs
        swap = memory_dir / "memory.memsw.limit_in_bytes"
        if swap.exists():  # raise memsw first when lowering: memsw must stay ≥ the limit
            _write(swap, "-1")
        _write(memory_dir / "memory.limit_in_bytes", str(memory) if memory else "-1")
        if swap.exists() and memory:
            _write(swap, str(memory))
        _write(cpu_dir / "cpu.cfs_period_us", str(PERIOD))
        _write(cpu_dir / "cpu.cfs_quota_us", quota if cpus else "-1")

    def join(self, pid: int) -> None:
        for folder in self.dirs:
            _write(folder / "cgroup.procs", str(pid))

    def members(self) -> set[int]:
        found: set[int] = set()
        for folder in (f for f in self.dirs if (f / "cgroup.procs").exists()):
            found |= {int(p) for p in (folder / "cgroup.procs").read_text().split()}
        return found

    def remove(self) -> None:
        """Kill what is left in the group (kernels of a stopped server), then remove it."""
        for _ in range(100):
            left = self.members()
            if not left:
                break
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.05)
        for folder in self.dirs:
            try:
                folder.rmdir()
            except OSError:
                pass
