"""Generate the course notebooks and the README chapter table from their sources.

One source per chapter, ``chapters/src/NN_topic.nb``, holds both languages side by side;
this script writes ``chapters/{ja,en}/NN_{ja,en}_topic.ipynb`` and the same in ``solutions/``,
and the chapter table of README.md, using the repository URL from ``[tool.nyumon]`` in
pyproject.toml (the one place an instructor changes it).

    python -m tools.build           # regenerate everything
    python -m tools.build --check   # exit 1 and list what is stale (used by the tests)

Source format: a line ``@@ KIND [LANG]`` starts a cell. KIND is ``md`` or ``code`` (in both
notebooks), ``stub`` (chapter only) or ``solution`` (solution notebook only); LANG, ``ja`` or
``en``, limits the cell to that language. A line ``@@ exercises`` marks where the exercises
start: the solution notebook holds the setup cell and everything after it.
"""

from __future__ import annotations

import argparse
import functools
import json
import posixpath
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import tomllib

from tools import nbstrip
from widgets._i18n import Message

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("ja", "en")
KINDS = ("md", "code", "stub", "solution")
TITLE_RE = re.compile(r"^#\s+(.+)$", re.M)
# The label line each chapter's first cell has (「**目安時間**: 30 分」), shown again in the
# README's chapter table and in each web-book page's header (tools/book.py).
TIME_RE = re.compile(r"^\*\*(?:目安時間|Estimated time)\*\*:\s*(.+?)\s*$", re.M)


@dataclass
class Cell:
    kind: str
    lang: str | None
    text: str
    in_exercises: bool


BLOCK_START = re.compile(r"^(#|[-*+] |\d+[.)] |\||```|~~~|\$\$|<|---|===)")


def is_wide(char: str) -> bool:
    """CJK characters and full-width punctuation: no space between them and a neighbour."""
    return ord(char) >= 0x2E80


def is_punct(char: str) -> bool:
    """Japanese punctuation and full-width forms (、。「」（）…), never spaced."""
    return 0x3000 <= ord(char) <= 0x303F or 0xFF00 <= ord(char) <= 0xFFEF


def join_wrapped_lines(text: str) -> str:
    """Join the lines of each paragraph, as a Markdown renderer would, minus its spaces.

    A renderer turns a line break inside a paragraph into a space, which shows as a stray
    gap in Japanese. Sources may wrap lines freely; here a wrapped line is joined to the
    one before it, with no space where both sides are wide (CJK) characters.
    """
    out: list[str] = []
    fenced = False
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fenced = not fenced
            out.append(line)
            continue
        prev = out[-1] if out else ""
        quote = stripped.startswith(">") and prev.lstrip().startswith(">")
        body = stripped[1:].strip() if quote else stripped
        joinable = (
            not fenced
            and prev.strip()
            and body
            and (quote or not stripped.startswith(">"))
            and not BLOCK_START.match(body)
            and not BLOCK_START.match(prev.strip().lstrip(">").strip() or "#")
        ) or (
            not fenced
            and body
            and prev.strip()
            and re.match(r"^\s*([-*+]|\d+[.)]) ", prev)
            and line.startswith("  ")
            and not BLOCK_START.match(body)
        )
        if joinable and not prev.endswith("  ") and not prev.strip().startswith("#"):
            left, right = prev.rstrip()[-1], body[0]
            tight = (is_wide(left) and is_wide(right)) or is_punct(left) or is_punct(right)
            glue = "" if tight else " "
            out[-1] = prev.rstrip() + glue + body
        else:
            out.append(line)
    return "\n".join(out)


def settings() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return data["tool"]["nyumon"]


@functools.cache  # each source is read once per run, however many notebooks it feeds
def parse(path: Path) -> tuple[Cell, ...]:
    cells: list[Cell] = []
    kind = lang = None
    lines: list[str] = []
    in_exercises = False

    def flush() -> None:
        if kind is not None:
            cells.append(Cell(kind, lang, "\n".join(lines).strip("\n"), in_exercises))

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.startswith("@@"):
            lines.append(line)
            continue
        flush()
        words = line[2:].split()
        if words == ["exercises"]:
            kind, lines, in_exercises = None, [], True
            continue
        if (
            not words
            or words[0] not in KINDS
            or len(words) > 2
            or (len(words) == 2 and words[1] not in LANGS)
        ):
            raise SystemExit(f"{path}:{number}: bad cell marker {line!r}")
        kind, lang, lines = words[0], (words[1] if len(words) == 2 else None), []
    flush()
    return tuple(cells)


def time_estimate(text: str) -> str:
    """The time estimate of a chapter's first cell, without its note in parentheses."""
    found = TIME_RE.search(join_wrapped_lines(text))
    return re.split(r"\s*[（(]", found.group(1))[0] if found else ""


