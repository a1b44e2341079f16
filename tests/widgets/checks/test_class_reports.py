"""Class reports from the learner's kernel (widgets/_checks/report.py).

Off unless the hub turned it on; when on, a check returns at once whatever the service does
(unreachable, hanging, failing), the record waits and is sent later, and it carries the
verdict's six fields only: never the learner's code.
"""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import torch

from tests.support.polling import until
from widgets import check_image_batch, check_to_batch
from widgets._checks import report
from widgets._i18n import set_lang

TOKEN = "t0ken-of-the-learner"


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    """No reporter from an earlier test; none of the hub's variables unless a test sets them."""
    for name in (report.ON, report.URL, report.TOKEN, "NBGRADER_EXECUTION"):
        monkeypatch.delenv(name, raising=False)
    report._reporter.clear()
    monkeypatch.setattr(report, "RETRY", (0.05, 0.2))
    yield
    report._reporter.clear()


def turn_on(monkeypatch, url: str) -> None:
    monkeypatch.setenv(report.ON, "1")
    monkeypatch.setenv(report.URL, url)
    monkeypatch.setenv(report.TOKEN, TOKEN)


class Service:
    """A stand-in for the hub service: keeps what it got; answers only once ``release`` is set."""

    def __init__(self, port: int = 0) -> None:
        self.release, self.events, self.bodies, self.headers = threading.Event(), [], [], []
        self.status = 200
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                service.events.append("received")
                service.release.wait(30)  # a hanging hub; 30 s only so a broken test ends
                service.bodies.append(json.loads(body))
                service.headers.append(dict(self.headers))
                self.send_response(service.status)
                self.end_headers()
                service.events.append("answered")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/services/classview/api/reports"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def records(self) -> list[dict]:
        return [r for body in self.bodies for r in body["reports"]]

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def service():
    made = Service()
    yield made
    made.close()


def reporter_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "nyumon-class-reports"]


def test_off_by_default_it_does_nothing_at_all(capsys, service, monkeypatch):
    before = len(reporter_threads())
    assert not check_image_batch(torch.zeros(16, 32, 32, 3))
    monkeypatch.setenv(report.ON, "1")  # the setting without the hub's URL and token: still off
    monkeypatch.setenv(report.URL, service.url)
    assert not check_image_batch(torch.zeros(16, 32, 32, 3))
    monkeypatch.setenv(report.TOKEN, TOKEN)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")  # a grader running a hand-in
    assert not check_image_batch(torch.zeros(16, 32, 32, 3))
    assert report.reporter() is None and len(reporter_threads()) == before
    assert service.events == [] and capsys.readouterr().out == ""
    monkeypatch.delenv("NBGRADER_EXECUTION")
    assert not check_image_batch(torch.zeros(16, 32, 32, 3))
    assert report.reporter() is not None  # the same check, now on: so the above could fail


def test_a_check_returns_while_the_service_hangs(monkeypatch, service):
    # A request that would wait longer than the service hangs: had the check waited for the
    # reply, "answered" (after 30 s at most) would come before "returned".
    monkeypatch.setattr(report, "TIMEOUT", 120)
    turn_on(monkeypatch, service.url)
    verdict = check_image_batch(torch.zeros(16, 32, 32, 3))
    service.events.append("returned")
    assert verdict.status == "wrong"
    assert "answered" not in service.events  # the service has not answered: the cell did not wait
    (pending,) = report.reporter().pending()
    assert pending["exercise"] == "check_image_batch" and pending["status"] == "wrong"
    service.release.set()
    assert until(lambda: not report.reporter().pending())
    assert service.events.index("returned") < service.events.index("answered")
    assert [r["id"] for r in service.records()] == [pending["id"]]
    assert service.headers[0]["Authorization"] == f"token {TOKEN}"


def test_reports_wait_while_the_hub_is_down_and_are_sent_when_it_is_back(monkeypatch):
    with socket.socket() as probe:  # a port with nothing behind it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    turn_on(monkeypatch, f"http://127.0.0.1:{port}/services/classview/api/reports")
    assert not check_image_batch(torch.zeros(16, 3, 32, 32, dtype=torch.int64))
    assert check_image_batch(torch.zeros(16, 3, 32, 32))
    reporter = report.reporter()
    assert until(lambda: reporter.failures >= 2)  # tried, refused, tried again
    assert [r["status"] for r in reporter.pending()] == ["wrong", "ok"]  # kept, in order
    back = Service(port)
    back.release.set()
    try:
        assert until(lambda: not reporter.pending())
        assert [(r["status"], r["hint"]) for r in back.records()] == [
            ("wrong", "ch01.BATCH_DTYPE"), ("ok", "")
        ]  # fmt: skip
    finally:
        back.close()


