"""Each student's memory and CPU limits hold on one machine (classroom/limits.py, issue 31).

First the cgroup on its own (a process past its memory limit is killed and counted, a busy
loop gets its CPU share and no more), then the real hub: Alice's kernel allocates past her
server's limit and dies, while Bob's cell runs on and the hub answers; Alice's next kernel
tells her why, in both languages.
"""

from __future__ import annotations

import os
import resource
import secrets
import subprocess
import sys
import threading
import time

import pytest
import requests

from classroom import limits
from tests.classroom.hub import running_hub

HOW, WHY = limits.mechanism()
pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="cgroups and OS accounts need root"),
    pytest.mark.skipif(HOW is None, reason=f"no cgroup limits on this machine: {WHY}"),
]
MiB = 1 << 20


def in_group(group: limits.StudentGroup, code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], preexec_fn=lambda: group.join(os.getpid()),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_machine_says_how_limits_are_enforced():
    assert HOW in ("cgroup v1", "cgroup v2")
    assert "memory" in WHY


def test_past_its_memory_limit_a_process_is_killed_and_counted():
    group = limits.StudentGroup(f"test-{secrets.token_hex(3)}")
    group.make(256 * MiB, 1.0)
    try:
        from widgets._env.memory_limit import kills

        assert kills(str(group.events)) == 0
        fits = in_group(group, "x = b'x' * (64 << 20); print(len(x) >> 20)")
        assert fits.returncode == 0 and fits.stdout.strip() == "64"
        done = in_group(group, "x = b'x' * (1 << 30); print('survived')")
        assert done.returncode == -9 and "survived" not in done.stdout
        assert kills(str(group.events)) >= 1
    finally:
        group.remove()
    assert not any(folder.exists() for folder in group.dirs)


def test_a_busy_loop_gets_its_cpu_share_and_no_more():
    group = limits.StudentGroup(f"test-{secrets.token_hex(3)}")
    group.make(0, 0.25)
    try:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        in_group(
            group, "import time\nend = time.monotonic() + 2\nwhile time.monotonic() < end: pass"
        )
        wall = time.monotonic() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        group.remove()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # a quarter of one CPU over about two seconds: about 0.5 s, never the whole 2 s
    assert wall >= 2 and 0.2 < cpu < 1.0, (cpu, wall)


def test_one_students_runaway_kernel_dies_alone_and_she_is_told_why(tmp_path):
    with running_hub(tmp_path, NYUMON_MEM_LIMIT="1G") as hub:
        assert f"Limits per student: memory 1G, CPU 1 ({HOW}" in hub.log_text()
        alice, bob = hub.student("alice"), hub.student("bob")
        alice.start_server()
        bob.start_server()
        bobs: dict = {}
        slow = "import time\nfor _ in range(20):\n    time.sleep(1)\nprint('bob finished')"
        worker = threading.Thread(target=lambda: bobs.update(bob.run_in_kernel(slow, timeout=120)))
        worker.start()
        time.sleep(3)  # Bob's cell is running
        out = alice.run_in_kernel("x = b'x' * (3 << 30)\nprint('allocated')", timeout=60)
        assert "allocated" not in out["stdout"] and out["error"] == "kernel restarting", out
        assert requests.get(f"{hub.url}/hub/api/", timeout=10).status_code == 200
        again = alice.run_in_kernel("print('next cell')")
        assert again["stdout"].startswith("あなたのサーバーがメモリーの上限（1 GiB）に達した"), (
            again
        )
        assert "Your server reached its memory limit of 1 GiB" in again["stdout"]
        assert again["stdout"].rstrip().endswith("next cell")
        calm = alice.run_in_kernel("print('and the next')")
        assert calm["stdout"] == "and the next\n"  # said once, not on every kernel
        worker.join(timeout=120)
        assert bobs.get("stdout") == "bob finished\n" and not bobs.get("error"), bobs
