"""The commit hooks (.pre-commit-config.yaml): valid, aimed at the right files, and passing."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import yaml

from tests.support import ROOT

CONFIG = ROOT / ".pre-commit-config.yaml"
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


def hooks() -> dict[str, dict]:
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    return {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}


def test_the_config_is_valid():
    done = subprocess.run(
        [*PRE_COMMIT, "validate-config", str(CONFIG)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_each_hook_runs_a_tool_of_the_venv():
    """No hook downloads anything at commit time: each calls what `make` installed."""
    for hook in hooks().values():
        assert hook["language"] == "unsupported", hook["id"]
        assert hook["entry"].startswith(".venv/bin/"), hook["id"]
        assert (ROOT / hook["entry"].split()[0]).name in {"ruff", "python"}


@pytest.mark.parametrize(
    "hook,changed,runs",
    [
        ("build-check", "chapters/src/01_tensors.nb", True),
        ("build-check", "chapters/en/01_en_tensors.ipynb", True),
        ("build-check", "README.md", True),
        ("build-check", "tools/build.py", True),
        ("build-check", "widgets/_setup.py", False),
        ("assignments-check", "chapters/src/08_autograd_from_scratch.nb", True),
        ("assignments-check", "tools/assignments.py", True),
        ("assignments-check", "classroom/nbgrader/source/01_tensors_en/01_tensors.ipynb", True),
        ("assignments-check", "README.md", False),
    ],
)
def test_the_generated_file_checks_run_when_their_inputs_change(hook, changed, runs):
    assert (ROOT / changed).exists(), changed  # the example must be a real path
    assert bool(re.search(hooks()[hook]["files"], changed)) is runs


def test_the_hooks_pass_on_the_committed_files(tmp_path):
    files = ["README.md", "chapters/src/01_tensors.nb", "tools/build.py", "widgets/_validate.py"]
    done = subprocess.run(
        [*PRE_COMMIT, "run", "--files", *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PRE_COMMIT_HOME": str(tmp_path)},  # pre-commit's cache: none kept
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("Passed") == len(hooks()), done.stdout
