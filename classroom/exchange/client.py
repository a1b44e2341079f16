"""nbgrader's side of the exchange service: the classes ``c.ExchangeFactory`` plugs in.

Every call goes to the service (``c.ServiceExchange.url``, by default $NYUMON_EXCHANGE_URL)
with the server's own hub token ($JUPYTERHUB_API_TOKEN); nothing is read from or written to a
shared folder. What comes back is checked again before a file is written (``archive``).
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote

import requests
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange import abc
from nbgrader.utils import ignore_patterns, parse_utc
from traitlets import Bool, Integer, Unicode, default

from .archive import Limits, Refused, check_name, pack, unpack

ID_FILE = "exchange_id.txt"  # beside timestamp.txt in a collected hand-in: its id
RESERVED = frozenset({"timestamp.txt", ID_FILE, "submission_secret.txt"})


class ServiceExchange(abc.Exchange):
    url = Unicode(help="The exchange service's URL (default: $NYUMON_EXCHANGE_URL)").tag(
        config=True
    )
    timeout = Integer(120, help="Seconds to wait for the exchange service").tag(config=True)
    path_includes_course = Bool(
        False, help="Fetch into ./COURSE/ASSIGNMENT instead of ./ASSIGNMENT"
    ).tag(config=True)

    @default("url")
    def _url(self) -> str:
        return os.environ.get("NYUMON_EXCHANGE_URL", "")

    limits = Limits()

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        token = os.environ.get("JUPYTERHUB_API_TOKEN", "")
        if not self.url or not token:
            self.fail("No exchange service: NYUMON_EXCHANGE_URL and JUPYTERHUB_API_TOKEN are unset")
        url = f"{self.url.rstrip('/')}/api/courses{path}"
        try:
            response = requests.request(method, url, timeout=self.timeout,
                                        headers={"Authorization": f"token {token}"}, **kwargs)  # fmt: skip
        except requests.RequestException as error:
            self.fail(f"The exchange service cannot be reached: {error}")
        if response.status_code >= 400:
            try:
                message = response.json().get("message")
            except ValueError:
                message = response.text[:200]
            self.fail(f"Exchange: {message} (HTTP {response.status_code})")
        return response

    def course(self) -> str:
        if not self.coursedir.course_id:
            self.fail("No course id specified. Re-run with --course flag.")
        try:
            return check_name("course", self.coursedir.course_id)
        except Refused as error:
            self.fail(str(error))

    def part(self, kind: str, value: str) -> str:
        try:
            return quote(check_name(kind, value), safe="")
        except Refused as error:
            self.fail(str(error))

    def local(self, course: str, assignment: str) -> Path:
        parts = [course, assignment] if self.path_includes_course else [assignment]
        return Path(self.assignment_dir, *parts).absolute()

    def ignore(self):
        return ignore_patterns(exclude=self.coursedir.ignore, include=self.coursedir.include,
                               max_file_size=self.coursedir.max_file_size, log=self.log)  # fmt: skip

    def unpack_to(self, data: bytes, dest: Path, drop=frozenset()) -> None:
        """Unpack into a new folder beside ``dest``, then move it there whole."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=dest.parent, prefix=".exchange-"))
        try:
            unpack(data, staging / "x", self.limits, drop)
            (staging / "x").rename(dest)
        except Refused as error:
            self.fail(f"Refused what the exchange sent: {error}")
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    # abc.Exchange.start runs init_src, init_dest, copy_files; these do nothing by default
    def init_src(self) -> None:
        pass

    def init_dest(self) -> None:
        pass

    def copy_files(self) -> None:
        pass


class ReleaseAssignment(ServiceExchange, abc.ExchangeReleaseAssignment):
    def copy_files(self) -> None:
        course, assignment = self.course(), self.coursedir.assignment_id
        src = Path(self.coursedir.format_path(self.coursedir.release_directory, ".", assignment))
        if not src.is_dir():
            self.fail(f"Assignment not found: {src}: run `nbgrader generate_assignment` first.")
        force = "?force=1" if self.force else ""
        self.call("PUT", f"/{course}/assignments/{self.part('assignment', assignment)}{force}",
                  data=pack(src, self.ignore()))  # fmt: skip
        self.log.info("Released as: %s %s", course, assignment)


