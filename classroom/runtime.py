"""Where the classroom lives on the machine, and the scripted set-up that puts it there.

- The **course runtime** (``<prefix>/venv``, default ``/opt/pytorch-nyumon``): a venv with the
  course, JupyterLab, JupyterHub and its services, owned by root and readable by everyone.
  Students' servers and kernels run from it. It is a venv of its own, not the checkout's
  ``.venv``, because the students' OS accounts must be able to run its interpreter: a venv
  made from a Python under ``/root`` (pyenv, as on this project's machines) cannot be run by
  anyone but root, and a course installed apart from the instructor's checkout cannot be
  changed by a student or broken by the instructor's next ``git pull``.
- **configurable-http-proxy** from npm in ``classroom/node_modules`` (git-ignored), pinned
  by ``classroom/package-lock.json``.
- The **state directory** (default ``/var/lib/pytorch-nyumon-hub``, mode 0700): the hub's
  database, its cookie secret and the proxy's token (0600), generated on first start.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import secrets
import shlex
import shutil
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CLASSROOM = Path(__file__).resolve().parent
ROOT = CLASSROOM.parent
MIN_PYTHON = (3, 10)
# What the course runtime holds: JupyterLab and the course, the hub and its services, and
# nbgrader for homework (classroom/nbgrader). NYUMON_CLASSROOM_EXTRAS overrides it.
EXTRAS = "lab,classroom,nbgrader"


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


@dataclass(frozen=True)
class Paths:
    prefix: Path
    state: Path

    @classmethod
    def from_env(cls) -> Paths:
        return cls(
            prefix=Path(_env("NYUMON_CLASSROOM_PREFIX", "/opt/pytorch-nyumon")),
            state=Path(_env("NYUMON_CLASSROOM_STATE", "/var/lib/pytorch-nyumon-hub")),
        )

    @property
    def venv(self) -> Path:
        return self.prefix / "venv"

    @property
    def singleuser_config(self) -> Path:
        return self.prefix / "etc" / "jupyter"

    @property
    def stamp(self) -> Path:
        return self.prefix / "installed.sha256"

    @property
    def font_cache(self) -> Path:
        """Matplotlib's font list, built once here and copied into each new student's home."""
        return self.prefix / "matplotlib"

    @property
    def chp(self) -> Path:
        return CLASSROOM / "node_modules" / ".bin" / "configurable-http-proxy"

    @property
    def proxy_token(self) -> Path:
        return self.state / "proxy_auth_token"


@dataclass(frozen=True)
class HubSettings:
    """Figures an instructor may change through environment variables (see README.md)."""

    port: int = 8000
    hub_port: int = 8081
    proxy_api_port: int = 8001
    admins: tuple[str, ...] = ("instructor",)
    # Recorded in the hub; enforced only on Kubernetes. 1.5 × (the heaviest chapter's measured
    # peak kernel RSS + a server's RSS): see README.md, "Sizing" (python -m bench bench_classroom).
    mem_limit: str = "3G"
    cpu_limit: float = 1.0
    cull_timeout: int = 3600
    cull_every: int = 600
    activity_interval: int = 300  # how often a server tells the hub it is in use (seconds)

    @property
    def threads_per_kernel(self) -> int:
        return max(1, int(self.cpu_limit))

    @classmethod
    def from_env(cls) -> HubSettings:
        d = cls()
        return cls(
            port=int(_env("NYUMON_HUB_PORT", str(d.port))),
            hub_port=int(_env("NYUMON_HUB_API_PORT", str(d.hub_port))),
            proxy_api_port=int(_env("NYUMON_PROXY_API_PORT", str(d.proxy_api_port))),
            admins=tuple(_env("NYUMON_HUB_ADMINS", ",".join(d.admins)).split(",")),
            mem_limit=_env("NYUMON_MEM_LIMIT", d.mem_limit),
            cpu_limit=float(_env("NYUMON_CPU_LIMIT", str(d.cpu_limit))),
            cull_timeout=int(_env("NYUMON_CULL_TIMEOUT", str(d.cull_timeout))),
            cull_every=int(_env("NYUMON_CULL_EVERY", str(d.cull_every))),
            activity_interval=int(_env("NYUMON_ACTIVITY_INTERVAL", str(d.activity_interval))),
        )


def say(ja: str, en: str) -> None:
    print(f"== {ja}\n   {en}", flush=True)


class SetupError(RuntimeError):
    """A set-up step that cannot go on, with what to do about it (both languages)."""


def write_secret(path: Path, nbytes: int = 32) -> str:
    """A new random hex secret in ``path``, readable and writable by its owner only."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    value = secrets.token_hex(nbytes)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(value + "\n")
    return value


