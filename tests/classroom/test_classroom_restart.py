"""Nothing lost when the classroom hub restarts (issue 31, item 3).

One real hub, two students, in the order a bad day brings them:

1. **A crash.** The hub and its proxy are killed (SIGKILL), and while the hub is down Bob's
   server dies as it would in a reboot. At the next start Alice's server is the same process,
   her kernel still holds her variable, and Bob, whose files are still there, starts again.
2. **A restart with a shorter idle timeout,** while Alice's kernel runs a long cell that
   prints nothing. The idle culler stops Bob's idle server and leaves Alice's: her cell ends.
3. **Backup and restore** of the hub's database and a real nbgrader gradebook: refused while
   the hub runs, then the accounts and grades as they were, the replaced file kept beside.
"""

from __future__ import annotations

import os
import pwd
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from classroom import users
from tests.classroom.hub import ROOT, alert_text, running_hub, servers_of, start, stop

# The floor run collects every module for its widget tests, in a venv without nbgrader.
Gradebook = pytest.importorskip("nbgrader.api", reason="pip install -e '.[nbgrader]'").Gradebook

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="OS accounts need root")


def server_pid(name: str) -> int | None:
    """The pid of the student's running Jupyter server, if she has one."""
    uid = pwd.getpwnam(name).pw_uid
    servers = servers_of(uid)
    return servers[0].pid if servers else None


def wait_for(what, timeout: float, message: str):
    deadline = time.monotonic() + timeout
    while not (value := what()):
        assert time.monotonic() < deadline, message
        time.sleep(0.5)
    return value


