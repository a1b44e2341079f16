"""Run pytest as in a venv with only the course's, ``lab`` and ``test`` packages.

The floor, Colab-like and ipywidgets 7 runs (tools/floor_run.py, tools/colab_run.py) build such
venvs and select their tests with ``-m widgets``, but pytest still imports every test module
to read its marks: one module that imports nbgrader or SQLAlchemy at its top stops them all.
Those runs take minutes to build; this finds the same mistake in seconds, in this venv, by
refusing to import any distribution outside what ``pip install -e ".[lab,test]"`` brings.

    python -m tests.support.without_extras --collect-only -q -m widgets tests
"""

from __future__ import annotations

import importlib.abc
import importlib.metadata as metadata
import re
import sys

from packaging.requirements import Requirement

from tools.floor_run import course_requirements

OURS = {"classroom", "tests", "tools", "widgets", "nyumon_sandbox"}


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(requirements: list[str]) -> set[str]:
    """The distributions these requirements install, with their dependencies' (as pip would)."""
    wanted: set[str] = set()
    todo = [(Requirement(r), frozenset({""})) for r in requirements]
    while todo:
        requirement, extras = todo.pop()
        if requirement.marker and not any(
            requirement.marker.evaluate({"extra": e}) for e in extras
        ):
            continue
        name = normal(requirement.name)
        if name in wanted:
            continue
        wanted.add(name)
        try:
            needs = metadata.requires(requirement.name) or []
        except metadata.PackageNotFoundError:
            continue
        todo += [(Requirement(n), frozenset({"", *requirement.extras})) for n in needs]
    return wanted


def top_level_names(distribution: metadata.Distribution) -> set[str]:
    listed = (distribution.read_text("top_level.txt") or "").split()
    if listed:
        return set(listed)
    files = distribution.files or []
    return {
        f.parts[0].removesuffix(".py")
        for f in files
        if f.parts
        and f.parts[0] != ".."
        and not f.parts[0].endswith((".dist-info", ".data", ".pth"))
    }


def foreign_modules() -> set[str]:
    """Top-level modules installed here that a ``.[lab,test]`` venv would not have."""
    wanted = closure(course_requirements())
    allowed: set[str] = set()
    foreign: set[str] = set()
    for distribution in metadata.distributions():
        names = top_level_names(distribution)
        (allowed if normal(distribution.metadata["Name"]) in wanted else foreign).update(names)
    return foreign - allowed - OURS


class Refuse(importlib.abc.MetaPathFinder):
    def __init__(self, names: set[str]):
        self.names = names

    def find_spec(self, fullname, path=None, target=None):
        if fullname.partition(".")[0] in self.names:
            raise ModuleNotFoundError(
                f"No module named {fullname!r} (not in .[lab,test])", name=fullname
            )
        return None


def main(argv: list[str]) -> int:
    import importlib.util

    import pytest

    refuse = Refuse(foreign_modules())
    sys.meta_path.insert(0, refuse)
    # ``importlib.util.find_spec`` asks whether a module is there without importing it
    # (torch._dynamo asks about many optional ones): there, a refused one is simply absent.
    found = importlib.util.find_spec

    def find_spec(name, package=None):
        absolute = importlib.util.resolve_name(name, package) if name.startswith(".") else name
        if absolute.partition(".")[0] in refuse.names:
            return None
        return found(name, package)

    importlib.util.find_spec = find_spec
    return pytest.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
