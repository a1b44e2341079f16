"""Import time of ``widgets`` and seconds to execute each notebook in a real kernel."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
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


def execute_seconds(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    start = time.perf_counter()
    client.execute(stderr=subprocess.DEVNULL)  # keep the kernel's start-up chatter out of the table
    return time.perf_counter() - start


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
