"""The class view as a JupyterHub service: students' kernels report, instructors look.

    POST api/reports     a student's kernel: {"reports": [...]}, with her server's token in the
                         Authorization header (never a cookie: no page can post for her). Who
                         she is comes from the token; a record naming anybody is refused.
    GET  /               the page (instructors: the hub's group formgrade-<course>), ja / en
    GET  api/summary     what the page draws (?since=VERSION: only whether it changed)
    GET  class.csv       one line per student and exercise
    GET  oauth_callback  the hub's OAuth, which logs an instructor's browser in

Everybody else gets 403 on the page, the summary and the CSV. Run by the hub
(``python -m nyumon_classview``, see ``jupyterhub_classview.py``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import signal
from pathlib import Path
from urllib.parse import urlparse

from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler, HubOAuthenticated
from tornado import httpserver, web

from . import catalog, page
from .store import Full, Invalid, Store

log = logging.getLogger("nyumon_classview")
MAX_BODY = 512 * 1024
NAMES = ("student", "student_id", "user", "username", "name")


class Handler(HubOAuthenticated, web.RequestHandler):
    """Who is asking: the hub's user behind the token in the header or the OAuth cookie."""

    def initialize(self) -> None:
        self.hub_auth = self.settings["hub_auth"]

    @property
    def store(self) -> Store:
        return self.settings["store"]

    @property
    def course(self) -> str:
        return self.settings["course"]

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "same-origin")

    def allowed(self, model: dict | None) -> dict | None:
        auth = self.hub_auth
        if not model or model.get("kind", "user") != "user":
            return None
        return model if auth.check_scopes(auth.access_scopes, model) else None

    async def prepare(self) -> None:
        model = await self.hub_auth.get_user(self, sync=False)  # a fetch's cookie: XSRF-checked
        self._hub_auth_user_cache = self.allowed(model)

    def instructor(self) -> dict:
        user = self.current_user
        if user is None:
            raise web.HTTPError(403, "a hub user's token or login is required")
        if f"formgrade-{self.course}" not in set(user.get("groups") or ()):
            raise web.HTTPError(403, f"only an instructor of {self.course} may see the class")
        return user

    def write_error(self, status_code: int, **kwargs) -> None:
        message = None
        if "exc_info" in kwargs:
            error = kwargs["exc_info"][1]
            message = getattr(error, "log_message", None) if status_code < 500 else None
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"message": message or self._reason}))


class Reports(Handler):
    async def prepare(self) -> None:
        auth = self.hub_auth
        token = auth.get_token(self, in_cookie=False)
        model = await auth.user_for_token(token, sync=False) if token else None
        self._hub_auth_user_cache = self.allowed(model)

    def check_xsrf_cookie(self) -> None:
        pass  # the token is in a header, and no cookie is honoured here

    def post(self) -> None:
        user = self.current_user
        if user is None:
            raise web.HTTPError(403, "a hub user's token is required")
        if any(self.get_query_argument(k, None) is not None for k in NAMES):
            raise web.HTTPError(403, "a report is always the sender's own: no name")
        if len(self.request.body) > MAX_BODY:
            raise web.HTTPError(413, f"more than {MAX_BODY} bytes")
        try:
            body = json.loads(self.request.body)
        except ValueError:
            raise web.HTTPError(400, "not JSON") from None
        items = body.get("reports") if isinstance(body, dict) else None
        if not isinstance(body, dict) or set(body) != {"reports"} or not isinstance(items, list):
            raise web.HTTPError(400, 'the body is {"reports": [...]}')
        if any(isinstance(i, dict) and set(i) & set(NAMES) for i in items):
            raise web.HTTPError(403, "a report is always the sender's own: no name")
        try:
            added = self.store.add(self.course, user["name"], items)
        except Invalid as error:
            raise web.HTTPError(400, str(error)) from None
        except Full as error:
            raise web.HTTPError(429, str(error)) from None
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"added": added}))


class Page(Handler):
    def get(self) -> None:
        if self.current_user is None:
            self.redirect(self.get_login_url())  # the hub's OAuth, then back here
            return
        self.instructor()
        lang = page.language(self.get_query_argument("lang", ""),
                             self.request.headers.get("Accept-Language", ""))  # fmt: skip
        html, policy = page.render(lang=lang, course=self.course, xsrf=self.xsrf_token.decode(),
                                   catalog=self.settings["catalog"])  # fmt: skip
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Content-Security-Policy", policy)
        self.finish(html)


class Summary(Handler):
    def get(self) -> None:
        self.instructor()
        since = self.get_query_argument("since", "")
        self.set_header("Content-Type", "application/json")
        if re.fullmatch(r"\d{1,18}", since) and int(since) == self.store.version(self.course):
            self.finish(json.dumps({"version": int(since), "unchanged": True}))
            return
        self.finish(json.dumps(self.store.summary(self.course)))


class Csv(Handler):
    def get(self) -> None:
        self.instructor()
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition", f'attachment; filename="class-{self.course}.csv"')
        self.finish("\ufeff" + self.store.csv(self.course))  # the mark tells Excel it is UTF-8


class Callback(HubOAuthCallbackHandler):
    def initialize(self) -> None:
        self.hub_auth = self.settings["hub_auth"]


class NotFound(web.RequestHandler):
    def prepare(self) -> None:
        raise web.HTTPError(404)


def make_app(store: Store, hub_auth: HubOAuth, prefix: str, course: str,
             words: dict | None = None) -> web.Application:  # fmt: skip
    base = prefix.rstrip("/") + "/"
    routes = [
        (base, Page),
        (base + "api/reports", Reports),
        (base + "api/summary", Summary),
        (base + "class.csv", Csv),
        (base + "oauth_callback", Callback),
    ]
    return web.Application(
        routes, default_handler_class=NotFound, store=store, hub_auth=hub_auth, course=course,
        catalog=words if words is not None else catalog.read(),
        cookie_secret=os.urandom(32),  # a restart logs instructors in again (no question asked)
    )  # fmt: skip


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="[%(levelname)s %(asctime)s classview] %(message)s"
    )
    root = Path(os.environ.get("NYUMON_CLASSVIEW_ROOT", "/var/lib/pytorch-nyumon-classview"))
    url = os.environ.get("NYUMON_CLASSVIEW_DB_URL") or f"sqlite:///{root / 'classview.sqlite'}"
    store = Store(url, reuse=float(os.environ.get("NYUMON_CLASSVIEW_REUSE", "2")))
    course = os.environ.get("NYUMON_CLASS_COURSE", "pytorch-nyumon")
    auth = HubOAuth(cache_max_age=30)  # a group change reaches the page within 30 s
    app = make_app(store, auth, os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/"), course)
    bind = urlparse(os.environ.get("NYUMON_CLASSVIEW_BIND") or os.environ["JUPYTERHUB_SERVICE_URL"])

    async def serve() -> None:
        server = httpserver.HTTPServer(app, max_body_size=MAX_BODY + 4096)
        server.listen(bind.port, bind.hostname)
        log.info("class view of %s on %s, records in %s", course, bind.geturl(), root)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        server.stop()

    asyncio.run(serve())
