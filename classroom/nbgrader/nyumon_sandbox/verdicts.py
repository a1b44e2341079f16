"""Graded cells judged in the grader: the hand-in's kernel only sends data (issue 25, item 2).

A graded cell of the course reads ``result = check_conv2d(conv2d, unfold=True)`` … ``assert
result``; ``OverwriteCells`` has already put the instructor's text back, so the cell itself is
trusted. ``SandboxedExecute`` does not run it as written. It sends the hand-in's kernel a
probe request made from the call (``probe_cell("check_conv2d", lambda: ((conv2d,),
{"unfold": True}))``): the arguments are the learner's objects, evaluated where the learner's
code lives, and the check's probe turns them into data (widgets/_checks/grading.py). The
grader reads that one output with ``wire.loads``, runs the check's judge itself, and writes the
cell's outputs: the verdict box, plus an error when the verdict is not ✓, which is what
nbgrader scores. Nothing the hand-in's kernel printed in a graded cell reaches the grade.

``altered`` reads the learner's cells (as text, never run here) for the tamper forms: rebinding
a ``check_…`` name or ``display``, assigning to an attribute of a module (``widgets``, ``torch``,
``builtins``…), ``setattr`` on a module, ``sys.modules``, ``atexit``, ``__del__``, ``exec`` of
built text. Such a hand-in is still graded by the judge; the notes tell the instructor why it
looks altered: in the graded cells' outputs, in the notebook's metadata and in the log.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from nbformat import NotebookNode

PROBE_MIME = "application/vnd.nyumon.probe+json"  # widgets/_checks/grading.py
# Modules a learner's cell must not change from under the course (plus any it imports).
MODULES = {"widgets", "torch", "np", "numpy", "F", "nn", "builtins", "sys", "IPython",
           "math", "random", "inspect", "gc", "types", "importlib"}  # fmt: skip
CALLS = {"exec", "eval", "compile", "setattr", "delattr", "__import__", "globals", "vars"}
NO_DATA = (
    "この採点セルから、採点に使うデータが返ってきませんでした（{why}）。",
    "This graded cell sent the grader no data to judge ({why}).",
)
ALTERED = (
    "この提出物は採点のしくみを書き換えようとしています: {why}。得点は、提出物のカーネルの外で採点器が出した判定だけから決まります。",
    "This hand-in tries to change how it is graded: {why}. Its points come only from the verdicts the grader computed outside the hand-in's kernel.",
)
WHY = {
    "none": ("データの出力がありません", "no data output"),
    "many": ("データの出力が 2 つ以上あります", "more than one data output"),
    "unreadable": ("データを読めません: {error}", "unreadable data: {error}"),
}


@dataclass(frozen=True)
class GradedCall:
    """The check a graded cell calls, and the probe request that replaces the cell's text."""

    name: str
    code: str


def graded_call(source: str) -> GradedCall | None:
    """The one ``check_…(…)`` call of a graded cell's (trusted) text, as a probe request."""
    python = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(python))  # IPython's %magic and !shell lines left out
    except SyntaxError:
        return None
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id.startswith("check_")
    ]
    if len(calls) != 1:
        return None
    call = calls[0]
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return None
    args = [ast.get_source_segment(source, a) for a in call.args]
    kws = {k.arg: ast.get_source_segment(source, k.value) for k in call.keywords}
    answers = "((" + "".join(f"{a}, " for a in args) + "), {"
    answers += ", ".join(f"{k!r}: {v}" for k, v in kws.items()) + "})"
    name = call.func.id  # type: ignore[attr-defined]
    code = (
        '__import__("widgets._checks.grading", fromlist=["probe_cell"])'
        f".probe_cell({name!r}, lambda: {answers})"
    )
    return GradedCall(name, code)


def is_graded_test(cell: NotebookNode) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def lang_of(resources: dict) -> str:
    assignment = str(resources.get("nbgrader", {}).get("assignment", ""))
    return "ja" if assignment.endswith("_ja") else "en"


def probe_text(outputs: list) -> tuple[str | None, str]:
    """The probe's text among a cell's outputs, or ``None`` and why not."""
    texts = [
        out["data"][PROBE_MIME]
        for out in outputs
        if out.get("output_type") in ("display_data", "execute_result")
        and isinstance(out.get("data"), dict)
        and PROBE_MIME in out["data"]
    ]
    if not texts:
        return None, "none"
    if len(texts) > 1:
        return None, "many"
    text = texts[0]
    return ("".join(text) if isinstance(text, list) else str(text)), ""


