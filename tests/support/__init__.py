"""What several test files (and bench/) share: servers, fixtures, reference answers.

- ``jupyter_server``: the course's real JupyterLab for server and browser tests.
- ``browser``: Chromium through Playwright, and the JupyterLab page steps the tests reuse.
- ``nbval_kernel``: nbval's kernels on private sockets (a pytest plugin, see ../../conftest.py).
- ``nbgrader_run``: nbgrader's commands run in-process.
- ``polling``: waiting on background threads without fixed sleeps.
- ``reference``: right answers to the homework (chapter 08), used by tests and bench.
- ``backends``: the forced CPU backends the verdict tests re-run under.

``ROOT`` is the repository's folder, for test files at any depth of tests/.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
