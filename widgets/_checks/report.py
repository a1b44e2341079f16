"""Class reports: on the classroom hub, each check's verdict goes to the instructor's class view.

Off unless the course turned it on: the classroom hub sets ``NYUMON_CLASS_REPORTS=1`` and
``NYUMON_CLASS_REPORTS_URL`` in the student's server (classroom/classview/), and the server
has its own hub token (``JUPYTERHUB_API_TOKEN``). On a laptop or Colab none of these is set
and ``sent`` returns at its first line: no thread, no socket, nothing kept. A student may
switch it off in her kernel with ``%env NYUMON_CLASS_REPORTS=0``.

When on, ``exercise`` hands every verdict to ``sent``, which keeps one small record: the
chapter, the exercise (the check's name), ✓ / ✗ / not yet, the hint's id (the name of the
course's ``Message``, never its text, which may quote the learner's line) and the time. The
first one prints a line saying what is shared. A background thread posts the records, a batch
at a time, with short timeouts; when the hub does not answer they wait in a bounded queue
(the oldest dropped past ``CAPACITY``) and are tried again later. Nothing here blocks a cell
or raises into it.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import string
import sys
import threading
from collections import deque
from collections.abc import Callable
from types import ModuleType

from .._i18n import Message

ON, URL, TOKEN = "NYUMON_CLASS_REPORTS", "NYUMON_CLASS_REPORTS_URL", "JUPYTERHUB_API_TOKEN"
CAPACITY = 2000  # records kept while the hub is away (a few hundred bytes each)
BATCH = 100  # records per request
TIMEOUT = 3.0  # seconds for one request
RETRY = (1.0, 60.0)  # the first wait after a failure, doubled up to the second
FIELDS = ("id", "chapter", "exercise", "status", "hint", "at")

SHARED = Message(
    ja="この講座では、確認（check）の結果が講師に届きます。送られるのは章、演習、✓/✗、ヒントの種類、回数、時刻だけで、コードは送られません。止めるには %env NYUMON_CLASS_REPORTS=0 を実行してください。",
    en="In this course your checks' results go to your instructor: chapter, exercise, ✓/✗, which hint, attempts and time; never your code. To stop it, run %env NYUMON_CLASS_REPORTS=0.",
)


def enabled(env: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """True on the classroom hub with the course's setting on (never under nbgrader)."""
    return (
        env.get(ON) == "1"
        and bool(env.get(URL))
        and bool(env.get(TOKEN))
        and not env.get("NBGRADER_EXECUTION")  # a grader running a hand-in is not its student
    )


def chapter_of(module: str) -> str:
    """``widgets._checks.ch05`` → ``05``; the homework package → ``08``; else the module."""
    parts = module.split(".")
    if "homework" in parts:
        return "08"
    last = parts[-1]
    return last[2:] if re.fullmatch(r"ch\d\d", last) else last


def _pattern(template: str) -> re.Pattern[str] | None:
    """A template's text with each ``{blank}`` matching anything; None for a bare blank."""
    pieces, literal = [], 0
    for text, name, _, _ in string.Formatter().parse(template):
        pieces.append(re.escape(text))
        literal += len(text.strip())
        if name is not None:
            pieces.append(".*?")
    return re.compile("".join(pieces), re.S) if literal >= 4 else None


_catalog: dict[str, list[tuple[str, re.Pattern[str]]]] = {}


def _messages(module: ModuleType) -> list[tuple[str, re.Pattern[str]]]:
    name = module.__name__
    if name not in _catalog:
        found = []
        for attr, value in sorted(vars(module).items()):
            if isinstance(value, Message) and attr.isupper():
                for template in (value.ja, value.en):
                    pattern = _pattern(template)
                    if pattern is not None:
                        found.append((f"{name.rsplit('.', 1)[-1]}.{attr}", pattern))
        _catalog[name] = found
    return _catalog[name]


_loaded: dict[int, list[ModuleType]] = {}  # the check modules, by the count of modules loaded


def _check_modules() -> list[ModuleType]:
    count = len(sys.modules)
    if count not in _loaded:
        _loaded.clear()
        _loaded[count] = [m for n, m in sorted(sys.modules.items())
                          if n.startswith("widgets._checks") and isinstance(m, ModuleType)]  # fmt: skip
    return _loaded[count]


def hint_id(hint: str, module: str) -> str:
    """The name of the course message ``hint`` was made from (``ch01.BATCH_SIX_D``).

    The check's own module is searched first, then the other check modules already loaded;
    a whole match wins over a match of the hint's start. ``other`` when none matches."""
    if not hint:
        return ""
    own = sys.modules.get(module)
    tables = [_messages(own)] if isinstance(own, ModuleType) else []
    tables += [_messages(m) for m in _check_modules() if m is not own]
    for whole in (True, False):
        for table in tables:
            for ident, pattern in table:
                if (pattern.fullmatch if whole else pattern.match)(hint):
                    return ident
    return "other"


