"""The class view's records: one row per verdict a student's kernel reported, and the sums.

A row holds what ``widgets/_checks/report.py`` sends (chapter, exercise, ✓ / ✗ / not yet, the
hint's id, the kernel's time, a random record id) plus who sent it, taken from her token by
the service, and the service's own clock. A record sent twice (a reply lost on the way) is
kept once. SQLite on one machine (``<root>/classview.sqlite``), any SQLAlchemy URL elsewhere.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import time
from collections import Counter, defaultdict

import sqlalchemy as sa

metadata = sa.MetaData()
reports = sa.Table(
    "reports", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),  # what "new" means
    sa.Column("rid", sa.String(32), nullable=False),
    sa.Column("course", sa.String(64), nullable=False),
    sa.Column("student", sa.String(64), nullable=False),
    sa.Column("chapter", sa.String(16), nullable=False),
    sa.Column("exercise", sa.String(64), nullable=False),
    sa.Column("status", sa.String(8), nullable=False),
    sa.Column("hint", sa.String(80), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),  # when the check ran (the kernel's clock)
    sa.Column("received", sa.DateTime, nullable=False),  # the service's clock
    sa.UniqueConstraint("course", "student", "rid"),
    sa.Index("ix_reports_cell", "course", "student", "chapter", "exercise"),
    sa.Index("ix_reports_version", "course", "seq"),
)  # fmt: skip

FIELDS = ("id", "chapter", "exercise", "status", "hint", "at")
STATUSES = ("ok", "wrong", "todo")
SHAPES = {
    "id": re.compile(r"[0-9a-f]{32}"),
    "chapter": re.compile(r"[0-9a-z_]{1,16}"),
    "exercise": re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}"),
    "status": re.compile("|".join(STATUSES)),
    "hint": re.compile(r"|other|[A-Za-z0-9_]{1,40}\.[A-Z][A-Z0-9_]{0,38}"),
}
MAX_BATCH = 500
MAX_PER_STUDENT = 50_000  # a course's checks, each run a few hundred times: far more than a term


class Full(ValueError):
    """A student who sent more reports than any course makes."""


SKEW = datetime.timedelta(minutes=5)  # a kernel's clock ahead of ours by more: ours is used


class Invalid(ValueError):
    """A report that is not one the course's kernels send."""


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def parse(item: object, received: datetime.datetime) -> dict:
    """One report as a row (without course and student); ``Invalid`` for anything else."""
    if not isinstance(item, dict) or set(item) != set(FIELDS):
        raise Invalid(f"a report has exactly the fields {', '.join(FIELDS)}")
    if not all(isinstance(item[k], str) for k in FIELDS):
        raise Invalid("every field is a string")
    for key, shape in SHAPES.items():
        if not shape.fullmatch(item[key]):
            raise Invalid(f"bad {key}: {item[key][:80]!r}")
    try:
        at = datetime.datetime.fromisoformat(item["at"])
    except ValueError:
        raise Invalid(f"bad time: {item['at'][:40]!r}") from None
    if at.tzinfo is not None:
        at = at.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    if at > received + SKEW:
        at = received
    return {"rid": item["id"], "chapter": item["chapter"], "exercise": item["exercise"],
            "status": item["status"], "hint": item["hint"], "at": at, "received": received}  # fmt: skip


def iso(at: datetime.datetime | None) -> str:
    return "" if at is None else at.replace(microsecond=0).isoformat() + "Z"


