"""The sandbox's settings (``c.Sandbox.…`` in nbgrader_config.py), and whether it can run here."""

from __future__ import annotations

import importlib.util
import os
import pwd
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from traitlets import Bool, Integer, List, Unicode
from traitlets.config import Configurable

GiB, MiB = 1 << 30, 1 << 20
# /etc entries a Python kernel reads; nothing else of /etc (no passwd, shadow, ssh, hub secrets).
ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "fonts", "localtime",
       "mime.types", "ssl/certs", "matplotlibrc")  # fmt: skip
TOP_LINKS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
ENV_KEEP = ("NBGRADER_EXECUTION", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "ATEN_CPU_CAPABILITY",
            "PYTHONHASHSEED", "TZ", "LANG", "LC_ALL")  # fmt: skip
_PROBLEMS: dict[tuple[str, int], str | None] = {}  # one trial sandbox per grading process
THROWAWAY_UIDS = range(2_100_000_000, 2_101_000_000)  # no account, owns no file on the machine


class Sandbox(Configurable):
    """How each hand-in's kernel is confined during ``nbgrader autograde``."""

    unsafe_no_sandbox = Bool(
        False, help="Run hand-ins with the grader's own rights, unconfined (unsafe: a hand-in "
        "can then read the answer key and every other hand-in, and rewrite the gradebook)."
    ).tag(config=True)  # fmt: skip
    bwrap = Unicode("bwrap", help="The bubblewrap program (Debian package bubblewrap).").tag(
        config=True
    )
    memory_bytes = Integer(4 * GiB, help="Memory of one hand-in's kernel, tmpfs included.").tag(
        config=True
    )
    processes = Integer(128, help="Processes and threads of one hand-in's kernel.").tag(config=True)
    scratch_bytes = Integer(256 * MiB, help="Bytes a hand-in may write (each tmpfs).").tag(
        config=True
    )
    notebook_seconds = Integer(600, help="Wall seconds for one notebook, all cells.").tag(
        config=True
    )
    read_only = List(
        Unicode(), help="More folders the kernel may read (the course runtime is found itself)."
    ).tag(config=True)

    def runtime(self) -> list[str]:
        """Folders the kernel reads: the interpreter, the venv, the course's widgets package."""
        paths = [sys.prefix, sys.base_prefix, *self.read_only]
        spec = importlib.util.find_spec("widgets")
        if spec and spec.submodule_search_locations:
            paths += list(spec.submodule_search_locations)
        paths += [f"/etc/{name}" for name in ETC]
        found: list[str] = ["/usr"]
        for path in paths:
            real = os.path.realpath(path)
            if os.path.exists(real) and not any(_inside(real, f) for f in found):
                found.append(real)
        return found

    def symlinks(self) -> list[list[str]]:
        return [[f"/{n}", os.readlink(f"/{n}")] for n in TOP_LINKS if os.path.islink(f"/{n}")]

    def throwaway_uid(self) -> int | None:
        """A fresh uid with no account, as root; None for an ordinary instructor."""
        if os.geteuid() != 0:
            return None
        while True:
            uid = THROWAWAY_UIDS[secrets.randbelow(len(THROWAWAY_UIDS))]
            try:
                pwd.getpwuid(uid)
            except KeyError:
                return uid

    def problem(self) -> str | None:
        """Why a sandbox cannot start on this machine, or None when one can (asked once)."""
        key = (self.bwrap, os.geteuid())
        if key not in _PROBLEMS:
            _PROBLEMS[key] = self._try()
        return _PROBLEMS[key]

    def _try(self) -> str | None:
        program = shutil.which(self.bwrap)
        if program is None:
            return f"no {self.bwrap!r} program (apt-get install bubblewrap)"
        uid = self.throwaway_uid()
        who = {"user": uid, "group": uid, "extra_groups": []} if uid is not None else {}
        argv = [program, "--unshare-all", "--unshare-user", "--ro-bind", "/usr", "/usr"]
        argv += [a for link, target in self.symlinks() for a in ("--symlink", target, link)]
        try:
            done = subprocess.run(
                [*argv, "true"], capture_output=True, text=True, timeout=30, **who
            )
        except OSError as error:
            return f"{program} could not start ({error})"
        if done.returncode != 0:
            return f"{program} failed: {done.stderr.strip() or done.returncode}"
        return None


def _inside(path: str, folder: str) -> bool:
    return Path(path) == Path(folder) or Path(folder) in Path(path).parents
