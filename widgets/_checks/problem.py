"""``report_problem()``: a ready-to-send problem report, which the learner sends herself.

It gathers ``env_report()``'s summary, the chapter, exercise and last verdict of the last check
that ran (``hints.last``), and the last traceback IPython kept, and shows them as text to copy
and as a link that opens a new issue on the course's tracker with the text filled in. Nothing
is sent by this module: it makes no network call at all.

The learner's code goes in only when she asks (the checkbox, or ``include_code=True``). Without
it, the report leaves out her cells and the source lines of tracebacks, and hides whatever of
her cells' lines, names and strings a hint or an error message would quote.
"""

from __future__ import annotations

import ast
import html
import re
import sys
import traceback
from dataclasses import dataclass
from urllib.parse import quote

from .._i18n import CourseTypeError, Message
from .._validate import WRONG_TYPE, type_name
from . import hints
from .catalog import BY_CHECK

MAX_URL = 7000  # characters of the whole issue link: GitHub refuses far longer ones
MAX_TRACEBACK = 40  # lines of a traceback kept
HIDDEN = "[…]"

TITLE = Message(ja="問題の報告", en="Problem report")
INTRO = Message(
    ja="下の文面をコピーして講座の課題管理（issue）に貼るか、リンクを開いて内容を確かめてから送ってください。ここからは何も送られません。",
    en="Copy the text below into the course's issue tracker, or open the link, check what it says and send it yourself. Nothing is sent from here.",
)
OPEN_ISSUE = Message(
    ja="GitHub で issue を作る（内容は送る前に確認できます）",
    en="Open a new issue on GitHub (you can check it before sending)",
)
INCLUDE_CODE = Message(ja="自分のコードも含める", en="Include my code")
CODE_LEFT_OUT = Message(
    ja="（あなたのコードは含めていません。含めるときは report_problem(include_code=True) を実行するか、チェックボックスをオンにしてください）",
    en="(Your code is not included: run report_problem(include_code=True), or tick the box, to add it.)",
)
SECTION = {
    "env": Message(ja="実行環境", en="Environment"),
    "exercise": Message(ja="演習", en="Exercise"),
    "verdict": Message(ja="最後のチェックの結果", en="Last check's verdict"),
    "traceback": Message(ja="最後のエラー", en="Last error"),
    "code": Message(ja="コード", en="Code"),
    "what": Message(ja="何が起きたか（ここに書いてください）", en="What happened (write here)"),
}
NO_CHECK = Message(ja="まだチェックを実行していません", en="no check has run yet")
NO_ERROR = Message(ja="なし", en="none")
EXERCISE_LINE = Message(
    ja="第 {chapter} 章 {stem}、演習 {number}（{check}）",
    en="chapter {chapter} {stem}, exercise {number} ({check})",
)
ISSUE_TITLE = Message(ja="問題の報告: {what}", en="Problem report: {what}")
CUT = Message(
    ja="…（長すぎるので切りました。全文は report_problem() の表示からコピーしてください）",
    en="… (cut: too long for a link; copy the full text from report_problem())",
)
BOOL = Message(ja="True か False", en="True or False")
STATUS = {"ok": "✓", "wrong": "✗", "todo": "…"}


def _shell() -> object | None:
    ipython = sys.modules.get("IPython")
    try:
        return None if ipython is None else ipython.get_ipython()
    except Exception:
        return None


def learner_cells() -> list[str]:
    """The cells the learner ran in this kernel, oldest first (IPython's ``In``), without
    the one running now."""
    shell = _shell()
    history = getattr(getattr(shell, "history_manager", None), "input_hist_raw", None)
    if not history:
        return []
    return [cell for cell in list(history)[1:-1] if cell.strip()]


def check_cell() -> str:
    """The cell that ran the last check, as the learner wrote it ("" when unknown)."""
    ran = hints.last()
    return "" if ran is None else ran.code


def secrets(cells: list[str]) -> list[str]:
    """What of the learner's cells a report must not quote: each line, each name she bound
    and each string she wrote (four characters or more), the longest first."""
    found: set[str] = set()
    for cell in cells:
        found.update(line.strip() for line in cell.splitlines())
        try:
            tree = ast.parse(cell)
        except SyntaxError:
            found.update(re.findall(r"\w{4,}|\"[^\"]{4,}\"|'[^']{4,}'", cell))
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                found.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found.add(node.name)
            elif isinstance(node, ast.arg):
                found.add(node.arg)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.update(node.value.splitlines())
    return sorted((s for s in found if len(s.strip()) >= 4), key=len, reverse=True)


def hidden(text: str, cells: list[str]) -> str:
    """``text`` with every line, name and string of ``cells`` replaced by ``[…]``."""
    for secret in secrets(cells):
        text = text.replace(secret, HIDDEN)
    return text


def last_error() -> BaseException | None:
    """The last exception a cell raised (IPython keeps it in ``sys``), or None."""
    error = getattr(sys, "last_exc", None) or getattr(sys, "last_value", None)
    return error if isinstance(error, BaseException) else None


def traceback_text(error: BaseException, include_code: bool) -> str:
    """The traceback of ``error``: with source lines only when the code may be included."""
    if include_code:
        lines = traceback.format_exception(type(error), error, error.__traceback__)
        text = "".join(lines)
    else:
        frames = traceback.extract_tb(error.__traceback__)
        rows = [f'  File "{f.filename}", line {f.lineno}, in {f.name}' for f in frames]
        text = "\n".join(["Traceback (most recent call last):", *rows, error_line(error)])
    kept = text.rstrip().splitlines()
    if len(kept) > MAX_TRACEBACK:
        kept = [*kept[:3], "  …", *kept[-(MAX_TRACEBACK - 4) :]]
    return "\n".join(kept)