class Store:
    """``reuse``: seconds a summary is served again although newer reports came (a class of
    400 takes about a second to sum: the page's poll then costs at most that per period)."""

    def __init__(self, url: str, *, reuse: float = 0.0,
                 max_per_student: int = MAX_PER_STUDENT) -> None:  # fmt: skip
        self.reuse, self.max_per_student = reuse, max_per_student
        self.engine = sa.create_engine(url)
        if url.startswith("sqlite"):
            with self.engine.begin() as db:
                db.exec_driver_sql("PRAGMA journal_mode=WAL")
        metadata.create_all(self.engine)
        self._summaries: dict[str, tuple[float, dict]] = {}

    def add(self, course: str, student: str, items: list) -> int:
        """Keep ``student``'s reports (all or none); the number that were new."""
        if not isinstance(items, list) or len(items) > MAX_BATCH:
            raise Invalid(f"a list of at most {MAX_BATCH} reports")
        received = now()
        rows = [parse(item, received) for item in items]
        if not rows:
            return 0
        with self.engine.begin() as db:
            kept = db.execute(sa.select(sa.func.count()).where(
                reports.c.course == course, reports.c.student == student)).scalar()  # fmt: skip
            if kept + len(rows) > self.max_per_student:
                raise Full(f"{kept} reports of {student} kept already: the limit")
            known = set(db.execute(sa.select(reports.c.rid).where(
                reports.c.course == course, reports.c.student == student,
                reports.c.rid.in_([r["rid"] for r in rows]))).scalars())  # fmt: skip
            new, seen = [], set(known)
            for row in rows:
                if row["rid"] not in seen:
                    seen.add(row["rid"])
                    new.append({**row, "course": course, "student": student})
            if new:
                db.execute(reports.insert(), new)
        return len(new)

    def version(self, course: str) -> int:
        """Grows with every new report of ``course``: the page redraws when it changed."""
        with self.engine.connect() as db:
            return db.execute(sa.select(sa.func.coalesce(sa.func.max(reports.c.seq), 0))
                              .where(reports.c.course == course)).scalar()  # fmt: skip

    def cells(self, course: str) -> dict[tuple[str, str, str], dict]:
        """Per (student, chapter, exercise): attempts (✓ and ✗ verdicts), passed, the last
        verdict and hint, the first and last time, and the hints of the ✗ verdicts.

        Summed by the database (three grouped queries), not row by row in Python."""
        r = reports.c
        key = (r.student, r.chapter, r.exercise)
        mine = r.course == course
        sums = sa.select(
            *key,
            sa.func.sum(sa.case((r.status != "todo", 1), else_=0)).label("attempts"),
            sa.func.max(sa.case((r.status == "ok", 1), else_=0)).label("passed"),
            sa.func.min(r.at).label("first"), sa.func.max(r.at).label("latest"),
        ).where(mine).group_by(*key)  # fmt: skip
        ranked = sa.select(*key, r.status, r.hint, sa.func.row_number().over(
            partition_by=key, order_by=(r.at.desc(), r.seq.desc())).label("n")
        ).where(mine).subquery()  # fmt: skip
        last = sa.select(ranked.c.student, ranked.c.chapter, ranked.c.exercise,
                         ranked.c.status, ranked.c.hint).where(ranked.c.n == 1)  # fmt: skip
        hints = sa.select(*key, r.hint, sa.func.count().label("times")).where(
            mine, r.status == "wrong", r.hint != "").group_by(*key, r.hint)  # fmt: skip
        out: dict[tuple[str, str, str], dict] = {}
        with self.engine.connect() as db:
            for row in db.execute(sums):
                out[(row.student, row.chapter, row.exercise)] = {
                    "attempts": int(row.attempts), "passed": bool(row.passed), "last": "",
                    "hint": "", "first": row.first, "latest": row.latest, "hints": Counter(),
                }  # fmt: skip
            for student, chapter, exercise, status, hint in db.execute(last):
                out[(student, chapter, exercise)].update(last=status, hint=hint)
            for student, chapter, exercise, hint, times in db.execute(hints):
                out[(student, chapter, exercise)]["hints"][hint] = times
        return out

    def summary(self, course: str) -> dict:
        """The class at a glance: each chapter's exercises with their pass rate and commonest
        hint, and each student's row. Summed once per version, however many pages poll."""
        version = self.version(course)
        known = self._summaries.get(course)
        if known is not None and (known[1]["version"] == version
                                  or time.monotonic() - known[0] < self.reuse):  # fmt: skip
            return known[1]
        made = self._summary(course, version)
        self._summaries[course] = (time.monotonic(), made)
        return made

    def _summary(self, course: str, version: int) -> dict:
        cells = self.cells(course)
        exercises: dict[tuple[str, str], dict] = {}
        students: dict[str, dict] = {}
        hint_students: dict[tuple[str, str], Counter] = defaultdict(Counter)
        for (student, chapter, exercise), cell in sorted(cells.items()):
            ex = exercises.setdefault((chapter, exercise), {"seen": 0, "tried": 0, "passed": 0})
            ex["seen"] += 1
            ex["tried"] += cell["attempts"] > 0
            ex["passed"] += cell["passed"]
            for hint in cell["hints"]:
                hint_students[(chapter, exercise)][hint] += 1
            row = students.setdefault(student, {"name": student, "attempts": 0, "passed": 0,
                                                "last": None, "cells": {}})  # fmt: skip
            row["attempts"] += cell["attempts"]
            row["passed"] += cell["passed"]
            row["last"] = max(filter(None, [row["last"], cell["latest"]]))
            row["cells"][f"{chapter}/{exercise}"] = {
                "attempts": cell["attempts"], "passed": cell["passed"], "last": cell["last"],
                "hint": cell["hint"],
            }  # fmt: skip
        chapters: dict[str, list] = {}
        for (chapter, exercise), ex in sorted(exercises.items()):
            common = hint_students[(chapter, exercise)].most_common()
            top = min(common, key=lambda h: (-h[1], h[0])) if common else None
            chapters.setdefault(chapter, []).append({
                "exercise": exercise, "students": ex["seen"], "tried": ex["tried"],
                "passed": ex["passed"],
                "pass_rate": round(ex["passed"] / ex["tried"], 3) if ex["tried"] else None,
                "hint": top[0] if top else "", "hint_students": top[1] if top else 0,
            })  # fmt: skip
        for row in students.values():
            row["last"] = iso(row["last"])
        return {
            "course": course, "version": version,
            "chapters": [{"chapter": c, "exercises": e} for c, e in sorted(chapters.items())],
            "students": [students[s] for s in sorted(students)],
        }  # fmt: skip

    def csv(self, course: str) -> str:
        """One line per student and exercise, for a spreadsheet."""
        out = io.StringIO()
        write = csv.writer(out, lineterminator="\r\n")
        write.writerow(["student", "chapter", "exercise", "attempts", "passed", "last_verdict",
                        "last_hint", "commonest_hint", "first_at", "last_at"])  # fmt: skip
        for (student, chapter, exercise), cell in sorted(self.cells(course).items()):
            common = (
                min(cell["hints"].items(), key=lambda h: (-h[1], h[0]))[0] if cell["hints"] else ""
            )
            write.writerow([safe(student), chapter, exercise, cell["attempts"],
                            int(cell["passed"]), cell["last"], cell["hint"], common,
                            iso(cell["first"]), iso(cell["latest"])])  # fmt: skip
        return out.getvalue()


def safe(cell: str) -> str:
    """A spreadsheet never reads a name as a formula."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") else cell
