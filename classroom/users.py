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
import shutil
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


def ensure_student(name: str, font_cache: Path | None = None) -> pwd.struct_passwd:
    """The student's account, created with a private home if it does not exist yet (and given
    matplotlib's font list from ``font_cache`` then, while nothing of hers is in it)."""
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
        created = True
    else:
        created = False
    if not is_student(name):
        raise NotAStudent(f"{name!r} is an existing OS account, not a student's")
    home = Path(account.pw_dir)
    home.mkdir(mode=0o700, exist_ok=True)
    os.chown(home, account.pw_uid, account.pw_gid)
    home.chmod(0o700)  # useradd's default (HOME_MODE, UMASK) may leave it readable
    if created and font_cache is not None:
        give_font_cache(account, font_cache)
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


def give_font_cache(account: pwd.struct_passwd, cache: Path) -> None:
    """Matplotlib's font list (built once by the set-up, in ``cache``) into a new student's
    ``~/.cache/matplotlib``: her first plot then starts at once. Only for a home just made
    (root writes into it), and still refusing links."""
    lists = sorted(cache.glob("fontlist-*.json"))
    if not lists:
        return
    home = Path(account.pw_dir)
    target = home / ".cache" / "matplotlib"
    if target.is_symlink() or any(target.glob("fontlist-*.json")):
        return  # hers already (or not a folder we should write into)
    for folder in (home / ".cache", target):
        if folder.is_symlink():
            return
        if not folder.exists():
            folder.mkdir(mode=0o700)
            os.chown(folder, account.pw_uid, account.pw_gid)
    for source in lists:
        copy = target / source.name
        with open(source, "rb") as src:
            fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(src, out)
        os.chown(copy, account.pw_uid, account.pw_gid)
