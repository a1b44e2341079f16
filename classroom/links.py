"""nbgitpuller links: one click pulls (or merges) the course into a student's home and opens a chapter."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import tomllib

ROOT = Path(__file__).resolve().parents[1]
TARGET = "pytorch-nyumon"  # the folder in each student's home


@dataclass(frozen=True)
class Course:
    repository: str
    branch: str

    @classmethod
    def from_pyproject(cls) -> Course:
        meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["nyumon"]
        return cls(repository=meta["repository"], branch=meta["branch"])


def pull_link(hub: str, course: Course, path: str = "", *, target: str = TARGET) -> str:
    """A link that pulls ``course`` into ``~/<target>`` and opens ``path`` in JupyterLab."""
    query = urlencode({
        "repo": course.repository,
        "branch": course.branch,
        "urlpath": f"lab/tree/{target}/{path}".rstrip("/"),
        "targetPath": target,
    })  # fmt: skip
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def chapter_title(notebook: Path) -> str:
    """The first heading of a notebook, without the leading '#'."""
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return notebook.stem


def chapter_links(hub: str, course: Course) -> list[tuple[str, str, str]]:
    """``(language, title, link)`` for every chapter, Japanese first."""
    rows = []
    for lang in ("ja", "en"):
        for notebook in sorted((ROOT / "chapters" / lang).glob("*.ipynb")):
            path = f"chapters/{lang}/{notebook.name}"
            rows.append((lang, chapter_title(notebook), pull_link(hub, course, path)))
    return rows
