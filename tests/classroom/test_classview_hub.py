"""The class view under the real classroom hub, with the course's setting on.

Alice and Bob, real students with real servers, run checks in their own kernels; the kernels'
reporter sends the verdicts with their servers' tokens. The instructor (a hub admin) sees both
rows; Alice cannot post as Bob nor read the class (403 with her token, with her login, with
none); in Chromium the instructor's page shows both students and changes when Bob's next
verdict arrives, without a reload. Needs root and ``python -m classroom setup``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pwd
import re
import shutil
import tempfile
import uuid
from pathlib import Path

import psutil
import pytest
import requests

from classroom import runtime
from tests.classroom.hub import PASSWORD, Student, require, running_hub
from tests.support.jupyter_server import ROOT, free_port

pytestmark = pytest.mark.classroom
SERVICE = "/services/classview"


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if os.geteuid() != 0:
        require("the classroom hub creates OS accounts: run the tests as root")
    if not (runtime.Paths.from_env().venv / "bin" / "jupyterhub").exists():
        require("no course runtime: run `make classroom-setup` first")
    try:
        runtime.setup()  # puts this checkout's widgets (the reporter) into the runtime
    except runtime.SetupError as error:
        require(str(error))
    storage = Path(tempfile.mkdtemp(prefix="nyumon-classview-")) / "classview"
    storage.parent.chmod(0o755)  # the service's own account owns `classview`
    try:
        with running_hub(
            tmp_path_factory.mktemp("classview-hub"),
            NYUMON_CLASS_REPORTS="1",
            NYUMON_CLASSVIEW_ROOT=str(storage),
            NYUMON_CLASSVIEW_PORT=str(free_port()),
            NYUMON_CLASSVIEW_REUSE="0",  # every summary fresh: the tests compare them
        ) as hub:
            hub.storage = storage
            yield hub
    finally:
        shutil.rmtree(storage.parent, ignore_errors=True)


def run(person: Student, code: str) -> str:
    out = person.run_in_kernel(code, timeout=300)
    assert not out["error"], out
    return out["stdout"]


# The course runtime is shared, and every hub start installs the course from the checkout it
# was started from: a student's kernel imports this checkout's widgets from her own copy, so
# that another checkout's hub starting meanwhile cannot swap the reporter under the test.
OWN_WIDGETS = """
import sys
for name in [m for m in sys.modules if m == "widgets" or m.startswith("widgets.")]:
    del sys.modules[name]
sys.path.insert(0, {folder!r})
"""
CHECK = """
import os, time, torch
from widgets import check_image_batch
from widgets._checks import report
print(repr({call}))
r = report.reporter()
deadline = time.monotonic() + 60
while (r.pending() or not r.sent) and time.monotonic() < deadline:
    time.sleep(0.1)
print("SENT", r.sent, "PENDING", len(r.pending()))
print("TOKEN", os.environ["JUPYTERHUB_API_TOKEN"])
"""
WRONG = "check_image_batch(torch.zeros(16, 32, 32, 3))"  # channels last
RIGHT = "check_image_batch(torch.zeros(16, 3, 32, 32))"


def checks(person: Student, call: str) -> str:
    """The code that runs ``call`` in her kernel with this checkout's widgets and waits."""
    folder = person.home() / "course-widgets"
    if not folder.exists():
        person.hand_over(ROOT / "widgets", "course-widgets/widgets")
    return OWN_WIDGETS.format(folder=str(folder)) + CHECK.format(call=call)


def check_in_kernel(person: Student, call: str) -> str:
    """Run one check in the person's kernel; wait for its report to leave; her token."""
    out = run(person, checks(person, call))
    assert "SENT 1 PENDING 0" in out, out
    return re.search(r"TOKEN (\S+)", out).group(1)


def service(hub, method: str, path: str, token: str | None = None, session=None, **kw):
    headers = {"Authorization": f"token {token}"} if token else {}
    return (session or requests).request(method, f"{hub.url}{SERVICE}/{path}", headers=headers,
                                         timeout=60, allow_redirects=False, **kw)  # fmt: skip


def logged_in(hub, name: str) -> requests.Session:
    """A browser-like session: logged in to the hub, then through the service's OAuth."""
    session, response = hub.log_in(name)
    assert response.status_code == 302, response.text
    page = session.get(f"{hub.url}{SERVICE}/", timeout=60)  # follows the OAuth redirects
    session.last_page = page
    return session


