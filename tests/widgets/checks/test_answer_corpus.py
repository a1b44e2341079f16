"""Learner answers (tests/corpus/) through the real checks, and the house rules for hints.

Every answer must get its verdict, and every ✗ a hint that names the mistake (a keyword the
answer lists). The house rules hold for every hint the corpus produces, in English and in
Japanese, and for every message table of the checks:

- a ✗ starts with a sentence in the learner's language that names the mistake;
- raw exception text comes only after that sentence, on the same line, trimmed;
- no ANSI escapes (terminal colours) anywhere;
- a function that returns None is recognised: each exercise answered with a function, a
  class or a module has a "forgot `return`" answer in the corpus.

Chapters 00–10 must each have a corpus module covering every exercise of the chapter (the
``check_…`` calls in chapters/src/NN_*.nb): one right answer written differently from the
solution, and two typical mistakes. A new chapter adds tests/corpus/chNN.py and REQUIRED, and
is then held to the same rule; the message-table rules already cover every module in
widgets/_checks/.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import string
import types
from pathlib import Path

import numpy as np
import pytest
from torch import nn

import tests.corpus
import widgets._checks
from tests.corpus import OK, TODO, Answer, snapshot
from tests.support.verdicts import assert_hint
from widgets._checks.verdict import RETURNED_NONE
from widgets._i18n import Message, set_lang

ROOT = Path(__file__).resolve().parents[3]
REQUIRED = [f"{n:02d}" for n in range(11)]  # every chapter, 00–10
# Exercises whose answer may return None by design (it changes its argument in place).
RETURNS_NOTHING = {"check_sgd_step"}

ANSI = re.compile(r"\x1b\[")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
RAW_ERROR = re.compile(r"\b[A-Z]\w*(?:Error|Exception|Warning|Interrupt)\b:")
LONGEST_RAW = 200  # characters of raw exception text a hint may carry


def corpus_chapters() -> list[str]:
    names = (m.name for m in pkgutil.iter_modules(tests.corpus.__path__))
    return sorted(name[2:] for name in names if re.fullmatch(r"ch\d\d", name))


def corpus(chapter: str) -> list[Answer]:
    return importlib.import_module(f"tests.corpus.ch{chapter}").ANSWERS


def all_answers() -> list:
    return [
        pytest.param(answer, id=f"ch{chapter}-{answer.check.__name__}-{answer.kind}-{answer.what}")
        for chapter in corpus_chapters()
        for answer in corpus(chapter)
    ]


def house_rule_problems(hint: str, lang: str) -> list[str]:
    """What a ✗ hint does against the house rules (an empty list when it follows them)."""
    problems = []
    if not hint.strip():
        problems.append("no hint")
    if ANSI.search(hint):
        problems.append("an ANSI escape")
    if "\n" in hint or "Traceback" in hint:
        problems.append("raw, multi-line error text")
    raw = RAW_ERROR.search(hint)
    sentence = hint[: raw.start()] if raw else hint
    if len(sentence.strip(" (（")) < (6 if lang == "ja" else 15):
        problems.append("raw error text before any sentence")
    if lang == "ja" and not JAPANESE.search(sentence):
        problems.append("no Japanese sentence before the details")
    if lang == "en" and JAPANESE.search(sentence):
        problems.append("Japanese in the English hint")
    if raw and len(hint) - raw.start() > LONGEST_RAW:
        problems.append("raw error text not trimmed")
    return problems


def run(answer: Answer, lang: str):
    set_lang(lang)
    with np.errstate(all="ignore"):  # diverging homework answers overflow on purpose
        return answer.check(*answer.args())


@pytest.mark.parametrize("answer", all_answers())
def test_answer_gets_its_verdict_and_a_hint_naming_the_mistake(answer: Answer):
    verdict = run(answer, "en")
    assert verdict.status == answer.status, str(verdict)
    assert not ANSI.search(str(verdict)), repr(str(verdict))
    if isinstance(answer.hint, Message):
        assert_hint(verdict, answer.hint)
    else:
        assert answer.hint in verdict.hint, str(verdict)
    if answer.status == OK:
        return
    assert house_rule_problems(verdict.hint, "en") == [], str(verdict)
    if answer.slow:  # it trains for seconds; its texts are checked in the message tables
        return
    japanese = run(answer, "ja")
    assert japanese.status == answer.status, str(japanese)
    assert house_rule_problems(japanese.hint, "ja") == [], str(japanese)
    if isinstance(answer.hint, Message):
        assert_hint(japanese, answer.hint)  # still in Japanese: run() left the language so


def exercises(chapter: str) -> set[str]:
    """The checks a chapter's exercises call, read from its source."""
    (source,) = (ROOT / "chapters" / "src").glob(f"{chapter}_*.nb")
    return set(re.findall(r"\b(check_\w+)\(", source.read_text(encoding="utf-8")))


