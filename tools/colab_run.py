"""Run the course the way Google Colab does: its Python, its packages, its own install cell.

    python -m tools.colab_run             # build (or reuse) the Colab-like venv, run everything
    python -m tools.colab_run --prepare   # only build the venv (CI starts this early, in the background)
    python -m tools.colab_run --python 3.12   # Colab's fallback runtime instead of its default
    python -m tools.colab_run chapters/ja/02_ja_autograd.ipynb   # some notebooks only

1. What Colab has comes from Colab's own published files (googlecolab/backend-info), kept in
   ``../shared/reference/`` (beside the repository, or in a folder above it; or the folder
   ``NYUMON_COLAB_REFERENCE`` names): the Python version from ``colab-os-info.txt`` and the pins
   of the packages that matter to the course (``PINNED``) from ``colab-pip-freeze.txt``, every
   other version it lists constraining what those pull in (pyparsing, jupyter_core…). Colab's
   torch and torchvision are ``+cpu`` builds from PyTorch's own index; the same versions come
   from PyPI here (CUDA builds, about 4.7 GB; they run on a CPU). A refreshed reference needs no
   edit here: the next run builds a new venv from it. No reference file: a clear stop.
2. That Python (``NYUMON_COLAB_PYTHON``, ``python3.13`` on PATH, or pyenv's 3.13.x), a venv
   ``.venv/colab-py3.13`` with those pins, a stand-in ``google.colab`` module, and a kernel
   that imports it at start, as Colab's kernel does. A machine without that Python fails here
   with a message: the run is never skipped silently.
3. A clone of the repository's HEAD: the course is installed from a git commit, as on Colab.
4. Each notebook runs from its first cell in its own fresh working folder (Colab's /content),
   with nothing changed but the install URL, pointed at the clone: every Japanese chapter, and
   every English solution (they assert their verdicts, so this proves them on Colab's torch).
   The first one runs alone (its cell does the real install); the others two at a time.
5. The install cell with an unreachable URL must stop with the course's bilingual message.
6. The install must leave the packages Colab ships as they were.
7. tests/widgets/graph/test_torchviz.py runs under this Python (torchviz imports distutils: gone in 3.12),
   with and without a system Graphviz.
8. ``--verdicts FILE``: every answer of tests/corpus through its check in this venv, written
   for ``python -m tools.verdicts compare`` (CI compares Colab's torch with the others).

Timings are printed as a table and saved for ``python -m bench bench_colab``.
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote

from tools import build  # the generated install cell and its failure message

ROOT = Path(__file__).resolve().parents[1]

REFERENCE_ENV = "NYUMON_COLAB_REFERENCE"
FREEZE, OS_INFO = "colab-pip-freeze.txt", "colab-os-info.txt"
# The packages whose Colab versions matter to the course (what it imports, what its install
# must not move, what runs the kernel), then what this run itself uses inside the venv.
PINNED = (
    "pip",
    "setuptools",
    "torch",
    "torchvision",
    "numpy",
    "matplotlib",
    "ipython",
    "ipykernel",
    "jupyter-client",
    "traitlets",
    "ipywidgets",
    "widgetsnbextension",
    "pillow",
    "psutil",
    "tqdm",
    "graphviz",
    "mlxtend",
    "scipy",
    "pandas",
    "scikit-learn",
    "nbformat",
    # Also on Colab; here they run notebooks and tests/widgets/graph/test_torchviz.py under this Python.
    "nbclient",
    "pytest",
)
# PyPI's torch is a CUDA build and pins its own CUDA libraries (Colab's CPU build has none, yet
# Colab lists an unrelated nvidia-nccl-cu13): those are not Colab's to constrain.
CUDA_BUILD_ONLY = ("nvidia-", "cuda-", "triton")
KERNEL = "nyumon-colab-like"
STAND_IN = (
    '"""Stand-in for Colab\'s google.colab: the course only asks whether it is imported."""\n'
)
UNREACHABLE = "git+file:///nonexistent/pytorch-nyumon"
CELL_TIMEOUT = 300  # seconds; the chapters' own goal is 60 s for a whole notebook
# What runs by default: the learner's Japanese chapters and the English solutions.
NOTEBOOKS = ("chapters/ja/*.ipynb", "solutions/en/*.ipynb")


