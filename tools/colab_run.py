"""Run every chapter the way Google Colab does: its Python, its packages, its own install cell.

    python tools/colab_run.py             # build (or reuse) the Colab-like venv, run all chapters
    python tools/colab_run.py --prepare   # only build the venv (CI starts this early, in the background)
    python tools/colab_run.py chapters/en/02_autograd.ipynb   # some chapters only

1. Python 3.12 (``NYUMON_COLAB_PYTHON``, ``python3.12`` on PATH, or pyenv's 3.12.x). A machine
   without it fails here with a message: the run is never skipped silently.
2. A venv, ``.venv/colab-py3.12``, holding only what Colab ships before the course (``COLAB``,
   versions from Colab's published ``pip freeze``; torch is this machine's), a stand-in
   ``google.colab`` module, and a kernel that imports it at start, as Colab's kernel does.
3. A clone of the repository's HEAD: the course is installed from a git commit, as on Colab.
4. Each chapter runs from its first cell in its own fresh working folder (Colab's /content),
   with nothing changed but the install URL, pointed at the clone. The first chapter runs
   alone (its cell does the real install); the others then run two at a time.
5. The install cell with an unreachable URL must stop with the course's bilingual message.
6. The install must leave the packages Colab ships as they were.
7. tests/test_torchviz.py runs under this Python (torchviz imports distutils: gone in 3.12),
   with and without a system Graphviz.

Timings are printed as a table and saved for ``python -m bench bench_colab``.

Colab's runtime moved to Python 3.13 in August 2026 (googlecolab/backend-info); the issue
that asked for this run named 3.12. ``--python 3.13`` passed too (2026-11-29, 22 chapters).
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import build  # noqa: E402  (the generated install cell and its failure message)

VERSION = "3.12"
# What Colab has before the course is installed, from googlecolab/backend-info's pip-freeze
# (2026-08). torch/torchvision are this machine's (Colab: 2.11 / 0.26, CPU builds).
COLAB = [
    "pip==24.1.2",
    "setuptools",  # Colab: 75.2.0; torch 2.14 on 3.12 asks for a newer one
    "torch==2.14.1",
    "torchvision==0.29.1",
    "numpy==2.1.3",
    "matplotlib==3.10.0",
    "pandas==2.2.3",
    "scipy==1.16.3",
    "scikit-learn==1.6.1",
    "pillow==11.3.0",
    "ipython==7.34.0",
    "ipykernel==6.17.1",
    "jupyter_client==7.4.9",
    "traitlets==5.7.1",
    "ipywidgets==7.7.1",
    "widgetsnbextension==3.6.10",
    "graphviz==0.21",
    "psutil==5.9.5",
    "tqdm==4.67.3",
    "mlxtend==0.23.4",
    # Also on Colab; here they run tests/test_torchviz.py under this Python.
    "pytest==8.4.2",
    "nbformat==5.10.4",
    "nbclient==0.10.4",
]
KERNEL = "nyumon-colab-like"
STAND_IN = (
    '"""Stand-in for Colab\'s google.colab: the course only asks whether it is imported."""\n'
)
UNREACHABLE = "git+file:///nonexistent/pytorch-nyumon"
CELL_TIMEOUT = 300  # seconds; the chapters' own goal is 60 s for a whole notebook


def say(text: str) -> None:
    print(f"== colab-run: {text}", flush=True)


# -- 1. the interpreter ------------------------------------------------------------------------


def version_of(python: str) -> str | None:
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2], sys.executable)"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def find_python(version: str) -> str:
    """The real executable of Python ``version``, or exit with a message saying how to get it."""
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates = [os.environ.get("NYUMON_COLAB_PYTHON", ""), f"python{version}"]
    candidates += sorted(
        glob.glob(f"{pyenv_root}/versions/{version}.*/bin/python{version}"), reverse=True
    )
    for python in filter(None, candidates):
        found = version_of(python)
        if found and found.split()[0] == version:
            return found.split(maxsplit=1)[1]
    sys.exit(
        f"colab-run: Python {version} not found. The Colab-like run needs it (Colab's Python); "
        f"install it (e.g. `pyenv install {version}` or apt's python{version}) or set "
        f"NYUMON_COLAB_PYTHON to its path. Tried: {', '.join(filter(None, candidates))}"
    )


