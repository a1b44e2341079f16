"""The oldest torch the course supports: one floor, said alike everywhere, and what's below it.

The floor itself runs in ``make floor`` (tools/floor_run.py: a venv with exactly these
versions, the English solutions and the widget tests); here: pyproject.toml, widgets and the
README agree on it, and ``setup()`` below it stops with one bilingual sentence (the version
string faked; a real old torch is what the floor venv has).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
import torch

import widgets._env.floor as floor
from tools import floor_run
from widgets import setup
from widgets._env.report import TESTED_RANGES, minor_version
from widgets._i18n import set_lang

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def lower_bound(name: str) -> str:
    (spec,) = [d for d in PYPROJECT["project"]["dependencies"] if re.match(rf"{name}\b", d)]
    return re.search(r">=\s*([\w.]+)", spec).group(1)


def test_pyproject_widgets_and_the_readme_state_the_same_floor():
    table = floor_run.floor()
    assert {name: table[name] for name in floor.FLOOR} == floor.FLOOR
    for name, version in floor.FLOOR.items():
        assert lower_bound(name) == version, name
        assert TESTED_RANGES[name][0] == ".".join(map(str, minor_version(version)))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"torch {floor.FLOOR['torch']}" in readme
    assert f"torchvision {floor.FLOOR['torchvision']}" in readme


def test_the_floor_run_installs_exactly_the_floor():
    table = floor_run.floor()
    assert floor_run.pins(table) == [f"{k}=={v}" for k, v in table.items() if k != "python"]
    assert "torch==" + floor.FLOOR["torch"] in floor_run.pins(table)
    assert re.fullmatch(r"3\.\d+", table["python"])


@pytest.mark.parametrize(
    "version,parts",
    [
        ("2.11.0+cpu", (2, 11, 0)),
        ("2.14.1+cu130", (2, 14, 1)),
        ("2.12.0.dev20260101", (2, 12, 0)),
        ("2.1.0a0+git1234", (2, 1, 0)),
        ("0.16.2", (0, 16, 2)),
        ("garbage", ()),
    ],
)
def test_release_reads_the_numbers_of_a_version(version, parts):
    assert floor.release(version) == parts


def test_below_the_floor_names_what_is_installed_what_is_needed_and_the_command():
    fields = floor.too_old({"torch": "2.0.1+cu118", "torchvision": "0.15.2"})
    assert fields["have"] == "torch 2.0.1+cu118 / torchvision 0.15.2"
    assert (
        fields["need"] == f"torch {floor.FLOOR['torch']} / torchvision {floor.FLOOR['torchvision']}"
    )
    assert fields["command"].startswith("%pip install -U ")
    assert f'"torch>={floor.FLOOR["torch"]}"' in fields["command"]
    # torchvision alone too old is enough; the floor itself and newer pass; absent is not judged.
    assert floor.too_old({"torch": "2.14.1", "torchvision": "0.1.0"})
    assert floor.too_old(dict(floor.FLOOR)) is None
    assert floor.too_old({"torch": "2.14.1+cpu", "torchvision": None}) is None


@pytest.fixture
def english():
    yield set_lang("en")
    set_lang("ja")


def test_setup_below_the_floor_stops_with_one_sentence_in_both_languages(monkeypatch, english):
    monkeypatch.setattr(torch, "__version__", "2.0.1")
    with pytest.raises(floor.CourseVersionError) as stopped:
        setup("en", quiet=True)
    en, ja = str(stopped.value).split("\n")
    assert en.startswith("This course needs torch ") and "but torch 2.0.1" in en
    assert "%pip install -U" in en and "restart the kernel" in en
    assert ja.startswith("この講座には torch ") and "torch 2.0.1" in ja and "%pip install -U" in ja
    # In a notebook the learner sees the sentence, not helpers' frames.
    (shown,) = stopped.value._render_traceback_()
    assert "Traceback" not in shown and "2.0.1" in shown


def test_setup_with_a_numpy_this_torch_cannot_use_says_numpy_below_2(monkeypatch, english):
    def no_numpy(array):
        raise RuntimeError("Numpy is not available")

    monkeypatch.setattr(torch, "from_numpy", no_numpy)
    with pytest.raises(floor.CourseVersionError) as stopped:
        setup("ja", quiet=True)
    ja, en = str(stopped.value).split("\n")
    assert 'pip install "numpy<2"' in ja and "NumPy 1" in ja
    assert en.startswith(f"The installed torch {torch.__version__} was built for NumPy 1")


def test_setup_passes_on_this_torch(english):
    assert floor.numpy_bridge_works()
    assert isinstance(setup("en", quiet=True), torch.device)


def test_every_test_module_collects_without_the_classroom_packages():
    """The floor and Colab-like venvs hold only ``.[lab,test]``; pytest imports every module."""
    from tests.support import without_extras

    foreign = without_extras.foreign_modules()
    assert {"nbgrader", "sqlalchemy", "alembic"} <= foreign  # installed here, not there
    assert not {"torch", "ipywidgets", "pytest", "nbval"} & foreign
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.support.without_extras",
            "--collect-only",
            "-q",
            "-m",
            "widgets",
            "tests",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert re.search(r"\b\d{2,} tests collected", done.stdout), done.stdout[-500:]
