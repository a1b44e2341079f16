"""nbgrader under the real classroom hub: a student fetches and submits through her own
server, the instructor (a hub admin) grades in his, over a shared exchange on one machine.

Needs what tests/classroom needs (root, ``python -m classroom setup``; without them it skips,
or fails under ``NYUMON_REQUIRE_CLASSROOM=1``) and nbgrader in the course runtime (without
it, it skips: the runtime installs nbgrader only if classroom/runtime.py is told to).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from classroom import runtime
from tests.classroom.hub import NBGRADER, instructor, require, running_hub
from tests.classroom.hub import run_ok as run
from tests.classroom.hub import server_call as call
from tests.support.jupyter_server import ROOT

pytestmark = pytest.mark.classroom
COURSE_ID = "pytorch-nyumon"
ASSIGNMENT = "01_tensors_en"
NOTEBOOK = f"{ASSIGNMENT}/01_tensors.ipynb"


def max_points() -> float:
    """What the generated assignment is worth: its graded cells' points."""
    notebook = json.loads((ROOT / "classroom" / "nbgrader" / "source" / NOTEBOOK).read_text())
    grades = [cell["metadata"].get("nbgrader", {}) for cell in notebook["cells"]]
    return float(sum(g.get("points", 0) for g in grades if g.get("grade")))


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    paths = runtime.Paths.from_env()
    if os.geteuid() != 0:
        require("the classroom hub creates OS accounts: run the tests as root")
    if not (paths.venv / "bin" / "nbgrader").exists():  # a plain skip: optional in the runtime
        pytest.skip(f"no nbgrader in the course runtime {paths.venv}: pip install it there")
    try:
        runtime.setup()
    except runtime.SetupError as error:
        require(str(error))
    exchange = Path(tempfile.mkdtemp(prefix="nyumon-exchange-"))  # students must reach it
    saved = {k: os.environ.get(k) for k in ("NYUMON_HUB_CONFIG_EXTRA", "NYUMON_NBGRADER_EXCHANGE")}
    os.environ["NYUMON_HUB_CONFIG_EXTRA"] = str(ROOT / "classroom/nbgrader/jupyterhub_nbgrader.py")
    os.environ["NYUMON_NBGRADER_EXCHANGE"] = str(exchange)
    try:
        with running_hub(tmp_path_factory.mktemp("classroom-nbgrader")) as hub:
            hub.exchange = exchange
            yield hub
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(exchange, ignore_errors=True)


@pytest.fixture(scope="module")
def teacher(hub):
    return instructor(hub, ASSIGNMENT)


def test_student_fetches_submits_and_is_graded(hub, teacher):
    ana = hub.student("ana")
    ana.start_server()
    listed = call(ana, "GET", f"assignments?course_id={COURSE_ID}")
    assert listed.status_code == 200, listed.text
    assert [a["assignment_id"] for a in listed.json()["value"]] == [ASSIGNMENT]
    ids = {"course_id": COURSE_ID, "assignment_id": ASSIGNMENT}
    assert call(ana, "POST", "assignments/fetch", ids).status_code == 200
    # She answers the first exercise only (the batch of images), through the contents API.
    model = call(ana, "GET", f"api/contents/{NOTEBOOK}").json()
    cell = next(c for c in model["content"]["cells"] if "batch = None" in c["source"])
    cell["source"] = "batch = torch.zeros(16, 3, 32, 32)\n"
    saved = call(
        ana, "PUT", f"api/contents/{NOTEBOOK}", {"type": "notebook", "content": model["content"]}
    )
    assert saved.status_code == 200, saved.text
    submitted = call(ana, "POST", "assignments/submit", ids)
    assert submitted.status_code == 200 and '"success": false' not in submitted.text
    # The exchange's inbound folder cannot be listed by a student.
    out = run(ana, f"""
import os
try:
    os.listdir({str(hub.exchange / COURSE_ID / "inbound")!r})
    print("listed")
except PermissionError:
    print("refused")
""")  # fmt: skip
    assert out.strip() == "refused"
    out = run(teacher, NBGRADER + f"""
nbgrader("collect", {ASSIGNMENT!r})
print(nbgrader("autograde", {ASSIGNMENT!r}))
nbgrader("export")
print("CSV" + (Path.home() / "pytorch-nyumon-course" / "grades.csv").read_text())
""")  # fmt: skip
    assert "cheating attempt" not in out  # she owns her hand-in: the owner check passes
    rows = list(csv.DictReader(io.StringIO(out.split("CSV", 1)[1])))
    (row,) = [r for r in rows if r["student_id"] == ana.name]
    # she answers one exercise; every other one earns nothing
    assert max_points() >= 4
    assert (float(row["raw_score"]), float(row["max_score"])) == (1.0, max_points())


def test_formgrader_is_the_instructors_only(hub, teacher):
    ben = hub.student("ben")
    ben.start_server()
    assert call(ben, "GET", "formgrader").status_code == 404
    assert call(teacher, "GET", "formgrader").status_code == 200
    page = call(ben, "GET", "lab").text
    assert "@jupyter/nbgrader:create-assignment" in page  # listed among the disabled
    assert "@jupyter/nbgrader:create-assignment" not in call(teacher, "GET", "lab").text
