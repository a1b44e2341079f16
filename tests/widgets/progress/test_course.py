"""What widgets knows of the course (course.json) is what tools/build.py says: the notebooks'
paths, the repository and branch, the Colab address, the exercises of the catalog."""

from __future__ import annotations

import tomllib

from tools import build
from widgets._checks.catalog import CHAPTERS
from widgets._progress.course import DATA, course


def test_course_data_is_what_the_build_writes():
    sources = sorted((build.ROOT / "chapters" / "src").glob("*.nb"))
    assert DATA.read_text(encoding="utf-8") == build.course_data(build.settings(), sources)


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
