"""Help in steps after a check (issue 30): the levels, the "more help" button and ``hint()``.

Level 1 is the check's own hint, in its verdict box. Level 2 (a more concrete hint) and level
3 (a worked first step) are the exercise's ``Steps`` (``steps/``); the last level points to the
exercise in the solution notebook, as a link that opens in JupyterLab or, on Colab, in Colab.
An exercise without steps goes from its hint straight to that pointer; a check the catalog
does not know (a first-edition one) has its hint only.

Where widgets render, a ✗ or "not yet" box is followed by a button that opens the next level
at each click. Everywhere else (plain text, exported HTML, the web book, nbgrader's feedback)
the box says in one line how to get the same levels as text: ``hint()``. Only plain data comes
in here (the verdict's strings), so ``verdict.py`` can import this module.
"""

from __future__ import annotations

import html
import posixpath
import re
import sys
from dataclasses import dataclass

from .._i18n import CourseTypeError, CourseValueError, Message, get_lang
from .._validate import require_int, type_name
from .catalog import BY_CHECK, EXERCISES, Exercise, exercise_of
from .steps import steps_for

# The course's repository and branch, as ``[tool.nyumon]`` in pyproject.toml says (a test keeps
# them equal): a pip-installed course (Colab) has no pyproject.toml to read.
REPOSITORY = "https://github.com/pytorch-nyumon/pytorch-nyumon"
BRANCH = "main"


def notebook_relpath(stem: str, lang: str, solution: bool = False) -> str:
    """Where chapter ``stem`` is, from the repository root: the kernel's copy of
    ``tools.build.notebook_relpath`` (``tools`` is not installed on Colab; a test compares)."""
    folder = "solutions" if solution else "chapters"
    number, _, topic = stem.partition("_")
    return f"{folder}/{lang}/{number}_{lang}_{topic}.ipynb"


def colab_url(relpath: str) -> str:
    """The notebook at ``relpath`` opened in Colab from the repository (as ``tools.build``)."""
    repo = REPOSITORY.removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{repo}/blob/{BRANCH}/{relpath}"


def solution_link(ex: Exercise, lang: str) -> str:
    """A link to the solution notebook of ``ex``'s chapter: on Colab a Colab URL, else relative
    to the chapter notebook (JupyterLab opens a relative link next to the open notebook)."""
    solution = notebook_relpath(ex.chapter, lang, solution=True)
    if "google.colab" in sys.modules:
        return colab_url(solution)
    chapter = notebook_relpath(ex.chapter, lang)
    return posixpath.relpath(solution, posixpath.dirname(chapter))


LEVEL_NAMES = {
    "hint": Message(ja="ヒント", en="Hint"),
    "more": Message(ja="もう少し詳しいヒント", en="A more concrete hint"),
    "first_step": Message(ja="最初の一歩", en="The first step, worked out"),
    "solution": Message(ja="解答の場所", en="Where the solution is"),
}
LEVEL_HEAD = Message(ja="{name}（{total} 段階の {level} 段階目）", en="{name} ({level} of {total})")
SOLUTION_AT = Message(
    ja="解答は、解答ノートブックの演習 {number} にあります: {link}",
    en="The solution is exercise {number} in the solutions notebook: {link}",
)
LEVEL_ONE_ELSEWHERE = Message(
    ja="段階 1 は、チェックが ✗ のときに示すヒントです。演習 {number} のチェックを実行すると表示されます。",
    en="Level 1 is the hint the check gives with its ✗: run the check of exercise {number} to see it.",
)
MORE_BUTTON = Message(ja="もっとヒント", en="More help")
NO_MORE = Message(ja="ヒントはここまで", en="No more help")
# What the lines under a verdict tell the learner to run, whole: a chapter imports only its
# checks, so a bare hint() would be a NameError (tests/servers/test_help_kernel.py runs these).
HINT_CALL = "from widgets import hint; hint()"
MORE_LINE = Message(
    ja=f"もっとヒントが欲しいときは、新しいセルで {HINT_CALL} を実行してください（実行するたびに次の段階が出ます）。",
    en=f"For more help, run {HINT_CALL} in a new cell: each run shows the next level.",
)
NOTHING_RAN = Message(
    ja='まだチェックを実行していません。先に演習のチェックを実行するか、hint(2, "4.3") のように演習の番号を指定してください。',
    en='No check has run yet: run an exercise\'s check first, or name the exercise, e.g. hint(2, "4.3").',
)
NO_SUCH_EXERCISE = Message(
    ja='演習 {name} は見つかりません。"4.3" のような番号か、check_mlp のようなチェックの名前を指定してください。',
    en='There is no exercise {name}: give a number such as "4.3" or a check\'s name such as check_mlp.',
)
EXERCISE_TYPE = Message(
    ja='exercise には演習の番号（"4.3"）かチェックの名前、またはチェックそのものを渡してください（渡されたのは {got} です）。',
    en='exercise must be an exercise number ("4.3"), a check\'s name or the check itself (got {got}).',
)
NO_LEVELS = Message(
    ja="{name} には、チェックのヒントのほかに段階的なヒントがありません。",
    en="{name} has no help in steps beyond its check's hint.",
)
LEVEL_NAME = "level"