def read_secret(path: Path) -> str:
    """The secret in ``path``; refuses a file that others may read."""
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise SetupError(
            f"{path} のアクセス権が {oct(mode)} です。chmod 600 {path} を実行してください。\n"
            f"{path} has mode {oct(mode)}: others may read it. Run: chmod 600 {path}"
        )
    return path.read_text().strip()


def prepare_state(paths: Paths) -> None:
    """The state directory (0700) and the proxy token (0600), made on first start."""
    paths.state.mkdir(mode=0o700, parents=True, exist_ok=True)
    paths.state.chmod(0o700)
    if not paths.proxy_token.exists():
        write_secret(paths.proxy_token)
    read_secret(paths.proxy_token)


def runs_as_nobody(command: list[str]) -> subprocess.CompletedProcess:
    """Run ``command`` as the unprivileged user ``nobody``, to check what students can run."""
    return subprocess.run(
        [shutil.which("runuser") or "/usr/sbin/runuser", "-u", "nobody", "--", *command],
        capture_output=True, text=True, cwd="/", env={"PATH": "/usr/bin:/bin", "HOME": "/"},
    )  # fmt: skip


def base_python() -> str:
    """A Python of at least 3.10 that every account can run, for the course runtime."""
    candidates = [os.environ.get("NYUMON_CLASSROOM_PYTHON"), "/usr/bin/python3"]
    tried = []
    for candidate in filter(None, candidates):
        check = runs_as_nobody([candidate, "-c", "import sys, venv; print(*sys.version_info[:2])"])
        if check.returncode == 0 and tuple(map(int, check.stdout.split())) >= MIN_PYTHON:
            return candidate
        tried.append(f"{candidate}: {(check.stderr or check.stdout).strip()[-200:]}")
    raise SetupError(
        "生徒のアカウントから実行できる Python 3.10 以上が見つかりません。"
        "apt-get install python3 python3-venv を実行するか、NYUMON_CLASSROOM_PYTHON で指定してください。\n"
        "No Python >= 3.10 that students' accounts can run: apt-get install python3 python3-venv, "
        "or name one in NYUMON_CLASSROOM_PYTHON.\n" + "\n".join(tried)
    )


def extras() -> str:
    return os.environ.get("NYUMON_CLASSROOM_EXTRAS") or EXTRAS