def error_output(ename: str, ja: str, en: str) -> NotebookNode:
    text = f"{ja} / {en}"
    return NotebookNode(output_type="error", ename=ename, evalue=text, traceback=[text])


def judge_cell(cell: NotebookNode, graded: GradedCall, lang: str, notes: list[str]) -> str:
    """Replace a probed cell's outputs with the grader's verdict; return the status."""
    from widgets._checks.grading import speaking

    with speaking(lang):  # the verdict's labels ("✓ 正解") are put in as it is shown
        return _judge_cell(cell, graded, lang, notes)


def _judge_cell(cell: NotebookNode, graded: GradedCall, lang: str, notes: list[str]) -> str:
    from widgets._checks.grading import verdict_of
    from widgets._checks.wire import WireError

    text, why = probe_text(cell.get("outputs", []))
    verdict = None
    if text is not None:
        try:
            verdict = verdict_of(graded.name, text, lang)
        except WireError as error:
            why, detail = "unreadable", str(error)[:200]
    outputs: list[NotebookNode] = []
    if notes:
        outputs.append(
            error_output("HandInAltered", *(t.format(why="; ".join(notes)) for t in ALTERED))
        )
    if verdict is None:
        ja, en = WHY[why]
        fmt = {"error": detail} if why == "unreadable" else {}
        kernel_errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        outputs += kernel_errors[-1:]  # the hand-in's own error (NameError…), cleaned later
        outputs.append(error_output("NoGradingData", NO_DATA[0].format(why=ja.format(**fmt)),
                                    NO_DATA[1].format(why=en.format(**fmt))))  # fmt: skip
        cell.outputs = outputs
        return "no data"
    outputs.append(NotebookNode(output_type="display_data", metadata={},
                                data={"text/plain": str(verdict), "text/html": verdict._repr_html_()}))  # fmt: skip
    if not verdict:
        outputs.append(NotebookNode(output_type="error", ename="AssertionError",
                                    evalue=verdict.hint or verdict.status, traceback=[str(verdict)]))  # fmt: skip
    cell.outputs = outputs
    return str(verdict.status)


# --- what a learner's cells do to the grading, read as text ------------------------------------


def _root(node: ast.AST) -> str | None:
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def cell_notes(source: str, where: str) -> list[str]:
    """Tamper forms in one learner cell (``where`` names it in the notes)."""
    python = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(python))  # IPython's %magic and !shell lines left out
    except SyntaxError:
        return []
    modules = set(MODULES)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                if isinstance(node, ast.Import) or alias.name != "*":
                    if isinstance(node, ast.Import) or "widgets" in (node.module or ""):
                        modules.add(name)
    found: list[str] = []

    def note(node: ast.AST, what: str) -> None:
        found.append(f"{where}, line {getattr(node, 'lineno', '?')}: {what}")

    for node in ast.walk(tree):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = list(node.targets)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if node.name.startswith("check_") or node.name == "display":
                note(node, f"defines {node.name}")
            if node.name == "__del__":
                note(node, "defines __del__")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = (
                [a.name for a in node.names] + [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
            )
            for name in names:
                if name.split(".")[0] in ("atexit", "ctypes") or name.startswith("widgets._"):
                    note(node, f"imports {name}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in CALLS:
                note(node, f"calls {node.func.id}")
        elif isinstance(node, ast.Global):
            for name in node.names:
                if name.startswith("check_") or name == "display":
                    note(node, f"rebinds {name}")
        for target in targets:
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Name) and (
                    leaf.id.startswith("check_") or leaf.id in ("display", "__builtins__")
                ):
                    note(node, f"rebinds {leaf.id}")
            if isinstance(target, ast.Attribute | ast.Subscript) and _root(target) in modules:
                note(node, f"changes {ast.unparse(target)}")
    return found


def altered(nb: NotebookNode) -> list[str]:
    """Why the learner's cells look like they tamper with grading (empty for an honest hand-in).

    Only the learner's own cells are read: the course's cells were put back by OverwriteCells."""
    notes: list[str] = []
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("locked") or is_graded_test(cell):
            continue
        notes += cell_notes(str(cell.source), f"cell {index + 1}")
    return notes