def test_a_refusal_keeps_the_records(monkeypatch, service):
    service.status, service.release = 503, threading.Event()
    service.release.set()
    turn_on(monkeypatch, service.url)
    check_image_batch(torch.zeros(2))
    reporter = report.reporter()
    assert until(lambda: reporter.failures >= 1)
    assert len(reporter.pending()) == 1 and reporter.sent == 0


def test_the_record_carries_the_verdict_and_never_the_code(monkeypatch, service):
    service.release.set()
    turn_on(monkeypatch, service.url)

    def to_batch(photos):
        secret_marker = torch.stack(photos) / undefined_name_xyz  # noqa: F821
        return secret_marker

    verdict = check_to_batch(to_batch)
    assert "secret_marker" in verdict.hint  # the hint quotes her line: it must stay in her kernel
    assert until(lambda: service.records())
    (sent,) = service.records()
    assert set(sent) == set(report.FIELDS)
    assert sent["chapter"] == "01" and sent["exercise"] == "check_to_batch"
    assert sent["status"] == "wrong" and sent["hint"] == "verdict.CRASHED_AT"
    text = json.dumps(service.bodies)
    assert "secret_marker" not in text and "undefined_name" not in text and "stack" not in text


def test_the_learner_is_told_once_what_is_shared(monkeypatch, service, capsys):
    service.release.set()
    turn_on(monkeypatch, service.url)
    set_lang("en")
    try:
        check_image_batch(None)
        check_image_batch(torch.zeros(16, 3, 32, 32))
    finally:
        set_lang("ja")
    out = capsys.readouterr().out
    assert out.count(report.SHARED("en")) == 1 and "never your code" in out
    assert until(lambda: len(service.records()) == 2)
    assert [r["status"] for r in service.records()] == ["todo", "ok"]
    assert service.records()[0]["hint"] == "verdict.STUB_LEFT"


def test_the_queue_is_bounded_and_keeps_the_latest():
    def down(*args):
        raise OSError("hub away")

    reporter = report.Reporter("http://unused", TOKEN, capacity=3, retry=(60, 60), post=down)
    for n in range(5):
        reporter.add({"id": str(n)})
    assert [r["id"] for r in reporter.pending()] == ["2", "3", "4"] and reporter.dropped == 2


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_hint_is_named_by_its_message_in_either_language(lang):
    set_lang(lang)
    try:
        verdict = check_image_batch(torch.zeros(16, 3, 32, 32, 1))
    finally:
        set_lang("ja")
    assert report.hint_id(verdict.hint, "widgets._checks.ch01") == "ch01.BATCH_SIX_D"
    assert report.hint_id("something the course never says", "widgets._checks.ch01") == "other"
    assert report.hint_id("", "widgets._checks.ch01") == ""


def test_chapters_are_named_from_the_check_modules():
    assert report.chapter_of("widgets._checks.ch05") == "05"
    assert report.chapter_of("widgets._checks.homework.tensor") == "08"
    assert report.chapter_of("widgets._checks.legacy") == "legacy"


def test_a_record_the_service_refuses_for_good_is_not_kept(monkeypatch, service):
    service.status = 403  # e.g. the server's token lost the scope
    service.release.set()
    turn_on(monkeypatch, service.url)
    check_image_batch(torch.zeros(2))
    reporter = report.reporter()
    assert until(lambda: reporter.refused == 1)
    assert reporter.pending() == [] and reporter.sent == 0 and reporter.failures == 0


def test_switched_off_in_the_kernel_nothing_more_leaves(monkeypatch, service):
    turn_on(monkeypatch, service.url)
    check_image_batch(torch.zeros(2))  # queued; the service holds the first request
    assert until(lambda: service.events == ["received"])
    check_image_batch(torch.zeros(3))  # queued behind it
    monkeypatch.setenv(report.ON, "0")  # what %env NYUMON_CLASS_REPORTS=0 does
    check_image_batch(torch.zeros(4))  # not even queued
    service.release.set()
    reporter = report.reporter()
    assert until(lambda: not reporter.pending())
    assert len(service.records()) == 1 and reporter.sent == 1  # only what had left already
