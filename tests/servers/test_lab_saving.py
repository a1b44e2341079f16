"""Saving in the course's JupyterLab: the run stays in the notebook, git sees the course as shipped.

The server serves a scratch git clone of a tiny course (the real tools/nbstrip.py,
.gitattributes and a chapter and a solution), set up as `make lab` does, so the repository is
never written; saves go through the real contents API and the course's post-save hook.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.support.jupyter_server import ROOT, api, running_lab

pytestmark = pytest.mark.server
CHAPTER = "chapters/ja/01_ja_tensors.ipynb"
SOLUTION = "solutions/en/02_en_autograd.ipynb"
GIT_ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(root, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, env=GIT_ENV, capture_output=True,
                          text=True, check=True).stdout  # fmt: skip


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lab-saving")
    root = tmp / "course"
    for path in (CHAPTER, SOLUTION, "tools/nbstrip.py", ".gitattributes"):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / path, root / path)
    (root / ".gitignore").write_text("my-notes/\n.ipynb_checkpoints/\n*.egg-info/\n")
    (root / "my-notes").mkdir()
    (root / "pytorch_nyumon.egg-info").mkdir()  # what `pip install -e .` leaves
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=c", "-c", "user.email=c@example.invalid", "commit", "-qm", "c")
    subprocess.run([sys.executable, "tools/nbstrip.py", "--install"], cwd=root, env=GIT_ENV,
                   check=True, capture_output=True)  # fmt: skip
    git_only_here = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    with running_lab(tmp, root=root, env=git_only_here) as lab:
        yield lab, root


def as_run_in_jupyterlab(nb: dict) -> dict:
    """What JupyterLab sends on save after Run All: outputs, counts, this machine's kernel."""
    nb = copy.deepcopy(nb)
    count = 0
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            count += 1
            cell["execution_count"] = count
            cell["outputs"] = [
                {"name": "stdout", "output_type": "stream", "text": [f"run {count}\n"]}
            ]
            cell["metadata"].update(scrolled=True, jupyter={"outputs_hidden": False})
    nb["metadata"]["kernelspec"]["display_name"] = "Python 3 (ipykernel)"
    nb["metadata"]["language_info"] = {
        "name": "python",
        "version": "3.11.7",
        "mimetype": "text/x-python",
    }
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nb


def save(server, path: str, nb: dict) -> None:
    api(server, f"/api/contents/{path}", method="PUT",
        body={"type": "notebook", "format": "json", "content": nb})  # fmt: skip


def fetch(server, path: str) -> dict:
    return api(server, f"/api/contents/{path}?content=1")["content"]


def outputs(nb: dict) -> list:
    return [c["outputs"] for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("path", [CHAPTER, SOLUTION])
def test_a_run_notebook_keeps_its_outputs_and_git_status_stays_clean(lab, path):
    server, root = lab
    save(server, path, as_run_in_jupyterlab(fetch(server, path)))
    reopened = fetch(server, path)  # what a reload or a reopened tab shows
    assert outputs(reopened) and all(o and o[0]["text"] for o in outputs(reopened))
    assert git(root, "status", "--porcelain") == ""
    assert git(root, "diff") == ""


def test_a_learners_edit_is_what_git_sees_and_the_outputs_are_not(lab):
    server, root = lab
    nb = as_run_in_jupyterlab(fetch(server, CHAPTER))
    code = next(c for c in nb["cells"] if c["cell_type"] == "code" and c["source"])
    code["source"] = "x = 42  # 自分で書き換えた行\n"
    save(server, CHAPTER, nb)
    try:
        assert git(root, "status", "--porcelain") == f" M {CHAPTER}\n"
        diff = git(root, "diff")
        assert "x = 42" in diff and "run 1" not in diff and "3.11.7" not in diff
    finally:
        save(server, CHAPTER, json.loads((ROOT / CHAPTER).read_text(encoding="utf-8")))
    assert git(root, "status", "--porcelain") == ""


def test_save_as_into_my_notes_keeps_the_outputs(lab):
    server, root = lab
    nb = as_run_in_jupyterlab(fetch(server, CHAPTER))
    save(server, "my-notes/01_with_outputs.ipynb", nb)
    saved = json.loads((root / "my-notes/01_with_outputs.ipynb").read_text(encoding="utf-8"))
    assert outputs(saved) and all(o and o[0]["text"] for o in outputs(saved))
    assert saved["metadata"]["language_info"]["version"] == "3.11.7"
    assert git(root, "status", "--porcelain") == ""  # my-notes/ is git's to ignore


def test_the_server_starts_without_the_save_hook_warning(lab):
    server, _ = lab
    log = server.log.read_text()
    assert "nyumon_outputs" in log  # the extension that tells git after each save was loaded
    assert "Overriding existing" not in log


def test_the_file_browser_hides_what_installing_left(lab):
    server, root = lab
    names = {item["name"] for item in api(server, "/api/contents/")["content"]}
    assert (root / "pytorch_nyumon.egg-info").is_dir()
    assert "pytorch_nyumon.egg-info" not in names
    assert {"chapters", "solutions", "my-notes"} <= names
