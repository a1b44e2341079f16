"""A learner's clone with real git: outputs stay in the files, git sees the course as shipped.

Each test makes a tiny course repository (the real tools/nbstrip.py, .gitattributes and two
chapters), clones it as a learner would, sets the filter up as `make lab` does, and then runs,
edits, pulls, stashes and resets as a learner would. Global and system git config are ignored.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from tests.support import ROOT
from tools import nbstrip, reset

CH01, CH02 = "chapters/ja/01_ja_tensors.ipynb", "chapters/ja/02_ja_autograd.ipynb"
ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "course",
    "GIT_AUTHOR_EMAIL": "course@example.invalid",
    "GIT_COMMITTER_NAME": "course",
    "GIT_COMMITTER_EMAIL": "course@example.invalid",
}


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch):
    for key in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM"):
        monkeypatch.setenv(key, ENV[key])


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(["git", *args], cwd=cwd, env=ENV, capture_output=True, text=True)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def status(cwd: Path) -> str:
    return git(cwd, "status", "--porcelain").stdout


@pytest.fixture
def course(tmp_path):
    """(upstream, learner): the course's repository and a learner's clone set up by `make lab`."""
    upstream = tmp_path / "upstream"
    for rel in ("tools/nbstrip.py", ".gitattributes", CH01, CH02):
        (upstream / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / rel, upstream / rel)
    (upstream / ".gitignore").write_text("my-notes/\n")
    git(upstream, "init", "-q", "-b", "main")
    git(upstream, "add", "-A")
    git(upstream, "commit", "-q", "-m", "course")
    learner = tmp_path / "learner"
    git(tmp_path, "clone", "-q", str(upstream), str(learner))
    setup = subprocess.run([sys.executable, "tools/nbstrip.py", "--install"], cwd=learner,
                           env=ENV, capture_output=True, text=True, check=True)  # fmt: skip
    assert "git" in setup.stdout  # said what it set up
    return upstream, learner


def as_run_in_jupyterlab(raw: bytes) -> dict:
    """What JupyterLab writes after Run All: outputs, counts, timing, this machine's kernel."""
    nb = json.loads(raw)
    for count, cell in enumerate(c for c in nb["cells"] if c["cell_type"] == "code"):
        cell["execution_count"] = count + 1
        cell["outputs"] = [{"name": "stdout", "output_type": "stream", "text": [f"run {count}\n"]}]
        cell["metadata"].update(
            scrolled=True,
            jupyter={"outputs_hidden": False},
            execution={"iopub.execute_input": "2026-12-04T20:00:00.000Z"},
        )
    nb["metadata"]["kernelspec"]["display_name"] = "Python 3 (ipykernel)"
    nb["metadata"]["language_info"] = {"name": "python", "version": "3.11.7"}
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nb


def save(path: Path, nb: dict) -> None:
    """A save in JupyterLab: the file, then the course's post-save hook (nyumon_outputs.py)."""
    path.write_text(nbstrip.dumps(nb), encoding="utf-8")
    nbstrip.refresh([path])


def run_and_save(learner: Path, rel: str) -> bytes:
    save(learner / rel, as_run_in_jupyterlab((learner / rel).read_bytes()))
    return (learner / rel).read_bytes()


def has_outputs(path: Path) -> bool:
    cells = json.loads(path.read_bytes())["cells"]
    return any(c.get("outputs") for c in cells)


def edit_code(path: Path, line: str) -> None:
    nb = json.loads(path.read_bytes())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    code[2]["source"] = [line]
    save(path, nb)


def update_upstream(upstream: Path, rel: str) -> None:
    nb = json.loads((upstream / rel).read_bytes())
    nb["cells"][-1]["source"].append("\n\n講座の更新で足した一文です。")
    (upstream / rel).write_text(nbstrip.dumps(nb), encoding="utf-8")
    git(upstream, "commit", "-q", "-am", "course update")


# The filter itself


@pytest.mark.parametrize(
    "path",
    sorted(p for folder in ("chapters", "solutions") for p in (ROOT / folder).glob("*/*.ipynb")),
    ids=lambda p: str(p.relative_to(ROOT)),
)  # the notebooks .gitattributes filters (test-output/ holds notebooks the tests wrote)
def test_every_shipped_notebook_is_already_as_git_sees_it(path):
    raw = path.read_bytes()
    if has_outputs(path):  # a notebook a developer ran here: its committed form is the check
        raw = git(ROOT, "cat-file", "blob", f"HEAD:{path.relative_to(ROOT).as_posix()}").stdout
        raw = raw.encode()
    assert nbstrip.clean(raw) == raw


def test_the_filter_removes_the_run_and_keeps_the_learners_work():
    shipped = (ROOT / CH01).read_bytes()
    nb = as_run_in_jupyterlab(shipped)
    assert nbstrip.clean(nbstrip.dumps(nb).encode()) == shipped
    mine = copy.deepcopy(nb)
    mine["cells"].append({"cell_type": "markdown", "id": "note", "metadata": {"tags": ["mine"]},
                          "source": "私のメモ\n二行目"})  # fmt: skip
    cleaned = json.loads(nbstrip.clean(json.dumps(mine).encode()))
    assert cleaned["cells"][-1] == {"cell_type": "markdown", "id": "note",
                                    "metadata": {"tags": ["mine"]},
                                    "source": ["私のメモ\n", "二行目"]}  # fmt: skip
    assert all(c.get("outputs", []) == [] for c in cleaned["cells"])
    assert "widgets" not in cleaned["metadata"]


