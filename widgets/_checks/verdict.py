"""``Verdict``: what an exercise check returns.

A check never raises on a learner's answer: it returns a verdict that shows itself as a
✓ / ✗ / "not yet" box with a hint. ``bool(verdict)`` is true only when the answer is right,
so a solution notebook writes ``assert check_something(answer)``.

A check has two halves (see ``learner.py``): a *probe* calls the learner's code and returns
plain data, a *judge* turns that data into a ``Verdict``. Either half may end the check early
by raising ``Stopped(Early(...))``: ``exercise`` turns the ``Early`` record (plain data too)
into the verdict, and tells a course error or a bug in the check from the learner's mistake.
"""

from __future__ import annotations

import html
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import TypeVar

from .._i18n import CourseError, Message
from . import hints, progress, report


class Status(str, Enum):
    """A verdict's outcome; equal to its string value ("ok", "wrong", "todo")."""

    OK = "ok"
    WRONG = "wrong"
    TODO = "todo"

    def __str__(self) -> str:
        return self.value


OK, WRONG, TODO = Status.OK, Status.WRONG, Status.TODO

LABELS = {
    OK: Message(ja="✓ 正解", en="✓ Correct"),
    WRONG: Message(ja="✗ もう一息", en="✗ Not quite"),
    TODO: Message(ja="… まだです", en="… Not yet"),
}
HINT = Message(ja="ヒント", en="Hint")
STUB_LEFT = Message(
    ja="答えがまだ入っていません（None または ... のままです）。セルを完成させてから実行してください。",
    en="No answer yet (it is still None or ...). Complete the cell, then run it again.",
)
CHECK_CRASHED = Message(
    ja="答えを確かめる途中で、あなたのコードがエラーを出しました。答えのセルだけを実行して、どの行で止まるか確かめましょう（{error}）。",
    en="Your code raised an error while the check ran it. Run your answer on its own to see which line stops ({error}).",
)
COURSE_BUG = Message(
    ja="チェック自体のコードがエラーで止まりました。これは講座の不具合で、あなたの答えのせいではありません。講師に知らせてください（{error}）。",
    en="The check itself stopped with an error: a bug in the course, not in your answer. Please tell your instructor ({error}).",
)
RETURNED_NONE = Message(
    ja="{name} が None を返しました。最後に return を書き忘れていませんか？",
    en="{name} returned None: did you forget `return`?",
)
STUB_FUNCTION = Message(
    ja="関数の中身がまだ書かれていません（pass や ... のままです）。中身を書いてから実行してください。",
    en="The function body is still empty (just pass or ...). Write it, then run the cell again.",
)
COLORS = {OK: "#1b7f3b", WRONG: "#b3261e", TODO: "#8a6d00"}
REPORT_CALL = "from widgets import report_problem; report_problem()"  # whole, as HINT_CALL
REPORT_LINE = Message(
    ja=f"チェックがおかしいと思ったら、新しいセルで {REPORT_CALL} を実行してください（報告の文面ができます）。",
    en=f"Think the check is wrong? Run {REPORT_CALL} in a new cell to write a report.",
)


@dataclass(frozen=True)
class Verdict:
    """The outcome of one exercise check."""

    status: Status
    title: str
    detail: str = ""
    hint: str = ""
    exercise: str = ""  # the catalog's name of the exercise ("check_conv2d[unfold]"), set by run

    def __bool__(self) -> bool:
        return self.status == OK

    def _box_text(self) -> str:
        lines = [f"{LABELS[self.status]()} — {self.title}"]
        if self.detail:
            lines.append(f"  {self.detail}")
        if self.hint:
            lines.append(f"  {HINT()}: {self.hint}")
        if self.status == WRONG:
            lines.append(f"  {REPORT_LINE()}")
        return "\n".join(lines)

    def __str__(self) -> str:
        """The box as text, with the line on ``hint()`` when there is more help."""
        if hints.offers_more(self.exercise, str(self.status)):
            return f"{self._box_text()}\n  {hints.MORE_LINE()}"
        return self._box_text()

    __repr__ = __str__

    def _repr_html_(self) -> str:
        """The box as static HTML (exports, nbgrader's feedback), with the line on ``hint()``."""
        if hints.offers_more(self.exercise, str(self.status)):
            return self._box_html() + hints.more_line_html()
        return self._box_html()

    def _ipython_display_(self) -> None:
        """In a notebook: the box, then the "more help" button (or the line on ``hint()``)."""
        hints.show(self._box_html(), self._box_text(), self.exercise, str(self.status), self.hint)

    def _box_html(self) -> str:
        color = COLORS[self.status]
        parts = [f"<b>{html.escape(LABELS[self.status]())}</b> — {html.escape(self.title)}"]
        if self.detail:
            parts.append(html.escape(self.detail))
        if self.hint:
            parts.append(f"<i>{html.escape(HINT())}:</i> {html.escape(self.hint)}")
        if self.status == WRONG:
            parts.append(
                f'<span class="nyumon-report-line" style="font-size:85%;color:#555">'
                f"{html.escape(REPORT_LINE())}</span>"
            )
        body = "<br>".join(parts)
        return (
            f'<div class="nyumon-verdict nyumon-{Status(self.status).value}" style="border-left:4px solid '
            f'{color};padding:4px 10px;margin:4px 0;color:{color}">{body}</div>'
        )


