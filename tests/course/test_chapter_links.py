"""A course that can be walked: each chapter links to the previous one and the course map at
its top, to the next one at its end, in JupyterLab paths and in Colab; the book keeps them."""

from __future__ import annotations

import json
import posixpath
import re

import pytest

from tools import book
from tools.build import LANGS, ROOT, chapter_stems, colab_url, notebook_relpath, settings

LINK = re.compile(r"\]\(([^)\s]+)\)")
STEMS = chapter_stems()
CASES = [(stem, lang) for stem in STEMS for lang in LANGS]


def cells(stem: str, lang: str) -> list[str]:
    nb = json.loads((ROOT / notebook_relpath(stem, lang)).read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def links(text: str) -> list[str]:
    return LINK.findall(text)


def resolved(stem: str, lang: str, link: str) -> str:
    """A relative link of chapter ``stem``'s notebook as a path from the repository root."""
    here = posixpath.dirname(notebook_relpath(stem, lang))
    return posixpath.normpath(posixpath.join(here, link))


@pytest.mark.parametrize("stem,lang", CASES)
def test_each_chapter_starts_with_the_previous_one_and_the_course_map(stem, lang):
    top = cells(stem, lang)[0].split("\n\n")[2]  # the badge, the title, then the links
    found = {resolved(stem, lang, link) for link in links(top) if "://" not in link}
    at = STEMS.index(stem)
    expected = {"README.md"} | ({notebook_relpath(STEMS[at - 1], lang)} if at else set())
    assert found == expected
    assert all((ROOT / path).exists() for path in found)
    if at:
        assert colab_url(settings(), notebook_relpath(STEMS[at - 1], lang)) in top
    cfg = settings()
    assert f"]({cfg['repository']}/blob/{cfg['branch']}/README.md)" in top  # for Colab


@pytest.mark.parametrize("stem,lang", CASES)
def test_each_chapter_ends_with_the_next_one(stem, lang):
    end = cells(stem, lang)[-1]
    found = {resolved(stem, lang, link) for link in links(end) if "://" not in link}
    at = STEMS.index(stem)
    following = {notebook_relpath(STEMS[at + 1], lang)} if at + 1 < len(STEMS) else set()
    assert found == {"README.md"} | following
    for path in following:
        assert colab_url(settings(), path) in end


def test_the_links_read_in_each_language():
    assert "← 前の章:" in cells("02_autograd", "ja")[0]
    assert "← Previous:" in cells("02_autograd", "en")[0]
    assert "次の章 → [第3章" in cells("02_autograd", "ja")[-1]
    assert "これが最後の章です。" in cells(STEMS[-1], "ja")[-1]


def test_solution_notebooks_have_no_walk():
    nb = json.loads((ROOT / notebook_relpath("01_tensors", "en", True)).read_text("utf-8"))
    text = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "Previous:" not in text and "Next →" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_book_turns_chapter_links_into_its_pages(lang):
    nb = json.loads((ROOT / notebook_relpath("02_autograd", lang)).read_text(encoding="utf-8"))
    page = book.prepare(nb, lang, "https://example.org/r/blob/main")
    markdown = [c for c in page["cells"] if c["cell_type"] == "markdown"]
    top, end = "".join(markdown[0]["source"]).split("\n\n")[1], "".join(markdown[-1]["source"])
    local = [link for link in links(top + end) if "://" not in link]
    assert local == ["01_tensors.ipynb", "03_datasets.ipynb"]  # the book's page names
    assert "](https://example.org/r/blob/main/README.md)" in top
