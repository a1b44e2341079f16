"""A jupyter_client kernel manager whose kernel runs in the sandbox (launch.py).

The kernel talks over ZeroMQ's ``ipc`` transport: its sockets are files in a tmpfs inside the
sandbox, which has no network at all, and the grader connects to them through
``/proc/<sandbox pid>/root``. Nothing of the grader's folders is shared with the kernel: its
hand-in folder is copied (regular files only, size-capped) and the copy is what it sees.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import zmq
from jupyter_client.manager import AsyncKernelManager

from . import cgroups
from .settings import ENV_KEEP, Sandbox

LAUNCH = Path(__file__).resolve().parent / "launch.py"
MAX_MESSAGE = 64 << 20  # bytes of one message from the kernel; a bigger one cuts the channel
INSIDE = "/run/nyumon"  # as in launch.py
HOME = "/home/learner"


def copy_hand_in(source: Path, target: Path, budget: int) -> None:
    """Regular files of the hand-in folder, no links, at most `budget` bytes in all."""
    target.mkdir()
    for folder, dirs, files in os.walk(source, followlinks=False):
        rel = Path(folder).relative_to(source)
        for name in dirs:
            if not (Path(folder) / name).is_symlink():
                (target / rel / name).mkdir()
        for name in files:
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            budget -= path.stat().st_size
            if budget < 0:
                return
            shutil.copyfile(path, target / rel / name)


class SandboxedKernelManager(AsyncKernelManager):
    """Starts the kernel in bubblewrap as a throwaway user; see launch.py for the steps."""

    run_dir: Path | None = None
    _status: dict | None = None

    async def _async_pre_start_kernel(self, **kw):
        settings = Sandbox(parent=self)
        self.run_dir = Path(tempfile.mkdtemp(prefix="nyumon-grade-"))
        uid = settings.throwaway_uid()
        self.transport, self.ip = "ipc", str(self.run_dir / "k")
        cmd, kw = await super()._async_pre_start_kernel(**kw)
        run = self.run_dir
        # at most half the scratch, so that the copy leaves the kernel room to write
        copy_hand_in(Path(kw.get("cwd") or "."), run / "handin", settings.scratch_bytes // 2)
        # matplotlib's font list, so that each kernel does not scan every font again (~1 s)
        (run / "mpl").mkdir()
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "matplotlib"
        for found in cache.glob("fontlist-*.json"):
            shutil.copyfile(found, run / "mpl" / found.name)
        info = self.get_connection_info(session=False)
        info = {k: v.decode() if isinstance(v, bytes) else v for k, v in info.items()}
        (run / "kernel.json").write_text(json.dumps({**info, "ip": f"{INSIDE}/k"}))
        (run / "stage").mkdir()
        if uid is not None:  # the throwaway user reads its own files and nothing else of ours
            run.chmod(0o711)
            for path in [run / "kernel.json", run / "handin", *(run / "handin").rglob("*"),
                         run / "mpl", *(run / "mpl").iterdir()]:  # fmt: skip
                os.chown(path, uid, uid)
        kernel = [f"{INSIDE}/kernel.json" if a == self.connection_file else a for a in cmd]
        env = {k: os.environ[k] for k in ENV_KEEP if k in os.environ}
        venv_bin = str(Path(sys.executable).parent)
        env.update(PATH=f"{venv_bin}:/usr/local/bin:/usr/bin:/bin", HOME=HOME, TMPDIR="/tmp",
                   MPLCONFIGDIR=f"{HOME}/.config/matplotlib", IPYTHONDIR=f"{HOME}/.ipython",
                   PYTHONDONTWRITEBYTECODE="1")  # fmt: skip
        env.setdefault("LANG", "C.UTF-8")
        spec = {
            "bwrap": shutil.which(settings.bwrap) or settings.bwrap,
            "uid": uid,
            "read_only": [[p, p] for p in settings.runtime()],
            "symlinks": settings.symlinks(),
            "handin": str(run / "handin"),
            "connection": str(run / "kernel.json"),
            "matplotlib": str(run / "mpl"),
            "scratch_bytes": settings.scratch_bytes,
            "memory_bytes": settings.memory_bytes,
            "pids": settings.processes,
            "notebook_seconds": settings.notebook_seconds,
            "env": env,
        }
        (run / "spec.json").write_text(json.dumps(spec))
        kw["cwd"] = str(run)
        launch = [sys.executable, "-E", "-s", "-S", str(LAUNCH), str(run / "spec.json"), "--"]
        return launch + kernel, kw

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        await super()._async_launch_kernel(kernel_cmd, **kw)
        pid_file = self.run_dir / "child.pid"
        for _ in range(600):
            if pid_file.exists():
                break
            if not await self._async_is_alive():
                raise RuntimeError(f"the sandbox did not start: {self.what_broke()}")
            await asyncio.sleep(0.01)
        self.ip = f"/proc/{pid_file.read_text()}/root{INSIDE}/k"

    def client(self, **kwargs):
        client = super().client(**kwargs)
        client.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE)  # before its sockets exist
        return client

    def what_broke(self) -> str | None:
        """'time', 'memory', 'processes' or 'stopped' once the sandbox has ended, else None."""
        if self._status is None and self.run_dir and (self.run_dir / "status.json").exists():
            self._status = json.loads((self.run_dir / "status.json").read_text())
        return (self._status or {}).get("broke")

    async def cleanup_resources(self, restart: bool = False) -> None:  # AsyncKernelManager's name
        await super().cleanup_resources(restart=restart)
        if self.run_dir is not None and not restart:
            self.what_broke()  # read before its folder goes
            cgroups.remove_left(self.run_dir.name)  # the launcher may have been killed
            shutil.rmtree(self.run_dir, ignore_errors=True)