class FetchAssignment(ServiceExchange, abc.ExchangeFetchAssignment):
    def copy_files(self) -> None:
        course, assignment = self.course(), self.coursedir.assignment_id
        dest = self.local(course, assignment)
        if dest.exists() and not self.replace_missing_files:
            self.fail(f"You already have a copy of the assignment in this directory: {dest}")
        data = self.call("GET", f"/{course}/assignments/{self.part('assignment', assignment)}")
        if not dest.exists():
            self.unpack_to(data.content, dest)
        else:  # put back only the files that are missing
            fresh = dest.with_name(f".{dest.name}.fetched")
            shutil.rmtree(fresh, ignore_errors=True)
            self.unpack_to(data.content, fresh)
            for path in sorted(fresh.rglob("*")):
                target = dest / path.relative_to(fresh)
                if path.is_file() and not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, target)
                    self.log.warning("Replacing missing file '%s'", target)
            shutil.rmtree(fresh, ignore_errors=True)
        self.log.info("Fetched as: %s %s", course, assignment)


class Submit(ServiceExchange, abc.ExchangeSubmit):
    def copy_files(self) -> None:
        course, assignment = self.course(), self.coursedir.assignment_id
        src = self.local(course, assignment)
        if not src.is_dir():
            self.fail(f"Assignment not found at: {src}")
        released = {
            a["assignment_id"]: a for a in self.call("GET", f"/{course}/assignments").json()
        }
        if assignment in released:
            missing = set(released[assignment]["notebooks"]) - {p.stem for p in src.glob("*.ipynb")}
            if missing and self.strict:
                self.fail(f"Assignment {assignment} not submitted: missing {sorted(missing)}")
            if missing:
                self.log.warning("Missing notebooks in the submission: %s", sorted(missing))
        reply = self.call("POST", f"/{course}/assignments/{self.part('assignment', assignment)}"
                          "/submissions", data=pack(src, self.ignore())).json()  # fmt: skip
        self.log.info("Submitted as: %s %s %s", course, assignment, reply["timestamp"])


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class List(ServiceExchange, abc.ExchangeList):
    def courses(self) -> list[str]:
        if self.coursedir.course_id:
            return [self.course()]
        return sorted(self.call("GET", "").json())

    def released(self) -> list[dict]:
        out = []
        for course in self.courses():
            for item in self.call("GET", f"/{course}/assignments").json():
                assignment = item["assignment_id"]
                if self.coursedir.assignment_id and assignment != self.coursedir.assignment_id:
                    continue
                here = self.local(course, assignment)
                info = {"course_id": course, "assignment_id": assignment}
                if here.is_dir():
                    info.update(status="fetched", path=str(here), notebooks=[
                        {"notebook_id": p.stem, "path": str(p)} for p in sorted(here.glob("*.ipynb"))
                    ])  # fmt: skip
                else:
                    info.update(status="released", path=f"{self.url}#{course}/{assignment}",
                                notebooks=[{"notebook_id": n, "path": ""} for n in item["notebooks"]])  # fmt: skip
                out.append(info)
        return out

    def submitted(self) -> list[dict]:
        groups: dict[tuple, list] = {}
        for course in self.courses():
            path = f"/{course}/submissions"
            if self.coursedir.assignment_id:
                a = self.part("assignment", self.coursedir.assignment_id)
                path = f"/{course}/assignments/{a}/submissions"
            rows = self.call("GET", path).json()
            pages: dict[tuple, str] = {}
            for assignment in sorted({r["assignment_id"] for r in rows}):
                a = self.part("assignment", assignment)
                for page in self.call("GET", f"/{course}/assignments/{a}/feedback").json():
                    pages[page["submission"], page["notebook_id"]] = page["sha256"]
            for row in rows:
                if self.coursedir.student_id not in ("", "*", row["student_id"]):
                    continue
                groups.setdefault((course, row["student_id"], row["assignment_id"]), []).append(
                    self.submission(course, row, pages)
                )
        return [
            {"course_id": c, "student_id": s, "assignment_id": a, "status": "submitted",
             "submissions": sorted(subs, key=lambda x: x["timestamp"])}
            for (c, s, a), subs in sorted(groups.items())
        ]  # fmt: skip

    def submission(self, course: str, row: dict, pages: dict) -> dict:
        folder = self.local(course, row["assignment_id"]) / "feedback" / row["timestamp"]
        notebooks = []
        for notebook in row["notebooks"]:
            local = folder / f"{notebook}.html"
            remote = pages.get((row["id"], notebook))
            notebooks.append({
                "notebook_id": notebook, "path": "",
                "has_local_feedback": local.is_file(), "has_exchange_feedback": remote is not None,
                "local_feedback_path": str(local) if local.is_file() else None,
                "feedback_updated": bool(local.is_file() and remote and checksum(local) != remote),
            })  # fmt: skip
        local = bool(notebooks) and all(n["has_local_feedback"] for n in notebooks)
        return {
            "course_id": course, "student_id": row["student_id"],
            "assignment_id": row["assignment_id"], "timestamp": row["timestamp"],
            "status": "submitted", "path": "", "notebooks": notebooks,
            "has_local_feedback": local,
            "has_exchange_feedback": bool(notebooks) and all(n["has_exchange_feedback"] for n in notebooks),
            "feedback_updated": any(n["feedback_updated"] for n in notebooks),
            "local_feedback_path": str(folder) if local else None,
        }  # fmt: skip

    def list_files(self) -> list[dict]:
        if self.inbound or self.cached:
            found = self.submitted()
            self.log.info("Submitted assignments:")
            for item in found:
                for sub in item["submissions"]:
                    self.log.info("%s %s %s %s", sub["course_id"], sub["student_id"],
                                  sub["assignment_id"], sub["timestamp"])  # fmt: skip
            return found
        found = self.released()
        self.log.info("Released assignments:")
        for item in found:
            self.log.info("%s %s", item["course_id"], item["assignment_id"])
        return found

    def remove_files(self) -> list[dict]:
        if self.inbound or self.cached:
            self.fail("Hand-ins are never removed through the exchange.")
        found = self.released()
        for item in found:
            self.call("DELETE", f"/{item['course_id']}/assignments/"
                      f"{self.part('assignment', item['assignment_id'])}")  # fmt: skip
            item["status"] = "removed"
            self.log.info("Removed: %s %s", item["course_id"], item["assignment_id"])
        return found


