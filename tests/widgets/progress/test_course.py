"""What widgets knows of the course (course.json) is what tools/build.py says: the notebooks'
paths, the repository and branch, the Colab address, the exercises of the catalog."""

from __future__ import annotations

import tomllib

from tools import build
from widgets._checks.catalog import CHAPTERS
from widgets._progress.course import DATA, course


def test_course_data_is_what_the_build_writes():
    assert DATA.read_text(encoding="utf-8") == build.outputs(build.settings())[build.COURSE_DATA]


def test_notebook_paths_agree_with_the_build():
    chapters = course().chapters
    assert [c.stem for c in chapters] == build.chapter_stems()
    for chapter in chapters:
        for lang in build.LANGS:
            assert chapter.notebooks[lang] == build.notebook_relpath(chapter.stem, lang)
            assert (build.ROOT / chapter.notebooks[lang]).exists()


def test_repository_branch_and_colab_address_agree_with_pyproject():
    cfg = build.settings()
    assert (course().repository, course().branch) == (cfg["repository"], cfg["branch"])
    relpath = build.notebook_relpath("04_networks", "en")
    assert course().colab_url(relpath) == build.colab_url(cfg, relpath)


def test_exercises_are_the_catalogs():
    assert {c.stem: c.exercises for c in course().chapters if c.exercises} == dict(CHAPTERS)
    assert course().chapter("04_networks").exercise_number("check_mlp") == "4.3"


def test_lab_links_agree_with_the_chapters_own_links():
    for stem in build.chapter_stems():
        for lang in build.LANGS:
            here = "01_tensors"
            assert course().lab_link(stem, lang, here) == build.link_from(
                here, lang, build.notebook_relpath(stem, lang)
            )


def test_a_pip_install_ships_the_course_data():
    config = tomllib.loads((build.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = config["tool"]["setuptools"]["package-data"]["widgets"]
    assert DATA.relative_to(DATA.parents[1]).as_posix() in shipped


def test_each_exercise_link_opens_the_statement_just_above_its_check():
    """The cell a progress link scrolls to is the Markdown statement, and the code cell right
    after it calls the exercise's check; in both languages, for every exercise."""
    import json
    import re

    for chapter in course().chapters:
        for lang in build.LANGS:
            cells = json.loads((build.ROOT / chapter.notebooks[lang]).read_text("utf-8"))["cells"]
            at = {c["id"]: i for i, c in enumerate(cells)}
            for check, cell in zip(chapter.exercises, chapter.cells[lang], strict=True):
                i = at[cell]
                assert cells[i]["cell_type"] == "markdown", (chapter.stem, lang, check)
                assert build.STATEMENT_RE.match("".join(cells[i]["source"])), cells[i]
                statements = [
                    j
                    for j in range(i + 1, len(cells))
                    if build.STATEMENT_RE.match("".join(cells[j]["source"]))
                ]
                until = statements[0] if statements else len(cells)  # the next exercise
                code = "\n".join(
                    "".join(c["source"]) for c in cells[i + 1 : until] if c["cell_type"] == "code"
                )
                assert re.search(rf"^{re.escape(check.split('[')[0])}\(", code, re.M), code
                link = course().exercise_link(chapter.stem, check, lang, "02_autograd")
                assert (
                    link == f"{course().lab_link(chapter.stem, lang, '02_autograd')}#cell-id={cell}"
                )
    unfold = course().chapter("08_autograd_from_scratch")
    plain, unfolded = (
        unfold.cells["en"][unfold.exercises.index(n)]
        for n in ("check_conv2d", "check_conv2d[unfold]")
    )
    assert plain != unfolded  # the two conv2d exercises open at their own statements