def source_digest() -> str:
    """What the runtime was installed from: the project metadata and the helper package."""
    digest = hashlib.sha256(extras().encode())
    files = [ROOT / "pyproject.toml", *sorted((ROOT / "widgets").rglob("*.py"))]
    for path in files:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def install_runtime(paths: Paths) -> None:
    """The course runtime venv, (re)installed when the course's package changed."""
    wanted = source_digest()
    python = paths.venv / "bin" / "python"
    if python.exists() and paths.stamp.exists() and paths.stamp.read_text().strip() == wanted:
        return
    paths.prefix.mkdir(parents=True, exist_ok=True)
    paths.prefix.chmod(0o755)
    if not python.exists():
        say("講座の実行環境を作ります: " + str(paths.venv),
            "Creating the course runtime: " + str(paths.venv))  # fmt: skip
        subprocess.run([base_python(), "-m", "venv", str(paths.venv)], check=True)
    say("講座と JupyterHub を実行環境に入れます（初回は数分かかります）",
        "Installing the course and JupyterHub into it (a few minutes the first time)")  # fmt: skip
    log = paths.prefix / "install.log"
    # Extra pip arguments, e.g. a CPU-only PyTorch index for a server without a GPU:
    # NYUMON_CLASSROOM_PIP_ARGS="--extra-index-url https://download.pytorch.org/whl/cpu"
    extra = shlex.split(os.environ.get("NYUMON_CLASSROOM_PIP_ARGS", ""))
    pip = [str(python), "-m", "pip", "install", "--upgrade", *extra]
    with open(log, "w") as out:
        done = subprocess.run([*pip, "pip"], stdout=out, stderr=subprocess.STDOUT)
        if done.returncode == 0:
            done = subprocess.run(
                [*pip, f"{ROOT}[{extras()}]"],
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
    if done.returncode != 0:
        tail = log.read_text()[-2000:]
        raise SetupError(
            f"pip install が失敗しました（全文: {log}）\npip install failed (full log: {log})\n{tail}"
        )
    paths.stamp.write_text(wanted + "\n")


def _config_files() -> dict[str, bytes]:
    files = {
        "jupyter_server_config.py": (CLASSROOM / "singleuser_config.py").read_bytes(),
        "nyumon_busy_activity.py": (CLASSROOM / "busy_activity.py").read_bytes(),
    }
    source = ROOT / "jupyter_config"
    for path in sorted(source.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            files[f"course/{path.relative_to(source).as_posix()}"] = path.read_bytes()
    return files


def _files_in(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def install_singleuser_config(paths: Paths) -> None:
    """The course's Jupyter settings plus the classroom's, where students can read them.

    Rewritten only when they changed, and then swapped in whole, so a server starting at
    that moment never reads half a folder.
    """
    target = paths.singleuser_config
    wanted = _config_files()
    if _files_in(target) == wanted:
        return
    new = target.with_name(f"{target.name}.new-{os.getpid()}")
    old = target.with_name(f"{target.name}.old-{os.getpid()}")
    for relpath, content in wanted.items():
        (new / relpath).parent.mkdir(parents=True, exist_ok=True)
        (new / relpath).write_bytes(content)
    for path in [paths.prefix / "etc", new, *new.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def setup_lock(paths: Paths):
    """One set-up at a time per runtime (two hubs, or a hub and a test, may share it)."""
    paths.prefix.mkdir(parents=True, exist_ok=True)
    with open(paths.prefix / ".setup.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def check_students_can_run(paths: Paths) -> None:
    """A student's account must be able to start the course's Python and import the course."""
    check = runs_as_nobody(
        [str(paths.venv / "bin" / "python"), "-c", "import torch, widgets, jupyterhub, nbgitpuller"]
    )
    if check.returncode != 0:
        raise SetupError(
            "生徒のアカウントから講座の実行環境を使えません。"
            f"{paths.prefix} とその親フォルダーに他のユーザーの読み取り・実行権があるか確認してください。\n"
            f"Students' accounts cannot use the course runtime: check that {paths.prefix} and "
            f"its parent folders are readable and searchable by others.\n{check.stderr[-1500:]}"
        )


def build_font_cache(paths: Paths) -> None:
    """Matplotlib's font list for the runtime, made once.

    Without it, every student's first plot builds her own (seconds of CPU each, a whole class
    at once) and prints "Matplotlib is building the font cache; this may take a moment." under
    her cell. The list names the system's font files, the same for every account, so the
    hub copies it into each student's ``~/.cache/matplotlib`` (users.give_font_cache)."""
    if any(paths.font_cache.glob("fontlist-*.json")):
        return
    paths.font_cache.mkdir(mode=0o755, parents=True, exist_ok=True)
    subprocess.run(
        [str(paths.venv / "bin" / "python"), "-c", "import matplotlib.font_manager"],
        env={**os.environ, "MPLCONFIGDIR": str(paths.font_cache)},
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    for path in paths.font_cache.iterdir():
        path.chmod(0o644 if path.is_file() else 0o755)


def install_proxy(paths: Paths) -> None:
    """configurable-http-proxy from npm, as pinned in classroom/package-lock.json."""
    if paths.chp.exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SetupError(
            "npm がありません。apt-get install nodejs npm を実行してください。\n"
            "npm is missing: apt-get install nodejs npm"
        )
    say("configurable-http-proxy を npm で入れます", "Installing configurable-http-proxy from npm")
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=CLASSROOM, check=True
    )


KERNEL_CONFIG = """\
# Written by `python -m classroom setup` (classroom/runtime.py): every student's kernel loads
# the course's notice for a kernel stopped at the server's memory limit (classroom/limits.py).
c = get_config()  # noqa: F821
c.InteractiveShellApp.extensions = ["widgets._env.memory_limit"]
"""


def install_kernel_config(paths: Paths) -> None:
    """``ipython_kernel_config.py`` in the runtime's ``etc/ipython``, which IPython reads."""
    target = paths.venv / "etc" / "ipython" / "ipython_kernel_config.py"
    if target.exists() and target.read_text() == KERNEL_CONFIG:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.parent.chmod(0o755)
    new = target.with_name(f"{target.name}.new-{os.getpid()}")
    new.write_text(KERNEL_CONFIG)
    new.chmod(0o644)
    new.rename(target)


def setup(paths: Paths | None = None) -> Paths:
    """Everything `make classroom` needs before the hub starts. Idempotent."""
    paths = paths or Paths.from_env()
    if os.geteuid() != 0:
        raise SetupError(
            "教室サーバーは root で起動してください（生徒ごとに OS のアカウントを作るため）: sudo make classroom\n"
            "Run the classroom as root (it creates an OS account per student): sudo make classroom"
        )
    if shutil.which("runuser") is None or shutil.which("useradd") is None:
        raise SetupError("runuser / useradd がありません (apt-get install util-linux passwd)\n"
                         "runuser / useradd missing (apt-get install util-linux passwd)")  # fmt: skip
    with setup_lock(paths):
        install_runtime(paths)
        install_singleuser_config(paths)
        install_kernel_config(paths)
        build_font_cache(paths)
        check_students_can_run(paths)
        install_proxy(paths)
    prepare_state(paths)
    return paths
