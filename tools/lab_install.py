"""``make lab``'s install step: say what is coming, show pip's progress, never stay silent.

    python -m tools.lab_install ".[lab]"     # run by the Makefile with the venv's Python

1. PyTorch first, on its own: on a machine without an NVIDIA GPU the CPU build, from PyTorch's
   CPU wheel index (about 0.2 GB to download instead of about 3 GB of CUDA libraries). When the
   index cannot be reached, one sentence says so and pip takes PyTorch from PyPI as usual.
2. Then the course and JupyterLab (``pip install -e ".[lab]"``), which keeps that PyTorch.

Each step is announced with its expected size and time. pip's own output is passed through
(in a terminal with its progress bars); when pip prints nothing for 10 s (it unpacks torch
silently for minutes) a line says what is still going on and for how long.

``NYUMON_TORCH_INDEX`` chooses where PyTorch comes from:

- ``auto`` (the default): PyTorch's CPU index when no NVIDIA GPU is seen, else PyPI;
- ``off`` (CI and the tests' own venvs): PyPI only, nothing contacts download.pytorch.org;
- ``cuda``: PyPI, whose Linux builds of PyTorch are the CUDA ones;
- a URL: that index (a PEP 503 simple index), tried first like the CPU index.

Standard library only: it runs in the fresh venv before anything is installed there.
"""

from __future__ import annotations

import argparse
import locale
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
# The longest silence before a "still installing" line: under 10 s with margin (the tests
# shorten it).
QUIET_SECONDS = float(os.environ.get("NYUMON_LAB_QUIET_SECONDS", "8"))
PROBE_SECONDS = 5.0

# Sizes and times seen on a 2-core machine (README "Start here"; bench/bench_make_lab.py).
TEXT = {
    "venv": (
        "講座用の Python 環境（.venv）を作ります（数秒）。",
        "Creating the course's Python environment (.venv): a few seconds.",
    ),
    "torch_cpu": (
        "PyTorch（CPU 版）を入れます。ダウンロードは約 0.2 GB、.venv 全体で約 1.3 GB、数分かかります。",
        "Installing PyTorch (CPU build): about 0.2 GB to download, about 1.3 GB in .venv in all, "
        "a few minutes.",
    ),
    "torch_pypi": (
        "PyTorch を PyPI から入れます。Linux では CUDA 版で、ダウンロードは約 3 GB、.venv 全体で"
        "約 6 GB、回線によっては 10 分以上かかります。",
        "Installing PyTorch from PyPI: on Linux the CUDA build, about 3 GB to download and about "
        "6 GB in .venv in all, 10 minutes or more on a slow line.",
    ),
    "fallback": (
        "PyTorch の CPU 版の配布元（{index}）につながらないので、代わりに PyPI から入れます。",
        "PyTorch's CPU index ({index}) cannot be reached, so PyTorch comes from PyPI instead.",
    ),
    "rest": (
        "JupyterLab と講座の補助パッケージを入れます。約 0.3 GB、1〜2 分です。",
        "Installing JupyterLab and the course helpers: about 0.3 GB, a minute or two.",
    ),
    "still": (
        "{what}インストールしています… {seconds} 秒",
        "still installing {what}… {seconds} s",
    ),
    "torch": ("PyTorch を", "PyTorch"),
    "others": ("JupyterLab と補助パッケージを", "JupyterLab and the course helpers"),
    "done": (
        "インストールが終わりました（{seconds} 秒）。",
        "Installed in {seconds} s.",
    ),
    "failed": (
        "pip が失敗しました（上のエラーを見てください）。直したら、もう一度 make lab を実行します。",
        "pip failed (see its error above). Fix it and run make lab again.",
    ),
}


