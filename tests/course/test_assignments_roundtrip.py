"""The whole nbgrader round trip on the generated course, with nbgrader's own commands.

generate_assignment → release_assignment → fetch_assignment → submit → collect → autograde →
export → generate_feedback, for chapter 08 (in English) and chapter 02 (in Japanese), with
synthetic students:

- alice hands in the solutions (full marks);
- bob hands in the untouched stubs (zero, and no crash);
- carol does some tasks (the points of those tasks only);
- dave takes shortcuts the checks must reject (F.conv2d inside the hand-written conv,
  train_torch inside train_mine, autograd inside grad_by_hand) and rewrites a graded cell;
- eve deletes graded cells (autograde puts them back and grades them) and writes a loop
  that never ends (the cell times out; the rest of the notebook still runs).

Then the bad input: a wrong assignment name, a late submission (frank) and a notebook that
is not valid JSON (mallory) each get a clear message, and nobody else's grade changes.

The commands run in this process (as nbgrader's own tests run them), each in the folder
where a person would type it; one runs through the `nbgrader` executable.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import shutil
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.support import ROOT
from tests.support.nbgrader_run import BIN, COURSE_ID, Gradebook, nbgrader
from widgets._checks.verdict import LABELS, STUB_LEFT, TODO

COURSE_FILES = ROOT / "classroom" / "nbgrader"
HW = "08_autograd_from_scratch_en"  # chapter 08, the homework, in English
EX = "02_autograd_ja"  # chapter 02's exercises, in Japanese
NOTEBOOK = {HW: "08_autograd_from_scratch", EX: "02_autograd"}
# Seconds per cell in this test (the course uses 60; nbgrader's default is 30): a setup cell
# takes about 5 s here, and eve's endless loop costs exactly this long.
TIMEOUT = 30
pytestmark = [
    pytest.mark.notebooks,  # autograde runs every hand-in in a kernel: make test, not make check
    # nbgrader's own noise: SQLAlchemy on a rolled-back submission, nbformat on a restored cell.
    pytest.mark.filterwarnings("ignore:Object of type <Submitted"),
    pytest.mark.filterwarnings("ignore:Cell is missing an id field"),
]


class Course:
    """A course folder, an exchange and a home folder per student, all temporary."""

    def __init__(self, tmp: Path):
        self.root, self.exchange, self.homes = tmp / "course", tmp / "exchange", tmp / "home"
        self.exchange.mkdir()
        (self.root / "source").mkdir(parents=True)
        shutil.copy(COURSE_FILES / "nbgrader_config.py", self.root)
        shutil.copytree(COURSE_FILES / "nyumon_sandbox", self.root / "nyumon_sandbox")
        for name in (HW, EX):
            shutil.copytree(COURSE_FILES / "source" / name, self.root / "source" / name)
        self.logs: dict[str, str] = {}

    def exchange_flags(self, student: str | None = None) -> list[str]:
        flags = [f"--course={COURSE_ID}", f"--Exchange.root={self.exchange}"]
        if student:
            flags.append(f"--Exchange.cache={self.homes / student / '.cache'}")
        return flags

    def instructor(self, *args: str, retcode: int = 0) -> str:
        flags = self.exchange_flags() if args[0] != "db" else []
        return nbgrader(*args, *flags, cwd=self.root, retcode=retcode)

    def student(self, name: str, *args: str, retcode: int = 0) -> str:
        home = self.homes / name
        home.mkdir(parents=True, exist_ok=True)
        return nbgrader(*args, *self.exchange_flags(name), cwd=home, retcode=retcode)

    def fetch(self, name: str, assignment: str) -> Path:
        self.student(name, "fetch_assignment", assignment)
        return self.homes / name / assignment / f"{NOTEBOOK[assignment]}.ipynb"

    def submit(self, name: str, assignment: str) -> str:
        return self.student(name, "submit", assignment, f"--student={name}")

    def grades(self) -> dict[tuple[str, str], dict[str, str]]:
        """The exported CSV, by (assignment, student)."""
        self.instructor("export", "--to=grades.csv")
        with open(self.root / "grades.csv", newline="", encoding="utf-8") as f:
            return {(r["assignment"], r["student_id"]): r for r in csv.DictReader(f)}

    def passed(self, assignment: str, student: str) -> set[str]:
        """The graded cells that earned their points."""
        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}") as gb:
            nb = gb.find_submission_notebook(NOTEBOOK[assignment], assignment, student)
            return {g.name for g in nb.grades if g.score == g.max_score}

    def feedback(self, assignment: str, student: str) -> str:
        path = self.root / "feedback" / student / assignment / f"{NOTEBOOK[assignment]}.html"
        return path.read_text(encoding="utf-8")


# --- editing a fetched notebook as a student would ---------------------------------------


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def save(nb: dict, path: Path) -> None:
    path.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")


def cell_with(nb: dict, role: str, needle: str) -> dict:
    """The one answer or graded cell (by role) whose code contains `needle`."""
    found = [
        c
        for c in nb["cells"]
        if c["metadata"].get("nbgrader", {}).get("grade_id", "").startswith(role)
        and needle in "".join(c["source"])
    ]
    assert len(found) == 1, (role, needle, len(found))
    return found[0]


def solution_of(assignment: str, grade_id: str) -> str:
    """What the source notebook has between BEGIN and END SOLUTION in that answer cell."""
    nb = load(COURSE_FILES / "source" / assignment / f"{NOTEBOOK[assignment]}.ipynb")
    (text,) = ("".join(c["source"]) for c in nb["cells"] if c["id"] == grade_id)
    return text.split("### BEGIN SOLUTION\n")[1].split("### END SOLUTION")[0]


def answer(nb: dict, assignment: str, needle: str, code: str | None = None) -> None:
    """Replace an answer cell's stub: with `code`, or with the solution."""
    cell = cell_with(nb, "answer", needle)
    cell["source"] = code if code is not None else solution_of(assignment, cell["id"])