def colab_url(cfg: dict[str, str], relpath: str) -> str:
    repo = cfg["repository"].removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{repo}/blob/{cfg['branch']}/{relpath}"


def badge(cfg: dict[str, str], relpath: str) -> str:
    return (
        f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        f"({colab_url(cfg, relpath)})"
    )


SETUP_COMMENT = Message(
    ja="Colab のときだけ、講座の補助パッケージを入れます",
    en="Only on Colab: install the course helpers",
)
FAILED_COMMENT = Message(
    ja="入らなかったら、理由と対処を示して止まります", en="if pip failed, say so and stop"
)


# Shown when the install fails (offline, GitHub down), instead of a bare "No module named
# 'widgets'" one line later: what happened and what to do, the notebook's language first.
INSTALL_FAILED = Message(
    ja="講座の補助パッケージをインストールできなかったので、ネットへの接続を確かめてから、このセルをもう一度実行してください（原因は上の pip のエラーに出ています）。",
    en="Could not install the course helpers: check the internet connection and run this cell again (pip's error above says why).",
)


def install_url(cfg: dict[str, str]) -> str:
    """The git URL the Colab cell installs from (tools/colab_run.py rewrites exactly this)."""
    return f"git+{cfg['repository']}@{cfg['branch']}"


# A code cell's box shows about 88 columns before a line runs past it; a CJK character
# takes two.
CELL_COLUMNS = 88


