"""Generate the nbgrader course (one assignment per chapter and language) from chapters/src.

Each chapter with exercises becomes two assignments, ``NN_topic_ja`` and ``NN_topic_en``,
written to ``classroom/nbgrader/source/<assignment>/NN_topic.ipynb``:

- prose and given code are locked (read-only) cells;
- a task's stub and its solution become one answer cell: the stub first, then the solution
  inside ``### BEGIN SOLUTION`` / ``### END SOLUTION``, which ``nbgrader generate_assignment``
  removes (the course config sets an empty code stub), so the student sees the chapter's stub;
  in the instructor's source notebook the solution runs after the stub and replaces it;
- each ``assert check_…(…)`` of a solution becomes a read-only, autograded test cell that
  shows the check's verdict (the same ✓/✗ box and hint as in the chapter) and asserts it.

    python -m tools.assignments           # regenerate the course sources
    python -m tools.assignments --check   # exit 1 and list what is stale (used by the tests)
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from widgets._i18n import Message

from . import build

ROOT = build.ROOT
COURSE = ROOT / "classroom" / "nbgrader"
SOURCE = COURSE / "source"
POINTS = 1  # per check: every check of a chapter weighs the same
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"

TITLE = Message(ja="# 課題: {title}", en="# Assignment: {title}")
INSTRUCTIONS = Message(
    ja=(
        "答えは、`None`・`...`・`raise NotImplementedError(...)` が入っている **答えのセル** に書きます。"
        "上から順にすべてのセルを実行し、採点用のセルが ✓ になるのを確かめてから提出してください。\n\n"
        "採点用のセルと説明のセルは編集できません。消しても採点のときに元に戻ります。"
        "採点では、ノートブックを上から実行し、採点用のセル 1 つにつき {points} 点をつけます。"
        "1 つのセルの実行が {timeout} 秒を超えると、そこで打ち切られます。"
    ),
    en=(
        "Write your answers in the **answer cells**, the ones holding `None`, `...` or "
        "`raise NotImplementedError(...)`. Run all cells from the top and check that the "
        "graded cells show ✓ before you submit.\n\n"
        "Graded cells and prose cells are read-only; a deleted one is put back for grading. "
        "Grading runs the notebook from the top and gives {points} point(s) per graded cell. "
        "A cell that runs longer than {timeout} seconds is stopped there."
    ),
)
CHECK_COMMENT = Message(ja="# 採点用のチェック（編集できません）", en="# Graded check (read-only)")
TIMEOUT = 60  # seconds per cell; must match c.Execute.timeout in nbgrader_config.py


@dataclass
class Run:
    """Consecutive stub/solution cells of one language: one task's answer and checks."""

    stubs: list[str] = field(default_factory=list)
    solutions: list[str] = field(default_factory=list)


def check_call(node: ast.stmt) -> ast.Call | None:
    """The ``check_…(…)`` call of a statement ``check_…(…)`` or ``assert check_…(…)``."""
    expr = node.test if isinstance(node, ast.Assert) else getattr(node, "value", None)
    if not isinstance(node, ast.Assert | ast.Expr) or not isinstance(expr, ast.Call):
        return None
    if isinstance(expr.func, ast.Name) and expr.func.id.startswith("check_"):
        return expr
    return None


def split_checks(text: str, asserted: bool) -> tuple[str, list[str]]:
    """Split a cell into its code without top-level checks, and those checks' calls."""
    tree = ast.parse(text)
    lines = text.split("\n")
    keep, checks = [True] * len(lines), []
    for node in tree.body:
        call = check_call(node)
        if call is None or isinstance(node, ast.Assert) != asserted:
            continue
        checks.append(ast.get_source_segment(text, call))
        for n in range(node.lineno - 1, node.end_lineno):
            keep[n] = False
    code = "\n".join(line for line, k in zip(lines, keep, strict=True) if k).strip("\n")
    return code, checks


def answer_cell(stub: str, solution: str) -> str:
    # Blank lines where ruff format wants them: two after an indented block and before a
    # comment that leads a def, class or decorator; one line break elsewhere.
    def indented(line: str) -> bool:
        return line.startswith((" ", "\t"))

    leads_def = solution.startswith(("def ", "class ", "@", "async def "))
    before = "\n\n\n" if stub and (leads_def or indented(stub.split("\n")[-1])) else "\n"
    after = "\n\n\n" if indented(solution.split("\n")[-1]) else "\n"
    return f"{stub}{before if stub else ''}{BEGIN}\n{solution}{after}{END}"


