"""Run the course on the oldest versions it supports: the floor in ``pyproject.toml``.

    python -m tools.floor_run              # build (or reuse) .venv/floor-pyX.Y, run its tests
    python -m tools.floor_run --prepare    # only build the venv (CI starts this early)
    python -m tools.floor_run --verdicts out.json   # also dump the corpus's verdicts there

1. The floor is ``[tool.nyumon.floor]`` in ``pyproject.toml``: a Python, torch, torchvision and
   the NumPy that this torch was built against (tests/tooling/test_floor.py checks that the
   ``dependencies`` bounds and ``widgets``' own check say the same).
2. A venv ``.venv/floor-py3.11`` gets exactly those versions first, as a learner with an older
   install has them, then the course itself (``pip install -e ".[lab,test]"``) under a
   constraint that keeps them: pip must find the course installable on them.
3. In it: every English solution notebook (they assert their verdicts) and the widget tests
   (``pytest -m widgets``), as ``make test`` runs them.
4. When the floor's NumPy is 1.x: the same torch with NumPy 2 first on the path (the pair pip
   makes unless told), where ``setup()`` must stop and say ``numpy<2``.

The venv's build time, size and the run's times are saved for ``python -m bench bench_colab``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import tomllib

from tools import colab_run  # finding a Python, a venv's size

ROOT = Path(__file__).resolve().parents[1]

PYTEST = ["-p", "no:cacheprovider", "-q"]
NOTEBOOKS = ["--nbval-lax", "--nbval-current-env", "--nbval-cell-timeout=180", "solutions/en"]


def say(text: str) -> None:
    print(f"== floor-run: {text}", flush=True)


def floor(pyproject: Path = ROOT / "pyproject.toml") -> dict[str, str]:
    """``{"python": "3.11", "torch": "2.1.2", …}`` from ``[tool.nyumon.floor]``."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    found = data.get("tool", {}).get("nyumon", {}).get("floor")
    if not found:
        sys.exit(f"floor-run: {pyproject} has no [tool.nyumon.floor] table")
    return {str(k): str(v) for k, v in found.items()}


def release(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def pins(versions: dict[str, str]) -> list[str]:
    """``torch==2.1.2`` … for every package of the floor (not Python)."""
    return [f"{name}=={version}" for name, version in versions.items() if name != "python"]


def course_requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """What ``pip install -e ".[lab,test]"`` asks for: a change rebuilds the venv."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    extras = project.get("optional-dependencies", {})
    return [*project["dependencies"], *extras.get("lab", []), *extras.get("test", [])]


def venv_dir(versions: dict[str, str]) -> Path:
    return ROOT / ".venv" / f"floor-py{versions['python']}"


def build_venv(versions: dict[str, str]) -> dict:
    """Create the floor venv unless one with the same pins exists; return its marker."""
    venv = venv_dir(versions)
    marker = venv / "floor.json"
    wanted = {"floor": versions, "requires": course_requirements()}
    if marker.exists():
        found = json.loads(marker.read_text())
        if colab_run.same_venv(found, wanted):
            return found
    python = colab_run.find_python(versions["python"])
    shutil.rmtree(venv, ignore_errors=True)
    start = time.perf_counter()
    say(f"building {venv.relative_to(ROOT)} with Python {versions['python']}: {pins(versions)}")
    subprocess.run([python, "-m", "venv", venv], check=True)
    pip = [venv / "bin" / "python", "-m", "pip", "install", "-qq", "--progress-bar", "off"]
    subprocess.run([*pip, *pins(versions)], check=True)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as keep:
        keep.write("\n".join(pins(versions)) + "\n")
    try:  # the course on top, without moving the floor's packages
        subprocess.run([*pip, "-c", keep.name, "-e", f"{ROOT}[lab,test]"], check=True, cwd=ROOT)
    finally:
        os.unlink(keep.name)
    seconds = time.perf_counter() - start
    facts = {**wanted, **colab_run.built_facts(venv, seconds)}
    marker.write_text(json.dumps(facts, indent=1))
    return facts


# A learner's usual mistake at the floor: pip pairs torch 2.1 with NumPy 2 (the issue saw 8 of 11
# solutions reject right answers). With NumPy 2 first on the path, setup() must say numpy<2.
NUMPY2 = "numpy==2.1.3"
NUMPY2_CHECK = """
import numpy
from widgets import setup
from widgets._env.floor import CourseVersionError
assert numpy.__version__.startswith("2."), numpy.__version__
try:
    setup("en", quiet=True)
except CourseVersionError as stopped:
    assert 'numpy<2' in str(stopped) and numpy.__version__ in str(stopped), stopped
    print(stopped)
else:
    raise SystemExit("setup() accepted NumPy 2 under a torch built for NumPy 1")
"""


def numpy2_overlay(venv: Path) -> Path:
    """NumPy 2 in a folder of its own, to put before the venv's NumPy 1 (made once)."""
    overlay = venv / "numpy2"
    if not (overlay / "numpy").is_dir():
        pip = [venv / "bin" / "python", "-m", "pip", "install", "-qq", "--no-deps"]
        subprocess.run([*pip, "--target", overlay, NUMPY2], check=True)
    return overlay


def run(venv: Path, what: str, args: list[str], path: Path | None = None) -> dict:
    say(what)
    start = time.perf_counter()
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    if path:
        env["PYTHONPATH"] = str(path)
    done = subprocess.run([venv / "bin" / "python", *args], cwd=ROOT, env=env)
    seconds = time.perf_counter() - start
    say(f"{'ok' if done.returncode == 0 else 'FAILED'}: {what} in {seconds:.1f} s")
    return {"name": what, "seconds": seconds, "returncode": done.returncode}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prepare", action="store_true", help="only build the venv")
    parser.add_argument("--jobs", type=int, default=2, help="pytest workers (default 2)")
    parser.add_argument("--verdicts", type=Path, help="also dump the corpus's verdicts here")
    args = parser.parse_args(argv)
    versions = floor()
    built = build_venv(versions)
    venv = venv_dir(versions)
    if args.prepare:
        say(f"venv ready ({built['build_seconds']:.0f} s, {built['size_bytes'] / 1e9:.1f} GB)")
        return 0
    workers = ["-n", str(args.jobs), "--dist", "loadfile"] if args.jobs > 1 else []
    steps = [
        run(venv, "English solutions", ["-m", "pytest", *PYTEST, *workers, *NOTEBOOKS]),
        run(venv, "widget tests", ["-m", "pytest", *PYTEST, *workers, "-m", "widgets", "tests"]),
    ]
    if release(versions.get("numpy", "2")) < (2,):
        overlay = numpy2_overlay(venv)
        steps.append(run(venv, "setup() with NumPy 2 says numpy<2", ["-c", NUMPY2_CHECK], overlay))
    if args.verdicts:
        dump = ["-m", "tools.verdicts", "dump", str(args.verdicts.resolve())]
        steps.append(run(venv, "verdicts of tests/corpus", dump))
    report = {
        "floor": versions,
        "venv_build_seconds": built["build_seconds"],
        "venv_bytes": built["size_bytes"],
        "steps": steps,
    }
    (venv / "last-run.json").write_text(json.dumps(report, indent=1))
    failed = [s["name"] for s in steps if s["returncode"]]
    say("floor: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    print(f"floor-run: {len(steps) - len(failed)} passed, {len(failed)} failed")
    for name in failed:
        print(f"floor-run: FAILED: {name}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
