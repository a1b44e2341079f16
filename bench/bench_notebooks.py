"""Import time of ``widgets`` and seconds to execute each notebook in a real kernel.

``execute(path)`` also records the kernel's peak memory (RSS, its child processes included)
and CPU time; ``bench_classroom`` turns those into the classroom's sizing figures.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

from bench import Row

ROOT = Path(__file__).resolve().parents[1]


def import_seconds(module: str, repeats: int = 3) -> float:
    """Best-of-N wall time of ``import module`` in a fresh interpreter."""
    best = float("inf")
    for _ in range(repeats):
        code = (
            f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        best = min(best, float(out.stdout))
    return best


@dataclass(frozen=True)
class Run:
    """One notebook run top to bottom in a fresh kernel."""

    seconds: float  # wall time of the cells, kernel start-up excluded
    peak_rss_mib: float  # the kernel's peak resident memory, its child processes included
    cpu_seconds: float  # user + system CPU time of the kernel and its children, start-up included


def tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def high_water_mark(pid: int) -> int:
    """Peak RSS of one process as the kernel counts it (VmHWM), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


@functools.cache
def execute(path: Path) -> Run:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    # Keep the kernel's start-up chatter out of the table.
    with client.setup_kernel(stderr=subprocess.DEVNULL):
        kernel = psutil.Process(client.km.provisioner.pid)
        peak, done = [0], threading.Event()

        def sample() -> None:  # children (DataLoader workers) have no VmHWM of their own here
            while not done.wait(0.2):
                peak[0] = max(peak[0], tree_rss(kernel))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        cpu = kernel.cpu_times()
        peak_bytes = max(peak[0], tree_rss(kernel), high_water_mark(kernel.pid))
    cpu_seconds = cpu.user + cpu.system + cpu.children_user + cpu.children_system
    return Run(seconds, peak_bytes / 2**20, cpu_seconds)


def execute_seconds(path: Path) -> float:
    return execute(path).seconds


def rows() -> Iterator[Row]:
    yield Row("import torch (fresh interpreter, best of 3)", f"{import_seconds('torch'):.2f} s")
    yield Row("import widgets (includes torch)", f"{import_seconds('widgets'):.2f} s")
    only = os.environ.get("BENCH_NOTEBOOKS")  # e.g. "chapters/ja/01*" to time a subset
    pattern = only or "*/*/*.ipynb"
    for path in sorted(ROOT.glob(pattern)):
        if path.parts[-3] not in ("chapters", "solutions"):
            continue
        seconds = execute_seconds(path)
        note = "goal ≤ 60 s on 2 CPU cores" + (" — OVER" if seconds > 60 else "")
        yield Row(f"execute {path.relative_to(ROOT)}", f"{seconds:.1f} s", note)
