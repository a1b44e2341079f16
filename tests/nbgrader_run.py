"""Run nbgrader's commands in this process, as nbgrader's own tests do (`run_nbgrader`).

Importing nbgrader here, not in each test file: pytest puts tests/ first on sys.path, where
tests/jupyter_server.py (a helper) would shadow the real jupyter_server package that
nbgrader imports, so the real one is imported first with tests/ out of the way.
"""

from __future__ import annotations

import io
import logging
import os
import sys
from pathlib import Path

import pytest

_tests_dir = Path(__file__).resolve().parent
_saved_path = sys.path[:]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _tests_dir]
try:
    pytest.importorskip("jupyter_server.utils")
    apps = pytest.importorskip("nbgrader.apps", reason="pip install -e '.[nbgrader]'")
finally:
    sys.path[:] = _saved_path

from jupyter_core.application import NoStart  # noqa: E402
from nbgrader.api import Gradebook  # noqa: E402

__all__ = ["BIN", "COURSE_ID", "Gradebook", "nbgrader"]

BIN = str(Path(sys.executable).parent)  # nbgrader runs `alembic` from PATH
COURSE_ID = "pytorch-nyumon"


def nbgrader(*args: str, cwd: Path, retcode: int = 0) -> str:
    """Run `nbgrader ARGS` in folder `cwd` and return its log; check its exit code."""
    app = apps.NbGraderApp.instance()
    log = io.StringIO()
    old_cwd, old_path = Path.cwd(), os.environ["PATH"]
    os.chdir(cwd)
    os.environ["PATH"] = f"{BIN}{os.pathsep}{old_path}"
    try:
        app.initialize(list(args))
        app.init_logging(logging.StreamHandler, [log], color=False, subapps=True)
        app.start()
        code = 0
    except NoStart:
        code = 0
    except SystemExit as exit:
        code = exit.code
    finally:
        app.reset()
        os.chdir(old_cwd)
        os.environ["PATH"] = old_path
    out = log.getvalue()
    assert code == retcode, f"nbgrader {' '.join(args)} exited {code}:\n{out}"
    return out