def say(text: str) -> None:
    print(f"== colab-run: {text}", flush=True)


# -- 1. Colab's reference files ----------------------------------------------------------------


def normalized(name: str) -> str:
    """PEP 503: ``Jupyter_Client`` and ``jupyter-client`` are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def reference_dir() -> Path:
    """The folder with Colab's ``colab-pip-freeze.txt``, or exit saying where it was looked for.

    ``NYUMON_COLAB_REFERENCE`` if set; else ``shared/reference`` beside the repository (CI's
    clone) or beside a folder above it (a git worktree such as ``/work/wt/NAME``).
    """
    override = os.environ.get(REFERENCE_ENV)
    tried = [Path(override)] if override else [p / "shared" / "reference" for p in ROOT.parents]
    for folder in tried:
        if (folder / FREEZE).is_file() and (folder / OS_INFO).is_file():
            return folder
    sys.exit(
        f"colab-run: Colab's reference files ({FREEZE}, {OS_INFO}) not found. They come from "
        f"googlecolab/backend-info and live in ../shared/reference/ beside the repository; or set "
        f"{REFERENCE_ENV} to their folder. Tried: {', '.join(map(str, tried))}"
    )


def freeze_versions(text: str) -> dict[str, str]:
    """``{normalized name: version}`` from a ``pip freeze``; a ``+cpu`` wheel URL gives its version.

    ``torch @ https://…/torch-2.11.0%2Bcpu-cp313-….whl`` → ``"2.11.0"``: the same release from
    PyPI (a CUDA build there; it computes the same on a CPU). A URL that is not a wheel (a git
    checkout, a local sdist) has no version to pin and is left out.
    """
    found = {}
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        if "==" in line:
            name, version = line.split("==", 1)
        elif " @ " in line:
            name, url = line.split(" @ ", 1)
            wheel = unquote(url.split("#", 1)[0].rsplit("/", 1)[-1])
            if not wheel.endswith(".whl"):
                continue
            version = wheel.split("-")[1]
        else:
            continue
        found[normalized(name.strip())] = version.strip().split("+", 1)[0]
    return found


def colab_python(reference: Path) -> str:
    """``"3.13"`` from ``colab-os-info.txt``'s ``Python 3.13.15`` line."""
    text = (reference / OS_INFO).read_text(encoding="utf-8")
    found = re.search(r"^Python (\d+)\.(\d+)", text, re.M)
    if not found:
        sys.exit(f"colab-run: no 'Python X.Y' line in {reference / OS_INFO}")
    return f"{found[1]}.{found[2]}"


def constraints(reference: Path) -> list[str]:
    """Every version Colab's freeze pins, as pip constraints: what the pinned packages pull in
    (pyparsing under matplotlib, jupyter_core under ipykernel…) comes at Colab's version too."""
    pins = freeze_versions((reference / FREEZE).read_text(encoding="utf-8"))
    return [
        f"{name}=={version}"
        for name, version in sorted(pins.items())
        if not name.startswith(CUDA_BUILD_ONLY)
    ]


def requirements(reference: Path) -> list[str]:
    """``name==version`` for every package of ``PINNED``, in that order, from Colab's freeze."""
    pins = freeze_versions((reference / FREEZE).read_text(encoding="utf-8"))
    missing = [name for name in PINNED if name not in pins]
    if missing:
        sys.exit(f"colab-run: {reference / FREEZE} pins no version of {', '.join(missing)}")
    return [f"{name}=={pins[name]}" for name in PINNED]


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