def record(module: str, exercise: str, status: str, hint: str) -> dict[str, str]:
    """What is sent for one verdict: these six fields, all short strings."""
    import uuid

    return {
        "id": uuid.uuid4().hex,  # the service counts a record sent twice (a lost reply) once
        "chapter": chapter_of(module),
        "exercise": exercise,
        "status": status,
        "hint": hint_id(hint, module),
        "at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


Post = Callable[[str, str, bytes, float], int]


_opener: list = []  # urllib's opener, made on the first post (urllib is not imported before)


def _post(url: str, token: str, body: bytes, timeout: float) -> int:
    """POST straight to the hub (no proxy from the environment, no redirect followed)."""
    import urllib.error
    import urllib.request

    if not _opener:

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: object, **kw: object) -> None:
                return None  # a redirect (to a login page) is no delivery: the record stays

        _opener.append(urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect))
    request = urllib.request.Request(
        url, data=body, method="POST",
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    try:
        with _opener[0].open(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:  # the service (or the proxy) answered: its status
        return int(error.code)


class Reporter:
    """A bounded queue of records and the one thread that posts them."""

    def __init__(self, url: str, token: str, *, capacity: int = CAPACITY, timeout: float | None = None,
                 retry: tuple[float, float] | None = None, post: Post = _post) -> None:  # fmt: skip
        self.url, self.token, self.post = url, token, post
        self.timeout, self.retry = timeout or TIMEOUT, retry or RETRY
        self.queue: deque[dict[str, str]] = deque(maxlen=capacity)
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self.sent = self.dropped = self.failures = self.refused = 0

    def add(self, item: dict[str, str]) -> None:
        """Queue ``item`` and wake the thread: list operations only, never the network."""
        with self.lock:
            if len(self.queue) == self.queue.maxlen:
                self.dropped += 1
            self.queue.append(item)
            if self.thread is None or not self.thread.is_alive():  # first time, or after a fork
                self.thread = threading.Thread(target=self._run, name="nyumon-class-reports",
                                               daemon=True)  # fmt: skip
                self.thread.start()
        self.wake.set()

    def pending(self) -> list[dict[str, str]]:
        with self.lock:
            return list(self.queue)

    def _run(self) -> None:
        delay = self.retry[0]
        while True:
            self.wake.wait()
            self.wake.clear()
            while batch := self.pending()[:BATCH]:
                if self.send_batch(batch):
                    delay = self.retry[0]
                    continue
                self.failures += 1
                self.wake.wait(delay)  # a new record does not shorten the wait much: fine
                self.wake.clear()
                delay = min(delay * 2, self.retry[1])

    def send_batch(self, batch: list[dict[str, str]]) -> bool:
        """Post ``batch``; take it out of the queue once taken, or refused for good (a 4xx but
        408 and 429: a token without the scope, a record the service does not accept). A 5xx
        (the hub's proxy while the service is away), 408, 429 or no answer: kept. Never raises."""
        if not enabled():  # switched off since (%env NYUMON_CLASS_REPORTS=0): nothing leaves
            with self.lock:
                self.queue.clear()
            return True
        body = json.dumps({"reports": batch}, ensure_ascii=False).encode()
        try:
            status = self.post(self.url, self.token, body, self.timeout)
        except Exception:  # the hub away, a timeout, a refused connection: try again later
            return False
        if 400 <= status < 500 and status not in (408, 429):
            self.refused += len(batch)  # the service will never take these: do not keep them
        elif status >= 300:
            return False
        else:
            self.sent += len(batch)
        done = {item["id"] for item in batch}
        with self.lock:
            kept = [item for item in self.queue if item["id"] not in done]
            self.queue.clear()
            self.queue.extend(kept)
        return True


_reporter: list[Reporter] = []  # the kernel's one reporter, made by the first record


def reporter() -> Reporter | None:
    return _reporter[0] if _reporter else None


def sent(module: str, exercise: str, status: str, hint: str) -> None:
    """Queue one verdict for the class view, if the course asks for it. Never raises."""
    if not enabled():
        return
    try:
        item = record(module, exercise, status, hint)
        if not _reporter:
            _reporter.append(Reporter(os.environ[URL], os.environ[TOKEN]))
            print(SHARED())
        _reporter[0].add(item)
    except Exception:  # a report must never cost the learner her verdict
        return
