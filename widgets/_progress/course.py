"""The course as a kernel sees it: chapters, their notebooks and exercises, and the repository.

``course.json`` beside this file is written by ``python -m tools.build`` from the chapter
sources, ``tools.build.notebook_relpath``, ``[tool.nyumon]`` in pyproject.toml and the checks'
catalog (``tools.build --check`` and `tests/widgets/progress/test_course.py` keep it equal):
on Colab only ``widgets`` is installed, not ``tools`` nor the sources.
"""

from __future__ import annotations

import functools
import json
import posixpath
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).with_name("course.json")


@dataclass(frozen=True)
class Chapter:
    stem: str  # "04_networks"
    titles: dict[str, str]  # lang → the notebook's title
    notebooks: dict[str, str]  # lang → path from the repository root
    exercises: tuple[str, ...]  # the catalog's names, in order ("check_conv2d[unfold]" too)
    cells: dict[str, tuple[str, ...]]  # lang → the id of each exercise's statement cell

    @property
    def number(self) -> int:
        return int(self.stem[:2])

    def exercise_number(self, check: str) -> str:
        """``"4.3"`` for the chapter's third exercise."""
        return f"{self.number}.{self.exercises.index(check) + 1}"


@dataclass(frozen=True)
class Course:
    repository: str
    branch: str
    chapters: tuple[Chapter, ...]

    def chapter(self, stem: str) -> Chapter | None:
        return next((c for c in self.chapters if c.stem == stem), None)

    def colab_url(self, relpath: str) -> str:
        """The same address as ``tools.build.colab_url``."""
        repo = self.repository.removeprefix("https://github.com/")
        return f"https://colab.research.google.com/github/{repo}/blob/{self.branch}/{relpath}"

    def lab_link(self, stem: str, lang: str, here: str | None = None) -> str:
        """Chapter ``stem``'s notebook as a link from the notebook of chapter ``here`` (default:
        from the folder of ``stem`` itself, where a language's chapters are)."""
        target = self.chapter(stem)
        origin = self.chapter(here) if here else None
        assert target is not None, stem
        folder = posixpath.dirname((origin or target).notebooks[lang])
        return posixpath.relpath(target.notebooks[lang], folder or ".")

    def exercise_link(self, stem: str, check: str, lang: str, here: str | None = None) -> str:
        """Exercise ``check`` of chapter ``stem`` as a link JupyterLab opens scrolled to its
        statement (``#cell-id=``, JupyterLab 4). The id stays with the cell when a learner
        adds cells of her own."""
        target = self.chapter(stem)
        assert target is not None, stem
        cell = target.cells[lang][target.exercises.index(check)]
        return f"{self.lab_link(stem, lang, here)}#cell-id={cell}"


@functools.cache
def course() -> Course:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    chapters = tuple(
        Chapter(
            c["stem"],
            dict(c["titles"]),
            dict(c["notebooks"]),
            tuple(c["exercises"]),
            {lang: tuple(ids) for lang, ids in c["cells"].items()},
        )
        for c in data["chapters"]
    )
    return Course(data["repository"], data["branch"], chapters)
