"""The exercise catalog (widgets/_checks/catalog.py) matches the chapters' sources."""

from __future__ import annotations

import re
from pathlib import Path

import widgets
from tools.build import parse
from widgets._checks.catalog import CHAPTERS, EXERCISES, exercise_of

ROOT = Path(__file__).resolve().parents[2]
# "**Exercise 2.**", "**演習 1（手で微分する）.**", and the homework's "### Task 8.3: ..."
STATEMENT = re.compile(r"^(?:\*\*(?:Exercise|演習) |### (?:Task|課題) \d+\.)(\d+)\b", re.MULTILINE)


def source_order(src: Path) -> tuple[str, ...]:
    names: list[str] = []
    for cell in parse(src):
        if cell.kind == "stub" and cell.lang in (None, "en"):
            for name, flag in re.findall(r"\b(check_\w+)\([^)]*?(?:\b(\w+)=True)?\)", cell.text):
                name = f"{name}[{flag}]" if flag else name
                names += [name] if name not in names else []
    return tuple(names)


def test_catalog_lists_every_chapter_check_in_the_sources_order() -> None:
    sources = sorted((ROOT / "chapters" / "src").glob("*.nb"))
    assert [stem for stem, _ in CHAPTERS] == [s.stem for s in sources]
    for src, (_, checks) in zip(sources, CHAPTERS, strict=True):
        assert checks == source_order(src), src.stem


def test_numbers_match_the_statements() -> None:
    """Exercise k of a chapter is the one its k-th statement ("**Exercise k.**") introduces."""
    for stem, checks in CHAPTERS:
        statements = STATEMENT.findall((ROOT / "chapters" / "src" / f"{stem}.nb").read_text())
        en = sorted({int(n) for n in statements})
        assert en == list(range(1, len(checks) + 1)), stem


def test_every_catalogued_check_is_a_public_check() -> None:
    for ex in EXERCISES:
        assert callable(getattr(widgets, ex.check.partition("[")[0])), ex.check
    assert exercise_of("check_conv_pool_shape").number == "4.1"
    assert exercise_of("check_conv2d").number == "8.5"
    assert exercise_of("check_conv2d", unfold=True).number == "8.6"
    assert exercise_of("check_conv2d", unfold=False).number == "8.5"
    assert exercise_of("check_conv_out") is None  # first edition: in no chapter
    assert len({e.number for e in EXERCISES}) == len(EXERCISES)
