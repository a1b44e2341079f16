"""tools/verdicts.py: the corpus's verdicts as data, and the comparison CI runs across venvs.

CI dumps the real corpus under this machine's torch, Colab's and the floor's and compares
them (``.ci/run``); here: the dump finds whatever a corpus package holds and records both
languages, and the comparison catches a changed status, a changed hint and a lost answer.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from tools import verdicts


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    """A corpus package of its own: a module at the top, one in a subpackage, one without."""
    package = tmp_path / "fakecorpus"
    (package / "deeper").mkdir(parents=True)
    (package / "__init__.py").write_text(
        textwrap.dedent(
            """
            from dataclasses import dataclass
            from widgets._checks.verdict import Verdict
            from widgets._i18n import get_lang

            @dataclass
            class Answer:
                what: str
                check: object
                args: object
                kind: str = "mistake"

            def check_sign(x):
                if x > 0:
                    return Verdict("ok", "yes")
                if x != x:
                    raise ValueError("NaN reached the check")
                return Verdict("wrong", "no", hint="負です" if get_lang() == "ja" else "negative")
            """
        )
    )
    (package / "ch01.py").write_text(
        "from fakecorpus import Answer, check_sign\n"
        "ANSWERS = [Answer('one', check_sign, lambda: (1,), 'right'),\n"
        "           Answer('minus', check_sign, lambda: (-1,)),\n"
        "           Answer('minus', check_sign, lambda: (-2,))]\n"
    )
    (package / "deeper" / "__init__.py").write_text("")
    (package / "deeper" / "ch02.py").write_text(
        "from fakecorpus import Answer, check_sign\n"
        "ANSWERS = [Answer('nan', check_sign, lambda: (float('nan'),))]\n"
    )
    (package / "helpers.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "fakecorpus"
    for name in [m for m in sys.modules if m.startswith("fakecorpus")]:
        del sys.modules[name]


def test_dump_finds_every_answers_list_and_records_both_languages(corpus):
    data = verdicts.dump(corpus)
    answers = data["answers"]
    assert sorted(answers) == [
        "ch01:check_sign:mistake:minus",
        "ch01:check_sign:mistake:minus#2",  # described alike: both kept
        "ch01:check_sign:right:one",
        "ch02:check_sign:mistake:nan",
    ]
    minus = answers["ch01:check_sign:mistake:minus"]
    assert minus == {
        "en": {"status": "wrong", "hint": "negative"},
        "ja": {"status": "wrong", "hint": "負です"},
    }
    assert answers["ch01:check_sign:right:one"]["en"] == {"status": "ok", "hint": ""}
    # A check that raises is recorded as such (and compared), not a crash of the dump.
    assert answers["ch02:check_sign:mistake:nan"]["ja"]["status"] == "raised"
    assert set(data["versions"]) == {"python", "torch", "torchvision", "numpy"}


def test_compare_reports_a_changed_hint_a_changed_status_and_a_lost_answer(corpus, tmp_path):
    base = verdicts.dump(corpus)
    other = json.loads(json.dumps(base))
    files = []
    for name, data in (("same", base), ("copy", other)):
        files.append(tmp_path / f"{name}.json")
        files[-1].write_text(json.dumps(data), encoding="utf-8")
    assert verdicts.main(["compare", *map(str, files)]) == 0

    other["answers"]["ch01:check_sign:mistake:minus"]["ja"]["hint"] = "違う"
    other["answers"]["ch01:check_sign:right:one"]["en"]["status"] = "wrong"
    del other["answers"]["ch02:check_sign:mistake:nan"]
    lines, notes = verdicts.differences({"a": base, "b": other})
    assert len(lines) == 3 and notes == []
    assert lines[0].startswith(
        "ch01:check_sign:mistake:minus [ja]: a: wrong '負です'; b: wrong '違う'"
    )
    assert lines[1].startswith("ch01:check_sign:right:one [en]: a: ok")
    assert lines[2] == "ch02:check_sign:mistake:nan: missing in b"
    files[1].write_text(json.dumps(other), encoding="utf-8")
    assert verdicts.main(["compare", *map(str, files)]) == 1


def test_dump_writes_a_file_compare_reads(corpus, tmp_path, capsys):
    out = tmp_path / "here.json"
    assert verdicts.main(["dump", str(out), "--package", corpus]) == 0
    assert "4 answers" in capsys.readouterr().out
    assert verdicts.main(["compare", str(out), str(out)]) == 0
    assert "identical in 2 venvs" in capsys.readouterr().out  # one file twice: two labels


def test_only_torch_s_quoted_error_text_may_differ_when_asked(corpus):
    base = verdicts.dump(corpus)
    other = json.loads(json.dumps(base))
    hints = {"en": "Save the state_dict instead (UnpicklingError: Weights only load failed. {})"}
    key = "ch01:check_sign:mistake:minus"
    base["answers"][key]["en"]["hint"] = hints["en"].format("Re-running `torch.load`…")
    other["answers"][key]["en"]["hint"] = hints["en"].format("This file can still be loaded…")
    dumps = {"old torch": base, "new torch": other}
    lines, notes = verdicts.differences(dumps)
    assert len(lines) == 1 and notes == []  # strict: any difference fails
    lines, notes = verdicts.differences(dumps, strict=False)
    assert lines == [] and len(notes) == 1 and notes[0].startswith(f"{key} [en]: old torch: wrong")
    # The course's own sentence differing is never a note.
    other["answers"][key]["en"]["hint"] = "Save something else (UnpicklingError: x)"
    lines, notes = verdicts.differences(dumps, strict=False)
    assert len(lines) == 1 and notes == []


def test_a_temporary_folder_in_a_hint_reads_the_same_every_run():
    import tempfile

    from widgets._checks.verdict import Verdict

    folder = tempfile.mkdtemp(prefix="corpus-")  # as tests/corpus/ch06.py makes its own
    Path(folder).rmdir()
    answer = type("A", (), {})()
    answer.check = lambda: Verdict(
        "todo", "no file", hint=f"There is no file at {folder}/x.pt yet."
    )
    answer.args = tuple
    assert verdicts.verdict_of(answer, "en")["hint"] == "There is no file at <tmp>/x.pt yet."


def test_a_hint_that_quotes_the_running_torch_reads_the_same_under_every_torch():
    import torch

    from widgets._checks.verdict import Verdict

    answer = type("A", (), {})()
    answer.check = lambda: Verdict(
        "wrong", "version", hint=f"It does not match torch.__version__ ({torch.__version__})."
    )
    answer.args = tuple
    assert verdicts.verdict_of(answer, "en")["hint"] == (
        "It does not match torch.__version__ (<torch>)."
    )
    # Only the whole version string is replaced: a longer number that contains it is kept.
    answer.check = lambda: Verdict(
        "wrong", "v", hint=f"see {torch.__version__}0 and 1{torch.__version__}"
    )
    assert "<torch>" not in verdicts.verdict_of(answer, "en")["hint"]
