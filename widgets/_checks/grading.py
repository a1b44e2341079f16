"""One check, run two ways at grading: its probe beside the hand-in, its judge in the grader.

In a chapter a check is one call in one process: ``check_conv2d(conv2d)`` runs the learner's
code and judges it. At autograde (``classroom/nbgrader/nyumon_sandbox``) the graded cell runs
``probe_cell`` instead, in the hand-in's sandboxed kernel: the check's probe calls the learner's
code and the result leaves the kernel only as the text of ``wire.dumps``, in one output of the
``PROBE_MIME`` type. The grader, which never ran the hand-in's code, reads that text with
``wire.loads`` and ``verdict_of`` gives the verdict its judge computes: the hand-in can rebind
``check_conv2d``, patch ``Verdict`` or ``torch.allclose`` in its own kernel, and none of it
reaches the judge. What it can still send is data; data earns points only when it is right.

The record is one of ``{"stub": True}`` (an answer left as its placeholder), ``{"early": Early}``
(the probe ended the check early: a stub, a crash, a recognised mistake, the course's own
refusal), ``{"bug": "Type: text"}`` (the probe itself failed) and ``{"data": …}``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from .. import _i18n
from .verdict import (
    COURSE_BUG,
    CourseError,
    Early,
    Stopped,
    Verdict,
    course_error,
    error_text,
    failed,
    is_stub,
    not_yet,
    settle,
)
from .wire import WireError, dumps, loads

PROBE_MIME = "application/vnd.nyumon.probe+json"


def check_named(name: str) -> Callable[..., Verdict]:
    """The course's graded check ``name`` (``check_…`` as ``widgets`` exports it)."""
    import widgets

    if not name.startswith("check_") or name not in widgets.__all__:
        raise LookupError(f"no check named {name!r}")
    check = getattr(widgets, name)
    if getattr(check, "probe", None) is None or getattr(check, "judge", None) is None:
        raise LookupError(f"{name} has no probe and judge")
    return check


def record_of(check: Callable[..., Verdict], *answers: object, **kw: object) -> dict:
    """What the probe of ``check`` makes of the answers, as a record for the grader."""
    values = (*answers, *kw.values())
    if not values or any(is_stub(a) for a in values):
        return {"stub": True}
    try:
        return {"data": check.probe(*answers, **kw)}  # type: ignore[attr-defined]
    except Stopped as stopped:
        return {"early": stopped.early}
    except Exception as error:  # the course's probe failed: the notebook says the same
        return {"bug": error_text(error)}


def probe_cell(name: str, answers: Callable[[], tuple[tuple, dict]]) -> None:
    """In the hand-in's kernel: probe ``name`` on ``answers()`` and show the record as text."""
    from IPython.display import display

    args, kw = answers()
    record = record_of(check_named(name), *args, **kw)
    try:
        text = dumps(record)
    except WireError as error:  # the probe made data the wire does not carry: a course bug
        text = dumps({"bug": f"WireError: {error}"})
    display({PROBE_MIME: text, "text/plain": f"[{name}: data for the grader]"}, raw=True)


def judged(check: Callable[..., Verdict], record: dict) -> Verdict:
    """The verdict of ``check``'s judge on ``record``, in the current language."""
    try:
        if record.get("stub") is True:
            verdict = not_yet()
        elif "early" in record:
            verdict = settle(record["early"])
        elif "bug" in record:
            verdict = failed(COURSE_BUG(error=str(record["bug"])[:300]))
        else:
            verdict = check.judge(record["data"])  # type: ignore[attr-defined]
    except Stopped as stopped:
        verdict = settle(stopped.early)
    except CourseError as error:
        verdict = settle(course_error(error))
    except Exception as error:  # a judge that breaks on data it was sent: not a pass
        verdict = failed(COURSE_BUG(error=error_text(error)))
    title = check.title()  # type: ignore[attr-defined]
    return replace(verdict, title=title, exercise=check.__name__)


def verdict_of(name: str, text: str, lang: str) -> Verdict:
    """In the grader: the verdict on the probe's ``text`` for check ``name``, in ``lang``.

    Raises ``WireError`` when the text is not a record ``probe_cell`` writes."""
    check = check_named(name)
    record = loads(text)
    if (
        not isinstance(record, dict)
        or len(record) != 1
        or not ({"stub", "early", "bug", "data"} & record.keys())
    ):
        raise WireError("not a probe's record")
    if "early" in record and not isinstance(record["early"], Early):
        raise WireError("an early record without an ending")
    with speaking(lang):
        return judged(check, record)


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """The course's texts in ``lang`` for a while (a verdict's labels are put in when shown)."""
    before = _i18n.get_lang()
    _i18n.set_lang(lang)
    try:
        yield
    finally:
        _i18n.set_lang(before)
