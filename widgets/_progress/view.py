"""``progress()``: the whole course at a glance; the line ``setup()`` prints; Google Drive on Colab.

``progress()`` returns a ``Progress``: an HTML table in a notebook (chapters × exercises,
✓ / ✗ / not tried, each chapter a link to its notebook: a path JupyterLab opens, or the Colab
address on Colab; in Lab each mark also opens its chapter at the exercise's statement), text
elsewhere, and plain numbers for code (``done``, ``total``).
"""

from __future__ import annotations

import html
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from .._i18n import Message, get_lang
from . import store
from .course import Chapter, course

DRIVE = Path("/content/drive")  # where Colab mounts Google Drive
DRIVE_FOLDER = "MyDrive/pytorch-nyumon"

TITLE = Message(ja="講座の進み具合", en="Course progress")
SUMMARY = Message(
    ja="全 {total} 問のうち {done} 問が正解済みです。",
    en="{done} of {total} exercises done.",
)
CHAPTER = Message(ja="章", en="Chapter")
DONE = Message(ja="正解済み", en="done")
MARKS = {
    "ok": ("✓", Message(ja="正解", en="correct")),
    "wrong": ("✗", Message(ja="もう一息", en="not quite")),
    "todo": ("…", Message(ja="まだです", en="not yet")),
    "": ("·", Message(ja="未着手", en="not tried")),
}
KEPT_IN = Message(ja="記録の場所: {folder}", en="Kept in: {folder}")
OPEN_COLAB = Message(ja="Colab で開く", en="Open in Colab")

LAST_TIME = Message(
    ja="前回まで: この章の演習 {total} 問のうち {done} 問が正解済みです。次は {next} です。",
    en="Last time: {done} of {total} exercises done; next: {next}",
)
ALL_DONE = Message(
    ja="前回まで: この章の演習 {total} 問はすべて正解済みです。",
    en="Last time: all {total} exercises done.",
)
FIRST_TIME = Message(
    ja="この章の演習は {total} 問です（講座全体の進み具合は progress() で見られます）。",
    en="This chapter has {total} exercises (progress() shows the whole course).",
)
COLAB_SESSION = Message(
    ja="Colab では、進み具合はこのセッションの間だけ残ります。Google ドライブに残すには from widgets import keep_progress_in_drive; keep_progress_in_drive() を実行してください。",
    en="On Colab, progress lasts for this session only. To keep it in Google Drive, run from widgets import keep_progress_in_drive; keep_progress_in_drive()",
)
COLAB_DRIVE = Message(
    ja="進み具合は Google ドライブ（{folder}）に残しています。",
    en="Progress is kept in Google Drive ({folder}).",
)
NOT_COLAB = Message(
    ja="keep_progress_in_drive() は Google Colab 用です。ここでは進み具合は {folder} に残ります。",
    en="keep_progress_in_drive() is for Google Colab; here progress is kept in {folder}.",
)


def on_colab() -> bool:
    return "google.colab" in sys.modules


def mark(entry: dict | None) -> str:
    """``ok`` once an exercise was right (a later ✗ does not take it back), else the last
    status, ``""`` when never tried."""
    if entry is None:
        return ""
    return "ok" if entry.get("passed") else str(entry.get("status", ""))