def answer_all(nb: dict, assignment: str) -> None:
    for cell in nb["cells"]:
        if cell["metadata"]["nbgrader"]["solution"]:
            cell["source"] = solution_of(assignment, cell["id"])


def delete(nb: dict, role: str, needle: str) -> None:
    nb["cells"].remove(cell_with(nb, role, needle))


# Answers of the students who do not hand in the solution.
HANG = """w = torch.tensor(1.5, requires_grad=True)
grads = []
samples = [(1.0, 2.0), (2.0, 3.0), (3.0, 7.0)]
i = 0
while i < len(samples):  # `i += 1` is missing, so this never ends
    x, y = samples[i]
    loss = (w * x - y) ** 2
    loss.backward()
    grads.append(w.grad.item())
    w.grad = None
"""
CONV_SHORTCUT = """def {name}(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return F.conv2d(x, weight, bias, stride, padding, dilation, groups)
"""
TRAIN_SHORTCUT = """def train_mine(steps, lr):
    return train_torch(steps, lr)
"""
GRAD_SHORTCUT = """def grad_by_hand(x):
    x = x.detach().requires_grad_()
    ((2 * x + 1) ** 3).sum().backward()
    return x.grad
"""

CHECKS_HW = {
    "ops": "check_tensor_ops(Tensor)",
    "backward": "check_backward(Tensor)",
    "graph": "check_draw_graph(Tensor)",
    "losses": "check_same_losses(",
    "loops": "check_conv2d(conv2d_loops)",
    "unfold": "check_conv2d(conv2d, unfold=True)",
}
CHECKS_EX = {
    "hand": "check_grad_by_hand(",
    "per_sample": "check_per_sample_grads(",
    "sgd": "check_sgd_step(",
}


def hand_in(course: Course, name: str) -> None:
    """Fetch both assignments as `name`, answer them in that student's way, submit."""
    hw, ex = course.fetch(name, HW), course.fetch(name, EX)
    nb_hw, nb_ex = load(hw), load(ex)
    if name == "alice":
        answer_all(nb_hw, HW)
        answer_all(nb_ex, EX)
    elif name == "carol":  # tasks 8.1, 8.2 and 8.5; exercise 1
        for needle in ("def __mul__", "def exp", "def __matmul__", "def __neg__"):
            answer(nb_hw, HW, needle)
        answer(nb_hw, HW, "def backward")
        answer(nb_hw, HW, "def conv2d_loops")
        answer(nb_ex, EX, "def grad_by_hand")
    elif name == "dave":  # every task, three of them by calling what they should replace
        answer_all(nb_hw, HW)
        answer(nb_hw, HW, "def train_mine", TRAIN_SHORTCUT)
        answer(nb_hw, HW, "def conv2d_loops", CONV_SHORTCUT.format(name="conv2d_loops"))
        answer(nb_hw, HW, "def conv2d(", CONV_SHORTCUT.format(name="conv2d"))
        answer(nb_ex, EX, "def grad_by_hand", GRAD_SHORTCUT)
        answer(nb_ex, EX, "for x, y in")
        # exercise 3 left as the stub, its graded cell "made to pass"
        cell_with(nb_ex, "test", CHECKS_EX["sgd"])["source"] = "pass\n"
    elif name == "eve":  # graded cells deleted; a loop that never ends
        answer_all(nb_hw, HW)
        delete(nb_hw, "test", CHECKS_HW["unfold"])  # her conv2d is right: still earns it
        answer(nb_ex, EX, "def grad_by_hand")
        answer(nb_ex, EX, "for x, y in", HANG)
        answer(nb_ex, EX, "def sgd_step")
        delete(nb_ex, "test", CHECKS_EX["sgd"])  # put back, and run after the timeout
    save(nb_hw, hw)
    save(nb_ex, ex)
    course.submit(name, HW)
    course.submit(name, EX)


