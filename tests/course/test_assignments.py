"""The generated nbgrader course: up to date, well-formed, and faithful to the chapters."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tools import assignments, build
from tools.build import notebook_relpath

ROOT = build.ROOT

SOURCES = sorted(assignments.SOURCE.glob("*/*.ipynb"))
BEGIN, END = assignments.BEGIN, assignments.END


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def text(cell: dict) -> str:
    return "".join(cell["source"])


def test_no_drift():
    """`python -m tools.assignments --check` passes: the committed sources are current."""
    done = subprocess.run(
        [sys.executable, "-m", "tools.assignments", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_one_assignment_per_chapter_with_exercises_and_language():
    chapters = [
        src.stem
        for src in sorted((ROOT / "chapters" / "src").glob("*.nb"))
        if any(c.in_exercises for c in build.parse(src))
    ]
    want = {f"{stem}_{lang}/{stem}.ipynb" for stem in chapters for lang in build.LANGS}
    assert {f"{p.parent.name}/{p.name}" for p in SOURCES} == want
    assert "08_autograd_from_scratch" in chapters


def test_generation_is_reproducible():
    cfg = build.settings()
    assert assignments.outputs(cfg) == assignments.outputs(cfg)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.parent.name)
def test_cell_metadata(path):
    """Every cell is nbgrader's: locked prose and code, answer cells, graded checks."""
    ids = []
    for cell in cells(path):
        meta = cell["metadata"]["nbgrader"]
        ids.append(meta["grade_id"])
        assert re.fullmatch(r"[a-z]+_\d\d(_[a-z0-9_]+)?", meta["grade_id"])
        assert cell["id"] == meta["grade_id"]
        assert meta["schema_version"] == 3 and meta["task"] is False
        source = text(cell)
        if meta["solution"]:  # an answer cell: editable, one solution region, not graded
            assert cell["cell_type"] == "code" and not meta["grade"] and not meta["locked"]
            assert source.count(BEGIN) == source.count(END) == 1
            compile(source, meta["grade_id"], "exec")  # stub + solution is valid Python
        elif meta["grade"]:  # a graded check: read-only, with points
            assert cell["cell_type"] == "code" and meta["locked"]
            assert meta["points"] == assignments.POINTS
            assert re.search(r"^result = check_\w+\(.*\)$", source, re.M)
            assert source.rstrip().endswith("assert result")
        else:  # prose or given code: read-only
            assert meta["locked"] and BEGIN not in source
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.parent.name)
def test_graded_checks_are_the_solutions_asserts(path):
    """One graded cell per `assert check_…(…)` of the solution notebook, in order."""
    lang = path.parent.name.rsplit("_", 1)[1]
    solution = json.loads((ROOT / notebook_relpath(path.stem, lang, True)).read_text("utf-8"))
    asserted = []
    for cell in solution["cells"]:
        if cell["cell_type"] == "code" and "assert check_" in text(cell):
            tree = ast.parse(text(cell))
            asserted += [
                ast.unparse(node.test) for node in tree.body if isinstance(node, ast.Assert)
            ]
    graded = [
        re.search(r"^result = (.*)$", text(c), re.M).group(1)
        for c in cells(path)
        if c["metadata"]["nbgrader"]["grade"]
    ]
    assert [ast.unparse(ast.parse(g)) for g in graded] == asserted
    assert graded


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.parent.name)
def test_released_answer_cell_is_the_chapter_stub(path):
    """Without its solution region, each answer cell is code from the chapter's stub."""
    lang = path.parent.name.rsplit("_", 1)[1]
    chapter = json.loads((ROOT / notebook_relpath(path.stem, lang)).read_text(encoding="utf-8"))
    chapter_code = "\n".join(text(c) for c in chapter["cells"] if c["cell_type"] == "code")
    for cell in cells(path):
        if cell["metadata"]["nbgrader"]["solution"]:
            released = text(cell).split(BEGIN)[0].strip()
            assert released, cell["id"]
            for block in released.split("\n\n\n"):
                assert block.strip() in chapter_code, (cell["id"], block)


def test_timeout_told_to_students_is_the_configured_one():
    config = (assignments.COURSE / "nbgrader_config.py").read_text(encoding="utf-8")
    assert f"c.Execute.timeout = {assignments.TIMEOUT}\n" in config
    prose = text(cells(SOURCES[0])[0])
    assert f"{assignments.TIMEOUT}" in prose


def test_check_reports_stale_and_unexpected_files(tmp_path, monkeypatch):
    monkeypatch.setattr(assignments, "SOURCE", tmp_path / "source")
    monkeypatch.setattr(sys, "argv", ["assignments.py"])
    assert assignments.main() == 0
    written = sorted((tmp_path / "source").glob("*/*.ipynb"))
    assert len(written) == len(SOURCES)
    monkeypatch.setattr(sys, "argv", ["assignments.py", "--check"])
    assert assignments.main() == 0
    written[0].write_text("{}", encoding="utf-8")
    extra = tmp_path / "source" / "99_old_en" / "99_old.ipynb"
    extra.parent.mkdir()
    extra.write_text("{}", encoding="utf-8")
    assert assignments.main() == 1
