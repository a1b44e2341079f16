"""``exercise``: whose error a crash inside a check is (the learner's code, or the course's)."""

from __future__ import annotations

import widgets._checks.verdict as verdict_module
from widgets._checks.verdict import CHECK_CRASHED, COURSE_BUG, exercise, passed
from widgets._i18n import Message, set_lang

TITLE = Message(ja="練習", en="Exercise")


@exercise(TITLE)
def check_calls(answer):
    answer(1)
    return passed()


# A check with a typo, compiled as if it were a file of the widgets package: every frame of
# its traceback is then the course's, as for a real check.
namespace: dict = {"exercise": exercise, "passed": passed, "TITLE": TITLE}
source = (
    "@exercise(TITLE)\n"
    "def check_typo(answer):\n"
    "    answer(1)\n"
    "    return pased()  # the course's typo\n"
)
exec(compile(source, verdict_module.__file__, "exec"), namespace)
check_typo = namespace["check_typo"]


def learner_with_a_typo(x):
    return y + x  # noqa: F821  (the learner's typo)


def test_a_typo_in_the_learners_code_is_theirs():
    verdict = check_calls(learner_with_a_typo)
    assert verdict.status == "wrong"
    assert CHECK_CRASHED().split("{")[0] in verdict.hint
    assert "NameError: name 'y' is not defined" in verdict.hint


def test_a_typo_in_the_checks_own_code_is_the_courses():
    verdict = check_typo(lambda x: x)
    assert verdict.status == "wrong"
    assert COURSE_BUG().split("{")[0] in verdict.hint
    assert "pased" in verdict.hint and "Your code raised" not in verdict.hint
    set_lang("ja")
    assert "講座の不具合" in check_typo(lambda x: x).hint
