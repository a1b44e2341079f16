"""Notebook conventions: generated from sources, committed clean, ja/en code identical."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import nbformat
import pytest
import tomllib

from tests.support import ROOT
from tools import nbstrip
from tools.build import chapter_stems, notebook_relpath, source_stem

NOTEBOOKS = sorted(
    p for folder in ("chapters", "solutions") for p in (ROOT / folder).glob("*/*.ipynb")
)
JA = [p for p in NOTEBOOKS if p.parent.name == "ja"]


def ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def code_cells(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def code_tokens(source: str) -> list[str]:
    """Tokens of a cell, without comments and string literals (and IPython magics)."""
    source = re.sub(r"^\s*[%!].*$", "", source, flags=re.M)
    skip = {tokenize.COMMENT, tokenize.STRING, tokenize.NL, tokenize.NEWLINE}
    skip |= {
        getattr(tokenize, n)
        for n in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
        if hasattr(tokenize, n)
    }
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return [t.string for t in tokens if t.type not in skip]


CHAPTERS = (
    "00_getting_started",
    "01_tensors",
    "02_autograd",
    "03_datasets",
    "04_networks",
    "05_optimization",
    "06_cnn",
    "07_playground",
    "08_autograd_from_scratch",
    "09_regularization_transfer",
    "10_sequences",
)


def test_every_chapter_of_the_plan_exists_with_solutions():
    for folder in ("chapters", "solutions"):
        for lang in ("ja", "en"):
            found = {p.name for p in (ROOT / folder / lang).glob("*.ipynb")}
            want = {Path(notebook_relpath(c, lang, folder == "solutions")).name for c in CHAPTERS}
            assert found == want, (folder, lang, sorted(found ^ want))


def test_the_two_languages_notebooks_have_names_a_narrow_tab_tells_apart():
    """JupyterLab cuts a tab's name to its first characters when many are open."""
    for chapter in CHAPTERS:
        ja, en = (Path(notebook_relpath(chapter, lang)).name for lang in ("ja", "en"))
        assert ja[:5] != en[:5] and ja[:2] == en[:2] == chapter[:2], (ja, en)
        assert source_stem(ja) == source_stem(en) == chapter


def test_there_are_notebooks_in_both_languages():
    assert JA, "no notebooks found"
    assert {p.parent.name for p in NOTEBOOKS} == {"ja", "en"}


def test_generated_files_are_up_to_date():
    done = subprocess.run(
        [sys.executable, "-m", "tools.build", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_committed_clean(path):
    raw = path.read_text(encoding="utf-8")
    if nbstrip.installed(ROOT):  # `make lab` set git's filter up: git commits its view
        raw = nbstrip.clean(raw.encode("utf-8")).decode("utf-8")
    nb = json.loads(raw)
    # Written as Jupyter writes on save, so git's clean filter (tools/nbstrip.py) gives back
    # exactly what is committed for a chapter that was run and saved.
    same = nbformat.writes(nbformat.reads(raw, as_version=nbformat.NO_CONVERT))
    assert raw == same + "\n", "not in nbformat's layout: regenerate with `make build`"
    assert "widgets" not in nb["metadata"], "widget state saved in the notebook"
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("ja", JA, ids=ids(JA))
def test_english_twin_has_the_same_code(ja):
    en = ROOT / notebook_relpath(source_stem(ja.name), "en", ja.parts[-3] == "solutions")
    assert en.exists(), f"{en} is missing"
    ja_cells, en_cells = code_cells(ja), code_cells(en)
    assert len(ja_cells) == len(en_cells), "different number of code cells"
    for number, (a, b) in enumerate(zip(ja_cells, en_cells, strict=True)):
        assert code_tokens(a) == code_tokens(b), f"code cell {number} differs:\n{a}\n---\n{b}"


def test_parity_check_sees_a_real_difference():
    assert code_tokens("x = f(1)  # コメント") == code_tokens("x = f(1)  # comment")
    assert code_tokens('print("日本語")') == code_tokens('print("English")')
    assert code_tokens("x = f(1)") != code_tokens("x = f(2)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_first_code_cell_is_the_colab_setup(path):
    first = code_cells(path)[0]
    lang = path.parent.name
    assert 'if "google.colab" in sys.modules:' in first
    assert "%pip install" in first
    relpath = path.relative_to(ROOT).as_posix()
    stem = next(
        s
        for s in chapter_stems()
        if relpath in {notebook_relpath(s, lang, sol) for sol in (False, True)}
    )
    assert f'device = setup("{lang}", chapter="{stem}")' in first  # its progress line


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_cells_are_short(path):
    """DESIGN.md: median code cell ≤ 5 lines, none over ~25 (blank lines not counted).

    Solution notebooks hold only completed exercises, longer by nature: the median rule is
    for the chapters' teaching steps.
    """
    lengths = sorted(sum(1 for line in c.splitlines() if line.strip()) for c in code_cells(path))
    if path.parts[-3] == "chapters":
        median = lengths[len(lengths) // 2]
        assert median <= 5, f"median code cell is {median} lines"
    assert lengths[-1] <= 25, f"a code cell has {lengths[-1]} lines"


def repository() -> dict[str, str]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["nyumon"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_badge_and_install_cell_use_the_configured_repository(path):
    cfg = repository()
    repo = cfg["repository"].removeprefix("https://github.com/")
    relpath = path.relative_to(ROOT).as_posix()
    nb = json.loads(path.read_text(encoding="utf-8"))
    first_md = "".join(nb["cells"][0]["source"])
    assert f"colab.research.google.com/github/{repo}/blob/{cfg['branch']}/{relpath}" in first_md
    assert f"git+{cfg['repository']}@{cfg['branch']}" in code_cells(path)[0]


def test_readme_links_every_chapter_in_both_languages():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    repo = repository()["repository"].removeprefix("https://github.com/")
    for path in NOTEBOOKS:
        if path.parts[-3] == "chapters":
            relpath = path.relative_to(ROOT).as_posix()
            assert f"]({relpath})" in readme
            assert f"github/{repo}/blob/" in readme and relpath in readme


SEED_TYPOS = ("tranforms", "Sequentila", "improt ")  # codespell:ignore tranforms,improt


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_no_seed_typos(path):
    text = path.read_text(encoding="utf-8")
    for typo in SEED_TYPOS:
        assert typo not in text


JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
DIRECTIVE = re.compile(r"#\s*(fmt:|noqa|type:|NBVAL)")


def english_comment(comment: str) -> bool:
    """A comment with English words and no Japanese (quoted text and directives don't count)."""
    if DIRECTIVE.match(comment) or JAPANESE.search(comment):
        return False
    return bool(re.search(r"[A-Za-z]{3,}", re.sub(r"\"[^\"]*\"|'[^']*'|`[^`]*`", "", comment)))


def test_the_english_comment_rule_sees_one():
    assert english_comment("# it watches the validation loss")
    assert not english_comment("# 検証データの損失を見る")
    assert not english_comment('# [{"file": "00000.png"}, ...]')
    assert not english_comment("# fmt: skip")


@pytest.mark.parametrize("path", JA, ids=ids(JA))
def test_japanese_notebooks_comment_their_code_in_japanese(path):
    found = []
    for source in code_cells(path):
        source = re.sub(r"^\s*[%!].*$", "", source, flags=re.M)
        tokens = tokenize.generate_tokens(io.StringIO(source).readline)
        found += [
            t.string for t in tokens if t.type == tokenize.COMMENT and english_comment(t.string)
        ]
    assert found == [], "use `@@ code ja` / `@@ code en` in chapters/src for these comments"
