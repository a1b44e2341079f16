"""Saving in the course's JupyterLab: course notebooks keep the learner's edits, not the run.

The server here serves a scratch copy of the course layout, so the repository is never
written; saves go through the real contents API and the configured pre-save hook.
"""

from __future__ import annotations

import copy
import json
import shutil

import pytest

from tests.support.jupyter_server import ROOT, api, running_lab

pytestmark = pytest.mark.server
CHAPTER = "chapters/ja/01_tensors.ipynb"
SOLUTION = "solutions/en/02_autograd.ipynb"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lab-saving")
    root = tmp / "course"
    for path in (CHAPTER, SOLUTION):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / path, root / path)
    (root / "my-notes").mkdir()
    with running_lab(tmp, root=root) as lab:
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


@pytest.mark.parametrize("path", [CHAPTER, SOLUTION])
def test_a_course_notebook_run_and_saved_is_byte_identical(lab, path):
    server, root = lab
    save(server, path, as_run_in_jupyterlab(fetch(server, path)))
    assert (root / path).read_bytes() == (ROOT / path).read_bytes()


def test_a_learners_edit_is_saved_but_not_the_outputs(lab):
    server, root = lab
    nb = as_run_in_jupyterlab(fetch(server, CHAPTER))
    code = next(c for c in nb["cells"] if c["cell_type"] == "code" and c["source"])
    code["source"] = "x = 42  # 自分で書き換えた行\n"
    nb["cells"].append({"cell_type": "markdown", "id": "my-note", "metadata": {"tags": ["mine"]},
                        "source": "私のメモ"})  # fmt: skip
    save(server, CHAPTER, nb)
    saved = json.loads((root / CHAPTER).read_text(encoding="utf-8"))
    sources = ["".join(c["source"]) for c in saved["cells"]]
    assert "x = 42  # 自分で書き換えた行\n" in sources and sources[-1] == "私のメモ"
    assert saved["cells"][-1]["metadata"] == {"tags": ["mine"]}  # the learner's own metadata
    for cell in saved["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
            assert cell["metadata"] == {}, cell["metadata"]
    assert "widgets" not in saved["metadata"]
    assert saved["metadata"]["language_info"] == {"name": "python"}


def test_a_notebook_outside_the_course_folders_keeps_its_outputs(lab):
    server, root = lab
    nb = as_run_in_jupyterlab(fetch(server, CHAPTER))
    save(server, "my-notes/01_with_outputs.ipynb", nb)
    saved = json.loads((root / "my-notes/01_with_outputs.ipynb").read_text(encoding="utf-8"))
    outputs = [c["outputs"] for c in saved["cells"] if c["cell_type"] == "code"]
    assert outputs and all(o and o[0]["text"] for o in outputs)
    assert saved["metadata"]["language_info"]["version"] == "3.11.7"