def build_venv(version: str, packages: list[str], pinned: list[str]) -> float:
    """Create the venv unless an identical one exists; return the seconds it took (0: reused).

    ``packages`` are installed, under ``pinned`` (Colab's other versions) as constraints.
    """
    venv = venv_dir(version)
    marker = venv / "colab-like.json"
    wanted = {"python": version, "packages": packages, "constraints": pinned}
    if marker.exists() and same_venv(json.loads(marker.read_text()), wanted):
        return 0.0
    python = find_python(version)
    shutil.rmtree(venv, ignore_errors=True)  # an older set of packages
    start = time.perf_counter()
    say(f"building {venv.relative_to(ROOT)} with Python {version} ({python}): {' '.join(packages)}")
    subprocess.run([python, "-m", "venv", venv], check=True)
    pip = [venv_python(venv), "-m", "pip", "install", "-qq", "--progress-bar", "off"]
    first = [p for p in packages if p.startswith("pip==")]  # Colab's pip installs the rest
    subprocess.run([*pip, *first], check=True)
    (venv / "colab-constraints.txt").write_text("\n".join(pinned) + "\n", encoding="utf-8")
    rest = [p for p in packages if p not in first]
    subprocess.run([*pip, "-c", venv / "colab-constraints.txt", *rest], check=True)
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
    seconds = time.perf_counter() - start
    marker.write_text(json.dumps({**wanted, **built_facts(venv, seconds)}, indent=1))
    return seconds


def built_facts(venv: Path, seconds: float) -> dict:
    return {"build_seconds": round(seconds, 1), "size_bytes": venv_size(venv)}


def same_venv(marker: dict, wanted: dict) -> bool:
    return all(marker.get(key) == value for key, value in wanted.items())


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
    spec = f'"{build.install_url(cfg)}"'  # the cell's `url = "…"`, which %pip installs
    if source.count(spec) != 1 or f"{cfg['distribution']} @ {{url}}" not in source:
        raise SystemExit(f"colab-run: the first code cell does not install {spec}:\n{source}")
    return source.replace(spec, f'"{url}"')


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

    name = notebook_name(path)
    workdir = out / name.replace("/", "-").removesuffix(".ipynb")  # a fresh /content for each
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

    workdir = out / f"unreachable-{notebook_name(path).replace('/', '-')}"
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
    expected = f"{build.INSTALL_FAILED(lang)}\n{build.INSTALL_FAILED(other)}"
    if error["ename"] != "RuntimeError" or error["evalue"] != expected:
        return f"expected the course's message, got {error['ename']}: {error['evalue']}"
    return None


def notebook_name(path: Path) -> str:
    """``chapters/ja/00_ja_getting_started.ipynb``: the path from the folder above the language."""
    return "/".join(path.parts[-3:])