def columns(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrapped_literal(text: str, indent: str, end: str = "") -> list[str]:
    """``text`` as adjacent string literals, each line within CELL_COLUMNS (with ``end``
    after the last), broken after a space or a Japanese comma or full stop, or before an
    opening parenthesis."""
    lines: list[str] = []
    rest = text
    while rest:
        room = CELL_COLUMNS - columns(f'{indent}""{end}')
        cut = 0
        for i, ch in enumerate(rest):
            if columns(rest[: i + 1]) > room:
                break
            if ch in " 、。）" or i == len(rest) - 1:
                cut = i + 1
            elif ch == "（" and i:
                cut = i
        else:
            cut = len(rest)
        cut = cut or len(rest)  # one unbreakable run: leave it long
        lines.append(f'{indent}"{rest[:cut]}"')
        rest = rest[cut:]
    return lines


def setup_cell(cfg: dict[str, str], lang: str, chapter: str | None = None) -> str:
    """The first code cell; with ``chapter``, ``setup`` also says how far the learner got."""
    call = f'setup("{lang}", chapter="{chapter}")' if chapter else f'setup("{lang}")'
    other = "en" if lang == "ja" else "ja"
    message = wrapped_literal(INSTALL_FAILED(lang) + "\\n", " " * 12)
    message += wrapped_literal(INSTALL_FAILED(other), " " * 12)
    # IPython (and Colab) store a shell command's exit status, %pip's too, in _exit_code;
    # %pip fills in {url} from the cell's variables (which keeps the line inside the box).
    lines = [
        "import sys",
        "",
        f'if "google.colab" in sys.modules:  # {SETUP_COMMENT(lang)}',
        f'    url = "{install_url(cfg)}"',
        f'    %pip install -q "{cfg["distribution"]} @ {{url}}"',
        f"    if _exit_code != 0:  # {FAILED_COMMENT(lang)}",
        "        raise RuntimeError(",
        *message,
        "        )",
        "from widgets import setup",
        "",
        f"device = {call}",
    ]
    return "\n".join(lines)


def nb_cell(kind: str, text: str, index: int) -> dict:
    cell = {
        "cell_type": "markdown" if kind == "md" else "code",
        "id": f"c{index:03d}",
        "metadata": {},
        "source": text.splitlines(keepends=True),
    }
    if cell["cell_type"] == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def notebook(cells: list[tuple[str, str]]) -> str:
    nb = {
        "cells": [nb_cell(kind, text, i) for i, (kind, text) in enumerate(cells)],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    # nbformat's own layout (sorted keys, indent 1, final newline): what JupyterLab writes
    # when a learner saves, so a saved course notebook is byte-identical when unchanged.
    return json.dumps(nb, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


SOLUTION_TITLE = Message(ja="# 解答: {title}", en="# Solutions: {title}")


def notebook_relpath(stem: str, lang: str, solution: bool = False) -> str:
    """Where chapter ``stem`` (``01_tensors``) is written for ``lang``, from the repository root.

    The one place a notebook's file name is made: links, tests and tools ask here. The
    language is in the name too (``chapters/ja/01_ja_tensors.ipynb``), right after the
    chapter's number, so that JupyterLab's tabs of the two languages differ even when a
    narrow tab shows only the first few characters."""
    folder = "solutions" if solution else "chapters"
    number, _, topic = stem.partition("_")
    return f"{folder}/{lang}/{number}_{lang}_{topic}.ipynb"


NAME_RE = re.compile(r"(\d\d)_(ja|en)_(\w+)")


def source_stem(name: str) -> str | None:
    """The source stem (``01_tensors``) of a notebook's name or stem (``01_ja_tensors``)."""
    found = NAME_RE.fullmatch(name.removesuffix(".ipynb"))
    return f"{found.group(1)}_{found.group(3)}" if found else None


def render(cfg: dict[str, str], src: Path, lang: str, solution: bool) -> str:
    relpath = notebook_relpath(src.stem, lang, solution)
    mine = [c for c in parse(src) if c.lang in (None, lang)]
    if not mine or mine[0].kind != "md":
        raise SystemExit(f"{src}: the first cell must be the title in markdown")
    title_cell = mine[0].text
    if solution:
        title = TITLE_RE.search(title_cell).group(1)
        title_cell = SOLUTION_TITLE(lang, title=title)
        body = [c for c in mine[1:] if c.in_exercises and c.kind != "stub"]
    else:
        body = [c for c in mine[1:] if c.kind != "solution"]
    title_cell = join_wrapped_lines(title_cell)
    if not solution:  # under the title: the previous chapter and the course map
        heading, _, rest = title_cell.partition("\n")
        title_cell = f"{heading}\n\n{walk(cfg, src.stem, lang, first=True)}\n{rest}"
    cells = [("md", f"{badge(cfg, relpath)}\n\n{title_cell}")]
    cells += [("code", setup_cell(cfg, lang, src.stem))]
    cells += [
        ("md", join_wrapped_lines(c.text)) if c.kind == "md" else ("code", c.text) for c in body
    ]
    if not solution:
        cells.append(("md", walk(cfg, src.stem, lang, first=False)))
    return notebook(cells)


PREVIOUS = Message(ja="← 前の章: {link}", en="← Previous: {link}")
NEXT = Message(ja="次の章 → {link}", en="Next → {link}")
COURSE_MAP = Message(
    ja="[講座の目次（README）]({lab})（[GitHub で見る]({web})）",
    en="[Course map (README)]({lab}) ([on GitHub]({web}))",
)
LAST_CHAPTER = Message(ja="これが最後の章です。{map}", en="This is the last chapter. {map}")
IN_COLAB = Message(ja="（[Colab で開く]({url})）", en=" ([in Colab]({url}))")


def chapter_stems() -> list[str]:
    return sorted(p.stem for p in (ROOT / "chapters" / "src").glob("*.nb"))


def link_from(stem: str, lang: str, relpath: str) -> str:
    """``relpath`` (from the repository root) as a link from chapter ``stem``'s notebook."""
    here = posixpath.dirname(notebook_relpath(stem, lang))
    return posixpath.relpath(relpath, here or ".")


def chapter_title(stem: str, lang: str) -> str:
    src = ROOT / "chapters" / "src" / f"{stem}.nb"
    first = next(c for c in parse(src) if c.lang in (None, lang))
    return TITLE_RE.search(first.text).group(1).strip()


def walk(cfg: dict[str, str], stem: str, lang: str, *, first: bool) -> str:
    """The line that links a chapter to its neighbour (the previous one at the top, the next at
    the end) and to the course map: in JupyterLab's paths and, beside each, in Colab."""
    stems = sorted({*chapter_stems(), stem})
    at = stems.index(stem)
    web = f"{cfg['repository']}/blob/{cfg['branch']}/README.md"  # Colab has no clone beside it
    course_map = COURSE_MAP(lang, lab=link_from(stem, lang, "README.md"), web=web)
    neighbour = (stems[at - 1] if at > 0 else None) if first else next(iter(stems[at + 1 :]), None)
    if neighbour is None:
        return course_map if first else LAST_CHAPTER(lang, map=course_map)
    relpath = notebook_relpath(neighbour, lang)
    link = (
        f"[{chapter_title(neighbour, lang)}]({link_from(stem, lang, relpath)})"
        f"{IN_COLAB(lang, url=colab_url(cfg, relpath))}"
    )
    return f"{(PREVIOUS if first else NEXT)(lang, link=link)} · {course_map}"


def readme_table(cfg: dict[str, str], sources: list[Path]) -> str:
    rows = ["| # | 日本語 | 目安時間 | English | Time |", "|---|---|---|---|---|"]
    for src in sources:
        cols = []
        for lang in LANGS:
            first = next(c for c in parse(src) if c.lang in (None, lang))
            title = TITLE_RE.search(first.text).group(1)
            relpath = notebook_relpath(src.stem, lang)
            cols += [f"[{title}]({relpath}) {badge(cfg, relpath)}", time_estimate(first.text)]
        rows.append(f"| {src.stem[:2]} | {' | '.join(cols)} |")
    return "\n".join(rows)


README_START, README_END = "<!-- chapters:start -->", "<!-- chapters:end -->"
COURSE_DATA = ROOT / "widgets" / "_progress" / "course.json"


# An exercise's statement: "**演習 3.** …" / "**Exercise 3.** …", or chapter 08's "### 課題 8.1: …".
STATEMENT_RE = re.compile(r"\*\*(演習|Exercise) \d+|#+ (課題|Task) \d+")


def exercise_cells(notebook_json: str, exercises: list[str]) -> list[str]:
    """The id of each exercise's statement in a rendered notebook: the last statement cell
    (``STATEMENT_RE``) before the code cell that calls its check (code and notes may come between) (``check_conv2d[unfold]`` is the second ``check_conv2d``
    call). JupyterLab opens a link ``….ipynb#cell-id=ID`` scrolled to that cell."""
    cells = json.loads(notebook_json)["cells"]
    ids, used = [], {}
    for name in exercises:
        base = name.split("[")[0]
        calls = [
            i
            for i, c in enumerate(cells)
            if c["cell_type"] == "code"
            and re.search(rf"^{re.escape(base)}\(", "".join(c["source"]), re.M)
        ]
        i = calls[used.get(base, 0)]
        used[base] = used.get(base, 0) + 1
        texts = [c["cell_type"] == "markdown" for c in cells[:i]]
        stated = [j for j, text in enumerate(texts) if text and STATEMENT_RE.match(
            "".join(cells[j]["source"]))]  # fmt: skip
        before = stated or [j for j, text in enumerate(texts) if text]
        ids.append(cells[before[-1] if before else i]["id"])
    return ids


def course_data(cfg: dict[str, str], sources: list[Path], rendered: dict[Path, str]) -> str:
    """What a kernel needs to show progress and link chapters (widgets/_progress/course.py):
    Colab installs only ``widgets``, without ``tools``, the sources or pyproject.toml.
    ``rendered`` holds the chapter notebooks as written, for their exercises' cell ids."""
    from widgets._checks.catalog import CHAPTERS

    exercises = dict(CHAPTERS)
    chapters = []
    for src in sources:
        titles = {}
        for lang in LANGS:
            first = next(c for c in parse(src) if c.lang in (None, lang))
            titles[lang] = TITLE_RE.search(first.text).group(1).strip()
        mine = list(exercises.get(src.stem, ()))
        chapters.append(
            {
                "stem": src.stem,
                "titles": titles,
                "notebooks": {lang: notebook_relpath(src.stem, lang) for lang in LANGS},
                "exercises": mine,
                "cells": {
                    lang: exercise_cells(rendered[ROOT / notebook_relpath(src.stem, lang)], mine)
                    for lang in LANGS
                },
            }
        )
    data = {"repository": cfg["repository"], "branch": cfg["branch"], "chapters": chapters}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def outputs(cfg: dict[str, str]) -> dict[Path, str]:
    sources = sorted((ROOT / "chapters" / "src").glob("*.nb"))
    files: dict[Path, str] = {}
    for src in sources:
        for lang in LANGS:
            files[ROOT / notebook_relpath(src.stem, lang)] = render(cfg, src, lang, False)
            if any(c.in_exercises for c in parse(src)):
                files[ROOT / notebook_relpath(src.stem, lang, True)] = render(cfg, src, lang, True)
    files[COURSE_DATA] = course_data(cfg, sources, files)
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    head, _, rest = text.partition(README_START)
    _, _, tail = rest.partition(README_END)
    files[readme] = f"{head}{README_START}\n{readme_table(cfg, sources)}\n{README_END}{tail}"
    return files


def as_git_sees(path: Path) -> str:
    """A notebook without the outputs a run left in it (git's clean filter, tools/nbstrip.py):
    a chapter run in `make lab` is current, and `make build` leaves its outputs alone."""
    data = path.read_bytes()
    return (nbstrip.clean(data) if path.suffix == ".ipynb" else data).decode("utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale files, write nothing")
    args = parser.parse_args()
    cfg = settings()
    stale = []
    for path, text in outputs(cfg).items():
        if not path.exists() or as_git_sees(path) != text:
            stale.append(path.relative_to(ROOT))
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    if args.check and stale:
        print("Stale generated files (run `python -m tools.build`):", *stale, sep="\n  ")
        return 1
    for path in stale:
        print("wrote", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