def passed(detail: object = "") -> Verdict:
    """What a check returns for a right answer (``exercise`` adds the title)."""
    return Verdict(OK, "", str(detail))


def failed(hint: object, detail: object = "") -> Verdict:
    """What a check returns for a wrong answer: a hint aimed at the likely mistake."""
    return Verdict(WRONG, "", str(detail), str(hint))


def not_yet(hint: object = None) -> Verdict:
    """What a check returns when the answer is still a stub (default hint: fill in the cell)."""
    return Verdict(TODO, "", hint=str(STUB_LEFT() if hint is None else hint))


def is_stub(value: object) -> bool:
    """True for the placeholders a stub cell leaves: ``None`` and ``...``."""
    return value is None or value is Ellipsis


def _does_nothing(*args: object) -> None: ...


def untouched_stub(fn: object) -> bool:
    """True for a function whose body is still just ``...``, ``pass`` or ``return None``."""
    code = getattr(getattr(fn, "__func__", fn), "__code__", None)
    return code is not None and code.co_code == _does_nothing.__code__.co_code


def returned_none(fn: object, name: str) -> Verdict:
    """The verdict for a learner's function that returned None.

    An untouched stub gives "not yet"; a function with a body forgot its ``return``.
    """
    if untouched_stub(fn):
        return not_yet(STUB_FUNCTION())
    return failed(RETURNED_NONE(name=name))


def unanswered(fn: object, got: object, name: str) -> Verdict | None:
    """ "Not yet" for ``...`` (a stub's placeholder), the None verdict for None, else None."""
    if got is Ellipsis:
        return not_yet()
    if got is None:
        return returned_none(fn, name)
    return None


ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def error_text(error: BaseException, limit: int = 160) -> str:
    """``Type: first line`` of an exception, without terminal colours, cut to ``limit``."""
    lines = [line.strip() for line in ANSI.sub("", str(error)).splitlines() if line.strip()]
    text = f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


PACKAGE = Path(__file__).resolve().parents[1]  # widgets/


def course_bug(error: BaseException) -> bool:
    """True for a name the course's own code got wrong (NameError, ImportError) where every
    frame of the traceback is the course's: no learner code ran, so the learner is not told
    that their code failed."""
    if not isinstance(error, (NameError, ImportError)):
        return False
    frames = traceback.extract_tb(error.__traceback__)
    return all(Path(frame.filename).resolve().is_relative_to(PACKAGE) for frame in frames)


class Ending(str, Enum):
    """Why a check ended before its judge picked a verdict."""

    STUB = "stub"  # an untouched stub function, or a stub's ``...`` came back
    NONE = "none"  # the learner's function returned None: a forgotten ``return``
    CRASH = "crash"  # the learner's code raised an error the check does not recognise
    MISTAKE = "mistake"  # a mistake the check recognised (a known error, a wrong type…)
    COURSE = "course"  # the course's own validation refused the answer (a CourseError)


@dataclass(frozen=True)
class Early:
    """How a check ended early, as plain data (strings, a ``Message`` and its blanks).

    Made where the learner's code was called (``learner.call``) or by ``expect_…``; turned
    into the verdict by ``settle``, outside the learner's process when the grader asks.
    """

    ending: Ending
    name: str = ""  # the learner's function, for "did you forget return"
    error: str = ""  # ``Type: first line`` of the learner's error
    line: str = ""  # the learner's line that raised, as written
    message: Message | None = None  # the hint of a recognised mistake or a course error
    fmt: dict[str, object] = field(default_factory=dict)  # the hint's blanks


