"""The Colab-like run (tools/colab_run.py): the install cell's time and each chapter's run time.

Runs ``python -m tools.colab_run`` (about 8 minutes on 2 cores, plus about 4 to build its venv
the first time) and reads the report it saves. ``BENCH_COLAB_REPORT=path`` reads a saved report
instead, e.g. ``.venv/colab-py3.12/last-run.json`` from the last ``make colab``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from bench import Row
from tools import colab_run

ROOT = Path(__file__).resolve().parents[1]


def report() -> dict:
    saved = os.environ.get("BENCH_COLAB_REPORT")
    if not saved:
        # The run prints its own progress; the table gets only the figures.
        subprocess.run([sys.executable, "-m", "tools.colab_run"], cwd=ROOT, check=False)
        saved = str(colab_run.venv_dir(colab_run.VERSION) / "last-run.json")
    return json.loads(Path(saved).read_text(encoding="utf-8"))


def rows() -> Iterator[Row]:
    data = report()
    python = f"Python {data['python']}"
    built = data["venv_build_seconds"]
    yield Row(
        f"Colab-like venv build ({python}, Colab's packages)",
        f"{built:.0f} s" if built else "reused",
        "torch, torchvision, ipywidgets 7.7.1, IPython 7.34, …",
    )
    yield Row(
        "Colab install cell, first chapter (%pip from git)",
        f"{data['install_seconds']:.1f} s",
        "the course and its dependencies into Colab's packages",
    )
    for chapter in data["chapters"]:
        note = "FAILED" if chapter["error"] else f"install cell {chapter['install']:.1f} s"
        yield Row(f"Colab-like run {chapter['name']}", f"{chapter['seconds']:.1f} s", note)
    total = sum(c["seconds"] for c in data["chapters"])
    yield Row("Colab-like run, all chapters (sum)", f"{total:.0f} s", "two at a time")
    yield Row("Colab-like run, wall time", f"{data['wall_seconds']:.0f} s", data["commit"][:10])
    for problem in data["problems"]:
        yield Row("Colab-like run problem", "FAILED", problem)
