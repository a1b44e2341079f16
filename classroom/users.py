"""Students as real OS accounts: one user, one private home (mode 0700) per student.

The hub creates a student's account the first time their server starts (see
``jupyterhub_config.py``), so an instructor only approves sign-ups. Every account made here
joins the ``nyumon-students`` group; nothing here touches an account outside that group,
so a hub user named like a system account (``root``, ``daemon``…) can never be spawned as it.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import signal
import subprocess
import time
from pathlib import Path

GROUP = "nyumon-students"
HOME_BASE = Path(os.environ.get("NYUMON_CLASSROOM_HOMES", "/home"))
# Lower-case letters, digits, '-' and '_', starting with a letter: valid for useradd and for
# JupyterHub's URLs, and no way to spell a path.
USERNAME = re.compile(r"^[a-z][a-z0-9_-]{0,30}$")


class NotAStudent(RuntimeError):
    """An OS account exists with this name but was not made for a student."""


def is_student(name: str) -> bool:
    try:
        return pwd.getpwnam(name).pw_gid == grp.getgrnam(GROUP).gr_gid
    except KeyError:
        return False


def ensure_group() -> None:
    try:
        grp.getgrnam(GROUP)
    except KeyError:
        subprocess.run(["groupadd", "--system", GROUP], check=True)


def ensure_student(name: str) -> pwd.struct_passwd:
    """The student's account, created with a private home if it does not exist yet."""
    if not USERNAME.match(name):
        raise ValueError(f"not a valid student name: {name!r}")
    try:
        account = pwd.getpwnam(name)
    except KeyError:
        ensure_group()
        home = HOME_BASE / name
        subprocess.run(
            ["useradd", "--create-home", "--home-dir", str(home), "--gid", GROUP,
             "--shell", "/bin/bash", "--comment", "PyTorch Nyumon student", name],
            check=True, capture_output=True,
        )  # fmt: skip
        account = pwd.getpwnam(name)
    if not is_student(name):
        raise NotAStudent(f"{name!r} is an existing OS account, not a student's")
    home = Path(account.pw_dir)
    home.mkdir(mode=0o700, exist_ok=True)
    os.chown(home, account.pw_uid, account.pw_gid)
    home.chmod(0o700)  # useradd's default (HOME_MODE, UMASK) may leave it readable
    return account


def kill_processes(uid: int, timeout: float = 10) -> None:
    """SIGTERM, then SIGKILL, every process running as ``uid``."""
    import psutil

    for sig in (signal.SIGTERM, signal.SIGKILL):
        procs = [p for p in psutil.process_iter(["uids"]) if p.info["uids"].real == uid]
        if not procs:
            return
        for proc in procs:
            try:
                proc.send_signal(sig)
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(procs, timeout=timeout)
    time.sleep(0.1)


def remove_student(name: str) -> bool:
    """Stop the student's processes and delete the account and its home. False if none."""
    if not is_student(name):
        return False
    account = pwd.getpwnam(name)
    kill_processes(account.pw_uid)
    subprocess.run(["userdel", "--remove", name], check=True, capture_output=True)
    return True


def students() -> list[str]:
    """Names of every account in the students' group."""
    try:
        gid = grp.getgrnam(GROUP).gr_gid
    except KeyError:
        return []
    return sorted(p.pw_name for p in pwd.getpwall() if p.pw_gid == gid)