def languages(env: dict[str, str] | None = None) -> tuple[int, ...]:
    """Which of (ja, en) to print: the system's language, both when it is neither."""
    env = os.environ if env is None else env
    asked = env.get("NYUMON_LAB_LANG", "")
    system = asked or next(
        (env[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(k)),
        locale.getlocale()[0] or "",
    )
    if system.lower().startswith("ja"):
        return (0,)
    if system.lower().startswith("en"):
        return (1,)
    return (0, 1)


def say(key: str, langs: tuple[int, ...] | None = None, **fields: object) -> None:
    """One line of TEXT[key] in ``langs``; a field naming a TEXT entry is put in each language."""
    langs = languages() if langs is None else langs
    text = " / ".join(
        TEXT[key][i].format(**{k: TEXT[v][i] if v in TEXT else v for k, v in fields.items()})
        for i in langs
    )
    print(f"== {text}", flush=True)


def has_nvidia_gpu() -> bool:
    """An NVIDIA driver is loaded (Linux) or nvidia-smi answers."""
    if Path("/proc/driver/nvidia/version").exists():
        return True
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return False
    try:
        done = subprocess.run([smi, "-L"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and "GPU" in done.stdout


def torch_index(setting: str | None, gpu: bool) -> str | None:
    """The index to take PyTorch from first, or None for plain PyPI."""
    setting = (setting or "auto").strip()
    if setting.lower() in ("off", "cuda", "pypi", "0", "no"):
        return None
    if setting.lower() in ("auto", ""):
        return None if gpu else CPU_INDEX
    if not re.match(r"https?://", setting):
        raise SystemExit(
            f"NYUMON_TORCH_INDEX={setting!r}: use auto, off, cuda or an index URL (http…)"
        )
    return setting.rstrip("/")


def reachable(index: str, package: str, timeout: float = PROBE_SECONDS) -> bool:
    """The index answers for ``package``'s page (PEP 503: ``<index>/<name>/``)."""
    try:
        with urllib.request.urlopen(f"{index}/{package}/", timeout=timeout) as reply:
            return 200 <= reply.status < 400
    except (urllib.error.URLError, OSError, ValueError):
        return False


def torch_requirements() -> list[str]:
    """torch and torchvision as pyproject.toml asks for them."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    found = re.findall(r'^\s*"((?:torch|torchvision)\s*[<>=!~][^"]*)"', text, re.M)
    return found or ["torch", "torchvision"]


def run_pip(python: str, args: list[str], what: str, langs: tuple[int, ...]) -> int:
    """Run ``python -m pip install …``, passing its output through, with a line after each
    QUIET_SECONDS of silence. In a terminal pip gets one too (a pseudo-terminal), so it
    draws its progress bars."""
    command = [python, "-m", "pip", "install", "--progress-bar", "on", *args]
    started = time.monotonic()
    last = [time.monotonic()]
    out = sys.stdout.buffer

    def forward(read) -> None:
        while True:
            try:
                chunk = read()
            except OSError:  # the pseudo-terminal closed: pip has exited
                return
            if not chunk:
                return
            last[0] = time.monotonic()
            out.write(chunk)
            out.flush()

    if sys.stdout.isatty() and hasattr(os, "openpty"):
        leader, follower = os.openpty()
        process = subprocess.Popen(command, stdout=follower, stderr=follower, stdin=None)
        os.close(follower)
        reader = threading.Thread(target=forward, args=(lambda: os.read(leader, 4096),))
    else:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert process.stdout is not None
        stdout = process.stdout
        reader = threading.Thread(target=forward, args=(lambda: stdout.read1(4096),))
        leader = None
    reader.daemon = True
    reader.start()
    while process.poll() is None:
        time.sleep(0.5)
        if time.monotonic() - last[0] >= QUIET_SECONDS:
            seconds = int(time.monotonic() - started)
            out.write(b"\n")
            say("still", langs, what=what, seconds=seconds)
            last[0] = time.monotonic()
    reader.join(timeout=5)
    if leader is not None:
        os.close(leader)
    return process.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.lab_install", description=__doc__)
    parser.add_argument("target", nargs="?", default=".[lab]", help="what to pip install -e")
    parser.add_argument("--announce-venv", action="store_true", help="only say a venv is made")
    parser.add_argument(
        "--torch-only",
        metavar="REQUIREMENT",
        nargs="*",
        help="install only these in place of torch and torchvision (the tests' stand-in)",
    )
    args = parser.parse_args(argv)
    langs = languages()
    if args.announce_venv:
        say("venv", langs)
        return 0
    started = time.monotonic()
    python = sys.executable
    packages = args.torch_only if args.torch_only else torch_requirements()
    name = re.split(r"[<>=!~ \[]", packages[0], maxsplit=1)[0]
    index = torch_index(os.environ.get("NYUMON_TORCH_INDEX"), has_nvidia_gpu())
    if index is not None and not reachable(index, name):
        say("fallback", langs, index=index)
        index = None
    say("torch_cpu" if index is not None else "torch_pypi", langs)
    # The index replaces PyPI for this step only: PyPI's newer CUDA build cannot win over it.
    via = ["--index-url", index] if index is not None else []
    if run_pip(python, [*via, *packages], "torch", langs) != 0:
        say("failed", langs)
        return 1
    if args.torch_only is None:
        say("rest", langs)
        if run_pip(python, ["-e", args.target], "others", langs) != 0:
            say("failed", langs)
            return 1
    say("done", langs, seconds=int(time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
