"""Run nbgrader's commands in this process, as nbgrader's own tests do (`run_nbgrader`).

(This helper lives in tests/support/ so that no test helper named like a real package, such
as jupyter_server, sits in tests/, which pytest puts first on sys.path.)
"""

from __future__ import annotations

import io
import logging
import os
import sys
from pathlib import Path

import pytest

pytest.importorskip("jupyter_server.utils")
apps = pytest.importorskip("nbgrader.apps", reason="pip install -e '.[nbgrader]'")

from jupyter_core.application import NoStart  # noqa: E402 (after the skips above)
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
