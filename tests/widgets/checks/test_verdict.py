"""``exercise`` and ``learner.call``: whose error a crash inside a check is (the learner's
code, the course's validation, or a bug in the check), and what a probe may return."""

from __future__ import annotations

import torch

import widgets._checks.verdict as verdict_module
from tests.support.verdicts import assert_hint
from widgets._checks.learner import Crash, Opaque, as_data, call, is_plain
from widgets._checks.verdict import COURSE_BUG, CRASHED_AT, RETURNED_NONE, TODO, exercise, passed
from widgets._i18n import Message, set_lang
from widgets._validate import INTEGER, WRONG_TYPE, require_int

TITLE = Message(ja="練習", en="Exercise")


@exercise(TITLE)
def check_calls(answer):
    call(answer, 1, name="answer")
    return passed()


# A check with a typo, compiled as if it were a file of the widgets package: every frame of
# its traceback is then the course's, as for a real check.
namespace: dict = {"exercise": exercise, "passed": passed, "TITLE": TITLE, "call": call}
source = (
    "@exercise(TITLE)\n"
    "def check_typo(answer):\n"
    "    call(answer, 1, name='answer')\n"
    "    return pased()  # the course's typo\n"  # codespell:ignore pased
)
exec(compile(source, verdict_module.__file__, "exec"), namespace)
check_typo = namespace["check_typo"]


def learner_with_a_typo(x):
    return y + x  # noqa: F821  (the learner's typo)


def test_a_typo_in_the_learners_code_is_theirs():
    verdict = check_calls(learner_with_a_typo)
    assert verdict.status == "wrong"
    assert CRASHED_AT().split("{")[0] in verdict.hint
    assert "at the line `return y + x" in verdict.hint  # the learner's own line
    assert "NameError: name 'y' is not defined" in verdict.hint


def test_a_typo_in_the_checks_own_code_is_the_courses():
    verdict = check_typo(lambda x: x)
    assert verdict.status == "wrong"
    assert COURSE_BUG().split("{")[0] in verdict.hint
    assert "pased" in verdict.hint  # codespell:ignore pased
    assert "Your code raised" not in verdict.hint
    set_lang("ja")
    assert "講座の不具合" in check_typo(lambda x: x).hint


@exercise(TITLE)
def check_validates(answer):
    require_int("hidden", answer)  # the course's own validation, as check_fewest_hidden does
    return passed()


@exercise(TITLE)
def check_with_a_bug(answer):
    return passed(1 + answer)  # no learner code runs here: a TypeError is the course's bug


def test_a_course_error_gives_its_own_sentence_not_a_blamed_traceback():
    verdict = check_validates("8")
    assert_hint(verdict, WRONG_TYPE, name="hidden", expected=INTEGER(), got="str")
    assert "Your code raised" not in verdict.hint and "CourseTypeError" not in verdict.hint
    set_lang("ja")
    assert_hint(check_validates("8"), WRONG_TYPE, name="hidden", expected=INTEGER(), got="str")


def test_any_other_error_raised_outside_the_learners_code_is_a_bug_in_the_course():
    verdict = check_with_a_bug("x")
    assert_hint(verdict, COURSE_BUG)
    assert "TypeError" in verdict.hint and "Your code raised" not in verdict.hint


def test_a_learner_call_ends_early_for_a_stub_a_forgotten_return_and_a_known_crash():
    def stub(x): ...

    def forgot(x):
        x + 1

    def in_place(x):
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation."
        )

    known = (
        Crash(
            RuntimeError,
            ("in-place",),
            Message(ja="その場の書き換えです。", en="An in-place update."),
        ),
    )
    assert check_calls(stub).status == TODO
    assert_hint(check_calls(forgot), RETURNED_NONE, name="answer")
    verdict = exercise(TITLE)(lambda f: call(f, 1, name="f", crashes=known))(in_place)
    assert verdict.hint == "An in-place update."


def test_a_probe_gives_plain_data_and_stubs_what_is_not():
    assert is_plain({"x": torch.ones(2), "n": 3, "names": ["relu"], "pair": (1, 2.0)})
    assert not is_plain({"f": len}) and not is_plain({1: "key not a string"})
    assert as_data(len) == Opaque("builtin_function_or_method", "<built-in function len>")
    assert type(as_data(torch.__version__)) is str  # a str subclass becomes a str
