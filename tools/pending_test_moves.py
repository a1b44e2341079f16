"""The test files the tests/ layout did not move yet, because other branches were editing them.

    python -m tools.pending_test_moves           # print the plan: each move, each reference
    python -m tools.pending_test_moves --apply   # git mv them and rewrite the references

Run it once after those branches are merged, then delete this file. References are rewritten
wherever a tracked text file spells the old path (``tests/test_x.py`` or ``tests.test_x``),
and a moved file's ``Path(__file__).resolve().parents[1]`` gets the depth of its new folder.
Then check that ``pytest --collect-only -q tests | tail -1`` counts what it counted before.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKS = "tests/widgets/checks"
MOVES = {
    **{f"tests/test_checks_{n:02d}.py": f"{CHECKS}/test_ch{n:02d}.py" for n in range(11) if n != 8},
    "tests/test_checks_08.py": f"{CHECKS}/test_homework.py",  # widgets/_checks/homework/
    "tests/test_answer_corpus.py": f"{CHECKS}/test_answer_corpus.py",
    "tests/test_torchviz.py": "tests/widgets/graph/test_torchviz.py",  # tools/colab_run.py runs it
    "tests/test_colab_run.py": "tests/portability/test_colab_run.py",
}
# tests/corpus/ stays where it is: data that tests and bench import, like tests/support/.
# Ignored by `make check` only while it sits at the top of tests/.
MAKEFILE_LINE = " --ignore=tests/test_colab_run.py"
TEXT = (".py", ".md", ".toml", ".cfg", ".yaml", ".nb", "Makefile", "run")


def dotted(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def tracked_texts() -> list[Path]:
    names = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [ROOT / n for n in names if n.endswith(TEXT) and not n.endswith(".ipynb")]


def rewritten(text: str) -> str:
    text = text.replace(MAKEFILE_LINE, "")
    for old, new in MOVES.items():
        text = text.replace(old, new).replace(dotted(old), dotted(new))
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apply", action="store_true", help="move and rewrite (default: show)")
    apply = parser.parse_args().apply
    for old, new in MOVES.items():
        if not (ROOT / old).exists():
            print(f"missing {old} (already moved?)")
            continue
        print(f"git mv {old} {new}")
        if apply:
            (ROOT / new).parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["git", "mv", old, new], cwd=ROOT, check=True)
            depth = len(Path(new).parts) - 1  # tests/widgets/checks/x.py: parents[3] is ROOT
            moved = ROOT / new
            moved.write_text(
                moved.read_text(encoding="utf-8").replace(
                    "Path(__file__).resolve().parents[1]",
                    f"Path(__file__).resolve().parents[{depth}]",
                ),
                encoding="utf-8",
            )
    changed = []
    for path in tracked_texts():
        if not path.exists() or path == Path(__file__).resolve():
            continue
        text = path.read_text(encoding="utf-8")
        if (new_text := rewritten(text)) != text:
            print(f"references in {path.relative_to(ROOT)}")
            changed.append(str(path))
            if apply:
                path.write_text(new_text, encoding="utf-8")
    if apply:  # longer paths may need new line breaks
        python_files = [p for p in changed if p.endswith(".py")] + list(MOVES.values())
        subprocess.run([sys.executable, "-m", "ruff", "format", *python_files], cwd=ROOT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
