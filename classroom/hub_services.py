"""What the classroom's own hub services share at hub start (as root): their package in the
course runtime, a system account of their own, a private folder, and no orphan of a dead hub.

Used by classroom/exchange/jupyterhub_exchange.py and classroom/classview/jupyterhub_classview.py;
each passes its own names. Standard library only: the hub's config loads it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import time
from pathlib import Path


def install_package(source: Path, target: Path, prefix: Path, skip: str = "") -> None:
    """``source``'s modules (all but ``skip``) as the package ``target``, readable by every
    account (the folders of it under ``prefix``), swapped in whole."""
    new = target.with_name(f".new-{os.getpid()}")
    shutil.rmtree(new, ignore_errors=True)
    new.mkdir(parents=True)
    for module in sorted(source.glob("*.py")):
        if module.name != skip:
            shutil.copy(module, new / module.name)
    for path in [*target.parents[:3], new, *new.iterdir()]:
        if path.is_relative_to(prefix):
            path.chmod(0o755 if path.is_dir() else 0o644)
    old = target.with_name(f".old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def ensure_account(name: str, comment: str) -> pwd.struct_passwd:
    """The service's system account: no home, no login shell."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
             "--shell", "/usr/sbin/nologin", "--comment", comment, name],
            check=True, capture_output=True,
        )  # fmt: skip
        return pwd.getpwnam(name)


def make_storage(account: pwd.struct_passwd, folder: Path) -> None:
    """The service's folder, 0700 and its account's alone."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chown(folder, account.pw_uid, account.pw_gid)
    folder.chmod(0o700)


def leftovers(account: pwd.struct_passwd, module: str, folder: Path) -> list[int]:
    """Processes of ``python -m module`` left by a hub that died without stopping them
    (SIGKILL, an OOM kill).

    The hub starts its services in a session of their own, so they outlive it; the old one
    keeps the port, and the new hub's service could not start. Only those working in
    ``folder``: another hub on the machine has its own."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid != account.pw_uid or module.encode() not in (
                entry / "cmdline"
            ).read_bytes().split(b"\0"):
                continue
            if Path(os.readlink(entry / "cwd")) == folder.resolve():
                found.append(int(entry.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def alive(pid: int) -> bool:
    """Running, not a zombie (in a container nobody may reap it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def stop_leftovers(
    account: pwd.struct_passwd, module: str, folder: Path, timeout: float = 10
) -> None:
    """SIGTERM to each leftover (the service stops its server and exits), SIGKILL after."""
    pids = leftovers(account, module, folder)
    for pid in pids:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while pids and time.monotonic() < deadline:
        time.sleep(0.2)
        pids = [pid for pid in pids if alive(pid)]
    for pid in pids:
        os.kill(pid, signal.SIGKILL)


def prepare(source: Path, package: Path, prefix: Path, account: str, comment: str,
            folder: Path, skip: str = "") -> pwd.struct_passwd:  # fmt: skip
    """All of the above for one service, in order; its account."""
    install_package(source, package, prefix, skip)
    owner = ensure_account(account, comment)
    make_storage(owner, folder)
    stop_leftovers(owner, package.name, folder)
    return owner
