"""The exchange as a JupyterHub service: a small REST API over ``Store``.

Every request carries the caller's own hub token (``Authorization: token …``); the hub says
whose it is and in which groups they are. In course C, ``formgrade-C`` makes an instructor
and ``nbgrader-C`` a student (in an "open" course, ``NYUMON_EXCHANGE_OPEN_COURSES``, every hub
user is a student). Nobody else learns that the course exists (404). A student sees only
what is hers; who she is comes from her token alone, never from the request.

    GET    api/courses                                       the caller's courses and roles
    GET    api/courses/C/assignments                         released assignments
    GET    api/courses/C/assignments/A                       the released files (zip)
    PUT    api/courses/C/assignments/A[?force=1]             release (instructor; zip)
    DELETE api/courses/C/assignments/A                       un-release (instructor)
    POST   api/courses/C/assignments/A/submissions           hand in (zip): the caller's own
    GET    api/courses/C/assignments/A/submissions           hers; the instructor's: all
    GET    api/courses/C/submissions                         the same, of every assignment
    GET    api/courses/C/submissions/ID                      a hand-in's files (instructor)
    PUT    api/courses/C/submissions/ID/feedback/NOTEBOOK    feedback page (instructor; html)
    GET    api/courses/C/assignments/A/feedback              hers; the instructor's: all
    GET    api/courses/C/feedback/ID                         a page: its student or instructor

Run by the hub (``python -m nyumon_exchange``, see ``jupyterhub_exchange.py``) or, on
Kubernetes, as its own Deployment (``classroom/k8s/exchange.yaml``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
from pathlib import Path
from urllib.parse import urlparse

from jupyterhub.services.auth import HubAuth
from tornado import httpserver, web

from .archive import Limits, Refused, check_name, members, notebooks
from .store import Store

log = logging.getLogger("nyumon_exchange")
STUDENT, INSTRUCTOR = "student", "instructor"


class Handler(web.RequestHandler):
    user: str
    groups: set[str]

    @property
    def store(self) -> Store:
        return self.settings["store"]

    @property
    def limits(self) -> Limits:
        return self.settings["limits"]

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    async def prepare(self) -> None:
        auth: HubAuth = self.settings["hub_auth"]
        token = auth.get_token(self, in_cookie=False)
        model = await auth.user_for_token(token, sync=False) if token else None
        if not model or model.get("kind", "user") != "user":
            raise web.HTTPError(403, "a hub user's token is required")
        if not auth.check_scopes(auth.access_scopes, model):
            raise web.HTTPError(403, "this token may not use the exchange")
        self.user = model["name"]
        self.groups = set(model.get("groups") or ())

    def role(self, course: str) -> str:
        """The caller's role in ``course``; 404 where she has none."""
        check_name("course", course)
        if f"formgrade-{course}" in self.groups:
            return INSTRUCTOR
        if f"nbgrader-{course}" in self.groups or course in self.settings["open_courses"]:
            return STUDENT
        raise Refused(404, f"no course {course}")

    def instructor(self, course: str) -> None:
        if self.role(course) != INSTRUCTOR:
            raise Refused(403, f"only an instructor of {course} may do this")

    def no_names(self) -> None:
        """Who hands in is the token's owner: a request that names someone is refused."""
        for key in ("student", "student_id", "user", "username"):
            if self.get_query_argument(key, None) is not None:
                raise Refused(403, "a hand-in is always the caller's own: no student name")

    def reply(self, value) -> None:
        self.finish(json.dumps(value))

    def send(self, data: bytes, kind: str) -> None:
        self.set_header("Content-Type", kind)
        self.set_header("Content-Disposition", "attachment")
        self.finish(data)

    def body(self, cap: int) -> bytes:
        if len(self.request.body) > cap:
            raise Refused(413, f"more than {cap} bytes")
        return self.request.body

    def log_exception(self, typ, value, tb) -> None:
        if isinstance(value, (Refused, web.HTTPError)):
            log.info("%s %s by %s: %s", self.request.method, self.request.path,
                     getattr(self, "user", "-"), value)  # fmt: skip
        else:
            super().log_exception(typ, value, tb)

    def _handle_request_exception(self, e: BaseException) -> None:
        if isinstance(e, Refused):
            self.log_exception(type(e), e, None)
            self.send_error(e.status, reason=None, message=str(e))
        else:
            super()._handle_request_exception(e)

    def write_error(self, status_code: int, **kwargs) -> None:
        message = kwargs.get("message")
        if message is None and "exc_info" in kwargs:
            error = kwargs["exc_info"][1]
            message = getattr(error, "log_message", None) if status_code < 500 else None
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"message": message or self._reason}))


class Courses(Handler):
    def get(self) -> None:
        names = {
            g.split("-", 1)[1] for g in self.groups if g.startswith(("nbgrader-", "formgrade-"))
        }
        names |= set(self.settings["open_courses"])
        courses = {}
        for name in sorted(names):
            try:
                courses[name] = self.role(name)
            except Refused:
                continue  # a group whose name is no valid course id
        self.reply(courses)


class Assignments(Handler):
    def get(self, course: str) -> None:
        self.role(course)
        self.reply(self.store.released(course))


