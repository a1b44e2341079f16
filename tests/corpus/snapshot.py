"""Every corpus answer's verdict, in both languages, recorded once and compared ever after.

``python -m tests.corpus.snapshot`` runs every answer of tests/corpus/chNN.py through its real
check in English and Japanese and writes status, title, detail and hint to
tests/corpus/verdicts.json. tests/widgets/checks/test_answer_corpus.py compares the verdicts of today's code
with that file, so a refactor of the checks that changes what a learner is told fails there,
except for the answers whose ``Answer.changes`` says why they are meant to change.
Re-record (and say why in the commit) only when a change of verdict is the point.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import sys
import tempfile
from pathlib import Path

import numpy as np

import tests.corpus
from tests.corpus import Answer
from widgets._i18n import get_lang, set_lang

FILE = Path(__file__).with_name("verdicts.json")
LANGS = ("en", "ja")


def chapters() -> list[str]:
    names = (m.name for m in pkgutil.iter_modules(tests.corpus.__path__))
    return sorted(name[2:] for name in names if re.fullmatch(r"ch\d\d", name))


def answers() -> dict[str, Answer]:
    """Every corpus answer under its key ``chNN/check_name/what`` (keys are unique).

    The key leaves out the kind, so an answer that issue 24 turns from right to mistake
    keeps its record."""
    found: dict[str, Answer] = {}
    for chapter in chapters():
        for answer in importlib.import_module(f"tests.corpus.ch{chapter}").ANSWERS:
            key = key_of(chapter, answer)
            assert key not in found, f"two corpus answers share the key {key}"
            found[key] = answer
    return found


def key_of(chapter: str, answer: Answer) -> str:
    return f"ch{chapter}/{answer.check.__name__}/{answer.what}"


def record(answer: Answer, lang: str) -> dict[str, str]:
    """The verdict of one answer in one language, as plain text."""
    before = get_lang()
    set_lang(lang)
    try:
        with np.errstate(all="ignore"):  # diverging homework answers overflow on purpose
            verdict = answer.check(*answer.args())
    finally:
        set_lang(before)
    return {
        "status": str(getattr(verdict.status, "value", verdict.status)),
        "title": verdict.title,
        "detail": without_temp_names(verdict.detail),
        "hint": without_temp_names(verdict.hint),
    }


TEMP = re.compile(re.escape(tempfile.gettempdir()) + r"/[^/\s]+")


def without_temp_names(text: str) -> str:
    """``text`` with the name of a fresh temporary folder (it differs every run) as <tmp>."""
    return TEMP.sub("<tmp>", text)


def snapshot(answer: Answer, langs: tuple[str, ...] = LANGS) -> dict[str, dict[str, str]]:
    return {lang: record(answer, lang) for lang in langs}


def load() -> dict[str, dict[str, dict[str, str]]]:
    return json.loads(FILE.read_text(encoding="utf-8"))


def main(argv: list[str]) -> int:
    only = argv[0] if argv else ""
    recorded = load() if only and FILE.exists() else {}
    for key, answer in answers().items():
        if key.startswith(only):
            recorded[key] = snapshot(answer)
            print(key, recorded[key]["en"]["status"], flush=True)
    text = json.dumps(dict(sorted(recorded.items())), ensure_ascii=False, indent=1)
    FILE.write_text(text + "\n", encoding="utf-8")
    print(f"{len(recorded)} answers written to {FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