@pytest.mark.parametrize("chapter", sorted(set(REQUIRED) | set(corpus_chapters())))
def test_every_exercise_has_right_answers_and_typical_mistakes(chapter: str):
    assert chapter in corpus_chapters(), f"tests/corpus/ch{chapter}.py is missing"
    answers = corpus(chapter)
    for name in sorted(exercises(chapter)):
        mine = [a for a in answers if a.check.__name__ == name]
        kinds = [a.kind for a in mine]
        assert kinds.count("right") >= 1, f"{name}: no right answer in the corpus"
        assert kinds.count("mistake") + kinds.count("shortcut") >= 2, f"{name}: < 2 mistakes"


def answered_with_code(answer: Answer) -> bool:
    """True when the answer is a function, a class, or a module with a forward of its own.

    A bare ``nn.Module()`` holding layers (ch09's model) has no forward: it is not code.
    """
    borrowed = (nn.Module.forward, nn.Sequential.forward)
    for arg in answer.args():
        if isinstance(arg, types.FunctionType | type):
            return True
        if isinstance(arg, nn.Module) and type(arg).forward not in borrowed:
            return True
    return False


@pytest.mark.parametrize("chapter", corpus_chapters())
def test_a_forgotten_return_is_recognised_in_every_exercise_answered_with_code(chapter: str):
    answers = corpus(chapter)
    names = {a.check.__name__ for a in answers if a.kind == "right" and answered_with_code(a)}
    for name in sorted(names - RETURNS_NOTHING):
        hints = [a.hint for a in answers if a.check.__name__ == name]
        texts = [h.en if isinstance(h, Message) else h for h in hints if h is not RETURNED_NONE]
        assert RETURNED_NONE in hints or any("return" in t for t in texts if isinstance(t, str)), (
            f"{name}: no forgotten-return answer"
        )


def message_tables() -> list:
    """Every Message in the checks' modules (and their dicts), with where it is defined."""
    package, found = widgets._checks, []
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            values = value.values() if isinstance(value, dict) else [value]
            for item in values:
                if isinstance(item, Message):
                    found.append(pytest.param(item, id=f"{info.name.rsplit('.', 1)[-1]}.{name}"))
    return found


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("message", message_tables())
def test_every_message_speaks_both_languages_with_the_same_blanks(message: Message):
    assert message.ja.strip() and message.en.strip()
    assert not ANSI.search(message.ja + message.en)
    assert fields(message.ja) == fields(message.en), (message.ja, message.en)
    if message.ja == message.en:  # a formula, the same in both languages
        return
    assert JAPANESE.search(message.ja), message.ja
    assert not JAPANESE.search(message.en), message.en


def test_the_house_rules_catch_what_they_forbid():
    assert house_rule_problems("RuntimeError: size mismatch", "en")
    assert house_rule_problems("The model is wrong (\x1b[1mError\x1b[0m).", "en")
    assert house_rule_problems("The shapes do not fit.\nTraceback (most recent call last):", "en")
    assert house_rule_problems("形が合いません。" + "RuntimeError: " + "x" * 300, "ja")
    assert house_rule_problems("The shapes do not fit.", "ja")
    assert house_rule_problems("", "en")
    assert not house_rule_problems("The shapes do not fit (RuntimeError: size mismatch).", "en")
    assert not house_rule_problems("形が合いません（RuntimeError: size mismatch）。", "ja")


def test_an_untouched_stub_is_not_yet_and_a_body_without_return_is_wrong():
    from widgets._checks.verdict import returned_none

    def stub(x):
        pass

    def forgot(x):
        y = x + 1  # noqa: F841

    set_lang("en")
    assert returned_none(stub, "f").status == TODO
    verdict = returned_none(forgot, "f")
    assert verdict.status == "wrong" and "forget `return`" in verdict.hint


RECORDED = snapshot.load()


def recorded_answers() -> list:
    answers = snapshot.answers()
    return [pytest.param(key, answers[key], id=key) for key in RECORDED if key in answers]


@pytest.mark.parametrize(("key", "answer"), recorded_answers())
def test_every_answer_gets_the_verdict_recorded_before_the_refactor(key: str, answer: Answer):
    """Status, title, detail and hint, in English and Japanese, as tests/corpus/verdicts.json
    recorded them (python -m tests.corpus.snapshot); an answer marked ``changes`` must differ.

    An answer that trains for seconds (``slow``) is compared in English only, as above.
    """
    langs = ("en",) if answer.slow else snapshot.LANGS
    now = snapshot.snapshot(answer, langs)
    recorded = {lang: RECORDED[key][lang] for lang in langs}
    if answer.changes:
        assert now != recorded, f"marked as changed ({answer.changes}) but still as recorded"
        return
    assert now == recorded


def test_every_recorded_answer_is_still_in_the_corpus():
    """A recorded answer renamed or dropped would escape the comparison above."""
    assert sorted(set(RECORDED) - set(snapshot.answers())) == []