class Assignment(Handler):
    def get(self, course: str, assignment: str) -> None:
        self.role(course)
        self.send(self.store.released_archive(course, check_name("assignment", assignment)),
                  "application/zip")  # fmt: skip

    def put(self, course: str, assignment: str) -> None:
        self.instructor(course)
        check_name("assignment", assignment)
        data = self.body(self.limits.upload)
        found = notebooks(members(data, self.limits))
        if not found:
            raise Refused(400, "no notebook in the release")
        force = self.get_query_argument("force", "0") == "1"
        self.reply(self.store.release(course, assignment, data, found, self.user, force))

    def delete(self, course: str, assignment: str) -> None:
        self.instructor(course)
        self.reply({"retired": self.store.retire(course, check_name("assignment", assignment))})


class Submissions(Handler):
    def post(self, course: str, assignment: str | None = None) -> None:
        self.role(course)
        self.no_names()
        if assignment is None:
            raise Refused(405, "hand in to api/courses/C/assignments/A/submissions")
        check_name("assignment", assignment)
        data = self.body(self.limits.upload)
        found = notebooks(members(data, self.limits))
        if not found:
            raise Refused(400, "no notebook in the hand-in")
        self.reply(self.store.submit(course, assignment, self.user, data, found))

    def get(self, course: str, assignment: str | None = None) -> None:
        mine = None if self.role(course) == INSTRUCTOR else self.user
        if assignment is not None:
            check_name("assignment", assignment)
        self.reply(self.store.submissions(course, assignment, mine))


class Submission(Handler):
    def get(self, course: str, ident: str) -> None:
        self.instructor(course)
        row = self.store.submission(course, check_name("id", ident))
        self.send(self.store.get(row.blob), "application/zip")


class GiveFeedback(Handler):
    def put(self, course: str, ident: str, notebook: str) -> None:
        self.instructor(course)
        html = self.body(self.limits.feedback)
        self.reply(self.store.give_feedback(course, check_name("id", ident), check_name("notebook", notebook),
                                            html, self.user))  # fmt: skip


class Feedback(Handler):
    def get(self, course: str, assignment: str) -> None:
        mine = None if self.role(course) == INSTRUCTOR else self.user
        self.reply(self.store.feedback(course, check_name("assignment", assignment), mine))


class FeedbackPage(Handler):
    def get(self, course: str, page: str) -> None:
        role = self.role(course)
        student, html = self.store.feedback_page(course, check_name("id", page))
        if role != INSTRUCTOR and student != self.user:
            raise Refused(404, "no such feedback")  # as if it did not exist
        self.send(html, "application/octet-stream")  # never rendered from the service's origin


class NotFound(Handler):
    def prepare(self) -> None:  # unknown routes: 404 with or without a token
        raise web.HTTPError(404)


PART = r"([^/]+)"


def make_app(store: Store, hub_auth: HubAuth, prefix: str, limits: Limits,
             open_courses: frozenset[str] = frozenset()) -> web.Application:  # fmt: skip
    api = prefix.rstrip("/") + "/api/courses"
    routes = [
        (api, Courses),
        (f"{api}/{PART}/assignments", Assignments),
        (f"{api}/{PART}/assignments/{PART}", Assignment),
        (f"{api}/{PART}/assignments/{PART}/submissions", Submissions),
        (f"{api}/{PART}/submissions", Submissions),
        (f"{api}/{PART}/submissions/{PART}", Submission),
        (f"{api}/{PART}/submissions/{PART}/feedback/{PART}", GiveFeedback),
        (f"{api}/{PART}/assignments/{PART}/feedback", Feedback),
        (f"{api}/{PART}/feedback/{PART}", FeedbackPage),
    ]
    return web.Application(
        routes, default_handler_class=NotFound, store=store, hub_auth=hub_auth, limits=limits,
        open_courses=open_courses, xsrf_cookies=False,  # tokens only; no cookie is honoured
    )  # fmt: skip


def main() -> None:
    """Serve the exchange, configured from the environment (the hub sets JUPYTERHUB_*)."""
    logging.basicConfig(
        level=logging.INFO, format="[%(levelname)s %(asctime)s exchange] %(message)s"
    )
    root = Path(os.environ.get("NYUMON_EXCHANGE_ROOT", "/var/lib/pytorch-nyumon-exchange"))
    store = Store(
        root, os.environ.get("NYUMON_EXCHANGE_DB_URL", ""),
        quota=int(os.environ.get("NYUMON_EXCHANGE_QUOTA", 512 * 2**20)),
        max_submissions=int(os.environ.get("NYUMON_EXCHANGE_MAX_SUBMISSIONS", 100)),
    )  # fmt: skip
    limits = Limits.from_env()
    auth = HubAuth(cache_max_age=30)  # a group change reaches the exchange within 30 s
    opened = frozenset(filter(None, os.environ.get("NYUMON_EXCHANGE_OPEN_COURSES", "").split(",")))
    for course in opened:
        check_name("course", course)
    app = make_app(store, auth, os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/"), limits, opened)
    bind = urlparse(os.environ.get("NYUMON_EXCHANGE_BIND") or os.environ["JUPYTERHUB_SERVICE_URL"])

    async def serve() -> None:
        server = httpserver.HTTPServer(app, max_body_size=limits.upload + 65536)
        server.listen(bind.port, bind.hostname)
        log.info(
            "exchange on %s, files in %s, open courses %s", bind.geturl(), root, sorted(opened)
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        server.stop()

    asyncio.run(serve())
