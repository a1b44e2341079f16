"""Run the widget tests against ipywidgets 7.7.1, the version Google Colab ships.

    python -m tools.ipywidgets7_run [extra pytest arguments]

Installs ipywidgets 7.7.1 and the packages it pins (``--no-deps``) into ``.venv/ipywidgets7``
once, then runs ``pytest -m widgets tests`` in a fresh interpreter with that folder first on
``PYTHONPATH``. Inside that run a plugin checks ``ipywidgets.__version__`` before any test, so
a run that silently picked up ipywidgets 8 fails. The exit code is pytest's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / ".venv" / "ipywidgets7"
VERSION = "7.7.1"
# What ipywidgets 7.7.1 requires beyond the venv: its own pins, and ipython_genutils,
# which 7.x imports and 8.x dropped.
PACKAGES = [
    f"ipywidgets=={VERSION}",
    "widgetsnbextension~=3.6.0",
    "jupyterlab_widgets>=1.0,<2",
    "ipython_genutils==0.2.0",
]
# ipywidgets 7 opens comms through ipykernel's old Comm class, which new ipykernels
# deprecate; Colab's older ipykernel does not warn. Not our code, so not an error here.
IGNORE = "ignore:The `ipykernel.comm.Comm` class has been deprecated:DeprecationWarning"


def installed_version() -> str | None:
    for info in TARGET.glob("ipywidgets-*.dist-info"):
        return info.name.removeprefix("ipywidgets-").removesuffix(".dist-info")
    return None


def install() -> None:
    if installed_version() == VERSION:
        return
    print(f"installing ipywidgets {VERSION} into {TARGET.relative_to(ROOT)}", flush=True)
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--upgrade", "--no-deps"]
    subprocess.run([*pip, "--target", str(TARGET), *PACKAGES], check=True)


class RequireVersion:
    """Pytest plugin: stop the run unless the imported ipywidgets is the expected one."""

    def pytest_sessionstart(self, session) -> None:
        import ipywidgets
        import pytest

        where = Path(ipywidgets.__file__).parent
        print(f"ipywidgets {ipywidgets.__version__} from {where}", flush=True)
        if ipywidgets.__version__ != VERSION:
            pytest.exit(f"expected ipywidgets {VERSION}, imported {ipywidgets.__version__}", 3)


def run_pytest(args: list[str]) -> int:
    """Called in the child interpreter, where TARGET (PYTHONPATH) precedes site-packages."""
    import pytest

    os.chdir(ROOT)  # `python -m` put the folder it started in (ROOT) first on sys.path
    return pytest.main(
        ["-p", "no:cacheprovider", "-m", "widgets", "-W", IGNORE, *(args or ["tests"])],
        plugins=[RequireVersion()],
    )


def main() -> int:
    if sys.argv[1:2] == ["--inside"]:
        return run_pytest(sys.argv[2:])
    install()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TARGET), env.get("PYTHONPATH")]))
    child = [sys.executable, "-m", "tools.ipywidgets7_run", "--inside", *sys.argv[1:]]
    return subprocess.run(child, env=env, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
