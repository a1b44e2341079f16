"""How soon a chapter is ready: kernel start, then the chapter's first cell (``setup()``).

Issue 29 item 5. A fresh ``python3`` kernel through jupyter_client, as JupyterLab starts one:
seconds until it answers ``kernel_info``, then seconds to run the first code cell of chapter 01
(the setup cell tools/build.py writes: outside Colab it is ``from widgets import setup`` and
``device = setup(...)``), split into ``import torch`` and the rest, measured inside the kernel.
Best and median of a few fresh kernels; the machine's load average is in the note, since the
figures are only comparable on an idle machine.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

from bench import Row
from bench.kernel import Kernel

ROOT = Path(__file__).resolve().parents[1]
REPEATS = int(os.environ.get("NYUMON_BENCH_KERNELS", "3"))

# Runs before the setup cell: when torch's import ends and the cell's code starts, read back
# after the cell (a cell's own wall time is taken around it by the client).
PROBE = (
    "import builtins, time, json\n"
    "_t = {}\n"
    "_real = builtins.__import__\n"
    "def _timed(name, *a, **k):\n"
    "    first = name == 'torch' and 'torch' not in _t\n"
    "    if first: _t['torch'] = -time.perf_counter()\n"
    "    try: return _real(name, *a, **k)\n"
    "    finally:\n"
    "        if first: _t['torch'] += time.perf_counter()\n"
    "builtins.__import__ = _timed\n"
)
REPORT = "builtins.__import__ = _real\nprint(json.dumps(_t))"


def first_cell(stem: str = "01_tensors", lang: str = "ja") -> str:
    from tools.build import notebook_relpath

    nb = json.loads((ROOT / notebook_relpath(stem, lang)).read_text(encoding="utf-8"))
    return "".join(next(c for c in nb["cells"] if c["cell_type"] == "code")["source"])


def one_kernel(cell: str) -> dict[str, float]:
    started = time.perf_counter()
    kernel = Kernel()  # returns once the kernel has answered kernel_info
    ready = time.perf_counter() - started
    try:
        kernel.run(PROBE)
        started = time.perf_counter()
        kernel.run(cell)
        cell_seconds = time.perf_counter() - started
        inside = json.loads(kernel.run(REPORT).strip().splitlines()[-1])
    finally:
        kernel.close()
    torch_seconds = inside.get("torch", 0.0)
    return {"start": ready, "cell": cell_seconds, "torch": torch_seconds}


def rows() -> Iterator[Row]:
    cell = first_cell()
    runs = [one_kernel(cell) for _ in range(REPEATS)]
    load = os.getloadavg()[0]
    note = f"best / median of {REPEATS} fresh kernels; load average {load:.2f}"
    for key, name in (
        ("start", "kernel start → answers kernel_info (s)"),
        ("cell", "chapter 01's first cell, setup() with torch (s)"),
        ("torch", "  of which: import torch (s)"),
    ):
        values = [r[key] for r in runs]
        yield Row(name, f"{min(values):.2f} / {statistics.median(values):.2f}", note)
    rest = [r["cell"] - r["torch"] for r in runs]
    yield Row(
        "  the rest: widgets, setup()'s own work (s)",
        f"{min(rest):.2f} / {statistics.median(rest):.2f}",
        note,
    )
