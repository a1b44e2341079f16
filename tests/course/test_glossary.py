"""The Japanese chapters use the glossary's terms (docs/glossary.tsv), not their variants."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from tests.support import ROOT

GLOSSARY = ROOT / "docs" / "glossary.tsv"
JA_NOTEBOOKS = sorted((ROOT / "chapters" / "ja").glob("*.ipynb"))


def glossary() -> list[dict[str, str]]:
    with GLOSSARY.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [{key.split()[0]: (value or "") for key, value in row.items()} for row in rows]


def prose(path: Path) -> str:
    """The Markdown of a notebook without code blocks, inline code and bold markers."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    text = re.sub(r"`[^`\n]*`", "", text)
    return text.replace("**", "")


def test_the_glossary_is_well_formed():
    rows = glossary()
    assert len(rows) >= 20
    assert all(row["ja"] and row["en"] for row in rows)
    assert len({row["ja"] for row in rows}) == len(rows), "a ja term is listed twice"
    for row in rows:
        if row["avoid_ja"]:
            pattern = re.compile(row["avoid_ja"])
            assert not pattern.search(row["ja"]), f"{row['ja']} matches its own variant"


def test_every_ja_term_is_used_by_the_chapters():
    text = "\n".join(prose(path) for path in JA_NOTEBOOKS)
    unused = [row["ja"] for row in glossary() if row["ja"] not in text]
    assert not unused, f"glossary terms no ja chapter uses: {unused}"


@pytest.mark.parametrize("path", JA_NOTEBOOKS, ids=[p.stem for p in JA_NOTEBOOKS])
def test_ja_chapters_avoid_the_variants(path):
    text = prose(path)
    found = []
    for row in glossary():
        if row["avoid_ja"]:
            for match in re.finditer(row["avoid_ja"], text):
                context = text[max(0, match.start() - 15) : match.end() + 15].replace("\n", " ")
                found.append(f"{match.group()} → {row['ja']}: …{context}…")
    assert not found, "\n".join(found)


def test_the_variant_check_can_fail():
    row = next(r for r in glossary() if r["ja"] == "モーメンタム")
    assert re.search(row["avoid_ja"], "SGD とモメンタム")
    logits = next(r for r in glossary() if r["ja"] == "ロジット")["avoid_ja"]
    assert re.search(logits, "10 クラスの logits を出します")
    assert not re.search(logits, "10 クラスのロジット（logits）を出します")


@pytest.mark.parametrize("path", JA_NOTEBOOKS, ids=[p.stem for p in JA_NOTEBOOKS])
def test_ja_prose_has_no_nested_parentheses(path):
    """「（…（…）…）」 is hard to read: split the sentence instead."""
    nested = re.findall(r"（[^）\n]*（[^）\n]*）", prose(path))
    assert not nested, nested