def error_line(error: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(error), error)).strip()


@dataclass(frozen=True)
class ProblemReport:
    """The report as text (``text``), and the link that opens an issue with it (``url``)."""

    text: str
    url: str
    include_code: bool

    def __str__(self) -> str:
        return f"{TITLE()}\n{INTRO()}\n\n{self.text}\n\n{OPEN_ISSUE()}: {self.url}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return (
            f'<div class="nyumon-report"><b>{html.escape(TITLE())}</b><br>'
            f"{html.escape(INTRO())}"
            f'<pre class="nyumon-report-text" style="white-space:pre-wrap;max-height:24em;'
            f'overflow:auto;border:1px solid #ccc;padding:6px">{html.escape(self.text)}</pre>'
            f'<a class="nyumon-report-link" href="{html.escape(self.url)}" target="_blank" '
            f'rel="noopener">{html.escape(OPEN_ISSUE())}</a></div>'
        )

    def _ipython_display_(self) -> None:
        from IPython.display import display

        view = report_view(self.include_code)
        if view is None:
            display({"text/html": self._repr_html_(), "text/plain": str(self)}, raw=True)
            return
        model = {"version_major": 2, "version_minor": 0, "model_id": view.model_id}  # type: ignore[attr-defined]
        bundle = {
            "application/vnd.jupyter.widget-view+json": model,
            "text/html": self._repr_html_(),
            "text/plain": str(self),
        }
        display(bundle, raw=True)


def report_view(include_code: bool) -> object | None:
    """The report with its checkbox, as widgets, or None without a kernel or ipywidgets."""
    if not hints._kernel():
        return None
    try:
        import ipywidgets as w
    except ImportError:
        return None
    box = w.Checkbox(value=include_code, description=INCLUDE_CODE(), indent=False)
    box.add_class("nyumon-include-code")
    shown = w.HTML(value=build(include_code)._repr_html_())

    def toggled(change: dict) -> None:
        try:
            shown.value = build(bool(change["new"]))._repr_html_()
        except Exception:
            shown.value = ""

    box.observe(toggled, names="value")
    view = w.VBox([box, shown])
    view.add_class("nyumon-report-view")
    return view


def section(key: str, body: str) -> str:
    return f"### {SECTION[key]()}\n{body.strip()}\n"


def build(include_code: bool) -> ProblemReport:
    """The report, from what this kernel knows now."""
    from .._env.report import env_report

    cells = learner_cells()

    def mine(text: str) -> str:  # what may quote the learner's code: hidden unless asked
        return text if include_code else hidden(text, cells)

    ran = hints.last()
    parts = [section("what", "")]
    parts.append(section("env", "```\n" + str(env_report()) + "\n```"))
    if ran is None:
        parts.append(section("exercise", NO_CHECK()))
        what = NO_CHECK()
    else:
        ex = BY_CHECK.get(ran.exercise)
        if ex is None:
            where = ran.exercise
        else:
            where = EXERCISE_LINE(
                chapter=ex.chapter[:2], stem=ex.chapter, number=ex.number, check=ex.check
            )
        what = f"{ex.number if ex else ran.exercise} {ran.title}"
        parts.append(section("exercise", where))
        verdict = f"{STATUS.get(ran.status, ran.status)} {ran.status} — {ran.title}"
        if ran.hint:
            verdict += "\n" + mine(ran.hint)
        parts.append(section("verdict", verdict))
    error = last_error()
    error_text = NO_ERROR() if error is None else mine(traceback_text(error, include_code))
    parts.append(section("traceback", "```\n" + error_text + "\n```"))
    if include_code:
        code = check_cell() or (cells[-1] if cells else "")
        parts.append(section("code", "```python\n" + code + "\n```"))
    else:
        parts.append(section("code", CODE_LEFT_OUT()))
    text = "\n".join(parts)
    return ProblemReport(text, issue_url(ISSUE_TITLE(what=what), text), include_code)


def issue_url(title: str, body: str) -> str:
    """A link to a new issue on the course's repository with ``title`` and ``body`` filled in,
    the body cut (at a line when it can) so that the link stays under ``MAX_URL``."""
    base = f"{hints.REPOSITORY}/issues/new?title={quote(title, safe='')}&body="
    room = MAX_URL - len(base)
    if len(quote(body, safe="")) <= room:
        return base + quote(body, safe="")
    cut = CUT()
    low, high = 0, len(body)
    while low < high:  # the longest start of the body whose quoted form still fits
        middle = (low + high + 1) // 2
        if len(quote(body[:middle] + "\n" + cut, safe="")) <= room:
            low = middle
        else:
            high = middle - 1
    kept = body[:low]
    if "\n" in kept:
        kept = kept[: kept.rindex("\n")]
    return base + quote(kept + "\n" + cut, safe="")


def report_problem(include_code: object = False) -> ProblemReport:
    """A problem report to send to the course's authors yourself: the environment, the last
    check and its verdict, the last error; your code only with ``include_code=True``.

    Shown as text to copy and as a link to a new issue with the text filled in, with a box to
    tick to add your code. Nothing is sent by itself."""
    if not isinstance(include_code, bool):
        raise CourseTypeError(
            WRONG_TYPE, name="include_code", expected=BOOL, got=type_name(include_code)
        )
    return build(include_code)
