"""The Colab install cell and the Colab-like run's own logic (tools/colab_run.py).

The full run (Python 3.12, every chapter) is ``make colab``; here: its rewriting and checks,
and the install cell's failure message, run for real in this venv's kernel with a stand-in
``google.colab`` and an unreachable URL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import build
import colab_run

ROOT = Path(__file__).resolve().parents[1]


def first_code_cell(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "".join(next(c for c in nb["cells"] if c["cell_type"] == "code")["source"])


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_only_the_install_url_is_rewritten(lang):
    source = first_code_cell(ROOT / "chapters" / lang / "00_getting_started.ipynb")
    url = colab_run.install_url(Path("/tmp/clone"), "a" * 40)
    rewritten = colab_run.pointed_at(source, url)
    assert f'%pip install -q "pytorch-nyumon @ {url}"' in rewritten
    before, after = source.splitlines(), rewritten.splitlines()
    assert [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b] == [3]


def test_install_url_is_a_git_url_every_pip_accepts():
    url = colab_run.install_url(Path("/tmp/clone"), "0123abcd" * 5)
    # pip < 24 rejects "name @ git+file:///path" (no host): localhost keeps the name @ form.
    assert url == "git+file://localhost/tmp/clone@" + "0123abcd" * 5


def test_a_cell_without_the_configured_install_is_refused():
    with pytest.raises(SystemExit, match="does not install"):
        colab_run.pointed_at("import sys\n%pip install -q other", "git+file:///x")


def test_missing_python_fails_with_a_message(monkeypatch, tmp_path):
    monkeypatch.setenv("NYUMON_COLAB_PYTHON", str(tmp_path / "no-python"))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SystemExit) as stopped:
        colab_run.find_python("3.99")
    assert "Python 3.99 not found" in str(stopped.value)
    assert "NYUMON_COLAB_PYTHON" in str(stopped.value)


def test_changed_packages_lists_only_what_colab_ships_and_changed():
    base = {"ipython": "7.34.0", "torch": "2.14.1"}
    now = {"ipython": "9.18.1", "torch": "2.14.1", "torchviz": "0.0.3"}
    assert colab_run.changed_packages(base, now) == {"ipython": "ipython==7.34.0"}


def error_output(ename: str, evalue: str) -> dict:
    return {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": []}


def test_failed_install_check_wants_the_course_message_in_both_languages():
    message = f"{build.INSTALL_FAILED['en']}\n{build.INSTALL_FAILED['ja']}"
    assert colab_run.failed_install_problem([error_output("RuntimeError", message)], "en") is None
    bare = [error_output("ModuleNotFoundError", "No module named 'widgets'")]
    assert "No module named" in colab_run.failed_install_problem(bare, "en")
    assert "did not fail" in colab_run.failed_install_problem([], "ja")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_failed_install_stops_with_the_bilingual_message(lang, tmp_path):
    """The real cell, a real kernel and pip, an unreachable URL: the course's message, first."""
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    source = first_code_cell(ROOT / "chapters" / lang / "00_getting_started.ipynb")
    colab = "import sys, types\nsys.modules['google.colab'] = types.ModuleType('google.colab')"
    cell = colab_run.pointed_at(source, colab_run.UNREACHABLE)
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(colab), nbformat.v4.new_code_cell(cell)]
    )
    km = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=str(tmp_path / "kernel"))
    client = NotebookClient(nb, km=km, timeout=120)  # ipc: no TCP port to lose to a race
    with pytest.raises(CellExecutionError):
        client.execute(cwd=str(tmp_path), env={**os.environ, "PIP_NO_INPUT": "1"})
    outputs = nb.cells[1].outputs
    assert colab_run.failed_install_problem(outputs, lang) is None, outputs
    printed = "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")
    assert "nonexistent" in printed  # pip's own error stays visible above the message


def test_prepare_needs_only_the_standard_library():
    """CI starts ``--prepare`` before the project's venv exists, with the system Python."""
    code = "import sys; sys.argv = ['x', '--help']; import colab_run"
    done = subprocess.run(
        [sys.executable, "-S", "-c", code],
        cwd=ROOT / "tools",
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "tools")},
    )
    assert done.returncode == 0, done.stderr
