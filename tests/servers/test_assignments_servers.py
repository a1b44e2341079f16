"""nbgrader in the students' and the instructor's Jupyter servers, set up as the hub sets them.

Two real JupyterLab servers share one exchange folder. Each gets the JUPYTER_CONFIG_PATH
that classroom/nbgrader/jupyterhub_nbgrader.py gives its role: the student's server lists,
fetches and submits assignments but has no formgrader and no course list; the
instructor's has formgrader, which collects the submission. (The hub itself, with its OS
accounts and login, is tested in tests/classroom; this checks what nbgrader adds to it.)
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import sys
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support import ROOT
from tests.support.jupyter_server import free_port, serving
from tests.support.nbgrader_run import COURSE_ID, nbgrader

NBGRADER = ROOT / "classroom" / "nbgrader"
ROLES = NBGRADER / "roles"
ASSIGNMENT = "01_tensors_en"

pytestmark = pytest.mark.server


@contextmanager
def role_server(home: Path, role: str, exchange: Path, course: Path):
    """JupyterLab as the hub starts a server of this role; yields (url, token)."""
    home.mkdir(parents=True, exist_ok=True)
    token, port = secrets.token_hex(16), free_port()
    env = {
        **os.environ,
        "HOME": str(home),
        "JUPYTER_CONFIG_PATH": os.pathsep.join([str(ROLES / role), str(ROLES / "common")]),
        "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "JUPYTER_RUNTIME_DIR": str(home / ".runtime"),
        "JUPYTER_TOKEN": token,
        "NYUMON_NBGRADER_EXCHANGE": str(exchange),
        "NYUMON_NBGRADER_COURSE": str(course),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}"]
    cmd += ["--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={home}"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = home / "server.log"
    with serving(cmd, env, log, port, token, cwd=home) as (_, url, token):
        yield url, token, log


def request(server, path: str, body: dict | None = None) -> tuple[int, str]:
    url, token, _ = server
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        f"{url}{path}",
        data=data,
        method="POST" if body is not None else "GET",
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def page_config(server) -> dict:
    status, page = request(server, "/lab")
    assert status == 200
    found = re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nbgrader-servers")
    exchange, teacher, student = tmp / "exchange", tmp / "teacher", tmp / "student"
    course = teacher / "pytorch-nyumon-course"
    (course / "source").mkdir(parents=True)
    exchange.mkdir()
    shutil.copy(NBGRADER / "nbgrader_config.py", course)
    shutil.copytree(NBGRADER / "nyumon_sandbox", course / "nyumon_sandbox")
    shutil.copytree(NBGRADER / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    flags = [f"--Exchange.root={exchange}"]
    nbgrader("generate_assignment", ASSIGNMENT, *flags, cwd=course)
    nbgrader("release_assignment", ASSIGNMENT, *flags, cwd=course)
    with (
        role_server(student, "student", exchange, course) as mine,
        role_server(teacher, "instructor", exchange, course) as theirs,
    ):
        yield {"student": mine, "instructor": theirs, "exchange": exchange, "home": student}


def test_student_lists_fetches_and_submits(servers):
    """What the Assignments tab does: list, fetch, submit (the exchange gets the hand-in)."""
    student = servers["student"]
    status, body = request(student, f"/assignments?course_id={COURSE_ID}")
    assert status == 200, body
    listed = {a["assignment_id"]: a["status"] for a in json.loads(body)["value"]}
    assert listed == {ASSIGNMENT: "released"}
    ids = {"course_id": COURSE_ID, "assignment_id": ASSIGNMENT}
    status, body = request(student, "/assignments/fetch", ids)
    assert status == 200, body
    assert (servers["home"] / ASSIGNMENT / "01_tensors.ipynb").is_file()
    status, body = request(student, "/assignments/submit", ids)
    assert status == 200 and '"success": false' not in body, body
    inbound = list((servers["exchange"] / COURSE_ID / "inbound").iterdir())
    assert len(inbound) == 1 and f"+{ASSIGNMENT}+" in inbound[0].name


def test_formgrader_and_course_tools_are_the_instructors_only(servers):
    student, teacher = servers["student"], servers["instructor"]
    assert request(student, "/formgrader")[0] == 404
    assert request(student, "/formgrader/api/assignments")[0] == 404
    assert request(student, "/formgraders")[0] == 404  # the course list's API
    disabled = page_config(student)["disabledExtensions"]
    assert "@jupyter/nbgrader:create-assignment" in disabled
    assert "@jupyter/nbgrader:course-list" in disabled
    assert "@jupyter/nbgrader:assignment-list" not in disabled
    assert request(teacher, "/formgrader")[0] == 200
    assert request(teacher, "/formgraders")[0] == 200
    assert "@jupyter/nbgrader:create-assignment" not in page_config(teacher)["disabledExtensions"]


def test_instructor_collects_the_submission_in_formgrader(servers):
    teacher = servers["instructor"]
    if not (servers["exchange"] / COURSE_ID / "inbound").exists():  # run on its own
        test_student_lists_fetches_and_submits(servers)
    status, body = request(teacher, "/formgrader/api/assignments")
    assert status == 200, body
    assert ASSIGNMENT in {a["name"] for a in json.loads(body)}
    status, body = request(teacher, f"/formgrader/api/assignment/{ASSIGNMENT}/collect", {})
    assert status == 200 and json.loads(body)["success"], body
    status, body = request(teacher, f"/formgrader/api/submissions/{ASSIGNMENT}")
    assert status == 200, body
    assert [s["student"] for s in json.loads(body)] == [os.environ.get("USER", "root")]


def test_hub_snippet_gives_each_role_its_settings(tmp_path, monkeypatch):
    """jupyterhub_nbgrader.py, loaded as the hub loads it: exchange, roles, environment."""
    pytest.importorskip("classroom.runtime")
    from traitlets.config.loader import PyFileConfigLoader

    monkeypatch.setenv("NYUMON_CLASSROOM_PREFIX", str(tmp_path / "prefix"))
    monkeypatch.setenv("NYUMON_NBGRADER_EXCHANGE", str(tmp_path / "exchange"))
    config = PyFileConfigLoader(str(NBGRADER / "jupyterhub_nbgrader.py")).load_config()
    env = config.Spawner.environment.get_value({"JUPYTER_CONFIG_PATH": "/course", "A": "1"})
    assert env["A"] == "1" and env["NYUMON_NBGRADER_EXCHANGE"] == str(tmp_path / "exchange")

    class User:
        def __init__(self, admin):
            self.admin = admin

    class Spawner:
        def __init__(self, admin):
            self.user = User(admin)

    roles = tmp_path / "prefix" / "etc" / "nbgrader"
    for admin, role in ((True, "instructor"), (False, "student")):
        path = env["JUPYTER_CONFIG_PATH"](Spawner(admin)).split(os.pathsep)
        assert path == [
            str(roles / role),
            str(roles / "common"),
            str(tmp_path / "prefix" / "etc" / "jupyter"),
        ]
    if os.geteuid() == 0:  # the hub runs as root: the folders are made at start
        assert (tmp_path / "exchange").stat().st_mode & 0o777 == 0o777
        assert (roles / "student" / "jupyter_server_config.json").stat().st_mode & 0o777 == 0o644
        assert (roles / "common").stat().st_mode & 0o777 == 0o755


def test_learners_own_lab_has_no_grading_tools(tmp_path):
    """`make lab` (nbgrader may be installed with the test tools): no nbgrader there."""
    from tests.support.jupyter_server import running_lab

    with running_lab(tmp_path) as lab:
        server = (lab.url, lab.token, lab.log)
        assert request(server, "/formgrader")[0] == 404
        assert request(server, f"/assignments?course_id={COURSE_ID}")[0] == 404
        assert "@jupyter/nbgrader" in page_config(server)["disabledExtensions"]
