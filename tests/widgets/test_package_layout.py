"""The shape of ``widgets/``: one room per feature, no import cycles, exports typed and lazy."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import widgets

PACKAGE = Path(widgets.__file__).resolve().parent


def modules() -> dict[str, Path]:
    """Dotted name below ``widgets`` → file, for every module of the package."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The dotted name (below ``widgets``) that a relative import in ``module`` refers to."""
    base = module.split(".") if module else []
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (level - 1)] if level > 1 else base
    return ".".join([*base, *(name.split(".") if name else [])])


def runtime_imports(path: Path, module: str, known: set[str]) -> set[str]:
    """Modules of the package this file imports when it runs (``TYPE_CHECKING`` left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(child) for child in ast.walk(node))
    targets = set()
    for node in ast.walk(tree):
        if id(node) in skip or not isinstance(node, ast.ImportFrom) or node.level == 0:
            continue
        base = resolve(module, path.name == "__init__.py", node.level, node.module)
        for alias in node.names:
            child = f"{base}.{alias.name}".strip(".")
            targets.add(child if child in known else base)
    return targets & known - {module}


def test_the_top_of_widgets_shows_at_most_fifteen_entries():
    entries = [p.name for p in PACKAGE.iterdir() if p.name != "__pycache__"]
    assert len(entries) <= 15, sorted(entries)
    assert {"_live_loss", "_graph", "_playground", "_env", "_data", "_checks"} <= set(entries)


def test_no_import_cycles():
    found = modules()
    graph = {name: runtime_imports(path, name, set(found)) for name, path in found.items()}
    graph[""] = set()  # widgets/__init__ imports lazily by name, not at module level
    done: set[str] = set()

    def visit(node: str, trail: list[str]) -> None:
        if node in trail:
            raise AssertionError("import cycle: " + " → ".join([*trail, node]))
        if node in done:
            return
        for child in sorted(graph.get(node, ())):
            visit(child, [*trail, node])
        done.add(node)

    for name in sorted(graph):
        visit(name, [])


def test_every_subpackage_says_what_it_holds():
    for path in PACKAGE.rglob("*.py"):
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert docstring, f"{path.relative_to(PACKAGE)} has no docstring"


# What a docstring names as a module: ``_name`` (or ``_name.attr``) and ``name.py``.
NAMED = re.compile(r"``(_[a-z][\w.]*|[a-z_][\w/]*\.py)``")


def test_docstrings_name_only_modules_that_exist():
    """A module renamed or moved leaves no docstring pointing at its old name."""
    known = modules()
    stale = []
    for name, path in known.items():
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for named in NAMED.findall(docstring):
            is_file = named.endswith(".py")
            first = named.removesuffix(".py").replace("/", ".") if is_file else named.split(".")[0]
            found = [
                known[m]
                for m in (f"{package}.{first}".strip("."), first)
                if m in known and (not is_file or known[m].name != "__init__.py")
            ]
            if not found:
                stale.append(f"{path.relative_to(PACKAGE)}: ``{named}``")
    assert not stale, stale


def test_type_checking_imports_name_exactly_the_lazy_exports():
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    typed = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in ast.walk(node):
                if isinstance(child, ast.ImportFrom):
                    typed.update({alias.name: child.module for alias in child.names})
    assert typed == widgets._EXPORTS
    for name, module in widgets._EXPORTS.items():
        assert hasattr(importlib.import_module(f"widgets.{module}"), name), name


def test_a_non_editable_install_ships_every_subpackage():
    """Colab and the classroom hub install the course with pip, not in editable mode."""
    import tomllib
    from setuptools import find_packages

    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    shipped = set(find_packages(str(PACKAGE.parent), include=include))
    on_disk = {
        ".".join(path.parent.relative_to(PACKAGE.parent).parts)
        for path in PACKAGE.rglob("__init__.py")
    }
    assert on_disk <= shipped, sorted(on_disk - shipped)


# The only imports from one feature (a subpackage) into another; docs/architecture.md says why.
FEATURE_ARROWS = {
    ("_playground", "_live_loss"),  # the same History and CurvePanel
    ("_checks", "_data"),
    ("_checks", "_env"),
    ("_checks", "_graph"),
    ("_checks", "_playground"),
    ("_checks", "_progress"),  # each verdict into the learner's progress file
}


def test_features_import_each_other_only_along_the_documented_arrows():
    found = modules()
    arrows = set()
    for name, path in found.items():
        for target in runtime_imports(path, name, set(found)):
            source, goal = name.split(".")[0], target.split(".")[0]
            if source != goal and (PACKAGE / source).is_dir() and (PACKAGE / goal).is_dir():
                arrows.add((source, goal))
    assert arrows == FEATURE_ARROWS