def record(**change) -> dict:
    item = {"id": uuid.uuid4().hex, "chapter": "01", "exercise": "check_image_batch",
            "status": "ok", "hint": "", "at": "2026-12-04T10:00:00+00:00"}  # fmt: skip
    return {**item, **change}


@pytest.fixture(scope="module")
def term(hub):
    alice, bob = hub.student("alice"), hub.student("bob")
    for person in (alice, bob):
        person.start_server()
    tokens = {"alice": check_in_kernel(alice, WRONG)}
    tokens["alice"] = check_in_kernel(alice, RIGHT)
    tokens["bob"] = check_in_kernel(bob, WRONG)
    teacher = logged_in(hub, hub.admin)
    return {"alice": alice, "bob": bob, "tokens": tokens, "teacher": teacher}


def summary(hub, session) -> dict:
    got = service(hub, "GET", "api/summary", session=session)
    assert got.status_code == 200, got.text
    return got.json()


def test_the_kernel_tells_the_learner_once_what_is_shared(hub, term):
    out = run(term["alice"], checks(term["alice"], f"(check_image_batch(None), {RIGHT})"))
    assert "SENT 2 PENDING 0" in out, out  # two verdicts in one kernel
    assert out.count("コードは送られません") == 1, out  # said once, in her language (ja)


def test_the_instructor_sees_both_students_rows(hub, term):
    page = term["teacher"].last_page
    assert page.status_code == 200 and page.url.startswith(f"{hub.url}{SERVICE}/"), page.url
    assert "The class at a glance" in page.text and "クラスの様子" in page.text
    data = summary(hub, term["teacher"])
    rows = {s["name"]: s for s in data["students"]}
    alice, bob = term["alice"].name, term["bob"].name
    assert set(rows) == {alice, bob}
    assert rows[alice]["cells"]["01/check_image_batch"]["passed"]
    assert rows[alice]["cells"]["01/check_image_batch"]["attempts"] >= 2
    assert rows[bob]["cells"]["01/check_image_batch"] == {
        "attempts": 1, "passed": False, "last": "wrong", "hint": "ch01.BATCH_CHANNELS_LAST"
    }  # fmt: skip
    (chapter,) = data["chapters"]
    (exercise,) = chapter["exercises"]
    assert (exercise["tried"], exercise["passed"], exercise["pass_rate"]) == (2, 1, 0.5)
    assert (exercise["hint"], exercise["hint_students"]) == ("ch01.BATCH_CHANNELS_LAST", 2)
    lines = service(hub, "GET", "class.csv", session=term["teacher"])
    assert lines.status_code == 200 and lines.headers["Content-Type"].startswith("text/csv")
    students = {r["student"] for r in csv.DictReader(io.StringIO(lines.text.lstrip("\ufeff")))}
    assert students == {alice, bob}


def test_alice_cannot_post_as_bob(hub, term):
    alice, bob = term["tokens"]["alice"], term["bob"].name
    before = summary(hub, term["teacher"])
    forged = [
        ("api/reports?student=" + bob, {"reports": [record()]}),
        ("api/reports?user=" + bob, {"reports": [record()]}),
        ("api/reports", {"reports": [record(student=bob)]}),
        ("api/reports", {"reports": [record(user=bob)]}),
    ]
    for path, body in forged:
        got = service(hub, "POST", path, alice, json=body)
        assert got.status_code == 403, (path, got.status_code, got.text)
    assert service(hub, "POST", "api/reports", alice, json={"reports": [record()], "user": bob}
                   ).status_code == 400  # fmt: skip
    for token in (None, "not-a-token"):
        assert service(hub, "POST", "api/reports", token, json={"reports": [record()]}
                       ).status_code == 403  # fmt: skip
    # her login cookie is no way to post either: only a token in the header
    cookie = logged_in(hub, term["alice"].name)
    got = service(hub, "POST", "api/reports", session=cookie, json={"reports": [record()]})
    assert got.status_code == 403
    after = summary(hub, term["teacher"])
    assert after["version"] == before["version"]  # none of these was stored
    # a report she may send is hers, whatever it says
    mine = service(
        hub, "POST", "api/reports", alice, json={"reports": [record(exercise="check_x")]}
    )
    assert mine.status_code == 200 and mine.json() == {"added": 1}
    rows = {s["name"]: s for s in summary(hub, term["teacher"])["students"]}
    assert "01/check_x" in rows[term["alice"].name]["cells"]
    assert "01/check_x" not in rows[bob]["cells"]


