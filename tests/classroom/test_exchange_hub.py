"""The exchange service under the real classroom hub, with servers as on Kubernetes: every
server is the SAME OS account, each in its own home, and no folder is shared between them
(tests/classroom/k8s_like_hub.py). Homework goes through the service only.

The round trip: the instructor releases; alice and bob fetch and submit through their
servers' assignment list (nbgrader's own server extension); bob twice (his latest counts);
the instructor collects both, the service is killed and comes back while he autogrades,
then he releases feedback and alice fetches hers. Then alice attacks: every route of the
service with her token and with none, a forged student name, a climbing name, a huge body,
another course. Needs root and ``python -m classroom setup`` (NYUMON_CLASSROOM_PREFIX).
"""

from __future__ import annotations

import csv
import io
import json
import os
import pwd
import secrets
import shutil
import signal
import tempfile
import time
import zipfile
from pathlib import Path

import psutil
import pytest
import requests

from classroom import runtime
from tests.classroom.hub import Student, require, run_ok, running_hub, server_call, start
from tests.support.jupyter_server import ROOT, free_port

pytestmark = pytest.mark.classroom
COURSE = "pytorch-nyumon"
ASSIGNMENT = "01_tensors_en"
NOTEBOOK = f"{ASSIGNMENT}/01_tensors.ipynb"
ACCOUNT = "nyumon-jovyan"  # as in k8s_like_hub.py
TESTER = secrets.token_hex(16)  # the tester service's token
MAX_UPLOAD = 2 << 20


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    paths = runtime.Paths.from_env()
    if os.geteuid() != 0:
        require("the classroom hub creates OS accounts: run the tests as root")
    if not (paths.venv / "bin" / "nbgrader").exists():
        pytest.skip(f"no nbgrader in the course runtime {paths.venv}: pip install it there")
    try:
        runtime.setup()
    except runtime.SetupError as error:
        require(str(error))
    homes = Path(tempfile.mkdtemp(prefix="nyumon-homes-"))  # the servers' account must enter
    homes.chmod(0o755)
    storage = Path(tempfile.mkdtemp(prefix="nyumon-exchange-store-")) / "exchange"
    storage.parent.chmod(0o755)  # the service's own account makes and owns `exchange`
    extra = ["classroom/nbgrader/jupyterhub_nbgrader.py", "tests/classroom/k8s_like_hub.py"]
    try:
        with running_hub(
            tmp_path_factory.mktemp("exchange-hub"),
            NYUMON_HUB_CONFIG_EXTRA=":".join(extra),
            NYUMON_NBGRADER_EXCHANGE="service",
            NYUMON_EXCHANGE_ROOT=str(storage),
            NYUMON_EXCHANGE_PORT=str(free_port()),
            NYUMON_EXCHANGE_MAX_UPLOAD=str(MAX_UPLOAD),
            NYUMON_TEST_HOMES=str(homes),
            NYUMON_TEST_HUB_TOKEN=TESTER,
        ) as hub:
            hub.homes, hub.storage = homes, storage
            yield hub
    finally:
        # The servers outlive the hub by design (cleanup_servers off), and here they all
        # run as one account, which removing a student does not stop: stop them here.
        for proc in processes_in(ACCOUNT, homes) + processes_in("nyumon-exchange", storage):
            proc.kill()
        shutil.rmtree(homes, ignore_errors=True)
        shutil.rmtree(storage.parent, ignore_errors=True)


def home(person: Student) -> Path:
    return person.hub.homes / person.name


def exchange(hub, method: str, path: str, token: str | None = None, **kwargs):
    """A request to the exchange service itself, as anyone on the network could make it."""
    headers = {"Authorization": f"token {token}"} if token else {}
    return requests.request(method, f"{hub.url}/services/exchange/api/courses{path}",
                            headers=headers, timeout=60, **kwargs)  # fmt: skip


def hub_api(hub, method: str, path: str, body: dict | None = None):
    """The tester service's request to the hub's REST API (what the admin page does)."""
    response = requests.request(method, f"{hub.url}/hub/api{path}", json=body, timeout=30,
                                headers={"Authorization": f"token {TESTER}"})  # fmt: skip
    assert response.status_code < 300, response.text
    return response


NBGRADER = """
import subprocess, sys
from pathlib import Path
def nbgrader(*args):
    done = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), *args],
                          cwd=Path.home() / "pytorch-nyumon-course", capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr
"""
TOKEN = "import os; print(os.environ['JUPYTERHUB_API_TOKEN'])"