STUDENTS = ("alice", "bob", "carol", "dave", "eve")
# The graded cells each student should pass.
PASSES = {
    (HW, "alice"): set(CHECKS_HW),
    (HW, "bob"): set(),
    (HW, "carol"): {"ops", "backward", "loops"},
    (HW, "dave"): {"ops", "backward", "graph"},
    (HW, "eve"): set(CHECKS_HW),
    (EX, "alice"): set(CHECKS_EX),
    (EX, "bob"): set(),
    (EX, "carol"): {"hand"},
    (EX, "dave"): {"per_sample"},
    (EX, "eve"): {"hand", "sgd"},
}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Run the round trip once; the tests below read what it left."""
    start = time.perf_counter()
    course = Course(tmp_path_factory.mktemp("nbgrader"))
    for name in (HW, EX):
        course.logs[f"generate {name}"] = course.instructor("generate_assignment", name)
        course.logs[f"release {name}"] = course.instructor("release_assignment", name)
    for name in STUDENTS:
        hand_in(course, name)
    test_flags = [f"--Execute.timeout={TIMEOUT}", "--ExchangeCollect.check_owner=False"]
    for name in (HW, EX):
        course.instructor("collect", name, *test_flags)
        grading = time.perf_counter()
        course.logs[f"autograde {name}"] = course.instructor("autograde", name, *test_flags)
        course.logs[f"autograde {name} seconds"] = f"{time.perf_counter() - grading:.1f}"
    course.first_grades = course.grades()
    for name in (HW, EX):
        course.logs[f"feedback {name}"] = course.instructor("generate_feedback", name)
    course.logs["round trip seconds"] = f"{time.perf_counter() - start:.1f}"
    return course


def ids(course: Course, assignment: str, student: str) -> set[str]:
    nb = load(course.root / "source" / assignment / f"{NOTEBOOK[assignment]}.ipynb")
    checks = CHECKS_HW if assignment == HW else CHECKS_EX
    passed = course.passed(assignment, student)
    return {key for key, needle in checks.items() if cell_with(nb, "test", needle)["id"] in passed}


def test_release_shows_the_stubs_not_the_solutions(course):
    released = load(course.root / "release" / HW / f"{NOTEBOOK[HW]}.ipynb")
    code = "\n".join("".join(c["source"]) for c in released["cells"])
    assert "BEGIN SOLUTION" not in code and "topological_order" not in code
    assert 'raise NotImplementedError("Task 8.2: write backward' in code
    assert "YOUR CODE HERE" not in code  # the stub stays; nbgrader's own is not added
    graded = [c for c in released["cells"] if c["metadata"]["nbgrader"]["grade"]]
    assert len(graded) == len(CHECKS_HW)
    assert all(c["metadata"]["editable"] is False for c in graded)


@pytest.mark.parametrize("student", [s for s in STUDENTS if s != "dave"])
@pytest.mark.parametrize("assignment", [HW, EX])
def test_scores(course, assignment, student):
    """The exported score is the number of tasks done, and the right tasks earned them."""
    row = course.first_grades[(assignment, student)]
    want = PASSES[(assignment, student)]
    assert ids(course, assignment, student) == want
    points = len(CHECKS_HW if assignment == HW else CHECKS_EX)
    assert float(row["max_score"]) == points
    assert float(row["raw_score"]) == float(row["score"]) == len(want)


@pytest.mark.parametrize("assignment", [HW, EX])
def test_shortcuts_earn_nothing(course, assignment):
    """dave's shortcuts (and his rewritten graded cell) score like tasks not done."""
    row = course.first_grades[(assignment, "dave")]
    assert ids(course, assignment, "dave") == PASSES[(assignment, "dave")]
    assert float(row["score"]) == len(PASSES[(assignment, "dave")])


