"""``tests/support/timing.py``: the record ``make test`` leaves for ``bench_make_test``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT


@pytest.mark.parametrize("workers", [None, 2])
def test_the_run_is_recorded_by_file_slowest_first(tmp_path, workers):
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "test_quick.py").write_text("def test_a():\n    pass\n\ndef test_b():\n    assert 0\n")
    (suite / "test_slow.py").write_text("import time\n\ndef test_c():\n    time.sleep(0.5)\n")
    record = tmp_path / "timing.json"
    env = dict(os.environ, NYUMON_TEST_TIMING=str(record), PYTHONPATH=str(ROOT))
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # quicker start: only the plugins named here
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "tests.support.timing",
        "-p",
        "no:cacheprovider",
    ]
    command += ["-p", "xdist.plugin", "-n", str(workers)] if workers else []
    done = subprocess.run(
        [*command, str(suite)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1, done.stdout + done.stderr  # test_b fails on purpose
    assert "where the time went" in done.stdout
    figures = json.loads(record.read_text())
    assert figures["tests"] == 3
    assert figures["outcomes"] == {"passed": 2, "failed": 1}
    assert figures["workers"] == (workers or 1)
    files = list(figures["files"])
    assert [Path(f).name for f in files] == ["test_slow.py", "test_quick.py"]
    assert figures["files"][files[0]] >= 0.5
    assert figures["wall_seconds"] >= 0.5
