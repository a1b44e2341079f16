"""Put a chapter back as the course ships it, keeping a copy of the learner's in my-notes/.

    make reset CHAPTER=03                                # both languages of chapter 03
    python -m tools.reset 03                             # the same, without make
    python -m tools.reset chapters/ja/03_ja_datasets.ipynb  # one notebook (solutions/ too)

A notebook that differs from the shipped one in any way (edits, outputs) is first copied, as it
is, to ``my-notes/<ja|en>/<name>-<date>-<time>.ipynb`` (my-notes/ is ignored by git), then
rewritten with the version git has (``HEAD``) and unstaged, so ``git status`` is clean for it and
``git pull`` brings course updates again. A notebook already as shipped is left alone.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from tools import nbstrip
from tools.build import source_stem

ROOT = Path(__file__).resolve().parents[1]


class ResetError(Exception):
    pass


def git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True)


def notebooks(root: Path, chapter: str) -> list[Path]:
    """The notebooks a chapter names: ``03``, ``3``, ``03_datasets`` or a notebook's path."""
    if chapter.endswith(".ipynb"):
        path = (root / chapter).resolve()
        if not path.is_relative_to(root.resolve()) or not path.is_file():
            raise ResetError(
                f"{chapter} が見つかりません。 / {chapter} was not found.",
            )
        return [path]
    match = re.fullmatch(r"(\d{1,2})(_\w+)?", chapter.strip())
    found = []
    if match:
        prefix = f"{int(match.group(1)):02d}{match.group(2) or ''}"
        found = sorted(
            p
            for p in root.glob("chapters/*/*.ipynb")
            if (source_stem(p.stem) or "").startswith(prefix)
        )
    if not found:
        names = sorted({source_stem(p.stem) or p.stem for p in root.glob("chapters/*/*.ipynb")})
        raise ResetError(
            f"章 {chapter!r} が見つかりません。番号（03 など）で指定してください。\n"
            f"There is no chapter {chapter!r}; give its number (such as 03).\n  " + "  ".join(names)
        )
    return found


def shipped(root: Path, path: Path) -> bytes:
    rel = path.resolve().relative_to(root.resolve()).as_posix()
    done = git(root, "cat-file", "blob", f"HEAD:{rel}")
    if done.returncode != 0:
        raise ResetError(
            f"git に {rel} の元の版がありません（git clone した講座でしか元に戻せません）。\n"
            f"git has no shipped version of {rel} (resetting needs a clone made with git clone)."
        )
    return done.stdout


def reset(root: Path, chapter: str, now: datetime | None = None) -> list[str]:
    """Reset a chapter's notebooks; what was done, one bilingual line per notebook."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    said = []
    for path in notebooks(root, chapter):
        rel = path.resolve().relative_to(root.resolve()).as_posix()
        original = shipped(root, path)
        if path.read_bytes() == original:
            said.append(f"{rel}: 元のままです。 / already as shipped.")
            continue
        copy = root / "my-notes" / path.parent.name / f"{path.stem}-{stamp}.ipynb"
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(path.read_bytes())
        git(root, "reset", "-q", "--", rel)  # unstage what the learner may have added
        path.write_bytes(original)
        nbstrip.refresh([path])
        kept = copy.relative_to(root).as_posix()
        said.append(
            f"{rel}: 元に戻しました。あなたの版は {kept} にあります。\n"
            f"  reset to the shipped version; yours is in {kept}."
        )
    if any("shipped version" in line for line in said):
        said.append(
            "JupyterLab で開いているときは「ファイル → ディスクから Notebook を再読み込み」で読み込み直してください。\n"
            "If it is open in JupyterLab, use File → Reload Notebook from Disk."
        )
    return said


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapter", nargs="?", help="03, 03_datasets or chapters/ja/03_….ipynb")
    args = parser.parse_args(argv)
    if not args.chapter:
        print(
            "どの章を戻しますか？ 例: make reset CHAPTER=03\nWhich chapter? For example: make reset CHAPTER=03"
        )
        return 2
    try:
        print(*reset(ROOT, args.chapter), sep="\n")
    except ResetError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