def test_a_student_gets_403_on_the_page_and_the_csv(hub, term):
    alice = term["tokens"]["alice"]
    for path in ("", "api/summary", "class.csv"):
        got = service(hub, "GET", path, alice)
        assert got.status_code == 403, (path, got.status_code)
        assert term["bob"].name not in got.text
    session = logged_in(hub, term["alice"].name)  # her browser, through the OAuth
    assert session.last_page.status_code == 403
    assert term["bob"].name not in session.last_page.text
    for path in ("api/summary", "class.csv"):
        got = service(hub, "GET", path, session=session)
        assert got.status_code == 403 and term["bob"].name not in got.text
        assert service(hub, "GET", path).status_code == 403  # nobody at all


def service_process() -> psutil.Process:
    uid = pwd.getpwnam("nyumon-classview").pw_uid
    (proc,) = [p for p in psutil.process_iter(["uids", "cmdline"])
               if p.info["uids"].real == uid and "nyumon_classview" in p.info["cmdline"]]  # fmt: skip
    return proc


def test_a_hanging_service_never_holds_up_a_cell_and_gets_the_report_later(hub, term):
    """The service frozen (SIGSTOP): the proxy takes the request and nothing answers."""
    bob = term["bob"]
    kernel = bob.start_kernel()
    proc = service_process()
    proc.suspend()
    try:
        out = bob.run_in_kernel(checks(bob, WRONG).split("r = report.reporter()")[0] + """
r = report.reporter()
print("RETURNED", len(r.pending()), r.sent)
deadline = time.monotonic() + 120
while r.failures < 1 and time.monotonic() < deadline:  # the first try timed out
    time.sleep(0.1)
print("FAILED", r.failures, "PENDING", len(r.pending()))
""", timeout=300, kernel=kernel)  # fmt: skip
        assert not out["error"], out
        assert "✗" in out["stdout"] and "RETURNED 1 0" in out["stdout"], out
        assert re.search(r"FAILED [1-9]\d* PENDING 1\b", out["stdout"]), out  # kept for later
    finally:
        proc.resume()
    out = bob.run_in_kernel("""
deadline = time.monotonic() + 120
while r.pending() and time.monotonic() < deadline:
    time.sleep(0.1)
print("PENDING", len(r.pending()), "SENT", r.sent)
""", timeout=300, kernel=kernel)  # fmt: skip
    bob.api("DELETE", f"kernels/{kernel}")
    assert "PENDING 0 SENT 1" in out["stdout"], out


@pytest.mark.browser
def test_the_instructors_page_shows_both_and_updates_live_in_chromium(hub, term, browser):
    from playwright.sync_api import expect

    alice, bob = term["alice"].name, term["bob"].name
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    try:
        page.goto(f"{hub.url}/hub/login")
        page.fill("input[name=username]", hub.admin)
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_url(re.compile(r"/user/|/hub/"), timeout=60_000)
        page.goto(f"{hub.url}{SERVICE}/")
        page.wait_for_selector(f'tr[data-student="{bob}"]', timeout=60_000)
        assert page.locator("h1").inner_text() == "The class at a glance"  # Accept-Language
        for name in (alice, bob):
            assert page.locator(f'tr[data-student="{name}"]').count() == 1
        cell = f'tr[data-student="{bob}"] td[data-exercise="check_image_batch"]'
        assert page.locator(cell).inner_text().startswith("✗")
        page.evaluate("window.notReloaded = true")
        check_in_kernel(term["bob"], RIGHT)  # Bob's next verdict, from his kernel
        # A locator's wait, not wait_for_function: the page's CSP (no 'unsafe-eval') refuses
        # a predicate Playwright would have to eval in it.
        expect(page.locator(cell)).to_have_text(re.compile(r"^\s*✓"), timeout=60_000)
        assert page.evaluate("window.notReloaded === true")  # drawn by the poll, not a reload
        rate = page.locator('tr[data-exercise="check_image_batch"] td').nth(2).inner_text()
        assert rate.startswith("100%"), rate
        page.click('button[data-lang="ja"]')
        assert page.locator("h1").inner_text() == "クラスの様子"
        out = ROOT / "test-output" / "classroom"
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / "classview.png"), full_page=True)
    finally:
        context.close()
    assert json.dumps(summary(hub, term["teacher"])).count(bob) >= 1