def answer(person: Student, solved: bool) -> None:
    """The first exercise (a batch of images) answered, or left as the stub."""
    model = server_call(person, "GET", f"api/contents/{NOTEBOOK}").json()
    cells = model["content"]["cells"]
    cell = next(
        c for c in cells if c["metadata"].get("nbgrader", {}).get("grade_id") == "answer_05"
    )
    cell["source"] = "batch = torch.zeros(16, 3, 32, 32)\n" if solved else "batch = None\n"
    saved = server_call(person, "PUT", f"api/contents/{NOTEBOOK}",
                        {"type": "notebook", "content": model["content"]})  # fmt: skip
    assert saved.status_code == 200, saved.text


def submit(person: Student) -> None:
    ids = {"course_id": COURSE, "assignment_id": ASSIGNMENT}
    done = server_call(person, "POST", "assignments/submit", ids)
    assert done.status_code == 200 and done.json()["success"], done.text


def processes_in(account: str, folder: Path) -> list[psutil.Process]:
    """The account's processes that run in ``folder`` or below it (this hub's, not another's)."""
    try:
        uid, found = pwd.getpwnam(account).pw_uid, []
    except KeyError:  # the hub never made it
        return []
    for proc in psutil.process_iter(["uids", "cwd"]):
        cwd = proc.info["cwd"]
        if proc.info["uids"] and proc.info["uids"].real == uid and cwd:
            if Path(cwd).is_relative_to(folder):
                found.append(proc)
    return found


def service_process(hub) -> psutil.Process:
    """This hub's exchange service: exactly one process."""
    (proc,) = processes_in("nyumon-exchange", hub.storage)
    return proc