@dataclass(frozen=True)
class Progress:
    """Every chapter's exercises and their marks (``ok``, ``wrong``, ``todo``, ``""``)."""

    rows: tuple[tuple[Chapter, tuple[str, ...]], ...]
    lang: str
    colab: bool
    here: str | None = None  # the chapter whose notebook shows the table (for Lab links)
    folder: str = ""

    @property
    def total(self) -> int:
        return sum(len(marks) for _, marks in self.rows)

    @property
    def done(self) -> int:
        return sum(m == "ok" for _, marks in self.rows for m in marks)

    def chapter_done(self, stem: str) -> tuple[int, int]:
        for chapter, marks in self.rows:
            if chapter.stem == stem:
                return sum(m == "ok" for m in marks), len(marks)
        return 0, 0

    def link(self, chapter: Chapter) -> str:
        if self.colab:
            return course().colab_url(chapter.notebooks[self.lang])
        return course().lab_link(chapter.stem, self.lang, self.here)

    def __str__(self) -> str:
        lang = self.lang
        lines = [f"{TITLE(lang)}: {SUMMARY(lang, done=self.done, total=self.total)}"]
        for chapter, marks in self.rows:
            cells = " ".join(MARKS[m][0] for m in marks)
            done = sum(m == "ok" for m in marks)
            lines.append(
                f"  {chapter.stem[:2]}  {cells:<12} {done}/{len(marks)}  {chapter.titles[lang]}"
            )
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        lang = self.lang
        width = max((len(marks) for _, marks in self.rows), default=0)
        border = "1px solid var(--jp-border-color2, #8888)"
        cell = f"border:{border};padding:2px 8px;text-align:center"
        colors = {
            "ok": "var(--jp-success-color1, #2e7d32)",
            "wrong": "var(--jp-error-color1, #c62828)",
            "todo": "var(--jp-warn-color1, #b26a00)",
            "": "var(--jp-ui-font-color3, #8a8a8a)",
        }
        head = "".join(f'<th scope="col" style="{cell}">{i}</th>' for i in range(1, width + 1))
        rows = []
        for chapter, marks in self.rows:
            target = ' target="_blank" rel="noopener"' if self.colab else ""
            name = (
                f'<a href="{html.escape(self.link(chapter))}"{target} '
                f'style="color:var(--jp-content-link-color, #1a73e8)">'
                f"{html.escape(chapter.titles[lang])}</a>"
            )
            tds = []
            for i, m in enumerate(marks):
                symbol, label = MARKS[m]
                number = chapter.exercise_number(chapter.exercises[i])
                tip = html.escape(f"{number}: {label(lang)}")
                if not self.colab:  # Lab opens the chapter at the exercise's statement
                    href = course().exercise_link(
                        chapter.stem, chapter.exercises[i], lang, self.here
                    )
                    symbol = (
                        f'<a href="{html.escape(href)}" style="color:inherit;'
                        f'text-decoration:none">{symbol}</a>'
                    )
                tds.append(
                    f'<td style="{cell};color:{colors[m]};font-weight:bold" title="{tip}" '
                    f'aria-label="{tip}" data-status="{m or "untried"}">{symbol}</td>'
                )
            tds += [f'<td style="{cell}"></td>'] * (width - len(marks))
            done = sum(m == "ok" for m in marks)
            rows.append(
                f'<tr><th scope="row" style="{cell};text-align:left;font-weight:normal">'
                f"{name}</th>{''.join(tds)}"
                f'<td style="{cell}">{done}/{len(marks)}</td></tr>'
            )
        legend = " ".join(f"{s} {label(lang)}" for s, label in MARKS.values())
        summary = html.escape(SUMMARY(lang, done=self.done, total=self.total))
        return (
            '<div class="nyumon-progress" style="color:var(--jp-content-font-color1, inherit)">'
            f"<p><b>{html.escape(TITLE(lang))}</b>: {summary}</p>"
            f'<table style="border-collapse:collapse">'
            f'<thead><tr><th scope="col" style="{cell}">{html.escape(CHAPTER(lang))}</th>'
            f'{head}<th scope="col" style="{cell}">{html.escape(DONE(lang))}</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
            f'<p style="color:var(--jp-ui-font-color2, #777)">{html.escape(legend)}<br>'
            f"{html.escape(KEPT_IN(lang, folder=self.folder))}</p></div>"
        )


_here: dict[str, str] = {}  # the chapter setup() was told, for links relative to its notebook


def progress() -> Progress:
    """The whole course at a glance: every chapter's exercises, ✓ / ✗ / not tried.

    Shown as a table in a notebook (each chapter links to its notebook), as text elsewhere.
    ``progress().done`` and ``.total`` are the numbers."""
    _drive_if_kept()
    entries = store.read()
    rows = tuple(
        (chapter, tuple(mark(entries.get(check)) for check in chapter.exercises))
        for chapter in course().chapters
        if chapter.exercises
    )
    return Progress(rows, get_lang(), on_colab(), _here.get("chapter"), str(store.folder()))


def chapter_line(chapter: str) -> str:
    """The line a chapter's setup cell prints: last time's count in this chapter, and what next.

    Empty for a chapter the course does not know (an old notebook, a renamed chapter)."""
    found = course().chapter(chapter)
    if found is None or not found.exercises:
        return ""
    entries = store.read()
    marks = [mark(entries.get(check)) for check in found.exercises]
    total, done = len(marks), marks.count("ok")
    if done == total:
        return ALL_DONE(total=total)
    if not any(marks):
        return FIRST_TIME(total=total)
    upcoming = next(i for i, m in enumerate(marks) if m != "ok")
    return LAST_TIME(done=done, total=total, next=found.exercise_number(found.exercises[upcoming]))


def drive_folder() -> Path:
    return DRIVE / DRIVE_FOLDER


def _drive_if_kept() -> bool:
    """On Colab with Drive mounted and progress already kept there: use it. True if so."""
    if not on_colab() or os.environ.get(store.ENV):
        return False
    target = drive_folder()
    if store.folder() == target:
        return True
    if (target / store.FILE).exists():
        store.use_folder(target)
        return True
    return False


def at_setup(chapter: str | None) -> list[str]:
    """What ``setup()`` prints about progress: the chapter's line, and on Colab where it is kept.
    Never raises: progress is a convenience."""
    try:
        lines = []
        if chapter:
            _here["chapter"] = chapter
        if on_colab():
            kept = _drive_if_kept()
            lines.append(COLAB_DRIVE(folder=drive_folder()) if kept else COLAB_SESSION())
        if chapter:
            lines.insert(0, chapter_line(chapter))
        return [line for line in lines if line]
    except Exception:
        return []


def keep_progress_in_drive() -> None:
    """On Colab: mount Google Drive and keep progress there from now on (this session's too).

    Colab asks for permission once per session; the next session's ``setup()`` finds the file
    when Drive is mounted again (run this line again, or mount Drive from the file pane)."""
    if not on_colab():
        print(NOT_COLAB(folder=store.folder()))
        return
    from google.colab import drive  # type: ignore[import-not-found]

    drive.mount(str(DRIVE))
    before, target = store.folder(), drive_folder()
    if before != target:
        session = store.read_file(before)  # this session's file; what is pending follows anyway
        store.use_folder(target)
        for check, entry in session.items():
            store.add(check, entry)
        store.flush()
    print(COLAB_DRIVE(folder=target))