# -- 2. the venv ---------------------------------------------------------------------------------


def venv_dir(version: str) -> Path:
    return ROOT / ".venv" / f"colab-py{version}"


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def freeze(venv: Path) -> dict[str, str]:
    out = subprocess.run(
        [venv_python(venv), "-m", "pip", "list", "--format=json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return {p["name"].lower().replace("_", "-"): p["version"] for p in json.loads(out.stdout)}


def build_venv(version: str) -> float:
    """Create the venv unless an identical one exists; return the seconds it took (0: reused)."""
    venv = venv_dir(version)
    marker = venv / "colab-like.json"
    wanted = {"python": version, "packages": COLAB}
    if marker.exists() and json.loads(marker.read_text()).get("packages") == COLAB:
        return 0.0
    python = find_python(version)
    shutil.rmtree(venv, ignore_errors=True)  # an older set of packages
    start = time.perf_counter()
    say(f"building {venv.relative_to(ROOT)} with Python {version} ({python})")
    subprocess.run([python, "-m", "venv", venv], check=True)
    pip = [venv_python(venv), "-m", "pip", "install", "-qq", "--progress-bar", "off"]
    subprocess.run([*pip, "pip==24.1.2"], check=True)
    subprocess.run([*pip, *COLAB], check=True)
    site = Path(
        subprocess.run(
            [venv_python(venv), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    (site / "google" / "colab").mkdir(parents=True, exist_ok=True)
    (site / "google" / "colab" / "__init__.py").write_text(STAND_IN)
    spec = venv / "share" / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    argv = [str(venv_python(venv)), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    argv.append("--IPKernelApp.exec_lines=import google.colab")  # as Colab's kernel does
    kernel = {"argv": argv, "display_name": f"Colab-like (Python {version})", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel, indent=1))
    (venv / "base-freeze.json").write_text(json.dumps(freeze(venv), indent=1, sort_keys=True))
    marker.write_text(json.dumps(wanted, indent=1))
    return time.perf_counter() - start


def reset_venv(venv: Path) -> None:
    """Remove what an earlier run's install cell added, so this run installs from scratch."""
    base = json.loads((venv / "base-freeze.json").read_text())
    now = freeze(venv)
    extra = sorted(set(now) - set(base))
    if extra:
        say(f"removing what the last run installed: {' '.join(extra)}")
        subprocess.run(
            [venv_python(venv), "-m", "pip", "uninstall", "--yes", "--quiet", *extra], check=True
        )
    changed = changed_packages(base, now)
    if changed:
        subprocess.run(
            [venv_python(venv), "-m", "pip", "install", "--quiet", *changed.values()], check=True
        )


def changed_packages(base: dict[str, str], now: dict[str, str]) -> dict[str, str]:
    """``{name: "name==base_version"}`` for each package Colab ships whose version changed."""
    return {n: f"{n}=={v}" for n, v in base.items() if n in now and now[n] != v}


# -- 3. the clone ----------------------------------------------------------------------------------


def clone_head(where: Path) -> tuple[Path, str]:
    clone = where / "clone"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", ROOT, clone], check=True)
    sha = subprocess.run(
        ["git", "-C", clone, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if dirty:
        say(f"note: uncommitted changes are not part of this run (it installs {sha[:10]})")
    return clone, sha


def install_url(clone: Path, sha: str) -> str:
    # file://localhost/… rather than file:///…: pip before 24 rejects "name @ git+file:///…"
    # (empty host) while every pip accepts the localhost form.
    return f"git+file://localhost{clone.resolve().as_posix()}@{sha}"


def pointed_at(source: str, url: str) -> str:
    """The notebook's install cell with the repository URL replaced by ``url`` (and only that)."""
    cfg = build.settings()
    spec = build.install_spec(cfg)
    if source.count(spec) != 1:
        raise SystemExit(f"colab-run: the first code cell does not install {spec!r}:\n{source}")
    return source.replace(spec, f"{cfg['distribution']} @ {url}")


# -- 4./5. running notebooks -----------------------------------------------------------------------


def read_notebook(path: Path, url: str):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    first.source = pointed_at(first.source, url)
    return nb, first


async def execute(nb, workdir: Path, log: Path) -> None:
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    # Private ipc sockets, not TCP ports another process could take
    # (see tests/support/nbval_kernel.py).
    km = AsyncKernelManager(kernel_name=KERNEL, transport="ipc", ip=str(workdir / ".kernel"))
    client = NotebookClient(
        nb,
        km=km,
        timeout=CELL_TIMEOUT,
        record_timing=True,
        resources={"metadata": {"path": str(workdir)}},
    )
    with log.open("w", encoding="utf-8") as stderr:
        await client.async_execute(stderr=stderr)


def seconds_of(cell) -> float:
    from datetime import datetime

    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return float("nan")
    parse = datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


async def run_chapter(path: Path, url: str, out: Path, limit: asyncio.Semaphore) -> dict:
    import nbformat
    from nbclient.exceptions import CellExecutionError

    name = f"{path.parent.name}/{path.name}"
    workdir = out / f"{path.parent.name}-{path.stem}"  # a fresh /content for each chapter
    workdir.mkdir(parents=True)
    nb, first = read_notebook(path, url)
    async with limit:
        say(f"running {name}")
        start = time.perf_counter()
        error = None
        try:
            await execute(nb, workdir, workdir / "kernel.stderr")
        except CellExecutionError as failed:
            error = str(failed)
        except Exception as failed:  # a dead or silent kernel: keep going, report it
            error = f"{type(failed).__name__}: {failed}"
        seconds = time.perf_counter() - start
    nbformat.write(nb, workdir / path.name)  # with outputs, for a look after a failure
    verdict = "FAILED" if error else "ok"
    say(f"{verdict} {name} in {seconds:.1f} s (install cell {seconds_of(first):.1f} s)")
    if error:
        print(error[-4000:], flush=True)
    return {"name": name, "seconds": seconds, "install": seconds_of(first), "error": error}


async def check_failed_install(path: Path, out: Path) -> str | None:
    """The install cell with an unreachable URL: it must stop with the course's own message."""
    import nbformat
    from nbclient.exceptions import CellExecutionError

    workdir = out / f"unreachable-{path.parent.name}"
    workdir.mkdir(parents=True)
    nb, first = read_notebook(path, UNREACHABLE)
    nb.cells = [first]
    try:
        await execute(nb, workdir, workdir / "kernel.stderr")
    except CellExecutionError:
        pass
    nbformat.write(nb, workdir / "install-cell.ipynb")
    return failed_install_problem(first.outputs, path.parent.name)


def failed_install_problem(outputs: list, lang: str) -> str | None:
    """None when ``outputs`` show the course's message; else what is wrong with them."""
    errors = [o for o in outputs if o.get("output_type") == "error"]
    if not errors:
        return "the install cell did not fail with an unreachable URL"
    error = errors[0]
    other = "en" if lang == "ja" else "ja"
    expected = f"{build.INSTALL_FAILED[lang]}\n{build.INSTALL_FAILED[other]}"
    if error["ename"] != "RuntimeError" or error["evalue"] != expected:
        return f"expected the course's message, got {error['ename']}: {error['evalue']}"
    return None


async def run_all(chapters: list[Path], url: str, out: Path) -> tuple[list[dict], list[str]]:
    firsts: dict[str, Path] = {}
    for path in chapters:
        firsts.setdefault(path.parent.name, path)
    one, two = asyncio.Semaphore(1), asyncio.Semaphore(2)
    # The first chapter installs the course alone (parallel installs into one venv would
    # race), beside the failed-install checks, which install nothing. Later install cells
    # find the same commit installed ("Requirement already satisfied").
    first, *checks = await asyncio.gather(
        run_chapter(chapters[0], url, out, one),
        *(check_failed_install(path, out) for path in firsts.values()),
    )
    problems = []
    for lang, problem in zip(firsts, checks, strict=True):
        if problem:
            problems.append(f"failed install ({lang}): {problem}")
        else:
            say(f"ok: an unreachable URL gives the course's message ({lang})")
    results = [first]
    results += await asyncio.gather(*(run_chapter(p, url, out, two) for p in chapters[1:]))
    return results, problems


def torchviz_tests_pass(venv: Path, clone: Path) -> bool:
    say(f"tests/test_torchviz.py under {venv.name}")
    pytest = [venv_python(venv), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    return subprocess.run([*pytest, "tests/test_torchviz.py"], cwd=clone).returncode == 0


# -- main -----------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: chapters/{ja,en}/*")
    parser.add_argument("--prepare", action="store_true", help="only build the venv")
    parser.add_argument("--python", default=VERSION, help=f"Python version (default {VERSION})")
    parser.add_argument("--keep", action="store_true", help="keep the run folder (outputs)")
    args = parser.parse_args()
    wall = time.perf_counter()
    built = build_venv(args.python)
    if args.prepare:
        say(f"venv ready ({built:.0f} s)")
        return 0
    venv = venv_dir(args.python)
    reset_venv(venv)
    os.environ["JUPYTER_PATH"] = str(venv / "share" / "jupyter")
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # two kernels share two cores
    out = Path(tempfile.mkdtemp(prefix="colab-run-"))
    clone, sha = clone_head(out)
    found = sorted((clone / "chapters").glob("[je][an]/*.ipynb"))
    if args.notebooks:
        wanted = {p.resolve().relative_to(ROOT).as_posix() for p in args.notebooks}
        found = [p for p in found if p.relative_to(clone).as_posix() in wanted]
    url = install_url(clone, sha)
    say(f"{len(found)} chapters, Python {args.python}, installing {url}")
    results, problems = asyncio.run(run_all(found, url, out))
    changed = changed_packages(json.loads((venv / "base-freeze.json").read_text()), freeze(venv))
    if changed:
        problems.append(f"the install cell changed packages Colab ships: {sorted(changed)}")
    problems += [f"{r['name']} failed" for r in results if r["error"]]
    if not args.notebooks and not torchviz_tests_pass(venv, clone):
        problems.append(f"tests/test_torchviz.py failed under Python {args.python}")
    report = {
        "python": args.python,
        "commit": sha,
        "venv_build_seconds": built,
        "install_seconds": results[0]["install"],
        "chapters": results,
        "wall_seconds": time.perf_counter() - wall,
        "problems": problems,
    }
    (venv / "last-run.json").write_text(json.dumps(report, indent=1))
    print_table(report)
    if args.keep or problems:
        say(f"outputs kept in {out}")
    else:
        shutil.rmtree(out, ignore_errors=True)
    for problem in problems:
        print(f"colab-run: FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


def print_table(report: dict) -> None:
    rows = [
        (f"venv build (Python {report['python']}, Colab's packages)", report["venv_build_seconds"])
    ]
    rows.append(("install cell of the first chapter (pip from git)", report["install_seconds"]))
    rows += [(r["name"], r["seconds"]) for r in report["chapters"]]
    rows.append(("whole run (wall time)", report["wall_seconds"]))
    for name, seconds in rows:
        print(f"| {name:<52} | {seconds:7.1f} s |")
    passed = sum(1 for r in report["chapters"] if not r["error"])
    failed = len(report["chapters"]) - passed
    print(f"colab-run: {passed} passed, {failed} failed")


if __name__ == "__main__":
    sys.exit(main())