class Stopped(Exception):
    """Raised by a probe or a judge to end the check with ``early``'s verdict."""

    def __init__(self, early: Early) -> None:
        super().__init__(early.ending.value)
        self.early = early


def stop(message: Message, **fmt: object) -> Stopped:
    """``raise stop(HINT, x=1)``: end the check with ✗ and ``HINT`` (a recognised mistake)."""
    return Stopped(Early(Ending.MISTAKE, message=message, fmt=fmt))


CRASHED_AT = Message(
    ja="答えを確かめる途中で、あなたのコードがエラーを出しました。止まったのは {line} の行です（{error}）。",
    en="Your code raised an error while the check ran it, at the line {line} ({error}).",
)


def settle(early: Early) -> Verdict:
    """The verdict for a check that ended early."""
    if early.ending is Ending.STUB:
        return not_yet(None if early.message is None else early.message(**early.fmt))
    if early.ending is Ending.NONE:
        return failed(RETURNED_NONE(name=early.name))
    if early.ending is Ending.CRASH:
        if early.line:
            return failed(CRASHED_AT(line=early.line, error=early.error))
        return failed(CHECK_CRASHED(error=early.error))
    assert early.message is not None, early
    return failed(early.message(**early.fmt))


def course_error(error: CourseError) -> Early:
    """The course's own sentence for an answer its validation refused."""
    return Early(Ending.COURSE, error=error_text(error), message=error.message, fmt=error.fmt)


def probing(probe: Callable[..., object]) -> Callable[..., object]:
    """``probe`` as the grader calls it: its data, or ``Stopped`` with an ``Early`` record.

    The course's validation refusing an answer (a ``CourseError``) becomes that record too, so
    nothing but data leaves the process where the learner's code ran."""

    @wraps(probe)
    def data(*answers: object, **kw: object) -> object:
        try:
            return probe(*answers, **kw)
        except CourseError as error:
            raise Stopped(course_error(error)) from error

    return data


Data = TypeVar("Data")  # what a check's probe returns and its judge reads


def exercise(
    title: Message,
    *,
    probe: Callable[..., Data] | None = None,
    judge: Callable[[Data], Verdict] | None = None,
) -> Callable[[Callable[..., Verdict]], Callable[..., Verdict]]:
    """Turn ``check(*answers) -> passed()/failed()`` into a learner-safe exercise check.

    A stub answer (``None`` or ``...``) gives "not yet". A probe or judge that raises
    ``Stopped`` gives that early verdict (a stub, a forgotten return, the learner's crash
    with their line, a recognised mistake); a ``CourseError`` (the course's validation
    refusing the answer) gives its own sentence as the hint; any other exception is a bug
    in the check and says so, never "your code raised". ``probe`` and ``judge`` name the
    check's two halves (``check(...) == judge(probe(...))``) for the grader, which runs the
    probe where the learner's code may run and the judge where it may not.
    """

    def decorate(check: Callable[..., Verdict]) -> Callable[..., Verdict]:
        @wraps(check)
        def run(*answers: object, **kw: object) -> Verdict:
            values = (*answers, *kw.values())
            if not values or any(is_stub(a) for a in values):
                verdict = not_yet()
            else:
                verdict = judged(*answers, **kw)
            report.sent(check.__module__, check.__name__, str(verdict.status), verdict.hint)
            key = hints.key_of(check.__name__, **kw)
            hints.remember(key, str(verdict.status), title(), verdict.hint)
            progress.kept(check.__name__, kw, str(verdict.status))
            return replace(verdict, title=title(), exercise=key)

        def judged(*answers: object, **kw: object) -> Verdict:
            try:
                verdict = check(*answers, **kw)
            except Stopped as stopped:
                verdict = settle(stopped.early)
            except CourseError as error:
                verdict = settle(course_error(error))
            except Exception as error:  # a bug in the check: never the learner's fault
                verdict = failed(COURSE_BUG(error=error_text(error)))
            return verdict

        run.probe = None if probe is None else probing(probe)  # type: ignore[attr-defined]
        run.judge = judge  # type: ignore[attr-defined]
        run.title = title  # type: ignore[attr-defined]
        return run

    return decorate
