"""Graded cells judged in the grader (classroom/nbgrader/nyumon_sandbox/verdicts.py).

The round trip through nbgrader and the sandbox is tests/classroom/test_grading_sandbox.py;
here each piece on its own, in this process: the probe request made from a graded cell, the
record it shows, the verdict the grader's judge gives it, the outputs that nbgrader scores,
and the notes for a hand-in that tampers with its checks.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from unittest import mock

import nbformat
import pytest
import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "classroom" / "nbgrader"))

from nyumon_sandbox import verdicts  # noqa: E402

from widgets import check_products  # noqa: E402
from widgets._checks import grading  # noqa: E402

SOURCES = sorted((ROOT / "classroom" / "nbgrader" / "source").glob("*/*.ipynb"))
A, B = torch.arange(6.0).reshape(2, 3), torch.arange(6.0).reshape(3, 2)


def shown(name: str, *args, **kw) -> list[dict]:
    """What ``probe_cell`` displays in the kernel, as a cell's outputs."""
    outputs = []
    with mock.patch("IPython.display.display", lambda data, raw: outputs.append(data)):
        grading.probe_cell(name, lambda: (args, kw))
    return [{"output_type": "display_data", "data": data, "metadata": {}} for data in outputs]


def judge(
    outputs: list[dict], name: str = "check_products", notes=(), lang: str = "en"
) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("result = check_products(A, B, C, D)")
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    graded = verdicts.graded_call(cell.source)
    assert graded is not None and graded.name == name
    verdicts.judge_cell(cell, graded, lang, list(notes))
    return cell


def errors(cell) -> list[str]:
    return [o.ename for o in cell.outputs if o.output_type == "error"]


@pytest.mark.parametrize(
    "answer", [(A @ B, A * A), (A * A, A @ B), (A @ B, A), (None, A * A), ("C", A * A)]
)
def test_the_grader_judges_the_probes_data_as_the_notebook_does(answer):
    C, D = answer
    text = shown("check_products", A, B, C, D)[0]["data"][grading.PROBE_MIME]
    for lang in ("en", "ja"):
        with mock.patch.dict("os.environ"):
            from widgets._i18n import set_lang

            set_lang(lang)
            want = check_products(A, B, C, D)
        got = grading.verdict_of("check_products", text, lang)
        assert (got.status, got.title, got.hint, got.detail) == (
            want.status, want.title, want.hint, want.detail
        )  # fmt: skip


def test_only_a_right_answer_leaves_the_cell_without_an_error():
    right = judge(shown("check_products", A, B, A @ B, A * A))
    assert errors(right) == [] and "nyumon-ok" in right.outputs[0].data["text/html"]
    swapped = judge(shown("check_products", A, B, A * A, A @ B))
    assert errors(swapped) == ["AssertionError"] and "swapped" in swapped.outputs[-1].evalue


FORGED = {
    "none": [],
    "many": shown("check_products", A, B, A @ B, A * A) * 2,
    "unreadable": [{"output_type": "display_data", "metadata": {},
                    "data": {grading.PROBE_MIME: '{"$": "pickle", "data": ""}'}}],
    "passed early": [{"output_type": "display_data", "metadata": {},
                      "data": {grading.PROBE_MIME: json.dumps({"$": "dict", "items": {
                          "early": {"$": "early", "ending": "ok", "name": "", "error": "",
                                    "line": "", "message": None, "fmt": {"$": "dict", "items": {}}}}})}}],
    "bare true": [{"output_type": "display_data", "metadata": {},
                   "data": {grading.PROBE_MIME: json.dumps({"$": "dict", "items": {"data": True}})}}],
    "printed tick": [{"output_type": "stream", "name": "stdout", "text": "✓ Passed"},
                     {"output_type": "display_data", "metadata": {},
                      "data": {"text/html": '<div class="nyumon-verdict nyumon-ok">✓</div>'}}],
}  # fmt: skip


@pytest.mark.parametrize("forged", FORGED, ids=list(FORGED))
def test_forged_or_missing_data_scores_nothing(forged):
    cell = judge(FORGED[forged])
    assert errors(cell), cell.outputs  # nbgrader gives 0 to a graded cell with an error
    assert not any("nyumon-ok" in o.get("data", {}).get("text/html", "") for o in cell.outputs)


def test_every_graded_cell_of_the_course_becomes_a_probe_request():
    names = set()
    for path in SOURCES:
        for cell in nbformat.read(path, 4).cells:
            if verdicts.is_graded_test(cell):
                graded = verdicts.graded_call(cell.source)
                assert graded is not None, (path, cell.source)
                compile(graded.code, "cell", "exec")
                grading.check_named(graded.name)  # has a probe and a judge
                names.add(graded.name)
    assert len(SOURCES) == 22 and len(names) == 38


TAMPER = {
    "rebinds check_conv2d": "check_tensor_ops = check_conv2d = lambda *a, **k: True",
    "changes _v.Verdict.__bool__": "import widgets._checks.verdict as _v\n_v.Verdict.__bool__ = lambda self: True",
    "calls setattr": "import widgets\nsetattr(widgets, 'check_conv2d', lambda *a: True)",
    "changes torch.allclose": "torch.allclose = lambda *a, **k: True",
    "changes sys.modules['widgets']": "import sys\nsys.modules['widgets'] = None",
    "imports atexit": "import atexit\natexit.register(print, 'ok')",
    "defines __del__": "class Sneaky:\n    def __del__(self):\n        pass",
    "rebinds display": "def show(*a): pass\ndisplay = show",
    "changes builtins.print": "import builtins\nbuiltins.print = lambda *a: None",
    "calls exec": "exec('x' + ' = 1')",
    "defines check_backward": "def check_backward(T):\n    return True",
}  # fmt: skip


@pytest.mark.parametrize("why", TAMPER, ids=list(TAMPER))
def test_a_tampering_cell_is_noted_with_its_reason(why):
    notes = verdicts.cell_notes(TAMPER[why], "cell 7")
    assert any(note.endswith(why) and note.startswith("cell 7, line") for note in notes), notes


def test_no_honest_answer_key_is_noted():
    for path in SOURCES:  # the answer key: every solution of every chapter, both languages
        assert verdicts.altered(nbformat.read(path, 4)) == [], path


def test_the_notes_reach_the_graded_cells_and_the_grade_stays_the_judges():
    cell = judge(
        shown("check_products", A, B, A @ B, A * A),
        notes=["cell 3, line 1: rebinds check_products"],
    )
    assert errors(cell) == ["HandInAltered"]
    assert "rebinds check_products" in cell.outputs[0].evalue


def test_a_japanese_notebook_gets_its_verdict_all_in_japanese():
    from widgets._i18n import get_lang, set_lang

    set_lang("en")  # the grader's own language stays as it was
    cell = judge(shown("check_products", A, B, A * A, A @ B), lang="ja")
    text = cell.outputs[0].data["text/plain"]
    assert text.startswith("✗ もう一息 — 行列の積と要素ごとの積") and "入れ替わって" in text
    assert get_lang() == "en"