@dataclass(frozen=True)
class Ran:
    """The last verdict of one exercise, as plain data (for ``hint()`` and reports)."""

    exercise: str  # the catalog's name ("check_conv2d[unfold]"), or the check's own name
    status: str  # "ok", "wrong", "todo"
    title: str
    hint: str
    code: str  # the cell that ran the check, as written (kept here, never sent by the course)


_last: list[Ran] = []  # the last check that ran, in this kernel
_hints: dict[str, str] = {}  # the last level-1 hint of each exercise
_seen: dict[str, int] = {}  # the highest level shown of each exercise (1: the box's hint)


def key_of(check_name: str, **options: object) -> str:
    """The name a check call is known by: its catalog name, else the check's own name."""
    found = exercise_of(check_name, **options)
    return check_name if found is None else found.check


def _current_cell() -> str:
    """The cell running now, as IPython keeps it (the last entry of ``In``), or ""."""
    try:
        from IPython import get_ipython

        history = get_ipython().history_manager.input_hist_raw
        return str(history[-1]) if history else ""
    except Exception:
        return ""


def remember(exercise: str, status: str, title: str, hint: str) -> None:
    """Called by every check (``exercise`` in ``verdict.py``): this verdict is the last one."""
    _last[:] = [Ran(exercise, status, title, hint, _current_cell())]
    if status != "ok":
        _hints[exercise] = hint


def last() -> Ran | None:
    """The last check that ran in this kernel, or None."""
    return _last[0] if _last else None


def _opened(check: str, level: int) -> None:
    """Help level ``level`` of exercise ``check`` was shown (button or ``hint()``): kept for
    this kernel, and in the learner's progress file (which never raises)."""
    from .._progress.store import record_help

    _seen[check] = max(_seen.get(check, 1), level)
    record_help(check, level)


def kinds(key: str) -> list[str]:
    """The levels an exercise has, in order: always "hint", then "more" and "first_step" when
    it has steps, then "solution" when the catalog knows its chapter."""
    found = ["hint"]
    if steps_for(key) is not None:
        found += ["more", "first_step"]
    if key in BY_CHECK:
        found.append("solution")
    return found


def level_body(key: str, level: int, hint: str = "") -> str:
    """The text of level ``level`` (1-based) of exercise ``key``, in the current language."""
    kind = kinds(key)[level - 1]
    ex = BY_CHECK.get(key)
    if kind == "hint":
        if hint:
            return hint
        return LEVEL_ONE_ELSEWHERE(number=ex.number if ex else key)
    if kind in ("more", "first_step"):
        steps = steps_for(key)
        assert steps is not None
        return getattr(steps, kind)()
    assert ex is not None
    return SOLUTION_AT(number=ex.number, link=solution_link(ex, get_lang()))


def level_head(key: str, level: int) -> str:
    levels = kinds(key)
    name = LEVEL_NAMES[levels[level - 1]]
    return LEVEL_HEAD(name=name, level=level, total=len(levels))


CODE_RE = re.compile(r"`([^`\n]+)`")  # the steps' `code`, as the notebooks' Markdown shows it


def level_html(key: str, level: int, hint: str = "") -> str:
    """One level as HTML: its heading, then its text (the solution's link made clickable)."""
    body = CODE_RE.sub(r"<code>\1</code>", html.escape(level_body(key, level, hint)))
    ex = BY_CHECK.get(key)
    if kinds(key)[level - 1] == "solution" and ex is not None:
        link = solution_link(ex, get_lang())
        target = ' target="_blank"' if link.startswith("https://") else ""
        anchor = f'<a href="{html.escape(link)}"{target}>{html.escape(link)}</a>'
        body = body.replace(html.escape(link), anchor)
    return (
        f'<div class="nyumon-help-level" data-level="{level}" style="margin:4px 0">'
        f"<b>{html.escape(level_head(key, level))}</b><br>{body}</div>"
    )


def offers_more(key: str, status: str) -> bool:
    """True when a verdict box offers more help: ✗ or "not yet", with a level past the hint."""
    return status != "ok" and bool(key) and len(kinds(key)) > 1


