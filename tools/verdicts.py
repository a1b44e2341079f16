"""Every answer of the corpus (tests/corpus/) through its check, as data to compare across venvs.

    python -m tools.verdicts dump OUT.json            # in the venv under test
    python -m tools.verdicts compare A.json B.json …  # exit 1 when any verdict differs

``dump`` imports whatever modules ``tests/corpus`` holds, takes every ``ANSWERS`` list it
finds, runs each answer's check in English and in Japanese and writes, per answer, the
status and the hint in both languages, with the versions of Python, torch, torchvision and
NumPy (a corpus answer's temporary folder reads ``<tmp>``, and a version the hint quotes reads
``<torch>``, ``<numpy>``…). ``compare`` prints each answer
whose verdict is not the same in every file, the versions beside each, and answers that only
some files have; ``--lenient-raw-errors`` lets a hint's quoted exception text (torch's own
wording) differ when the status and the course's sentence do not. CI dumps in this machine's venv,
the Colab-like one and the floor's, and compares the three: the same answer must get the same
✓/✗ and the same hint under every torch the course supports.

Only the standard library at import time: the floor's and Colab's venvs run it as it is.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import platform
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("en", "ja")
# A corpus answer's own temporary folder (a new name every run) is not part of its verdict.
TEMP = re.compile(re.escape(tempfile.gettempdir()) + r"/[^/\s]+")
# Raw exception text, which a hint may quote after its own sentence (tests/widgets/checks/test_answer_corpus.py).
RAW_ERROR = re.compile(r"\b[A-Z]\w*(?:Error|Exception|Warning|Interrupt)\b:")


def answer_lists(package: str = "tests.corpus") -> list[tuple[str, list]]:
    """``(module name, ANSWERS)`` for every module under ``package`` that has ``ANSWERS``."""
    root = importlib.import_module(package)
    found = [(package, getattr(root, "ANSWERS", None))]
    for info in pkgutil.walk_packages(root.__path__, package + "."):
        found.append((info.name, getattr(importlib.import_module(info.name), "ANSWERS", None)))
    return [(name, list(answers)) for name, answers in found if answers]


def answer_key(module: str, answer) -> str:
    check = getattr(answer.check, "__name__", repr(answer.check))
    parts = [
        module.rsplit(".", 1)[-1],
        check,
        getattr(answer, "kind", ""),
        getattr(answer, "what", ""),
    ]
    return ":".join(str(p) for p in parts if p)


def verdict_of(answer, lang: str) -> dict:
    """Status and hint of one answer in ``lang``; a check that raises is recorded, not fatal."""
    import numpy as np

    from widgets._i18n import set_lang

    set_lang(lang)
    try:
        with np.errstate(all="ignore"):  # diverging homework answers overflow on purpose
            verdict = answer.check(*answer.args())
    except Exception as error:  # a check must not raise: show it as its own kind of verdict
        return {"status": "raised", "hint": f"{type(error).__name__}: {error}"}
    return {"status": verdict.status, "hint": portable(verdict.hint)}


def portable(hint: str) -> str:
    """``hint`` with what names this very venv put as placeholders: its temporary folder and the
    version strings a hint quotes on purpose (ch00's "It does not match torch.__version__
    (2.11.0+cu130)" is the same verdict under every torch)."""
    hint = TEMP.sub("<tmp>", hint)
    for name, version in sorted(versions().items(), key=lambda kv: -len(kv[1])):
        if version and version != "none":
            hint = re.sub(rf"(?<![\w.+]){re.escape(version)}(?![\w.+])", f"<{name}>", hint)
    return hint


def versions() -> dict[str, str]:
    import numpy
    import torch

    try:
        import torchvision

        vision = torchvision.__version__
    except ImportError:
        vision = "none"
    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torchvision": vision,
        "numpy": numpy.__version__,
    }


def dump(package: str = "tests.corpus") -> dict:
    answers: dict[str, dict] = {}
    for module, items in answer_lists(package):
        for answer in items:
            key = base = answer_key(module, answer)
            n = 1
            while key in answers:  # two answers described alike: keep both, in order
                n += 1
                key = f"{base}#{n}"
            answers[key] = {lang: verdict_of(answer, lang) for lang in LANGS}
    return {"versions": versions(), "answers": answers}


def sentence(hint: str) -> str:
    """The hint up to the raw exception text it quotes (the whole hint when it quotes none)."""
    raw = RAW_ERROR.search(hint)
    return hint[: raw.start()] if raw else hint


def differences(dumps: dict[str, dict], *, strict: bool = True) -> tuple[list[str], list[str]]:
    """``(differences, notes)``: one line per answer whose verdict differs between the dumps.

    With ``strict=False`` a difference only in the raw exception text a hint quotes (torch's
    own wording, which changes between releases) is a note, not a difference: same status,
    same sentence of the course.
    """
    lines, notes = [], []
    keys = sorted(set().union(*(d["answers"] for d in dumps.values())))
    for key in keys:
        seen = {label: d["answers"].get(key) for label, d in dumps.items()}
        missing = [label for label, verdict in seen.items() if verdict is None]
        if missing:
            lines.append(f"{key}: missing in {', '.join(missing)}")
            continue
        for lang in LANGS:
            by_label = {label: verdict[lang] for label, verdict in seen.items()}
            if len({json.dumps(v, sort_keys=True) for v in by_label.values()}) == 1:
                continue
            shown = "; ".join(
                f"{label}: {v['status']} {v['hint']!r}" for label, v in by_label.items()
            )
            course = {(v["status"], sentence(v["hint"])) for v in by_label.values()}
            (notes if not strict and len(course) == 1 else lines).append(f"{key} [{lang}]: {shown}")
    return lines, notes


def label_of(path: Path, data: dict) -> str:
    v = data.get("versions", {})
    return f"{path.name} (torch {v.get('torch')}, Python {v.get('python')})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    out = sub.add_parser("dump", help="write every corpus answer's verdict to a JSON file")
    out.add_argument("output", type=Path)
    out.add_argument("--package", default="tests.corpus")
    cmp = sub.add_parser("compare", help="exit 1 when the dumps' verdicts differ")
    cmp.add_argument("dumps", nargs="+", type=Path)
    cmp.add_argument(
        "--lenient-raw-errors",
        dest="strict",
        action="store_false",
        help="a difference only in the exception text a hint quotes is a note, not a failure",
    )
    args = parser.parse_args(argv)
    if args.command == "dump":
        data = dump(args.package)
        args.output.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        v = data["versions"]
        print(
            f"verdicts: {len(data['answers'])} answers under torch {v['torch']} "
            f"(Python {v['python']}, NumPy {v['numpy']}) -> {args.output}"
        )
        return 0
    dumps = {}
    for n, path in enumerate(args.dumps, 1):
        data = json.loads(path.read_text(encoding="utf-8"))
        label = label_of(path, data)
        dumps[f"{label} #{n}" if label in dumps else label] = data
    problems, notes = differences(dumps, strict=args.strict)
    counts = {len(d["answers"]) for d in dumps.values()}
    for line in notes:
        print(f"verdicts: same status and sentence, torch's quoted error differs: {line}")
    for line in problems:
        print(f"verdicts differ: {line}")
    if not problems:
        print(
            f"verdicts: identical in {len(dumps)} venvs ({', '.join(dumps)}), {max(counts)} answers"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
