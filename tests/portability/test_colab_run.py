"""The Colab install cell and the Colab-like run's own logic (tools/colab_run.py).

The full run (Colab's Python and pins, every notebook) is ``make colab``; here: where its pins
come from (a copy of Colab's reference files, edited), its rewriting and checks,
and the install cell's failure message, run for real in this venv's kernel with a stand-in
``google.colab`` and an unreachable URL.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools import build, colab_run
from tools.build import notebook_relpath

ROOT = Path(__file__).resolve().parents[2]


def first_code_cell(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "".join(next(c for c in nb["cells"] if c["cell_type"] == "code")["source"])


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_only_the_install_url_is_rewritten(lang):
    source = first_code_cell(ROOT / notebook_relpath("00_getting_started", lang))
    url = colab_run.install_url(Path("/tmp/clone"), "a" * 40)
    rewritten = colab_run.pointed_at(source, url)
    assert f'    url = "{url}"\n    %pip install -q "pytorch-nyumon @ {{url}}"' in rewritten
    before, after = source.splitlines(), rewritten.splitlines()
    assert [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b] == [3]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_install_cell_stays_inside_the_box(lang):
    """Issue 29: no line of the first cell runs past a code cell's ~88 columns (CJK: two)."""
    source = first_code_cell(ROOT / build.notebook_relpath("00_getting_started", lang))
    too_long = [line for line in source.splitlines() if build.columns(line) > build.CELL_COLUMNS]
    assert too_long == []


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
    message = f"{build.INSTALL_FAILED('en')}\n{build.INSTALL_FAILED('ja')}"
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

    source = first_code_cell(ROOT / notebook_relpath("00_getting_started", lang))
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


@pytest.mark.parametrize("runner", ["colab_run", "floor_run"])
def test_prepare_needs_only_the_standard_library(runner):
    """CI starts ``python3 -m tools.<runner> --prepare`` before the project's venv exists, with
    the system Python: importing it must need nothing outside the standard library."""
    code = f"import sys; sys.argv = ['x', '--help']; import tools.{runner}"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-S", "-c", code], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr


# -- the environment comes from Colab's reference files ---------------------------------------


@pytest.fixture
def reference(tmp_path, monkeypatch) -> Path:
    """A copy of Colab's reference files that a test may edit, found through the override."""
    copy = tmp_path / "reference"
    copy.mkdir()
    for name in (colab_run.FREEZE, colab_run.OS_INFO):
        shutil.copy(colab_run.reference_dir() / name, copy / name)
    monkeypatch.setenv(colab_run.REFERENCE_ENV, str(copy))
    return copy