@pytest.mark.parametrize("data", [b"", b"not json", b"[1, 2]", '{"a": "é"}'.encode()])
def test_what_is_not_a_notebook_passes_through_unchanged(data):
    assert nbstrip.clean(data) == data


def test_setting_the_filter_up_again_changes_nothing(course, tmp_path):
    _, learner = course
    config = (learner / ".git" / "config").read_bytes()
    assert f"filter.{nbstrip.FILTER}.clean" in git(learner, "config", "--list").stdout
    assert nbstrip.install(learner) == ""
    assert (learner / ".git" / "config").read_bytes() == config
    (tmp_path / "download").mkdir()
    assert nbstrip.install(tmp_path / "download") == ""  # not a clone: nothing to set up


# A learner's clone


def test_a_run_chapter_keeps_its_outputs_and_git_status_stays_clean(course):
    _, learner = course
    run_and_save(learner, CH01)
    assert has_outputs(learner / CH01)
    assert status(learner) == ""
    assert status(learner / "chapters" / "ja") == ""  # git runs the filter from the top
    assert git(learner, "diff").stdout == ""


def test_without_the_post_save_step_git_would_call_a_run_chapter_modified(course):
    """Why the lab's post-save hook exists: git compares sizes before content."""
    _, learner = course
    nb = as_run_in_jupyterlab((learner / CH01).read_bytes())
    (learner / CH01).write_text(nbstrip.dumps(nb), encoding="utf-8")
    assert status(learner) == " M chapters/ja/01_ja_tensors.ipynb\n"
    assert git(learner, "diff").stdout == ""  # only the size differs, not git's view
    assert nbstrip.refresh([learner / CH01]) == [learner / CH01]
    assert status(learner) == ""


def test_pull_brings_an_update_to_a_chapter_the_learner_ran(course):
    upstream, learner = course
    run_and_save(learner, CH01)
    ran_02 = run_and_save(learner, CH02)
    update_upstream(upstream, CH01)
    done = git(learner, "pull", "--ff-only", check=False)
    assert done.returncode == 0, done.stderr
    # The updated chapter is now exactly the new version, without the old run's outputs ...
    assert (learner / CH01).read_bytes() == (upstream / CH01).read_bytes()
    # ... and a chapter the update did not touch keeps its outputs.
    assert (learner / CH02).read_bytes() == ran_02 and has_outputs(learner / CH02)
    assert status(learner) == ""


def test_an_edited_chapter_blocks_pull_until_it_is_reset(course):
    upstream, learner = course
    run_and_save(learner, CH01)
    edit_code(learner / CH01, "x = 42  # 自分で書き換えた行\n")
    mine = (learner / CH01).read_bytes()
    assert status(learner) == " M chapters/ja/01_ja_tensors.ipynb\n"
    assert "x = 42" in git(learner, "diff").stdout and "run 0" not in git(learner, "diff").stdout
    update_upstream(upstream, CH01)
    refused = git(learner, "pull", "--ff-only", check=False)
    assert refused.returncode != 0 and "would be overwritten" in refused.stderr

    said = reset.reset(learner, "01", now=datetime(2026, 12, 4, 20, 15, 30))
    kept = learner / "my-notes" / "ja" / "01_ja_tensors-20261204-201530.ipynb"
    assert kept.read_bytes() == mine
    assert "my-notes/ja/01_ja_tensors-20261204-201530.ipynb" in said[0]
    assert "Reload Notebook from Disk" in said[-1]
    assert status(learner) == ""
    assert git(learner, "pull", "--ff-only", check=False).returncode == 0
    assert (learner / CH01).read_bytes() == (upstream / CH01).read_bytes()


def test_stash_keeps_the_outputs_of_chapters_it_does_not_stash(course):
    _, learner = course
    ran_01 = run_and_save(learner, CH01)
    run_and_save(learner, CH02)
    edit_code(learner / CH02, "y = 7\n")
    git(learner, "stash", "-q")
    assert (learner / CH01).read_bytes() == ran_01
    assert (learner / CH02).read_bytes() == (ROOT / CH02).read_bytes()
    git(learner, "stash", "pop", "-q")
    # The stash holds git's view: the edit comes back, the outputs of the stashed chapter do not.
    assert "y = 7" in (learner / CH02).read_text(encoding="utf-8")
    assert not has_outputs(learner / CH02)
    assert (learner / CH01).read_bytes() == ran_01


# make reset


def test_reset_of_an_unchanged_chapter_copies_nothing(course):
    _, learner = course
    said = reset.reset(learner, "2")
    assert len(said) == 1 and "already as shipped" in said[0]
    assert not (learner / "my-notes").exists()


def test_reset_of_one_notebook_puts_back_outputs_and_staged_edits(course):
    _, learner = course
    run_and_save(learner, CH02)
    edit_code(learner / CH02, "z = 1\n")
    git(learner, "add", CH02)
    said = reset.reset(learner, CH02, now=datetime(2026, 1, 2, 3, 4, 5))
    assert (learner / CH02).read_bytes() == (ROOT / CH02).read_bytes()
    assert (learner / "my-notes/ja/02_ja_autograd-20260102-030405.ipynb").is_file()
    assert status(learner) == "", said


@pytest.mark.parametrize("chapter", ["99", "tensors", "../outside.ipynb"])
def test_reset_names_what_it_cannot_find(course, chapter):
    _, learner = course
    with pytest.raises(reset.ResetError, match=r"not found|There is no chapter"):
        reset.reset(learner, chapter)
