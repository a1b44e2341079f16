"""The Colab-like run (tools/colab_run.py) and the floor run (tools/floor_run.py): their cost.

Reads the reports the last ``make colab`` and ``make floor`` saved in their venvs (CI runs
both): environment build time and size, the first notebook with the real install, all
notebooks, and the floor's steps. ``BENCH_COLAB_RUN=1`` runs ``python -m tools.colab_run`` first
(about 8 minutes on 2 cores, plus about 4 to build its venv the first time, most of it
downloading Colab's torch). ``BENCH_COLAB_REPORT=path`` reads that report instead of the
venv's, e.g. one saved from CI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from bench import Row
from tools import colab_run, floor_run

ROOT = Path(__file__).resolve().parents[1]


def saved(path: Path) -> dict | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def colab_report() -> dict | None:
    if os.environ.get("BENCH_COLAB_RUN"):
        # The run prints its own progress; the table gets only the figures.
        subprocess.run([sys.executable, "-m", "tools.colab_run"], cwd=ROOT, check=False)
    if os.environ.get("BENCH_COLAB_REPORT"):
        return saved(Path(os.environ["BENCH_COLAB_REPORT"]))
    version = colab_run.colab_python(colab_run.reference_dir())
    return saved(colab_run.venv_dir(version) / "last-run.json")


def gigabytes(size: int) -> str:
    return f"{size / 1e9:.1f} GB"


def colab_rows(data: dict) -> Iterator[Row]:
    pins = colab_run.packages_line(data["packages"])
    yield Row(
        f"Colab-like venv build (Python {data['python']}, {pins})",
        f"{data['venv_build_seconds']:.0f} s",
        f"{gigabytes(data['venv_bytes'])}; Colab's pins from its pip freeze",
    )
    first = data["chapters"][0]
    yield Row(
        f"Colab-like first notebook, {first['name']}",
        f"{first['seconds']:.1f} s",
        f"of which the install cell (%pip from git) {data['install_seconds']:.1f} s",
    )
    for chapter in data["chapters"]:
        note = "FAILED" if chapter["error"] else f"install cell {chapter['install']:.1f} s"
        yield Row(f"Colab-like run {chapter['name']}", f"{chapter['seconds']:.1f} s", note)
    yield Row(
        f"Colab-like run, all {len(data['chapters'])} notebooks",
        f"{data['notebooks_wall_seconds']:.0f} s",
        f"wall time, two at a time (sum {sum(c['seconds'] for c in data['chapters']):.0f} s)",
    )
    yield Row("Colab-like run, whole", f"{data['wall_seconds']:.0f} s", data["commit"][:10])
    for problem in data["problems"]:
        yield Row("Colab-like run problem", "FAILED", problem)


def floor_rows(data: dict) -> Iterator[Row]:
    pins = ", ".join(f"{k} {v}" for k, v in data["floor"].items())
    yield Row(
        "Floor venv build",
        f"{data['venv_build_seconds']:.0f} s",
        f"{gigabytes(data['venv_bytes'])}; {pins}",
    )
    for step in data["steps"]:
        note = "FAILED" if step["returncode"] else "passed"
        yield Row(f"Floor run: {step['name']}", f"{step['seconds']:.0f} s", note)


def rows() -> Iterator[Row]:
    colab = colab_report()
    if colab:
        yield from colab_rows(colab)
    else:
        yield Row("Colab-like run", "no report", "run `make colab` (or BENCH_COLAB_RUN=1)")
    floor = saved(floor_run.venv_dir(floor_run.floor()) / "last-run.json")
    if floor:
        yield from floor_rows(floor)
    else:
        yield Row("Floor run", "no report", "run `make floor`")