class Collect(ServiceExchange, abc.ExchangeCollect):
    def latest(self, rows: list[dict]) -> list[dict]:
        duedate = None
        if self.before_duedate:
            with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
                try:
                    duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
                except MissingEntry:
                    pass
        by_student: dict[str, list[dict]] = {}
        for row in rows:
            by_student.setdefault(row["student_id"], []).append(row)
        chosen = []
        for subs in by_student.values():
            subs.sort(key=lambda r: r["timestamp"])
            early = [r for r in subs if duedate is None or parse_utc(r["timestamp"]) <= duedate]
            chosen.append(early[-1] if early else subs[-1])
        return chosen

    def copy_files(self) -> None:
        course, assignment = self.course(), self.coursedir.assignment_id
        a = self.part("assignment", assignment)
        rows = self.call("GET", f"/{course}/assignments/{a}/submissions").json()
        if self.coursedir.student_id not in ("", "*"):
            rows = [r for r in rows if r["student_id"] == self.coursedir.student_id]
        chosen = self.latest(rows)
        if not chosen:
            self.log.warning(
                "No submissions of '%s' for course '%s' to collect", assignment, course
            )
        for row in chosen:
            try:
                student = check_name("student", row["student_id"])
            except Refused as error:
                self.log.error("Not collected: %s", error)
                continue
            dest = Path(self.coursedir.format_path(self.coursedir.submitted_directory, student,
                                                   assignment))  # fmt: skip
            stamp = parse_utc(row["timestamp"])
            if dest.is_dir():
                existing = self.coursedir.get_existing_timestamp(str(dest))
                newer = existing is None or stamp > existing
                if not ((self.update and newer) or (self.before_duedate and existing != stamp)):
                    self.log.info("Submission already exists, use --update to update: %s %s",
                                  student, assignment)  # fmt: skip
                    continue
            data = self.call("GET", f"/{course}/submissions/{self.part('id', row['id'])}")
            fresh = dest.with_name(f".{dest.name}.collected")
            shutil.rmtree(fresh, ignore_errors=True)
            self.unpack_to(data.content, fresh, drop=RESERVED)  # the hand-in's own copies go
            (fresh / "timestamp.txt").write_text(row["timestamp"])
            (fresh / ID_FILE).write_text(row["id"])
            if dest.is_dir():
                self.log.info("Updating submission: %s %s", student, assignment)
                shutil.rmtree(dest)
            else:
                self.log.info("Collecting submission: %s %s", student, assignment)
            fresh.rename(dest)


