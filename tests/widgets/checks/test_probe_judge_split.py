"""Every check of the corpus (tests/corpus/), split the way the grader runs it.

At grading a check's ``probe`` runs in the hand-in's kernel and its ``judge`` in the grader,
with only data between them (issue 25). For every corpus answer of every chapter:

- the check has both halves;
- the probe's data (or the ``Early`` it stopped with) is plain data: ``is_plain``, and every
  value of one of the exact types the wire carries (no subclass a learner could define);
- the data is made in English and judged, after a round trip through the wire codec, in
  English and in Japanese: the verdict (status, detail, hint) is the check's own, so the probe
  records no text in the learner's language and the judge needs nothing but the data.

The round trip rebuilds every value, so the judge cannot reach an object of the learner's.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tests.corpus import TODO, Answer, snapshot
from tests.support.reference import Tensor
from widgets import check_conv2d, check_draw_graph, check_tensor_ops, show_dot
from widgets._checks import grading, wire
from widgets._checks.homework import common
from widgets._checks.learner import Opaque, is_plain
from widgets._checks.limits import TOO_SLOW
from widgets._checks.verdict import Early, Ending, Verdict, is_stub
from widgets._i18n import Message, set_lang

EXACT = (type(None), bool, int, float, str, torch.Tensor, np.ndarray, Opaque, Message, Early)


def foreign(value: object, depth: int = 0) -> list[str]:
    """The types in ``value`` that are not exactly one the wire carries (a subclass counts)."""
    kind = type(value)
    if kind in (list, tuple):
        return [t for item in value for t in foreign(item, depth + 1)]
    if kind is dict:
        return [t for item in value.values() for t in foreign(item, depth + 1)]
    if kind is Early:
        return foreign(value.message) + foreign(value.fmt) + foreign(value.ending)
    if isinstance(value, Ending) or kind in EXACT:
        return []
    if isinstance(value, np.generic) and kind.__module__ == "numpy":
        return []
    return [f"{kind.__module__}.{kind.__qualname__}"]


def checked(answer: Answer, lang: str) -> Verdict:
    set_lang(lang)
    with np.errstate(all="ignore"):  # diverging homework answers overflow on purpose
        return answer.check(*answer.args())


def shown(verdict: Verdict) -> tuple[str, str, str]:
    return (str(verdict.status), verdict.detail, verdict.hint)


ANSWERS = snapshot.answers()


@pytest.mark.parametrize(("key", "answer"), [pytest.param(k, a, id=k) for k, a in ANSWERS.items()])
def test_the_judge_of_the_probes_data_gives_the_checks_own_verdict(key: str, answer: Answer):
    check = answer.check
    assert callable(getattr(check, "probe", None)), f"{check.__name__} has no probe"
    assert callable(getattr(check, "judge", None)), f"{check.__name__} has no judge"
    args = answer.args()
    if not args or any(is_stub(a) for a in args):  # "not yet" before any probe, here and there
        assert checked(answer, "en").status == TODO
        return
    set_lang("en")
    with np.errstate(all="ignore"):  # what the grader's probe_cell records in the kernel
        record = grading.record_of(check, *args)
    assert "bug" not in record, record
    data = record.get("data", record.get("early"))
    assert is_plain(data), data
    assert foreign(data) == [], foreign(data)
    received = wire.loads(wire.dumps(record))  # the wire's text, as the grader reads it
    for lang in ("en",) if answer.slow else snapshot.LANGS:
        own = checked(answer, lang)
        set_lang(lang)
        with np.errstate(all="ignore"):
            split = grading.judged(check, received)
        assert split.title == own.title
        assert shown(split) == shown(own), lang


def test_the_type_walk_finds_what_is_not_plain():
    class Mine(str):
        pass

    assert foreign({"a": [1, (2.0, "x")], "t": torch.zeros(2), "n": np.float32(1)}) == []
    assert foreign(Early(Ending.CRASH, fmt={"error": "E"})) == []
    assert foreign({"a": [Mine("x")]}) == [f"{__name__}.{Mine.__qualname__}"]
    assert foreign(torch.nn.Parameter(torch.zeros(1))) == ["torch.nn.parameter.Parameter"]


# Chapter 08's probes end at the learner's first crash, stub or time-out, and record it after
# what ran before it: a case that failed earlier still names the mistake, as in one process.


class AddsWrong(Tensor):
    def __add__(self, other):
        other = self.wrap(other)
        return self._result(self.data - other.data, (self, other), "+", [lambda g: g] * 2)


class LoopsInExp(Tensor):
    def exp(self):
        while True:
            pass


class AddsWrongLoopsInExp(AddsWrong, LoopsInExp):
    pass


def test_a_homework_probe_ends_at_the_time_limit_after_what_it_recorded(monkeypatch):
    monkeypatch.setattr(common, "TIME_LIMIT", 2.0)
    set_lang("en")
    slow = check_tensor_ops(LoopsInExp)
    assert slow.status == "wrong" and "had not finished after 2 s" in slow.hint, slow
    data = check_tensor_ops.probe(AddsWrongLoopsInExp)
    early = data["records"][-1]["early"]
    assert early.message is TOO_SLOW and early.fmt == {"seconds": 2.0}
    verdict = check_tensor_ops.judge(wire.loads(wire.dumps(data)))
    assert verdict.status == "wrong" and "a + b gives different values" in verdict.hint


def test_a_homework_judge_refuses_data_with_a_record_missing():
    data = check_tensor_ops.probe(Tensor)
    assert check_tensor_ops.judge(wire.loads(wire.dumps(data))).status == "ok"
    with pytest.raises(ValueError, match="ends before"):
        check_tensor_ops.judge({"records": data["records"][:-1]})
    cut = {"records": [{**r} for r in data["records"]]}
    del cut["records"][3]["out"]  # a record cut short, with no early end after it
    with pytest.raises(ValueError, match="cut short"):
        check_tensor_ops.judge(cut)
    with pytest.raises(ValueError, match="forward 1 where forward 0 was due"):
        check_tensor_ops.judge({"records": data["records"][1:]})


def test_homework_takes_only_a_probe_made_by_learner_side():
    with pytest.raises(TypeError, match="learner_side"):
        common.homework(Message(ja="題", en="Title"), probe=lambda t: {}, judge=lambda d: None)


def test_passing_torchs_own_conv2d_is_the_shortcut_it_is():
    """The probe watches every call of the answer, F.conv2d itself included."""
    set_lang("en")
    verdict = check_conv2d(F.conv2d)
    assert verdict.status == "wrong" and "PyTorch's own convolution" in verdict.hint
    data = check_conv2d.probe(F.conv2d)
    assert "convolution" in " ".join(data["records"][0]["operators"])


class ShowsNone(Tensor):
    def draw_graph(self):
        return show_dot(None)  # the course's own refusal, with a Message in its blanks


def test_a_course_refusal_in_the_probe_is_worded_in_the_graders_language():
    set_lang("en")
    record = wire.loads(wire.dumps(grading.record_of(check_draw_graph, ShowsNone)))
    for lang in snapshot.LANGS:
        set_lang(lang)
        assert shown(grading.judged(check_draw_graph, record)) == shown(check_draw_graph(ShowsNone))
    assert "DOT 形式の文字列" in grading.judged(check_draw_graph, record).hint
