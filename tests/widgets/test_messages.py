"""Every ``Message(ja=…, en=…)`` in widgets/ has both sides, each in its own language."""

from __future__ import annotations

import ast
import re

import pytest

from tests.support import ROOT
from widgets._checks.wire import course_messages

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# What an English text may quote of the Japanese: 「…」, "…", '…' or (…).
QUOTED = re.compile(r"「[^」]*」|\"[^\"]*\"|“[^”]*”|'[^']*'|\([^)]*\)")
# Code in a label (torch.Tensor, `x.grad`, {placeholders}) is not a word of either language.
CODE = re.compile(r"`[^`]*`|\{[^}]*\}|\w+(?:\.\w+)+")


def literal_messages() -> dict[tuple[str, str], str]:
    """``(ja, en)`` of each ``Message(...)`` written with literal texts, and where it is."""
    found: dict[tuple[str, str], str] = {}
    for path in sorted((ROOT / "widgets").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = getattr(node, "func", None)
            if getattr(func, "id", getattr(func, "attr", None)) != "Message":
                continue
            texts = dict(zip(("ja", "en"), node.args, strict=False))
            texts.update({k.arg: k.value for k in node.keywords if k.arg in ("ja", "en")})
            try:
                pair = (ast.literal_eval(texts["ja"]), ast.literal_eval(texts["en"]))
            except (KeyError, ValueError):  # built from other messages: course_messages has it
                continue
            found[pair] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def every_message() -> dict[tuple[str, str], str]:
    """The module-level messages (as the grading wire finds them) and any written elsewhere."""
    found = dict.fromkeys(course_messages(), "widgets (module level)")
    found.update(literal_messages())
    return found


def problems(ja: str, en: str) -> list[str]:
    """What is wrong with one message's texts (empty if nothing)."""
    if not ja.strip() or not en.strip():
        return ["a side is empty"]
    found = []
    if not JAPANESE.search(ja):
        # Only a name or a symbol may read the same in both: OS, GPU, Google Colab, cuDNN.
        words = re.findall(r"[A-Za-z]+", CODE.sub("", ja))
        if any(word.islower() and len(word) > 2 for word in words):
            found.append("the ja side is not Japanese")
    if JAPANESE.search(QUOTED.sub("", en)):
        found.append("the en side has Japanese outside a quote")
    return found


MESSAGES = every_message()


def test_the_messages_are_found():
    # About 550 today; far fewer means the search broke, not that the course lost its texts.
    assert len(MESSAGES) > 400
    assert ("✓ 正解", "✓ Correct") in MESSAGES
    # One built from two others (widgets/_graph/show.py) comes from the module-level search.
    assert any(ja.endswith("。") and "no_grad" in en for ja, en in MESSAGES)


def test_every_message_has_both_sides_in_their_language():
    wrong = [
        f"{where}: {', '.join(found)}: {ja!r} / {en!r}"
        for (ja, en), where in sorted(MESSAGES.items(), key=lambda item: item[1])
        if (found := problems(ja, en))
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("ja", "en", "expected"),
    [
        ("学習率", "learning rate", []),
        ("GPU", "GPU", []),
        ("torch.Tensor", "a torch.Tensor", []),
        ("「エポック」は 1 周です。", "An epoch (「エポック」) is one pass.", []),
        ("", "Learning rate", ["a side is empty"]),
        ("学習率", " ", ["a side is empty"]),
        ("Learning rate", "Learning rate", ["the ja side is not Japanese"]),
        ("学習率", "学習率", ["the en side has Japanese outside a quote"]),
        ("学習率です", "The 学習率 is too large", ["the en side has Japanese outside a quote"]),
    ],
)
def test_the_language_check_can_fail(ja, en, expected):
    assert problems(ja, en) == expected
