"""The classroom JupyterHub, for real: sign-up and approval, one OS account and server per
student, isolation, nbgitpuller links, two students in Chromium, and a clean stop.

Needs root (the hub creates OS accounts) and the course runtime from
``python -m classroom setup`` (``make classroom-setup``). Without them these tests skip,
unless ``NYUMON_REQUIRE_CLASSROOM=1`` (set by CI): then they fail.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from classroom import links, runtime, users
from tests.classroom.hub import (
    Hub,
    alert_text,
    processes_of,
    pull_api,
    require,
    running_hub,
    servers_of,
    stop,
)
from tests.support.jupyter_server import ROOT, free_port
from tools.build import notebook_relpath

pytestmark = pytest.mark.classroom
CHAPTER = "chapters/en/01_en_tensors.ipynb"


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if os.geteuid() != 0:
        require("the classroom hub creates OS accounts: run the tests as root")
    if not (runtime.Paths.from_env().venv / "bin" / "jupyterhub").exists():
        require("no course runtime: run `make classroom-setup` first")
    try:
        runtime.setup()  # refreshes the runtime's copy of the course settings; cheap when current
    except runtime.SetupError as error:
        require(str(error))
    # Activity reports every 2 s: the idle culler then starts after 36 s (classroom/culler.py).
    with running_hub(tmp_path_factory.mktemp("classroom"), NYUMON_ACTIVITY_INTERVAL="2") as hub:
        yield hub


@pytest.fixture(scope="module")
def pair(hub):
    """Two approved students, each with their server running."""
    ana, ben = hub.student("ana"), hub.student("ben")
    ana.start_server()
    ben.start_server()
    return ana, ben


def git(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course remote served by `git daemon` on 127.0.0.1, like a repository host, and a
    clone of it where the instructor commits. Starts with chapter 01 in both languages."""
    base = tmp_path_factory.mktemp("course")
    bare, work = base / "served" / "pytorch-nyumon.git", base / "work"
    git("init", "--bare", "--initial-branch=main", str(bare))
    git("init", "--initial-branch=main", str(work))
    git("config", "user.email", "instructor@example.org", cwd=work)
    git("config", "user.name", "Instructor", cwd=work)
    for lang in ("ja", "en"):
        target = work / notebook_relpath("01_tensors", lang)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / notebook_relpath("01_tensors", lang), target)
    (work / "README.md").write_text("# PyTorch Nyumon\n")
    git("add", ".", cwd=work)
    git("commit", "-m", "Chapter 01", cwd=work)
    git("remote", "add", "origin", str(bare), cwd=work)
    git("push", "origin", "main", cwd=work)
    port = free_port()
    daemon = subprocess.Popen(
        ["git", "daemon", "--reuseaddr", "--export-all", "--informative-errors",
         "--listen=127.0.0.1", f"--port={port}", f"--base-path={bare.parent}", str(bare.parent)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield links.Course(f"git://127.0.0.1:{port}/pytorch-nyumon.git", "main"), work
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


def test_sign_up_waits_for_the_instructors_approval(hub):
    name = hub.student_name("cho")
    assert "sent to the admin" in hub.sign_up(name)
    _, response = hub.log_in(name)
    assert response.status_code == 200  # the login page again, with why
    assert f"User {name} has not been authorized" in alert_text(response.text)
    admin, response = hub.log_in(hub.admin)
    assert response.status_code == 302
    hub.approve(admin, name)
    _, response = hub.log_in(name)
    assert response.status_code == 302 and response.headers["Location"].endswith("/hub/spawn")


def test_secrets_are_made_at_first_start_outside_the_repository_for_root_only(hub):
    state = hub.log.parent / "state"
    assert state.stat().st_mode & 0o777 == 0o700
    for name in ("jupyterhub_cookie_secret", "proxy_auth_token"):
        secret = state / name
        assert secret.stat().st_mode & 0o777 == 0o600 and secret.stat().st_uid == 0
        assert secret.read_text().strip()
    for folder in (ROOT, ROOT / "classroom"):  # JupyterHub's defaults would put them here
        assert not (folder / "jupyterhub_cookie_secret").exists()
        assert not (folder / "jupyterhub.sqlite").exists()


def test_the_idle_culler_runs_as_a_hub_service_with_its_own_token(hub):
    from tests.support.polling import until

    # After its grace the culler lists the users through the hub's API, as its role allows.
    assert until(lambda: "200 GET /hub/api/users" in hub.log_text(), timeout=150), hub.log_text()[
        -3000:
    ]
    line = next(x for x in hub.log_text().splitlines() if "200 GET /hub/api/users" in x)
    assert "(idle-culler@127.0.0.1)" in line


def test_unknown_user_and_wrong_password_get_a_clear_message(hub, pair):
    ana, _ = pair
    for name, password in (("nobody-here", "whatever-123"), (ana.name, "wrong-password-1")):
        session, response = hub.log_in(name, password)
        assert response.status_code == 200
        assert "Invalid username or password." in alert_text(response.text)
        assert not any(c.name.startswith("jupyterhub-session") for c in session.cookies)
    # Nothing lost: the student's running server still answers with the session it had.
    assert ana.session.get(f"{ana.server}/api/status", timeout=30).status_code == 200


def test_each_student_runs_as_their_own_account_with_a_private_home(pair):
    for student in pair:
        account = pwd.getpwnam(student.name)
        assert users.is_student(student.name)
        home = Path(account.pw_dir)
        assert home.stat().st_uid == account.pw_uid
        assert home.stat().st_mode & 0o777 == 0o700
        servers = servers_of(account.pw_uid)
        assert len(servers) == 1, servers


def test_a_student_gets_403_at_another_students_server(pair):
    ana, ben = pair
    for path in ("lab", "api/contents", "api/kernels"):
        # The same request, with each student's own XSRF token: ben's passes, ana's doesn't.
        own = ben.session.get(f"{ben.server}/{path}", headers={"X-XSRFToken": ben.xsrf()})
        assert own.status_code == 200, (path, own.status_code, own.url)
        other = ana.session.get(f"{ben.server}/{path}", headers={"X-XSRFToken": ana.xsrf()})
        assert other.status_code == 403, (path, other.status_code, other.url)


def test_a_kernel_or_terminal_cannot_read_another_students_files(pair):
    ana, ben = pair
    secret = Path(pwd.getpwnam(ben.name).pw_dir) / "secret.txt"
    secret.write_text("ben's answer")
    shutil.chown(secret, ben.name)
    code = (
        "import os, sys, torch, widgets\n"
        "print(os.getuid(), sys.prefix)\n"
        f"open({str(secret)!r}).read()\n"
    )
    out = ana.run_in_kernel(code)
    uid, prefix = out["stdout"].split()
    assert int(uid) == pwd.getpwnam(ana.name).pw_uid
    assert prefix == str(
        runtime.Paths.from_env().venv
    )  # the course runtime, with torch and widgets
    assert "PermissionError" in out["error"]
    assert "ben's answer" not in out["stdout"]
    # The same from a terminal: the student's own shell, as their own account.
    shown = ana.run_in_terminal(f"id -un; cat {secret}; ls {secret.parent}")
    assert ana.name in shown and "Permission denied" in shown
    assert "ben's answer" not in shown


def test_a_request_without_the_xsrf_token_is_refused(pair):
    ana, _ = pair
    refused = ana.api("POST", "contents", {"type": "notebook"}, xsrf=False)
    assert refused.status_code == 403
    made = ana.api("POST", "contents", {"type": "notebook"})
    assert made.status_code == 201, made.text
    ana.api("DELETE", f"contents/{made.json()['path']}")


def notebook_in_home(student, relpath: str) -> Path:
    return Path(pwd.getpwnam(student.name).pw_dir) / links.TARGET / relpath


def test_nbgitpuller_link_pulls_the_course_and_a_second_pull_keeps_the_students_edit(pair, course):
    ana, _ = pair
    remote, work = course
    # The link the instructor hands out: the hub sends the student to their server's puller.
    link = links.pull_link(ana.hub.url, remote, CHAPTER)
    page = ana.session.get(link, timeout=60)
    assert page.status_code == 200 and page.url.startswith(f"{ana.server}/git-pull?")
    query = {"repo": remote.repository, "branch": remote.branch, "targetpath": links.TARGET}
    assert pull_api(ana, query)[-1]["phase"] == "finished"
    pulled = notebook_in_home(ana, CHAPTER)
    assert pulled.stat().st_uid == pwd.getpwnam(ana.name).pw_uid

    # The student edits a cell and saves, through their server as JupyterLab does.
    model = ana.api("GET", f"contents/{links.TARGET}/{CHAPTER}").json()
    cell = next(c for c in model["content"]["cells"] if c["cell_type"] == "code")
    cell["source"] = "# my own note\n" + cell["source"]
    saved = ana.api("PUT", f"contents/{links.TARGET}/{CHAPTER}",
                    {"type": "notebook", "format": "json", "content": model["content"]})  # fmt: skip
    assert saved.status_code == 200, saved.text

    # The instructor commits: a new chapter, and a change to a file the student did not edit.
    (work / notebook_relpath("02_autograd", "en")).write_bytes(
        (ROOT / notebook_relpath("02_autograd", "en")).read_bytes()
    )
    (work / "README.md").write_text("# PyTorch Nyumon\n\nNow with chapter 02.\n")
    git("add", ".", cwd=work)
    git("commit", "-m", "Chapter 02", cwd=work)
    git("push", "origin", "main", cwd=work)

    events = pull_api(ana, query)
    assert events[-1]["phase"] == "finished", events
    assert "# my own note" in pulled.read_text()
    assert notebook_in_home(ana, "chapters/en/02_en_autograd.ipynb").exists()
    assert "chapter 02" in notebook_in_home(ana, "README.md").read_text()


def test_a_bad_nbgitpuller_link_gives_a_clear_error_and_keeps_the_files(pair, course):
    ana, _ = pair
    before = {p: p.read_bytes() for p in notebook_in_home(ana, "").rglob("*.ipynb")}
    remote, _ = course
    bad = remote.repository.replace("pytorch-nyumon.git", "no-such-course.git")
    events = pull_api(ana, {"repo": bad, "branch": "main", "targetpath": links.TARGET})
    assert events[-1]["phase"] == "error"
    assert events[-1]["message"] == "Remote content unavailable"  # nbgitpuller's own words
    assert "no-such-course.git" in events[-1]["output"]  # and git's, with the link's URL
    assert {p: p.read_bytes() for p in before} == before


@pytest.mark.browser
def test_two_students_run_chapter_01_at_the_same_time_in_chromium(hub, pair, course, browser):
    from tests.classroom.hub import PASSWORD
    from tests.support.browser import (
        ALL_RAN_JS,
        accept_kernel_dialog,
        assert_no_error_outputs,
        dismiss_news,
    )

    remote, _ = course
    pages = []
    for student in pair:
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
        page = context.new_page()
        page.goto(f"{hub.url}/hub/login")
        page.fill("input[name=username]", student.name)
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_url(re.compile(r"/user/|/hub/"), timeout=60_000)
        # The student clicks the chapter's link: nbgitpuller pulls, then JupyterLab opens it.
        page.goto(links.pull_link(hub.url, remote, CHAPTER))
        page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=120_000)
        accept_kernel_dialog(page, wait=3)
        page.wait_for_selector(
            '.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=60_000
        )
        dismiss_news(page)
        pages.append((student, page))
    for _, page in pages:  # both start before either is waited for
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Run$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Run All Cells$")).click()
        accept_kernel_dialog(page, wait=2)
    out = ROOT / "test-output" / "classroom"
    out.mkdir(parents=True, exist_ok=True)
    for student, page in pages:
        page.wait_for_function(ALL_RAN_JS, timeout=180_000, polling=500)
        page.screenshot(path=str(out / f"01_tensors_{student.name[-3:]}.png"))
        assert page.url.startswith(f"{hub.url}/user/{student.name}/lab")
        assert_no_error_outputs(page)
        page.context.close()


@pytest.mark.browser
def test_a_bad_link_in_the_browser_says_what_went_wrong(hub, pair, course, browser):
    from tests.classroom.hub import PASSWORD

    remote, _ = course
    student = pair[0]
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("input[name=username]", student.name)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    bad = links.Course(remote.repository.replace("pytorch-nyumon.git", "missing.git"), "main")
    page.goto(links.pull_link(hub.url, bad, CHAPTER))
    page.wait_for_function(
        "() => document.body.innerText.includes('Remote content unavailable')", timeout=60_000
    )
    text = page.locator("body").inner_text()
    ROOT.joinpath("test-output", "classroom").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ROOT / "test-output" / "classroom" / "bad_link.png"))
    context.close()
    assert "/lab/tree/" not in page.url
    assert "missing.git" in text and "Proceed without syncing" in text, text


def test_the_hub_stops_cleanly_and_the_students_accounts_are_removed(hub: Hub, pair):
    uids = {name: pwd.getpwnam(name).pw_uid for name in hub.made if users.is_student(name)}
    homes = [Path(pwd.getpwnam(name).pw_dir) for name in uids]
    assert stop(hub) == 0, hub.log_text()[-3000:]
    assert "...done" in hub.log_text()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{hub.url}/hub/login", timeout=5)
    # The students' servers outlive the hub (cleanup_servers = False): a restart picks them
    # up again (tests/classroom/test_classroom_restart.py). Removing a student stops them.
    running = {name for name, uid in uids.items() if servers_of(uid)}
    assert running == set(uids), "a student's server stopped with the hub"
    for name in list(uids):
        assert users.remove_student(name)
    assert not any(home.exists() for home in homes)
    assert not any(users.is_student(name) for name in uids)
    assert not any(processes_of(uid) for uid in uids.values()), "processes left after removal"
    assert json.dumps(users.students()).count(hub.prefix) == 0