def more_line_html() -> str:
    return f'<div class="nyumon-more-line" style="font-size:90%">{html.escape(MORE_LINE())}</div>'


def _kernel() -> bool:
    """True in a Jupyter kernel (widgets need one): not plain Python, not terminal IPython."""
    shell = sys.modules.get("IPython")
    try:
        get = getattr(shell, "get_ipython", None)
        return get is not None and getattr(get(), "kernel", None) is not None
    except Exception:
        return False


def button_view(key: str, hint: str) -> object | None:
    """The "more help" button with the levels it opens, or None without a kernel or widgets."""
    if not _kernel():
        return None
    try:
        import ipywidgets as w
    except ImportError:
        return None
    total = len(kinds(key))
    button = w.Button(description=MORE_BUTTON(), icon="question")
    button.add_class("nyumon-more-help")
    shown = w.HTML(value="")
    shown.add_class("nyumon-help-levels")
    state = {"level": 1}

    def click(_: object) -> None:
        try:
            if state["level"] >= total:
                return
            state["level"] += 1
            shown.value += level_html(key, state["level"], hint)
            _opened(key, state["level"])
            if state["level"] >= total:
                button.disabled = True
                button.description = NO_MORE()
        except Exception:  # a click must never leave a traceback in the kernel's log alone
            button.disabled = True

    button.on_click(click)
    box = w.VBox([button, shown])
    box.add_class("nyumon-help")
    return box


def show(box_html: str, box_text: str, key: str, status: str, hint: str) -> None:
    """Display a verdict (its ``_ipython_display_``): the box, then the way to more help.

    The button comes as an output of its own whose fallback (exported HTML without widget
    state, text) is the plain line about ``hint()``, so nothing shows a widget's repr."""
    from IPython.display import display

    if not offers_more(key, status):
        display({"text/html": box_html, "text/plain": box_text}, raw=True)
        return
    view = button_view(key, hint)
    if view is None:
        display(
            {
                "text/html": box_html + more_line_html(),
                "text/plain": f"{box_text}\n  {MORE_LINE()}",
            },
            raw=True,
        )
        return
    display({"text/html": box_html, "text/plain": box_text}, raw=True)
    model = {"version_major": 2, "version_minor": 0, "model_id": view.model_id}  # type: ignore[attr-defined]
    bundle = {
        "application/vnd.jupyter.widget-view+json": model,
        "text/html": more_line_html(),
        "text/plain": MORE_LINE(),
    }
    display(bundle, raw=True)


@dataclass(frozen=True)
class Help:
    """What ``hint()`` shows: one level of one exercise, as text or HTML."""

    exercise: str
    level: int
    total: int
    head: str
    body: str
    html: str

    def __str__(self) -> str:
        return f"{self.head}\n  {self.body}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return f'<div class="nyumon-help" style="padding:4px 10px">{self.html}</div>'


def _find(exercise: object) -> str:
    """The key of the exercise ``hint`` was asked about."""
    if exercise is None:
        ran = last()
        if ran is None:
            raise CourseValueError(NOTHING_RAN)
        return ran.exercise
    if callable(exercise) and isinstance(getattr(exercise, "__name__", None), str):
        name = str(getattr(exercise, "__name__", ""))
        if name in BY_CHECK:
            return name
        raise CourseValueError(NO_SUCH_EXERCISE, name=name)
    if not isinstance(exercise, str):
        raise CourseTypeError(EXERCISE_TYPE, got=type_name(exercise))
    wanted = exercise.strip()
    for ex in EXERCISES:
        if wanted in (ex.number, ex.check):
            return ex.check
    raise CourseValueError(NO_SUCH_EXERCISE, name=repr(exercise))


def hint(level: object = None, exercise: object = None) -> Help:
    """Help in steps as text: ``hint()`` shows the next level for the last check that ran,
    ``hint(2)`` level 2 of it, ``hint(2, "4.3")`` or ``hint(2, check_mlp)`` of that exercise.

    Level 1 is the check's hint, 2 a more concrete one, 3 a worked first step, the last one
    where the solution is. Wrong types or levels raise a ``CourseError`` in both words."""
    key = _find(exercise)
    total = len(kinds(key))
    if total < 2:
        raise CourseValueError(NO_LEVELS, name=key)
    if level is None:
        chosen = min(_seen.get(key, 1) + 1, total)
    else:
        chosen = require_int(LEVEL_NAME, level, low=1, high=total)
    text = _hints.get(key, "")
    _opened(key, chosen)
    return Help(
        key,
        chosen,
        total,
        level_head(key, chosen),
        level_body(key, chosen, text),
        level_html(key, chosen, text),
    )
