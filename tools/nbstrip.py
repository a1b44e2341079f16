"""Git's view of a course notebook: the learner's cells and edits, without the run.

A git *clean filter* (like nbstripout's, with nothing to install): git pipes a notebook through
it whenever it looks at one (``git status``, ``git diff``, ``git add``, ``git pull``), so
outputs, execution counts, widget state and per-machine kernel details stay in the learner's
working copy, where a reload or a reopened notebook shows what ran, while git sees the notebook
as the course ships it. A chapter that was only run is clean in ``git status``, and ``git pull``
brings course updates to it (an updated chapter is rewritten as shipped: run it again).

``.gitattributes`` names the files (``filter=nyumon-outputs``); the command lives in the clone's
own ``.git/config``, which git never copies from the repository, so ``make lab`` sets it up:

    python tools/nbstrip.py --install   # once per clone; running it again changes nothing
    python tools/nbstrip.py < in.ipynb  # the filter itself: a notebook in, git's view out

Standard library only, so git can run it with any Python 3. What is not a notebook (not JSON)
passes through unchanged: a filter must never lose a file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FILTER = "nyumon-outputs"
ROOT = Path(__file__).resolve().parents[1]

# What the course ships (tools/build.py writes it): git's view of every course notebook.
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python"}
# Cell metadata that records a run or the screen, not the learner's work: run timing
# (recordTiming), collapsed or scrolled outputs, collapsed headings.
RUN_STATE = (
    "execution",
    "collapsed",
    "scrolled",
    "ExecuteTime",
    "heading_collapsed",
    "hidden",
    "jp-MarkdownHeadingCollapsed",
    "trusted",
)
NOTEBOOK_STATE = ("widgets", "signature", "orig_nbformat", "trusted")


def strip(nb: dict) -> dict:
    """The notebook without its run (changed in place and returned)."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
        meta = cell.setdefault("metadata", {})
        for key in RUN_STATE:
            meta.pop(key, None)
        if isinstance(meta.get("jupyter"), dict):
            meta["jupyter"].pop("outputs_hidden", None)
            if not meta["jupyter"]:
                del meta["jupyter"]
        if isinstance(cell.get("source"), str):  # nbformat's on-disk form: a list of lines
            cell["source"] = cell["source"].splitlines(keepends=True)
    meta = nb.setdefault("metadata", {})
    for key in NOTEBOOK_STATE:
        meta.pop(key, None)
    # JupyterLab writes the running kernel's name and this machine's Python version here.
    kernelspec = meta.get("kernelspec")
    if not isinstance(kernelspec, dict) or kernelspec.get("language", "python") == "python":
        meta["kernelspec"] = dict(KERNELSPEC)
    language = meta.get("language_info")
    if not isinstance(language, dict) or language.get("name", "python") == "python":
        meta["language_info"] = dict(LANGUAGE_INFO)
    return nb


def dumps(nb: dict) -> str:
    """nbformat's layout (sorted keys, indent 1, final newline), as JupyterLab saves."""
    return json.dumps(nb, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def clean(data: bytes) -> bytes:
    """Git's view of a file's bytes; anything that is not a notebook comes back unchanged."""
    try:
        nb = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return data
    if not isinstance(nb, dict) or "cells" not in nb:
        return data
    return dumps(strip(nb)).encode("utf-8")


def git(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", "-c", "core.quotePath=false", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


def command(python: str = sys.executable) -> str:
    """The filter command as git runs it: from the top of the work tree, through the shell."""
    return f'"{python}" tools/nbstrip.py'


def install(root: Path = ROOT, python: str = sys.executable) -> str:
    """Point this clone's git at the filter; what it did, in one line (empty: nothing to do)."""
    inside = git("rev-parse", "--is-inside-work-tree", cwd=root)
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        return ""  # a downloaded copy, not a clone: no git to tell
    wanted = command(python)
    if git("config", "--local", f"filter.{FILTER}.clean", cwd=root).stdout.strip() == wanted:
        return ""
    git("config", "--local", f"filter.{FILTER}.clean", wanted, cwd=root).check_returncode()
    return (
        "git は講座のノートブックの出力を見ないようになりました（出力はファイルに残ります）。\n"
        "git now ignores the outputs of course notebooks (they stay in your files)."
    )


def installed(top: Path) -> bool:
    return bool(git("config", f"filter.{FILTER}.clean", cwd=top).stdout.strip())


def refresh(paths: list[Path]) -> list[Path]:
    """Tell git that these notebooks' only change is their run; return those it was told about.

    Git compares a file's size before its content: a notebook that gained outputs looks
    modified to ``git status`` and ``git pull`` ("would be overwritten") until the index
    records its new size. For each path whose clean view is exactly what the index holds,
    ``git update-index`` records that (the staged content stays the same); a notebook the
    learner edited stays modified. Nothing happens where the filter is not set up.
    """
    done: list[Path] = []
    by_top: dict[Path, list[str]] = {}
    for path in paths:
        path = Path(path).resolve()
        top = git("rev-parse", "--show-toplevel", cwd=path.parent)
        if top.returncode == 0:
            root = Path(top.stdout.strip())
            by_top.setdefault(root, []).append(path.relative_to(root).as_posix())
    for top, rels in by_top.items():
        if not installed(top):
            continue
        # Only what git's quick look calls modified: a clean clone costs no filter run.
        dirty = set(git("diff-files", "--name-only", "--", *rels, cwd=top).stdout.splitlines())
        rels = [r for r in rels if r in dirty]
        if not rels:
            continue
        attrs = git("check-attr", "filter", "--", *rels, cwd=top).stdout.splitlines()
        rels = [
            r for r, line in zip(rels, attrs, strict=True) if line.endswith(f": filter: {FILTER}")
        ]
        if not rels:
            continue
        staged = {}
        for line in git("ls-files", "-s", "--", *rels, cwd=top).stdout.splitlines():
            info, _, rel = line.partition("\t")
            _mode, blob, stage = info.split()
            if stage == "0":
                staged[rel] = blob
        rels = [r for r in rels if r in staged]
        if not rels:
            continue
        hashed = git("hash-object", "--stdin-paths", cwd=top, stdin="\n".join(rels) + "\n")
        if hashed.returncode != 0:
            continue
        same = [r for r, h in zip(rels, hashed.stdout.split(), strict=True) if staged[r] == h]
        if same and git("update-index", "-q", "--", *same, cwd=top).returncode == 0:
            done += [top / r for r in same]
    return done


def course_notebooks(root: Path = ROOT) -> list[Path]:
    return sorted(
        p for folder in ("chapters", "solutions") for p in root.glob(f"{folder}/*/*.ipynb")
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--install"]:
        said = install()
        if said:
            print(said)
        refresh(course_notebooks())  # notebooks run before, or in another editor
        return 0
    if args:
        print(__doc__, file=sys.stderr)
        return 2
    sys.stdout.buffer.write(clean(sys.stdin.buffer.read()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
