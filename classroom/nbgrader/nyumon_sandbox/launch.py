"""Start one hand-in's kernel inside bubblewrap, and stay beside it until it ends.

Run by the grader (kernel.py) as ``python -E -s -S launch.py SPEC.json -- KERNEL ARGV``, with
the grader's rights; standard library only. In order:

1. limits: a cgroup for memory and processes (cgroups.py) as root, else rlimits (data, processes);
   always a cap on file size and no core dumps;
2. as root, a private mount namespace in which every read-only path is bound under a stage
   folder that the throwaway user can reach (the course runtime may sit in /root's pyenv);
3. bwrap as the throwaway user (root) or as ourselves (an ordinary instructor), with every
   namespace unshared: it sees only the runtime (read-only), a copy of its hand-in on a
   size-limited tmpfs, and a fresh /proc; the kernel's sockets live in that tmpfs, reached by
   the grader through /proc/PID/root (the pid is written to ``child.pid``);
4. the notebook's deadline: past it the sandbox is killed; ``status.json`` says what broke.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cgroups

INSIDE = "/run/nyumon"  # the kernel's own folder: connection file and sockets (tmpfs)
HANDIN = "/run/nyumon-handin"  # the hand-in as handed in, read-only; copied to HOME/work
HOME = "/home/learner"
CLONE_NEWNS, MS_BIND, MS_REC, MS_PRIVATE, MS_RDONLY, MS_REMOUNT = (
    0x20000, 0x1000, 0x4000, 0x40000, 0x1, 0x20,
)  # fmt: skip


def _libc_call(name: str, *args) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if getattr(libc, name)(*args) != 0:
        raise OSError(ctypes.get_errno(), f"{name}{args}")


def stage(binds: list[list[str]], folder: Path) -> list[list[str]]:
    """As root: bind every source under `folder` in a private mount namespace."""
    _libc_call("unshare", CLONE_NEWNS)
    _libc_call("mount", None, b"/", None, MS_REC | MS_PRIVATE, None)
    _libc_call("mount", b"tmpfs", str(folder).encode(), b"tmpfs", 0, b"mode=0755,size=1m")
    staged = []
    for n, (source, dest) in enumerate(binds):
        target = folder / str(n)
        if Path(source).is_dir():
            target.mkdir()
        else:
            target.touch()
        _libc_call("mount", source.encode(), str(target).encode(), None, MS_BIND | MS_REC, None)
        staged.append([str(target), dest])
    return staged


def bwrap_argv(spec: dict, binds: list[list[str]], info_fd: int, kernel: list[str]) -> list[str]:
    argv = [spec["bwrap"], "--unshare-all", "--unshare-user", "--disable-userns"]
    argv += ["--die-with-parent", "--cap-drop", "ALL", "--clearenv", "--hostname", "sandbox"]
    argv += ["--uid", "1000", "--gid", "1000", "--info-fd", str(info_fd)]
    # The empty folders first, the runtime after: bwrap mounts in order, and a tmpfs on /tmp
    # mounted after the binds would hide a course runtime that lives under /tmp (a clone in
    # a `mktemp -d` folder, as CI makes it): its kernel could not even find Python.
    argv += ["--proc", "/proc", "--dev", "/dev"]
    size = str(spec["scratch_bytes"])
    for folder in (HOME, "/tmp", "/dev/shm"):
        argv += ["--size", size, "--tmpfs", folder]
    argv += ["--size", str(1 << 20), "--tmpfs", INSIDE]
    for link, target in spec["symlinks"]:
        argv += ["--symlink", target, link]
    for source, dest in binds:
        argv += ["--ro-bind", source, dest]
    for key, value in spec["env"].items():
        argv += ["--setenv", key, value]
    argv += ["--chdir", HOME]
    copy = f"cp -R {HANDIN}/. {HOME}/work/ && cp {HANDIN}-kernel.json {INSIDE}/kernel.json"
    mpl = f"{HOME}/.config/matplotlib"  # the grader's font list: no font scan per kernel
    copy += f" && mkdir -p {mpl} && cp -R {HANDIN}-matplotlib/. {mpl}/"
    argv += ["/bin/sh", "-c", f'mkdir -p {HOME}/work && {copy} && cd {HOME}/work && exec "$@"']
    return [*argv, "sh", *kernel]


def limit_without_cgroup(spec: dict) -> None:
    # RLIMIT_DATA (private writable memory) rather than RLIMIT_AS: torch's libraries alone map
    # 3.7 GB of address space, but a kernel that imported torch holds about 0.9 GB of data.
    resource.setrlimit(resource.RLIMIT_DATA, (spec["memory_bytes"],) * 2)
    # RLIMIT_NPROC counts all of this user's processes, not only the sandbox's
    mine = 0
    for entry in Path("/proc").iterdir():
        try:
            mine += entry.name.isdigit() and entry.stat().st_uid == os.getuid()
        except OSError:
            pass
    resource.setrlimit(resource.RLIMIT_NPROC, (mine + spec["pids"],) * 2)


def in_child(spec: dict, use_rlimits: bool):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_FSIZE, (spec["scratch_bytes"],) * 2)
        if use_rlimits:
            limit_without_cgroup(spec)
        libc = ctypes.CDLL(None)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: bwrap dies with this launcher

    return apply


def main(spec_path: str, kernel: list[str]) -> int:
    spec = json.loads(Path(spec_path).read_text())
    run = Path(spec_path).parent
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the kernel's interrupt: bwrap must ignore it
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append("terminated"))
    group = None
    if os.geteuid() == 0:
        group = cgroups.Group(run.name, spec["memory_bytes"], spec["pids"])
        group.join()
    binds = [[s, d] for s, d in spec["read_only"]]
    binds += [[spec["handin"], HANDIN], [spec["connection"], f"{HANDIN}-kernel.json"],
              [spec["matplotlib"], f"{HANDIN}-matplotlib"]]  # fmt: skip
    if spec["uid"] is not None:
        binds = stage(binds, run / "stage")
    read, write = os.pipe()
    who = {"user": spec["uid"], "group": spec["uid"], "extra_groups": []} if spec["uid"] else {}
    # The kernel's own stdout/stderr (fd level) go to a file, not to the grader's terminal.
    with open(run / "kernel.log", "wb") as log:
        proc = subprocess.Popen(
            bwrap_argv(spec, binds, write, kernel), pass_fds=[write], stdin=subprocess.DEVNULL,
            stdout=log, stderr=log, preexec_fn=in_child(spec, group is None), **who,
            env={},  # bwrap's own init is pid 1 inside: /proc/1/environ must hold nothing
        )  # fmt: skip
    os.close(write)
    broke = None
    try:
        with os.fdopen(read) as info:  # bwrap writes it once and closes it
            child = json.loads(info.read() or "{}").get("child-pid")
        if child:
            (run / "child.pid.tmp").write_text(str(child))
            os.replace(run / "child.pid.tmp", run / "child.pid")
        broke = watch(proc, spec["notebook_seconds"], stop)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if group is not None:
            broke = broke or group.what_broke()
            group.remove()
        (run / "status.json").write_text(json.dumps({"broke": broke, "code": proc.returncode}))
    return proc.returncode or 0


def watch(proc: subprocess.Popen, seconds: float, stop: list) -> str | None:
    """Wait for bwrap; past the deadline, or when told to stop, kill it and say why."""
    deadline, parent = time.monotonic() + seconds, os.getppid()
    while proc.poll() is None:
        if time.monotonic() > deadline:
            return "time"
        if stop or os.getppid() != parent:
            return "stopped"
        time.sleep(0.05)
    return None


if __name__ == "__main__":
    split = sys.argv.index("--")
    sys.exit(main(sys.argv[1], sys.argv[split + 1 :]))