def classroom(hub, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "classroom", *args], cwd=ROOT, env=hub.env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def watch_gone(name: str, seen: dict[str, float], timeout: float = 120) -> None:
    """Note in ``seen["gone"]`` when the student's server stopped running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server_pid(name) is None:
            seen["gone"] = time.time()
            return
        time.sleep(0.25)


def run_through_restart(student, code: str, kernel: str) -> None:
    """Send ``code`` to the kernel; the connection, through the proxy, ends with the hub."""
    import websocket

    try:
        student.run_in_kernel(code, timeout=150, kernel=kernel)
    except (websocket.WebSocketException, OSError):
        pass  # the kernel runs on: the test reads the file the cell writes


def students_in(gradebook: Path) -> list[str]:
    with Gradebook(f"sqlite:///{gradebook}") as book:
        return sorted(s.id for s in book.students)


@needs_root
def test_a_restart_loses_no_work_and_the_culler_spares_a_busy_kernel(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}:{os.environ['PATH']}")  # alembic
    with running_hub(tmp_path, NYUMON_ACTIVITY_INTERVAL="3") as hub:
        alice, bob = hub.student("alice"), hub.student("bob")
        alice.start_server()
        bob.start_server()
        kernel = alice.start_kernel()
        ran = alice.run_in_kernel(
            "import matplotlib.pyplot as plt\nplt.figure()\nx = 41", kernel=kernel
        )
        assert (ran["stdout"], ran["error"]) == ("", ""), ran
        # her first plot used the font list the set-up built (no "building the font cache")
        assert "font cache" not in ran["stderr"], ran
        (fonts,) = (alice.home() / ".cache" / "matplotlib").glob("fontlist-*.json")
        assert fonts.stat().st_uid == pwd.getpwnam(alice.name).pw_uid
        assert not bob.run_in_kernel("open('notes.txt', 'w').write('his work')")["error"]
        alices = server_pid(alice.name)

        # 1. A crash: the hub and its proxy die at once; Bob's server dies too (a reboot).
        os.killpg(hub.proc.pid, signal.SIGKILL)
        hub.proc.wait()
        users.kill_processes(pwd.getpwnam(bob.name).pw_uid)
        start(hub)
        assert server_pid(alice.name) == alices  # the same server, found again
        assert alice.run_in_kernel("print(x + 1)", kernel=kernel)["stdout"] == "42\n"
        assert (bob.home() / "notes.txt").read_text() == "his work"
        bob.start_server()  # the hub saw his server was gone: he just starts a new one
        assert bob.run_in_kernel("print(open('notes.txt').read())")["stdout"] == "his work\n"

        # 2. A restart with a short idle timeout, during Alice's long silent cell.
        cell = "import time\ntime.sleep(90)\nopen('done.txt', 'w').write(str(x))"
        threading.Thread(
            target=run_through_restart, args=(alice, cell, kernel), daemon=True
        ).start()
        time.sleep(2)  # the cell is running
        assert stop(hub) == 0
        start(hub, NYUMON_CULL_TIMEOUT="8", NYUMON_CULL_EVERY="2")
        bob_seen: dict[str, float] = {}
        threading.Thread(target=watch_gone, args=(bob.name, bob_seen), daemon=True).start()
        done = alice.home() / "done.txt"
        wait_for(done.is_file, 150, f"Alice's cell did not finish:\n{hub.log_text()[-3000:]}")
        assert server_pid(alice.name) == alices  # never culled while her kernel was busy
        assert done.read_text() == "41"
        wait_for(lambda: "gone" in bob_seen, 60, f"Bob's idle server was not culled:\n"
                 f"{hub.log_text()[-3000:]}")  # fmt: skip
        # The culler was at work while Alice's cell ran: it culled idle Bob before her cell ended.
        assert bob_seen["gone"] < done.stat().st_mtime, (bob_seen, done.stat().st_mtime)

        # 3. Back up, change things, restore.
        course = tmp_path / "course"
        course.mkdir()
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as book:
            book.add_student("s1", first_name="Hanako")
        made = classroom(hub, "backup", "--to", str(tmp_path / "backups"), "--course", str(course))
        assert made.returncode == 0, made.stderr
        (backup,) = (tmp_path / "backups").iterdir()
        assert backup.stat().st_mode & 0o777 == 0o700  # the hub's database holds password hashes
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as book:
            book.add_student("s2")
        carol = hub.student_name("carol")
        hub.sign_up(carol)  # a new account in the hub's database, after the backup

        refused = classroom(hub, "restore", str(backup))
        assert refused.returncode == 1 and "stop it first" in refused.stderr, refused
        assert students_in(course / "gradebook.db") == ["s1", "s2"]  # nothing touched
        assert stop(hub) == 0
        restored = classroom(hub, "restore", str(backup))
        assert restored.returncode == 0, restored.stderr
        assert students_in(course / "gradebook.db") == ["s1"]
        (kept,) = course.glob("gradebook.db.before-restore-*")
        assert students_in(kept) == ["s1", "s2"]  # the replaced one, kept beside
        start(hub)
        _, login = hub.log_in(carol)
        assert "Invalid username or password" in alert_text(login.text)  # never signed up
        _, login = hub.log_in(alice.name)
        assert login.status_code == 302, alert_text(login.text)


def test_a_damaged_backup_is_refused_before_anything_is_touched(tmp_path):
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    with sqlite3.connect(state / "jupyterhub.sqlite") as db:
        db.execute("CREATE TABLE users (name TEXT)")
        db.execute("INSERT INTO users VALUES ('alice')")
    env = {**os.environ, "NYUMON_CLASSROOM_STATE": str(state), "NYUMON_HUB_ADMINS": "t-nobody"}
    hub = SimpleNamespace(env=env)  # no hub running: only its state directory
    made = classroom(hub, "backup", "--to", str(tmp_path / "backups"))
    assert made.returncode == 0, made.stderr
    (backup,) = (tmp_path / "backups").iterdir()
    before = (state / "jupyterhub.sqlite").read_bytes()
    copy = backup / "jupyterhub.sqlite"
    copy.write_bytes(copy.read_bytes()[:-100])  # cut short
    refused = classroom(hub, "restore", str(backup))
    assert refused.returncode == 1 and "does not match the manifest" in refused.stderr
    assert (state / "jupyterhub.sqlite").read_bytes() == before
    assert not list(state.glob("*.before-restore-*"))
    (backup / "manifest.json").write_text('{"files": [{"name": "../../etc/passwd"}]}')
    refused = classroom(hub, "restore", str(backup))
    assert refused.returncode == 1 and "bad path" in refused.stderr
