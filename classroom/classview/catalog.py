"""The course's own words for what a report names: each check's title and each hint's text.

Read from the source of ``widgets._checks`` in the service's Python (the course runtime has the
course installed) with ``ast``: nothing of the course is imported, so neither is PyTorch.
Without the course installed the catalog is empty and the page shows the ids as they are.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path


def checks_folder() -> Path | None:
    spec = importlib.util.find_spec("widgets")
    if spec is None or not spec.origin:
        return None
    folder = Path(spec.origin).parent / "_checks"
    return folder if folder.is_dir() else None


def _message(node: ast.AST) -> dict[str, str] | None:
    if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Message"):
        return None
    words = {k.arg: k.value.value for k in node.keywords
             if isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)}  # fmt: skip
    return words if set(words) == {"ja", "en"} else None


def read(folder: Path | None = None) -> dict[str, dict]:
    """``{"hints": {"ch01.BATCH_SIX_D": {"ja": …, "en": …}}, "titles": {"check_…": {…}}}``."""
    folder = checks_folder() if folder is None else folder
    hints: dict[str, dict[str, str]] = {}
    titles: dict[str, dict[str, str]] = {}
    if folder is None:
        return {"hints": hints, "titles": titles}
    for path in sorted(folder.rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError):
            continue
        here: dict[str, dict[str, str]] = {}
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                words = _message(node.value)
                if isinstance(target, ast.Name) and target.id.isupper() and words:
                    here[target.id] = words
                    hints[f"{path.stem}.{target.id}"] = words
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("check_"):
                for deco in node.decorator_list:
                    if (isinstance(deco, ast.Call) and getattr(deco.func, "id", None) == "exercise"
                            and deco.args and isinstance(deco.args[0], ast.Name)
                            and deco.args[0].id in here):  # fmt: skip
                        titles[node.name] = here[deco.args[0].id]
    return {"hints": hints, "titles": titles}
