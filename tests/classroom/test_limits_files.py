"""What classroom/limits.py writes into a cgroup tree, v2 and v1 (issue 31).

These machines mount cgroup v1, so the real-cgroup tests (test_classroom_limits.py) never reach
the v2 branch a modern Debian server takes. Here both branches write into a tree laid out as the
kernel lays it out (the controller files exist before they are written, as in sysfs), and the
test reads back each file the kernel would act on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from classroom import limits

GiB = 1 << 30
V2_FILES = ("cgroup.procs", "memory.max", "memory.swap.max", "memory.events", "cpu.max")


def v2_tree(root: Path, controllers: str = "cpuset cpu io memory pids") -> Path:
    (root / "cgroup.controllers").write_text(controllers + "\n")
    (root / "cgroup.subtree_control").write_text("")
    return root


def v1_tree(root: Path) -> Path:
    for c in ("memory", "cpu"):
        (root / c).mkdir()
        (root / c / "cgroup.procs").write_text("")
    return root


@pytest.fixture
def as_root(monkeypatch):
    monkeypatch.setattr(limits.os, "geteuid", lambda: 0)


def test_v2_is_recognised_and_missing_controllers_are_named(tmp_path, as_root):
    assert limits.mechanism(v2_tree(tmp_path)) == ("cgroup v2", "memory.max and cpu.max")
    v2_tree(tmp_path, "cpuset io pids")
    how, why = limits.mechanism(tmp_path)
    assert how is None and "cpu, memory" in why


def test_v1_needs_both_hierarchies(tmp_path, as_root):
    assert limits.mechanism(v1_tree(tmp_path))[0] == "cgroup v1"
    (tmp_path / "cpu" / "cgroup.procs").unlink()
    how, why = limits.mechanism(tmp_path)
    assert how is None and "cpu" in why and "memory" not in why


def test_no_limits_without_root(tmp_path, monkeypatch):
    monkeypatch.setattr(limits.os, "geteuid", lambda: 1000)
    assert limits.mechanism(v2_tree(tmp_path)) == (None, "the hub is not root")


def test_v2_group_gets_memory_without_swap_and_a_cpu_quota(tmp_path):
    root = v2_tree(tmp_path)
    group = limits.StudentGroup("alice", root)
    (folder,) = group.dirs
    folder.mkdir(parents=True)  # the kernel creates the files with the folder
    for name in V2_FILES:
        (folder / name).write_text("")
    group.make(3 * GiB, 1.5)
    assert (folder / "memory.max").read_text() == str(3 * GiB)
    assert (folder / "memory.swap.max").read_text() == "0"
    assert (folder / "cpu.max").read_text() == f"150000 {limits.PERIOD}"
    for parent in (root, root / limits.PARENT):  # both levels hand the controllers down
        assert set((parent / "cgroup.subtree_control").read_text().split()) == {
            "+memory",
            "+cpu",
        }
    assert group.events == folder / "memory.events"
    group.join(4242)
    assert (folder / "cgroup.procs").read_text() == "4242"


def test_v2_without_limits_writes_max(tmp_path):
    group = limits.StudentGroup("bob", v2_tree(tmp_path))
    group.make(0, 0)
    (folder,) = group.dirs
    assert (folder / "memory.max").read_text() == "max"
    assert (folder / "cpu.max").read_text() == f"max {limits.PERIOD}"


def test_v1_group_caps_memory_and_swap_and_the_cfs_quota(tmp_path):
    root = v1_tree(tmp_path)
    group = limits.StudentGroup("alice", root)
    memory_dir, cpu_dir = group.dirs
    memory_dir.mkdir(parents=True)
    (memory_dir / "memory.memsw.limit_in_bytes").write_text("")  # swap is accounted
    group.make(2 * GiB, 1.0)
    assert (memory_dir / "memory.limit_in_bytes").read_text() == str(2 * GiB)
    assert (memory_dir / "memory.memsw.limit_in_bytes").read_text() == str(2 * GiB)
    assert (cpu_dir / "cpu.cfs_quota_us").read_text() == str(limits.PERIOD)
    assert (cpu_dir / "cpu.cfs_period_us").read_text() == str(limits.PERIOD)
    assert group.events == memory_dir / "memory.oom_control"