async def run_all(chapters: list[Path], url: str, out: Path) -> tuple[list[dict], list[str]]:
    firsts: dict[str, Path] = {}  # one install-failure check per language
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
    say(f"tests/widgets/graph/test_torchviz.py under {venv.name}")
    pytest = [venv_python(venv), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    return (
        subprocess.run([*pytest, "tests/widgets/graph/test_torchviz.py"], cwd=clone).returncode == 0
    )


def dump_verdicts(venv: Path, clone: Path, output: Path) -> bool:
    """The corpus's verdicts under this venv's torch (the course as its install cell put it)."""
    say(f"verdicts of tests/corpus under {venv.name} -> {output}")
    dump = [venv_python(venv), "-m", "tools.verdicts", "dump", str(output.resolve())]
    return subprocess.run(dump, cwd=clone).returncode == 0


def selected(clone: Path, asked: list[Path]) -> list[Path]:
    """The notebooks to run, inside the clone: ``NOTEBOOKS``, or those asked for by path."""
    found = [p for pattern in NOTEBOOKS for p in sorted(clone.glob(pattern))]
    if not asked:
        return found
    wanted = {p.resolve().relative_to(ROOT).as_posix() for p in asked}
    every = sorted(clone.glob("chapters/[je][an]/*.ipynb")) + sorted(
        clone.glob("solutions/[je][an]/*.ipynb")
    )
    return [p for p in every if p.relative_to(clone).as_posix() in wanted]


def venv_size(venv: Path) -> int:
    return sum(f.stat().st_size for f in venv.rglob("*") if f.is_file() and not f.is_symlink())


# -- main -----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help=f"default: {' '.join(NOTEBOOKS)}")
    parser.add_argument("--prepare", action="store_true", help="only build the venv")
    parser.add_argument("--python", help=f"Python version (default: Colab's, from {OS_INFO})")
    parser.add_argument("--keep", action="store_true", help="keep the run folder (outputs)")
    parser.add_argument("--verdicts", type=Path, help="also dump the corpus's verdicts here")
    args = parser.parse_args(argv)
    wall = time.perf_counter()
    reference = reference_dir()
    version = args.python or colab_python(reference)
    packages = requirements(reference)
    build_venv(version, packages, constraints(reference))
    venv = venv_dir(version)
    built = json.loads((venv / "colab-like.json").read_text())
    if args.prepare:
        say(f"venv ready ({built['build_seconds']:.0f} s, {built['size_bytes'] / 1e9:.1f} GB)")
        return 0
    reset_venv(venv)
    os.environ["JUPYTER_PATH"] = str(venv / "share" / "jupyter")
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # two kernels share two cores
    out = Path(tempfile.mkdtemp(prefix="colab-run-"))
    clone, sha = clone_head(out)
    found = selected(clone, args.notebooks)
    if not found:
        sys.exit(f"colab-run: no notebook to run among {args.notebooks}")
    url = install_url(clone, sha)
    say(f"{len(found)} notebooks, Python {version}, {packages_line(packages)}, installing {url}")
    started = time.perf_counter()
    results, problems = asyncio.run(run_all(found, url, out))
    notebooks_wall = time.perf_counter() - started
    changed = changed_packages(json.loads((venv / "base-freeze.json").read_text()), freeze(venv))
    if changed:
        problems.append(f"the install cell changed packages Colab ships: {sorted(changed)}")
    problems += [f"{r['name']} failed" for r in results if r["error"]]
    if not args.notebooks and not torchviz_tests_pass(venv, clone):
        problems.append(f"tests/widgets/graph/test_torchviz.py failed under Python {version}")
    if args.verdicts and not dump_verdicts(venv, clone, args.verdicts):
        problems.append("the corpus's verdicts could not be dumped")
    report = {
        "python": version,
        "packages": packages,
        "commit": sha,
        "venv_build_seconds": built["build_seconds"],
        "venv_bytes": built["size_bytes"],
        "install_seconds": results[0]["install"],
        "first_seconds": results[0]["seconds"],
        "notebooks_wall_seconds": notebooks_wall,
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


def packages_line(packages: list[str]) -> str:
    """``torch 2.11.0, torchvision 0.26.0``: the two pins a reader looks for first."""
    pins = dict(p.split("==", 1) for p in packages)
    return f"torch {pins['torch']}, torchvision {pins['torchvision']}"


def print_table(report: dict) -> None:
    rows = [
        (
            f"venv build (Python {report['python']}, {packages_line(report['packages'])})",
            report["venv_build_seconds"],
        ),
    ]
    rows.append(("install cell of the first chapter (pip from git)", report["install_seconds"]))
    rows += [(r["name"], r["seconds"]) for r in report["chapters"]]
    rows.append(("all notebooks (wall time, two at a time)", report["notebooks_wall_seconds"]))
    rows.append(("whole run (wall time)", report["wall_seconds"]))
    for name, seconds in rows:
        print(f"| {name:<52} | {seconds:7.1f} s |")
    passed = sum(1 for r in report["chapters"] if not r["error"])
    failed = len(report["chapters"]) - passed
    print(f"colab-run: {passed} passed, {failed} failed")


if __name__ == "__main__":
    sys.exit(main())