def test_cell(call: str, lang: str) -> str:
    return f"{CHECK_COMMENT(lang)}\nresult = {call}\ndisplay(result)\nassert result"


def nb_cell(cell_type: str, source: str, grade_id: str, *, solution=False, grade=False) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": not solution,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if grade:
        meta["points"] = POINTS
    cell = {
        "cell_type": cell_type,
        "id": grade_id,
        "metadata": {"nbgrader": meta},
        "source": source.splitlines(keepends=True),
    }
    if cell_type == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def assignment(cfg: dict[str, str], src: Path, lang: str) -> str:
    mine = [c for c in build.parse(src) if c.lang in (None, lang)]
    title = build.TITLE_RE.search(mine[0].text).group(1)
    intro = INSTRUCTIONS(lang, points=POINTS, timeout=TIMEOUT)
    cells: list[tuple[str, str, str]] = [
        ("markdown", "prose", f"{TITLE(lang, title=title)}\n\n{intro}"),
        ("code", "code", build.setup_cell(cfg, lang)),
    ]
    runs: list[Run | build.Cell] = []
    for c in (c for c in mine if c.in_exercises):
        if c.kind in ("stub", "solution"):
            if not runs or not isinstance(runs[-1], Run):
                runs.append(Run())
            (runs[-1].stubs if c.kind == "stub" else runs[-1].solutions).append(c.text)
        else:
            runs.append(c)
    for item in runs:
        if isinstance(item, build.Cell):
            kind = "markdown" if item.kind == "md" else "code"
            text = build.join_wrapped_lines(item.text) if kind == "markdown" else item.text
            cells.append((kind, "prose" if kind == "markdown" else "code", text))
            continue
        stub, stub_checks = split_checks("\n\n\n".join(item.stubs), asserted=False)
        solution, asserts = split_checks("\n\n\n".join(item.solutions), asserted=True)
        if [ast.dump(ast.parse(s)) for s in stub_checks] != [
            ast.dump(ast.parse(s)) for s in asserts
        ][: len(stub_checks)]:
            raise SystemExit(f"{src} ({lang}): stub checks {stub_checks} differ from {asserts}")
        if solution:
            cells.append(("code", "answer", answer_cell(stub, solution)))
        elif stub:
            raise SystemExit(f"{src} ({lang}): a stub without a solution:\n{stub}")
        cells += [("code", "test", test_cell(call, lang)) for call in asserts]
    out = []
    for index, (cell_type, role, text) in enumerate(cells):
        grade_id = f"{role}_{index:02d}"
        if role == "test":
            name = text.split("result = check_", 1)[1].split("(", 1)[0]
            grade_id = f"{grade_id}_{name}"
        out.append(
            nb_cell(cell_type, text, grade_id, solution=role == "answer", grade=role == "test")
        )
    nb = {
        "cells": out,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(nb, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def assignment_name(src: Path, lang: str) -> str:
    return f"{src.stem}_{lang}"


def outputs(cfg: dict[str, str]) -> dict[Path, str]:
    files = {}
    for src in sorted((ROOT / "chapters" / "src").glob("*.nb")):
        if any(c.in_exercises for c in build.parse(src)):
            for lang in build.LANGS:
                path = SOURCE / assignment_name(src, lang) / f"{src.stem}.ipynb"
                files[path] = assignment(cfg, src, lang)
    return files


def shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale files, write nothing")
    args = parser.parse_args()
    files = outputs(build.settings())
    stale = [p for p, text in files.items() if not p.exists() or p.read_text("utf-8") != text]
    extra = [p for p in SOURCE.glob("*/*.ipynb") if p not in files] if SOURCE.exists() else []
    if args.check:
        if stale or extra:
            print(
                "Stale or unexpected nbgrader sources (run `python -m tools.assignments`):",
                *(shown(p) for p in stale + extra),
                sep="\n  ",
            )
            return 1
        return 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[path], encoding="utf-8")
        print("wrote", shown(path))
    for path in extra:
        path.unlink()
        print("removed", shown(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
