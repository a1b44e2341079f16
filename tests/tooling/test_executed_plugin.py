"""``tests/support/executed.py``: the notebooks nbval ran, kept with their outputs for the book."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pytest

from tests.support import ROOT

CELLS = [
    "print('hello')",
    "handle = display({'text/plain': 'first picture'}, raw=True, display_id=True)",
    "handle.update({'text/plain': 'last picture'}, raw=True)\n6 * 7",
]


def run_nbval(tmp_path, env_value):
    suite = tmp_path / "suite"
    suite.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# tiny")]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    path = suite / "tiny.ipynb"
    nbformat.write(nb, path)
    before = path.read_bytes()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("NYUMON_EXECUTED_DIR", None)
    if env_value:
        env["NYUMON_EXECUTED_DIR"] = env_value
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    command = [sys.executable, "-m", "pytest", "-p", "nbval.plugin", "-p", "no:cacheprovider"]
    command += ["-p", "tests.support.nbval_kernel", "-p", "tests.support.executed"]
    command += ["--nbval-lax", "--nbval-current-env", "--rootdir", str(tmp_path), str(path)]
    done = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert path.read_bytes() == before, "the notebook nbval read is never changed"
    return tmp_path / "executed" / "suite" / "tiny.ipynb"


@pytest.mark.notebooks  # a real kernel: left out of make check
def test_each_cell_keeps_its_outputs_and_a_display_its_last_update(tmp_path):
    copy = run_nbval(tmp_path, "executed")
    nb = nbformat.read(copy, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.source for c in code] == CELLS
    assert [c.execution_count for c in code] == [1, 2, 3]
    assert code[0].outputs[0]["text"] == "hello\n"
    assert code[1].outputs[0]["data"]["text/plain"] == "last picture"
    assert code[2].outputs[0]["data"]["text/plain"] == "42"
    assert code[2].outputs[0]["execution_count"] == 3
    nbformat.validate(nb)
    assert "".join(json.loads(copy.read_text())["cells"][0]["source"]) == "# tiny"


@pytest.mark.notebooks  # a real kernel: left out of make check
def test_nothing_is_written_without_the_setting(tmp_path):
    assert not run_nbval(tmp_path, "").exists()
    assert not (tmp_path / "executed").exists()