@pytest.fixture(scope="module")
def term(hub):
    """The whole round trip; what the later tests need to attack it."""
    session, response = hub.log_in(hub.admin)
    assert response.status_code == 302
    teacher = Student(hub.admin, session, hub)
    alice, bob = hub.student("alice"), hub.student("bob")
    for person in (teacher, alice, bob):
        person.start_server()
    # the instructor's own copy of the course, in his home (owned by the one account)
    course = home(teacher) / "pytorch-nyumon-course"
    shutil.copytree(ROOT / "classroom" / "nbgrader", course,
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    jovyan = pwd.getpwnam(ACCOUNT)
    for path in [course, *course.rglob("*")]:
        os.chown(path, jovyan.pw_uid, jovyan.pw_gid, follow_symlinks=False)
    run_ok(teacher, NBGRADER + f"""
nbgrader("generate_assignment", {ASSIGNMENT!r})
nbgrader("release_assignment", {ASSIGNMENT!r})
""")  # fmt: skip
    for person, solved in ((alice, True), (bob, True)):
        listed = server_call(person, "GET", f"assignments?course_id={COURSE}").json()
        assert listed["success"], listed["value"]
        assert [a["assignment_id"] for a in listed["value"]] == [ASSIGNMENT], listed
        fetched = server_call(person, "POST", "assignments/fetch",
                              {"course_id": COURSE, "assignment_id": ASSIGNMENT})  # fmt: skip
        assert fetched.status_code == 200 and (home(person) / NOTEBOOK).is_file()
        answer(person, solved)
        submit(person)
    answer(bob, solved=False)
    submit(bob)  # his second hand-in, the stub: it is the one that counts
    out = run_ok(teacher, NBGRADER + f"""
print(nbgrader("collect", {ASSIGNMENT!r}))
print(sorted(p.name for p in (Path.home() / "pytorch-nyumon-course/submitted").iterdir()))
""")  # fmt: skip
    assert f"{sorted([alice.name, bob.name])}" in out, out
    # The service dies (SIGKILL, as a crash) while the instructor grades; the hub restarts it.
    crashed = service_process(hub)
    crashed.kill()
    out = run_ok(teacher, NBGRADER + f"""
nbgrader("autograde", {ASSIGNMENT!r})
nbgrader("generate_feedback", {ASSIGNMENT!r})
nbgrader("export")
print("CSV" + (Path.home() / "pytorch-nyumon-course" / "grades.csv").read_text())
""")  # fmt: skip
    rows = {r["student_id"]: r for r in csv.DictReader(io.StringIO(out.split("CSV", 1)[1]))}
    tokens = {p.name: run_ok(p, TOKEN).strip() for p in (teacher, alice, bob)}
    deadline = time.monotonic() + 60
    while exchange(hub, "GET", "", tokens[teacher.name]).status_code != 200:
        assert time.monotonic() < deadline, hub.log_text()[-3000:]
        time.sleep(1)
    assert service_process(hub).pid != crashed.pid
    out = run_ok(teacher, NBGRADER + f'print(nbgrader("release_feedback", {ASSIGNMENT!r}))')
    assert out.count("Releasing feedback for student") == 2, out  # alice's and bob's latest
    fetched = server_call(alice, "POST", "assignments/fetch_feedback",
                          {"course_id": COURSE, "assignment_id": ASSIGNMENT})  # fmt: skip
    assert fetched.status_code == 200, fetched.text
    return {"teacher": teacher, "alice": alice, "bob": bob, "rows": rows, "tokens": tokens}


def test_grades_come_back_right_and_the_latest_hand_in_counts(term):
    rows, alice, bob = term["rows"], term["alice"], term["bob"]
    assert float(rows[alice.name]["raw_score"]) == 1.0
    assert float(rows[bob.name]["raw_score"]) == 0.0  # his first hand-in had the answer
    assert rows[alice.name]["max_score"] == rows[bob.name]["max_score"]


def test_no_hand_in_is_lost_by_the_restart(hub, term):
    listed = exchange(hub, "GET", f"/{COURSE}/assignments/{ASSIGNMENT}/submissions",
                      term["tokens"][term["teacher"].name]).json()  # fmt: skip
    counts = {}
    for row in listed:
        counts[row["student_id"]] = counts.get(row["student_id"], 0) + 1
    assert counts == {term["alice"].name: 1, term["bob"].name: 2}
    times = [r["timestamp"] for r in listed if r["student_id"] == term["bob"].name]
    assert times == sorted(times) and len(set(times)) == 2  # both kept, with their times


def test_alice_fetched_her_feedback_and_nobody_elses(term):
    alice, bob = term["alice"], term["bob"]
    pages = list((home(alice) / ASSIGNMENT / "feedback").rglob("*.html"))
    assert [p.name for p in pages] == ["01_tensors.html"]
    assert "✓" in pages[0].read_text() or "Passed" in pages[0].read_text()
    assert not (home(bob) / ASSIGNMENT / "feedback").exists()  # bob did not fetch his


def test_the_lab_extension_lists_her_submission_with_feedback(term):
    alice = term["alice"]
    listed = server_call(alice, "GET", f"assignments?course_id={COURSE}").json()
    assert listed["success"], listed
    submitted = [a for a in listed["value"] if a["status"] == "submitted"]
    assert [a["student_id"] for a in submitted] == [alice.name]
    (sub,) = submitted[0]["submissions"]
    assert sub["has_exchange_feedback"] and sub["has_local_feedback"]


def ids_of(hub, term) -> dict:
    """Bob's hand-in and feedback page, as the instructor sees them."""
    token = term["tokens"][term["teacher"].name]
    subs = exchange(hub, "GET", f"/{COURSE}/submissions", token).json()
    pages = exchange(hub, "GET", f"/{COURSE}/assignments/{ASSIGNMENT}/feedback", token).json()
    bob = term["bob"].name
    return {
        "submission": next(r["id"] for r in subs if r["student_id"] == bob),
        "page": next(p["id"] for p in pages if p["student_id"] == bob),
    }


def test_alice_cannot_reach_bobs_hand_in_or_feedback_by_any_route(hub, term):
    ids = ids_of(hub, term)
    alice, bob = term["tokens"][term["alice"].name], term["bob"].name
    a, s, p = f"/{COURSE}/assignments/{ASSIGNMENT}", ids["submission"], ids["page"]
    lists = [f"{a}/submissions", f"/{COURSE}/submissions", f"{a}/feedback"]
    for path in lists:  # her lists hold only her own rows
        mine = exchange(hub, "GET", path, alice)
        assert mine.status_code == 200, (path, mine.text)
        assert {r["student_id"] for r in mine.json()} == {term["alice"].name}, path
        assert bob not in mine.text and s not in mine.text and p not in mine.text
    routes = [
        ("GET", f"/{COURSE}/submissions/{s}"),
        ("GET", f"/{COURSE}/feedback/{p}"),
        ("PUT", f"/{COURSE}/submissions/{s}/feedback/01_tensors"),
        ("PUT", a), ("DELETE", a),
    ]  # fmt: skip
    for method, path in routes:  # Bob's things, and the instructor's routes
        got = exchange(hub, method, path, alice, data=b"<p>forged</p>")
        assert got.status_code in (403, 404), (method, path, got.status_code)
        assert got.content[:2] != b"PK" and b"<html" not in got.content.lower()
    for method, path in [
        *[("GET", x) for x in ["", *lists, a]],
        *routes,
        ("POST", f"{a}/submissions"),
    ]:
        got = exchange(hub, method, path, None)  # no token at all
        assert got.status_code == 403, (method, path, got.status_code)
        assert exchange(hub, method, path, "not-a-token").status_code == 403
    assert exchange(hub, "GET", f"/{COURSE}/feedback/{p}", term["tokens"][bob]).status_code == 200


def zipped(*entries: tuple[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return out.getvalue()


def test_forged_names_climbing_names_huge_bodies_are_refused(hub, term):
    alice, bob = term["tokens"][term["alice"].name], term["bob"].name
    a = f"/{COURSE}/assignments/{ASSIGNMENT}"
    good = zipped(("01_tensors.ipynb", b"{}"))
    before = len(exchange(hub, "GET", f"{a}/submissions", alice).json())
    for forged in (f"?student={bob}", f"?student_id={bob}", f"?user={bob}"):
        got = exchange(hub, "POST", f"{a}/submissions{forged}", alice, data=good)
        assert got.status_code == 403, got.text
    climbing = [
        f"/..%2F..%2Fetc{a[len(COURSE) + 1 :]}/submissions",
        f"/{COURSE}/assignments/..%2F..%2Fblobs/submissions",
        f"/{COURSE}/assignments/.hidden/submissions",
    ]
    for path in climbing:
        assert exchange(hub, "POST", path, alice, data=good).status_code in (400, 404), path
    for archive in (zipped(("../../evil.ipynb", b"{}")), b"not a zip", zipped(("x.txt", b"1"))):
        assert exchange(hub, "POST", f"{a}/submissions", alice, data=archive).status_code == 400
    huge = exchange(hub, "POST", f"{a}/submissions", alice, data=b"\0" * (MAX_UPLOAD + 1))
    assert huge.status_code == 413
    # Past the server's own cap the service closes the connection before reading the body;
    # the proxy answers 503 for it. Nothing is stored either way.
    try:
        huge = exchange(hub, "POST", f"{a}/submissions", alice, data=b"\0" * (4 * MAX_UPLOAD))
        assert huge.status_code in (400, 413, 503)
    except requests.ConnectionError:
        pass
    after = exchange(hub, "GET", f"{a}/submissions", alice).json()
    assert len(after) == before  # none of these made a hand-in
    stored = {p.name for p in hub.storage.rglob("*")}
    assert not {"evil.ipynb", "etc", ".hidden"} & stored


def test_courses_are_apart(hub, term):
    carol = hub.student("carol")
    hub_api(hub, "POST", "/groups/formgrade-course-b")
    hub_api(hub, "POST", "/groups/formgrade-course-b/users", {"users": [carol.name]})
    made = hub_api(hub, "POST", f"/users/{carol.name}/tokens",
                   {"scopes": ["access:services!service=exchange"], "note": "test"})  # fmt: skip
    token = made.json()["token"]
    assert exchange(hub, "GET", "", token).json() == {COURSE: "student", "course-b": "instructor"}
    # an instructor of course-b is only a student of the course: no collecting there
    assert exchange(hub, "GET", f"/{COURSE}/submissions", token).json() == []
    ids = ids_of(hub, term)
    assert (
        exchange(hub, "GET", f"/{COURSE}/submissions/{ids['submission']}", token).status_code == 403
    )
    alice = term["tokens"][term["alice"].name]
    for path in ("/course-b/assignments", "/course-b/submissions", "/nosuch/assignments"):
        assert exchange(hub, "GET", path, alice).status_code == 404
    release = zipped(("hw.ipynb", b"{}"))
    assert exchange(hub, "PUT", "/course-b/assignments/hw", token, data=release).status_code == 200
    assert exchange(hub, "PUT", "/course-b/assignments/hw", token, data=release).status_code == 409
    assert exchange(hub, "GET", "/course-b/assignments/hw", alice).status_code == 404
    assert (
        json.loads(exchange(hub, "GET", f"/{COURSE}/assignments", alice).text)[0]["assignment_id"]
        == ASSIGNMENT
    )


def test_a_hub_crash_loses_no_hand_in_and_the_exchange_comes_back(hub, term):
    """Last in this file: the hub and its proxy die at once (SIGKILL to the group, as a crash
    or an OOM kill of the unit) and are started again; hand-ins are kept, one exchange serves
    (not an orphan of the dead hub beside a new one), and Alice can hand in again."""
    teacher, alice = term["tokens"][term["teacher"].name], term["alice"]
    subs = f"/{COURSE}/assignments/{ASSIGNMENT}/submissions"
    before = sorted(r["id"] for r in exchange(hub, "GET", subs, teacher).json())
    os.killpg(hub.proc.pid, signal.SIGKILL)
    hub.proc.wait()
    start(hub)
    deadline = time.monotonic() + 120
    while exchange(hub, "GET", "", teacher).status_code != 200:
        assert time.monotonic() < deadline, hub.log_text()[-3000:]
        time.sleep(1)
    service_process(hub)  # exactly one exchange process
    assert sorted(r["id"] for r in exchange(hub, "GET", subs, teacher).json()) == before
    submit(alice)  # through her server, which outlived the hub
    after = exchange(hub, "GET", subs, teacher).json()
    assert len(after) == len(before) + 1
    assert [r["student_id"] for r in after if r["id"] not in before] == [alice.name]