class ReleaseFeedback(ServiceExchange, abc.ExchangeReleaseFeedback):
    def copy_files(self) -> None:
        course, assignment = self.course(), self.coursedir.assignment_id
        a = self.part("assignment", assignment)
        owners = {r["id"]: r["student_id"]
                  for r in self.call("GET", f"/{course}/assignments/{a}/submissions").json()}  # fmt: skip
        excluded = set(filter(None, self.coursedir.student_id_exclude.split(",")))
        student = self.coursedir.student_id if self.coursedir.student_id else "*"
        pattern = self.coursedir.format_path(self.coursedir.feedback_directory, student, assignment)
        whose = re.compile(self.coursedir.format_path(
            self.coursedir.feedback_directory, "(?P<student_id>[^/]+)", assignment, escape=True
        ))  # fmt: skip
        for folder in sorted(map(Path, glob.glob(pattern))):
            found = whose.fullmatch(str(folder))
            student_id = found["student_id"] if found else ""
            if not found or student_id in excluded:
                continue
            ident = (folder / ID_FILE).read_text().strip() if (folder / ID_FILE).is_file() else ""
            if owners.get(ident) != student_id:
                self.log.warning("No hand-in of %s through the exchange for %s: skipped",
                                 student_id, folder)  # fmt: skip
                continue
            for html in sorted(folder.glob("*.html")):
                self.call("PUT", f"/{course}/submissions/{self.part('id', ident)}/feedback/"
                          f"{self.part('notebook', html.stem)}", data=html.read_bytes())  # fmt: skip
                self.log.info("Releasing feedback for student '%s' on assignment '%s/%s/%s'",
                              student_id, course, assignment, html.stem)  # fmt: skip


class FetchFeedback(ServiceExchange, abc.ExchangeFetchFeedback):
    def copy_files(self) -> None:
        course, assignment = self.course(), self.coursedir.assignment_id
        a = self.part("assignment", assignment)
        pages = self.call("GET", f"/{course}/assignments/{a}/feedback").json()
        root = self.local(course, assignment) / "feedback"
        for page in pages:
            notebook = self.part("notebook", page["notebook_id"])
            stamp = parse_utc(page["timestamp"]).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
            html = self.call("GET", f"/{course}/feedback/{self.part('id', page['id'])}")
            target = root / stamp / f"{notebook}.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(html.content)
            self.log.info("Fetched feedback: %s", target)
        if not pages:
            self.log.warning("No feedback for %s in %s yet", assignment, course)


CLASSES = {
    "release_assignment": ReleaseAssignment, "fetch_assignment": FetchAssignment,
    "submit": Submit, "list": List, "collect": Collect,
    "release_feedback": ReleaseFeedback, "fetch_feedback": FetchFeedback,
}  # fmt: skip


def configure(c) -> None:
    """Plug every exchange class into nbgrader's config ``c``."""
    for trait, cls in CLASSES.items():
        setattr(c.ExchangeFactory, trait, f"{cls.__module__}.{cls.__name__}")
