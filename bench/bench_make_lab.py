"""A learner's first ``make lab``: seconds from a fresh clone to the printed URL, the venv's size,
and the longest time the terminal said nothing (issue 29: it must never exceed about 10 s).

Slow and big (minutes, several GB), so it runs only when asked: ``NYUMON_BENCH_MAKE_LAB=1
python -m bench bench_make_lab``. It clones this checkout's HEAD into a temporary folder and runs
``make lab`` there with a temporary HOME, stopping JupyterLab once it prints its URL.

Where PyTorch comes from: ``NYUMON_BENCH_TORCH_INDEX`` (default ``off``, PyPI as configured on
this machine) is passed on as ``NYUMON_TORCH_INDEX``. The default keeps the bench off PyTorch's
CPU index, which this project's machines cannot reach anyway; on a learner's machine
``make lab`` takes the CPU build from it (tools/lab_install.py).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from bench import Row

ROOT = Path(__file__).resolve().parents[1]
URL = re.compile(rb"http://127\.0\.0\.1:\d+/lab\S*token=\w+")
TIMEOUT = 3600


def du_mib(path: Path) -> float:
    total = 0
    for dirpath, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    return total / 2**20


def first_make_lab(workdir: Path, torch_index: str) -> dict[str, float | str]:
    clone = workdir / "pytorch-nyumon"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    home = workdir / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "NYUMON_TORCH_INDEX": torch_index}
    env.pop("VIRTUAL_ENV", None)
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if "/.venv/" not in p
    )
    started = time.monotonic()
    process = subprocess.Popen(
        ["make", "lab"],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    assert process.stdout is not None
    stdout = process.stdout
    gaps: list[float] = []
    found = threading.Event()
    log = bytearray()

    def read() -> None:
        last = started
        while True:
            chunk = stdout.read1(65536)
            if not chunk:
                return
            now = time.monotonic()
            gaps.append(now - last)
            last = now
            log.extend(chunk)
            if URL.search(bytes(log[-4096:])):
                found.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    found.wait(TIMEOUT)
    seconds = time.monotonic() - started
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    if not found.is_set():
        tail = bytes(log[-2000:]).decode(errors="replace")
        raise RuntimeError(f"make lab printed no URL in {TIMEOUT} s:\n{tail}")
    text = log.decode(errors="replace")
    torch = re.search(r"Successfully installed .*?\btorch-(\S+)", text)
    return {
        "seconds": seconds,
        "venv_mib": du_mib(clone / ".venv"),
        "silence": max(gaps),
        "torch": torch.group(1) if torch else "?",
    }


def rows() -> Iterator[Row]:
    if os.environ.get("NYUMON_BENCH_MAKE_LAB") != "1":
        yield Row("first make lab", "skipped", "NYUMON_BENCH_MAKE_LAB=1 runs it (minutes, GBs)")
        return
    torch_index = os.environ.get("NYUMON_BENCH_TORCH_INDEX", "off")
    workdir = Path(tempfile.mkdtemp(prefix="nyumon-make-lab-"))
    try:
        run = first_make_lab(workdir, torch_index)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    note = f"torch {run['torch']}, NYUMON_TORCH_INDEX={torch_index}; load {os.getloadavg()[0]:.2f}"
    yield Row("first make lab: fresh clone → URL printed (s)", f"{run['seconds']:.0f}", note)
    yield Row("  .venv size (GB)", f"{float(run['venv_mib']) / 1024:.2f}", note)
    yield Row("  longest silence in its output (s)", f"{run['silence']:.1f}", note)
