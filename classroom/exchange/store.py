"""The exchange's records (a database) and files (a folder): nothing in it is ever replaced.

- Releases, hand-ins and feedback pages are rows; each file they name is kept once, by its
  SHA-256, under ``<root>/blobs`` (mode 0700), written to a temporary name and moved in.
- A new release of an assignment, a new hand-in, new feedback for the same hand-in: new rows.
  The latest counts; the earlier ones stay, with their times.
- Times are the service's clock (UTC), never a time the caller sends.
- SQLite on one machine (the default, ``<root>/exchange.sqlite``); any SQLAlchemy URL, e.g.
  PostgreSQL on Kubernetes (``NYUMON_EXCHANGE_DB_URL``).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import secrets
import tempfile
from pathlib import Path

import sqlalchemy as sa

from .archive import Refused

metadata = sa.MetaData()
releases = sa.Table(
    "releases", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("course", sa.String(64), nullable=False),
    sa.Column("assignment", sa.String(64), nullable=False),
    sa.Column("blob", sa.String(64), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("notebooks", sa.Text, nullable=False),  # JSON list of notebook ids
    sa.Column("by", sa.String(64), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Index("ix_releases_assignment", "course", "assignment"),
)  # fmt: skip
submissions = sa.Table(
    "submissions", metadata,
    sa.Column("id", sa.String(32), primary_key=True),  # random: nothing to guess from
    sa.Column("course", sa.String(64), nullable=False),
    sa.Column("assignment", sa.String(64), nullable=False),
    sa.Column("student", sa.String(64), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("blob", sa.String(64), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("notebooks", sa.Text, nullable=False),
    sa.UniqueConstraint("course", "assignment", "student", "at"),
    sa.Index("ix_submissions_student", "course", "student"),
)  # fmt: skip
feedback = sa.Table(
    "feedback", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("submission", sa.String(32), sa.ForeignKey("submissions.id"), nullable=False),
    sa.Column("notebook", sa.String(64), nullable=False),
    sa.Column("blob", sa.String(64), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("by", sa.String(64), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Index("ix_feedback_submission", "submission"),
)  # fmt: skip


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def stamp(at: datetime.datetime) -> str:
    """A time as nbgrader writes it in ``timestamp.txt`` (UTC)."""
    return at.strftime("%Y-%m-%d %H:%M:%S.%f UTC")


class Store:
    """Releases, hand-ins and feedback of every course. ``quota``: bytes a student may keep
    in one course; ``max_submissions``: hand-ins a student may make of one assignment."""

    def __init__(self, root: Path, db_url: str = "", *, quota: int = 512 * 2**20,
                 max_submissions: int = 100):  # fmt: skip
        self.root = Path(root)
        self.blobs = self.root / "blobs"
        self.blobs.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.root.chmod(0o700)
        url = db_url or f"sqlite:///{self.root / 'exchange.sqlite'}"
        self.engine = sa.create_engine(url)
        if url.startswith("sqlite"):
            with self.engine.begin() as db:
                db.exec_driver_sql("PRAGMA journal_mode=WAL")
        metadata.create_all(self.engine)
        self.quota, self.max_submissions = quota, max_submissions

    # -- files ------------------------------------------------------------------------
    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.blobs / digest[:2] / digest
        if target.exists():
            return digest
        target.parent.mkdir(mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".new-")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)  # same content under the same name: never a different file
        return digest

    def get(self, digest: str) -> bytes:
        return (self.blobs / digest[:2] / digest).read_bytes()

    # -- releases ---------------------------------------------------------------------
    def release(self, course: str, assignment: str, data: bytes, notebooks: list[str], by: str,
                force: bool) -> dict:  # fmt: skip
        with self.engine.begin() as db:
            current = self._release(db, course, assignment)
            if current is not None and not force:
                raise Refused(409, f"{assignment} is already released in {course}: use --force")
            db.execute(releases.update().where(releases.c.course == course,
                       releases.c.assignment == assignment).values(active=False))  # fmt: skip
            at = now()
            db.execute(releases.insert().values(
                course=course, assignment=assignment, blob=self.put(data), size=len(data),
                notebooks=json.dumps(notebooks), by=by, at=at, active=True,
            ))  # fmt: skip
        return {"assignment_id": assignment, "released_at": at.isoformat()}

    def _release(self, db, course: str, assignment: str):
        query = releases.select().where(releases.c.course == course,
                                        releases.c.assignment == assignment, releases.c.active)  # fmt: skip
        return db.execute(query.order_by(releases.c.id.desc()).limit(1)).first()

    def released(self, course: str) -> list[dict]:
        with self.engine.connect() as db:
            rows = db.execute(releases.select().where(releases.c.course == course,
                              releases.c.active).order_by(releases.c.assignment)).all()  # fmt: skip
        return [{"assignment_id": r.assignment, "notebooks": json.loads(r.notebooks),
                 "released_at": r.at.isoformat()} for r in rows]  # fmt: skip

    def released_archive(self, course: str, assignment: str) -> bytes:
        with self.engine.connect() as db:
            row = self._release(db, course, assignment)
        if row is None:
            raise Refused(404, f"no assignment {assignment} released in {course}")
        return self.get(row.blob)

    def retire(self, course: str, assignment: str) -> int:
        """Take a release out of the list (its files and hand-ins stay)."""
        with self.engine.begin() as db:
            done = db.execute(releases.update().where(releases.c.course == course,
                              releases.c.assignment == assignment, releases.c.active)
                              .values(active=False))  # fmt: skip
        return done.rowcount

    # -- hand-ins ---------------------------------------------------------------------
    def submit(self, course: str, assignment: str, student: str, data: bytes,
               notebooks: list[str]) -> dict:  # fmt: skip
        with self.engine.begin() as db:
            if self._release(db, course, assignment) is None:
                raise Refused(404, f"no assignment {assignment} released in {course}")
            mine = submissions.c.course == course, submissions.c.student == student
            count, used = db.execute(sa.select(
                sa.func.count().filter(submissions.c.assignment == assignment),
                sa.func.coalesce(sa.func.sum(submissions.c.size), 0)).where(*mine)).one()  # fmt: skip
            if count >= self.max_submissions:
                raise Refused(429, f"{count} hand-ins of {assignment} already: the limit")
            if used + len(data) > self.quota:
                raise Refused(413, f"hand-ins over the quota of {self.quota} bytes in {course}")
            last = db.execute(sa.select(sa.func.max(submissions.c.at)).where(
                *mine, submissions.c.assignment == assignment)).scalar()  # fmt: skip
            at = now()
            if last is not None and at <= last:  # strictly later than the previous one
                at = last + datetime.timedelta(microseconds=1)
            ident = secrets.token_hex(16)
            db.execute(submissions.insert().values(
                id=ident, course=course, assignment=assignment, student=student, at=at,
                blob=self.put(data), size=len(data), notebooks=json.dumps(notebooks),
            ))  # fmt: skip
        return {"id": ident, "timestamp": stamp(at)}

    def submissions(self, course: str, assignment: str | None = None,
                    student: str | None = None) -> list[dict]:  # fmt: skip
        query = submissions.select().where(submissions.c.course == course)
        if assignment is not None:
            query = query.where(submissions.c.assignment == assignment)
        if student is not None:
            query = query.where(submissions.c.student == student)
        with self.engine.connect() as db:
            rows = db.execute(query.order_by(submissions.c.student, submissions.c.at)).all()
            pages = db.execute(sa.select(feedback.c.submission, feedback.c.notebook).where(
                feedback.c.submission.in_([r.id for r in rows]))).all()  # fmt: skip
        with_feedback: dict[str, set[str]] = {}
        for submission, notebook in pages:
            with_feedback.setdefault(submission, set()).add(notebook)
        return [{"id": r.id, "assignment_id": r.assignment, "student_id": r.student,
                 "timestamp": stamp(r.at), "notebooks": json.loads(r.notebooks),
                 "feedback": sorted(with_feedback.get(r.id, ()))} for r in rows]  # fmt: skip

    def submission(self, course: str, ident: str):
        with self.engine.connect() as db:
            row = db.execute(submissions.select().where(submissions.c.course == course,
                             submissions.c.id == ident)).first()  # fmt: skip
        if row is None:
            raise Refused(404, "no such hand-in")
        return row

    # -- feedback ---------------------------------------------------------------------
    def give_feedback(self, course: str, ident: str, notebook: str, html: bytes, by: str) -> dict:
        row = self.submission(course, ident)
        if notebook not in json.loads(row.notebooks):
            raise Refused(404, f"no notebook {notebook} in that hand-in")
        page = secrets.token_hex(16)
        with self.engine.begin() as db:
            db.execute(feedback.insert().values(id=page, submission=ident, notebook=notebook,
                       blob=self.put(html), size=len(html), by=by, at=now()))  # fmt: skip
        return {"id": page}

    def feedback(self, course: str, assignment: str, student: str | None = None) -> list[dict]:
        """The latest page per hand-in and notebook, of one student or of everyone."""
        query = (
            sa.select(feedback, submissions.c.student, submissions.c.at.label("submitted"))
            .join(submissions, feedback.c.submission == submissions.c.id)
            .where(submissions.c.course == course, submissions.c.assignment == assignment)
        )
        if student is not None:
            query = query.where(submissions.c.student == student)
        with self.engine.connect() as db:
            rows = db.execute(query.order_by(feedback.c.at)).all()
        latest = {(r.submission, r.notebook): r for r in rows}
        return [{"id": r.id, "submission": r.submission, "student_id": r.student,
                 "timestamp": stamp(r.submitted), "notebook_id": r.notebook,
                 "sha256": r.blob} for r in latest.values()]  # fmt: skip

    def feedback_page(self, course: str, page: str) -> tuple[str, bytes]:
        """The page's student and its content."""
        query = (
            sa.select(feedback.c.blob, submissions.c.student)
            .join(submissions, feedback.c.submission == submissions.c.id)
            .where(submissions.c.course == course, feedback.c.id == page)
        )
        with self.engine.connect() as db:
            row = db.execute(query).first()
        if row is None:
            raise Refused(404, "no such feedback")
        return row.student, self.get(row.blob)