def test_timeout_and_deleted_cells_show_in_the_grade(course):
    assert "Missing grade cell" in course.logs[f"autograde {HW}"]
    assert "Interrupting kernel" in course.logs[f"autograde {EX}"]
    hw, ex = course.feedback(HW, "eve"), course.feedback(EX, "eve")
    assert "was missing from the submission" in hw  # the restored cell says so
    assert "was missing from the submission" in ex
    assert "CellTimeoutError" in ex and "CellTimeoutError" not in hw


def test_feedback_speaks_the_notebooks_language(course):
    """Feedback shows the chapter's own verdict boxes and hints, in the assignment's language."""
    ja, en = course.feedback(EX, "bob"), course.feedback(HW, "bob")
    assert html.escape(STUB_LEFT.ja) in ja and html.escape(STUB_LEFT.en) not in ja
    assert LABELS[TODO].ja in ja and LABELS[TODO].en not in ja
    assert LABELS[TODO].en in en and LABELS[TODO].ja not in en
    assert "nyumon-verdict nyumon-ok" in course.feedback(HW, "alice")
    assert "nyumon-verdict nyumon-ok" not in en


def test_bad_input(course):
    """Wrong names, a late hand-in and a broken notebook: clear messages, no grade moves."""
    # A wrong assignment name, from a student and from the instructor.
    out = course.student("frank", "fetch_assignment", "02_autograd", retcode=1)
    assert "Assignment not found at" in out
    assert f"Did you mean: {course.exchange / COURSE_ID / 'outbound' / EX}\n" in out
    out = course.student("frank", "submit", "02_autograd", "--student=frank", retcode=1)
    assert f"Assignment not found at: {course.homes / 'frank' / '02_autograd'}" in out
    out = course.instructor("autograde", "02_autograd", retcode=1)
    assert "No notebooks were matched by" in out and "submitted/*/02_autograd'" in out
    # The due date passes; then frank hands in the solutions, mallory a broken file.
    due = datetime.now(timezone.utc).replace(tzinfo=None)
    course.instructor("db", "assignment", "add", EX, f"--duedate={due.isoformat()}")
    time.sleep(0.05)
    path = course.fetch("frank", EX)
    nb = load(path)
    answer_all(nb, EX)
    save(nb, path)
    course.submit("frank", EX)
    path = course.fetch("mallory", EX)
    path.write_text(path.read_text(encoding="utf-8")[:-200], encoding="utf-8")
    course.submit("mallory", EX)
    course.instructor("collect", EX, "--ExchangeCollect.check_owner=False")
    # Autograde grades only the new submissions (the others were graded before).
    log = course.instructor(
        "autograde",
        EX,
        f"--Execute.timeout={TIMEOUT}",
        "--ExchangeCollect.check_owner=False",
        retcode=1,
    )
    course.logs["autograde bad input"] = log
    assert re.search(rf"<{EX} for frank> is [0-9.]+ seconds late", log)
    assert f"error processing assignment '{EX}' for student 'mallory'" in log
    assert "Notebook does not appear to be JSON" in log
    assert "for student 'frank'" not in log  # frank's late hand-in was graded
    assert all(
        f"Skipping existing assignment: {course.root / 'autograded' / s / EX}" in log
        for s in STUDENTS
    )
    grades = course.grades()
    for (assignment, student), row in course.first_grades.items():
        now = grades[(assignment, student)]
        assert (now["raw_score"], now["score"]) == (row["raw_score"], row["score"]), student
    assert float(grades[(EX, "frank")]["raw_score"]) == len(CHECKS_EX)
    assert grades[(EX, "frank")]["timestamp"] > due.isoformat(sep=" ")
    assert float(grades[(EX, "mallory")]["score"]) == 0


def test_the_nbgrader_command_itself(course):
    """The installed `nbgrader` executable works here (as root, too) on this course."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        [str(Path(BIN) / "nbgrader"), "list", *course.exchange_flags()],
        cwd=course.root,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert HW in done.stdout + done.stderr


def test_report_times(course):
    """Not a timing test: prints the seconds spent, for the report and the bench."""
    print({k: v for k, v in course.logs.items() if k.endswith("seconds")})