def replace_line(path: Path, start: str, line: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [i for i, old in enumerate(lines) if old.startswith(start)]
    assert len(hits) == 1, (start, hits)
    lines[hits[0]] = line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def pins_of(reference: Path) -> dict[str, str]:
    return dict(p.split("==", 1) for p in colab_run.requirements(reference))


def test_every_pinned_package_gets_colab_s_version_in_order(reference):
    wanted = colab_run.requirements(colab_run.reference_dir())
    assert [p.split("==")[0] for p in wanted] == list(colab_run.PINNED)
    frozen = (reference / colab_run.FREEZE).read_text(encoding="utf-8").lower()
    for pin in wanted:  # each pin is Colab's line, or its +cpu wheel's version
        name, version = pin.split("==")
        assert f"=={version}" in frozen or f"{name}-{version}%2bcpu" in frozen, pin


def test_changing_the_torch_pin_changes_what_is_installed(reference):
    before = colab_run.requirements(reference)
    url = "https://download.pytorch.org/whl/cpu/torch-2.10.0%2Bcpu-cp313-cp313-manylinux_2_28_x86_64.whl"
    replace_line(reference / colab_run.FREEZE, "torch @ ", f"torch @ {url}")
    replace_line(reference / colab_run.FREEZE, "numpy==", "numpy==2.0.2")
    after = colab_run.requirements(colab_run.reference_dir())  # found through the override
    changed = {"torch": "torch==2.10.0", "numpy": "numpy==2.0.2"}
    assert after == [changed.get(p.split("==")[0], p) for p in before]
    assert after != before and pins_of(reference)["torch"] == "2.10.0"
    # The venv built from the old pins is not reused for the new ones.
    marker = {"python": "3.13", "packages": before, "build_seconds": 1.0}
    assert colab_run.same_venv(marker, {"python": "3.13", "packages": before})
    assert not colab_run.same_venv(marker, {"python": "3.13", "packages": after})


def test_the_python_version_comes_from_colab_s_os_info(reference):
    assert re.fullmatch(r"3\.\d+", colab_run.colab_python(reference))
    replace_line(reference / colab_run.OS_INFO, "Python ", "Python 3.14.2")
    assert colab_run.colab_python(reference) == "3.14"


def test_freeze_lines_torch_cpu_wheels_and_unpinnable_urls():
    text = "\n".join(
        [
            "# a comment",
            "Jupyter_Client==7.4.9",
            "torchvision @ https://download.pytorch.org/whl/cpu/torchvision-0.26.0%2Bcpu-cp313-cp313-manylinux_2_28_x86_64.whl",
            "google-colab @ file:///colabtools/dist/google_colab-1.0.0.tar.gz",
            "kernel_gateway @ git+https://example.invalid/kg@b134e99",
            "-e git+https://example.invalid/x#egg=x",
            "",
        ]
    )
    assert colab_run.freeze_versions(text) == {"jupyter-client": "7.4.9", "torchvision": "0.26.0"}


def test_a_reference_without_a_pinned_package_stops_with_its_name(reference):
    replace_line(reference / colab_run.FREEZE, "ipywidgets==", "# ipywidgets removed")
    with pytest.raises(SystemExit, match="pins no version of ipywidgets"):
        colab_run.requirements(reference)


def test_missing_reference_files_stop_with_where_they_were_looked_for(tmp_path, monkeypatch):
    monkeypatch.setenv(colab_run.REFERENCE_ENV, str(tmp_path))
    with pytest.raises(SystemExit) as stopped:
        colab_run.reference_dir()
    assert colab_run.FREEZE in str(stopped.value) and str(tmp_path) in str(stopped.value)
    assert colab_run.REFERENCE_ENV in str(stopped.value)


def test_without_the_override_the_reference_is_looked_for_above_the_repository(
    reference, tmp_path, monkeypatch
):
    monkeypatch.delenv(colab_run.REFERENCE_ENV)
    shared = tmp_path / "work" / "shared"
    shutil.copytree(reference, shared / "reference")
    for root in (tmp_path / "work" / "clone", tmp_path / "work" / "wt" / "colab"):
        monkeypatch.setattr(colab_run, "ROOT", root)  # CI's clone; a git worktree one level down
        assert colab_run.reference_dir() == shared / "reference"
    monkeypatch.setattr(colab_run, "ROOT", tmp_path / "elsewhere" / "clone")
    with pytest.raises(SystemExit, match="not found"):
        colab_run.reference_dir()


def test_japanese_chapters_and_english_solutions_run_by_default():
    names = [colab_run.notebook_name(p) for p in colab_run.selected(ROOT, [])]
    chapters = sorted(p.name for p in (ROOT / "chapters" / "src").glob("*.nb"))
    assert len(chapters) >= 11
    expected = [notebook_relpath(c[:-3], "ja") for c in chapters]
    expected += [notebook_relpath(c[:-3], "en", solution=True) for c in chapters]
    assert names == expected
    asked = colab_run.selected(ROOT, [ROOT / notebook_relpath("01_tensors", "ja", solution=True)])
    assert [colab_run.notebook_name(p) for p in asked] == ["solutions/ja/01_ja_tensors.ipynb"]


def test_what_the_pins_pull_in_is_constrained_to_colab_s_versions_too(reference):
    pinned = colab_run.constraints(reference)
    frozen = colab_run.freeze_versions((reference / colab_run.FREEZE).read_text(encoding="utf-8"))
    assert f"pyparsing=={frozen['pyparsing']}" in pinned  # under matplotlib, not in PINNED
    assert f"torch=={frozen['torch']}" in pinned and "notebook" in "".join(pinned)
    # PyPI's CUDA build of torch brings its own CUDA libraries: Colab's don't constrain them.
    assert not [c for c in pinned if c.startswith(colab_run.CUDA_BUILD_ONLY)]
    replace_line(reference / colab_run.FREEZE, "pyparsing==", "pyparsing==3.0.0")
    assert "pyparsing==3.0.0" in colab_run.constraints(reference)
