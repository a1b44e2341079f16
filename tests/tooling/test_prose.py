"""The prose checks (tools/prose.py): what they read, and that each rule really reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import ROOT
from tools import prose

# One sentence per rule, each breaking only that rule.
BAD = {
    "sentence-length": "この文は" + "とても" * 40 + "長いです。",
    "no-doubled-joshi": "勾配はパラメータは小さく動かします。",
    "ja-no-mixed-period": "この段落は句点で終わっていません",
    "max-ten": "学習が進むと、損失が下がり、正解率が上がり、時間がかかり、結果が出ます。",
    "max-comma": "形は (1, 2, 3, 4, 5, 6) です。",
    "no-dropping-the-ra": "ここで学習曲線が見れます。",
    "no-doubled-conjunction": "学習が進みます。しかし、損失は下がりません。しかし、正解率は上がります。",
    "ja-no-weak-phrase": "学習率が大きすぎるかもしれません。",
    "prh": "SGD とモメンタムを比べます。",
    "no-mix-dearu-desumasu": "損失が下がります。\n\nこれが勾配である。\n\n学習は速いです。",
}


GOOD = prose.nb_japanese(
    "@@ md ja\n"
    "# 第5章 学習と最適化\n\n"
    "**目安時間**: 30 分\n\n"
    "学習率を変えると、学習曲線の形が変わります。\n\n"
    "- 学習の 1 ステップを書ける\n- 学習曲線を読み取れる\n\n"
    "式 $\\frac{\\partial L}{\\partial w_{ij}} = \\sum_k \\frac{\\partial L}{\\partial y_{ik}}"
    " x_{jk} + \\frac{\\partial L}{\\partial b_i} + \\lambda w_{ij}$ を確かめます。\n"
)
ALLOWED = "<!-- textlint-disable ja-no-weak-phrase -->\n\n" + BAD["ja-no-weak-phrase"]
SAMPLES = {
    **BAD,
    "good": GOOD,
    "label": "**目安時間**: 30 分",
    "not a label": "目安時間は 30 分",
    "weak label": "**目安時間**: 30 分かもしれません",
    "allowed": ALLOWED,
    "allowed, other rule": ALLOWED.replace("。", ""),
}


@pytest.fixture(scope="module")
def reported(tmp_path_factory) -> dict[str, list[str]]:
    """The rule ids the committed config reports on each sample (one textlint run for all)."""
    if not prose.textlint_installed():
        prose.install_textlint()
    files = {Path(f"sample{i}.md"): text for i, text in enumerate(SAMPLES.values())}
    findings = prose.run_textlint(files, tmp_path_factory.mktemp("textlint"))
    names = dict(zip(files, SAMPLES, strict=True))
    out: dict[str, list[str]] = {name: [] for name in SAMPLES}
    for f in findings:
        out[names[f["source"]]].append(f["ruleId"])
    return out


@pytest.mark.parametrize("rule", sorted(BAD))
def test_each_rule_reports_its_bad_sentence(reported, rule):
    assert set(reported[rule]) == {rule}


def test_good_prose_passes(reported):
    assert reported["good"] == []


def test_a_label_line_is_exempt_only_from_the_period_rule(reported):
    assert reported["label"] == []
    assert "ja-no-mixed-period" in reported["not a label"]
    assert "ja-no-weak-phrase" in reported["weak label"]


def test_an_in_place_allowance_silences_only_its_rule(reported):
    assert reported["allowed"] == []
    assert "ja-no-mixed-period" in reported["allowed, other rule"]


def test_chapter_sources_give_only_their_ja_prose_on_the_same_lines():
    source = (
        "@@ md ja\n# 第1章\n本文です。\n@@ md en\n# Chapter 1\nBody.\n"
        "@@ code\nx = 1  # コメント\n@@ code ja\nprint('日本語')\n@@ md ja\n終わりです。\n"
    )
    lines = prose.nb_japanese(source).splitlines()
    assert len(lines) == len(source.splitlines())
    assert [(i, line) for i, line in enumerate(lines, 1) if line] == [
        (2, "# 第1章"),
        (3, "本文です。"),
        (12, "終わりです。"),
    ]


def test_readmes_give_their_japanese_half():
    readme = (
        "# 講座 / The course\n\n"
        "日本語の段落です。\n\n"
        "/ The English paragraph.\n\n"
        "日本語です。 / English here, `train()` / `eval()`.\n"
        "`train()` / `eval()` の違いです。\n\n"
        "| パス / path | 内容 / what |\n|---|---|\n| `a/` | 章 / chapters |\n| `b/` | 167 MiB |\n\n"
        "```bash\nmake lab  # 起動する / start\n```\n"
        "An English line with no Japanese.\n"
    )
    out = prose.readme_japanese(readme).splitlines()
    assert len(out) == len(readme.splitlines())
    assert [line for line in out if line] == [
        "# 講座",
        "日本語の段落です。",
        "日本語です。",
        "`train()` / `eval()` の違いです。",
        "| パス | 内容 |",
        "| --- | --- |",
        "| `a/` | 章 |",
        "| `b/` | 167 MiB |",
    ]


def test_every_glossary_variant_becomes_a_prh_rule():
    rules = prose.prh_rules()
    from tests.course.test_glossary import glossary

    variants = [row for row in glossary() if row["avoid_ja"]]
    assert len(variants) >= 10
    for row in variants:
        assert f'"expected": "{row["ja"]}"' in rules


def test_the_checked_sources_include_every_chapter_and_readme():
    sources = prose.japanese_sources()
    chapters = sorted((ROOT / "chapters" / "src").glob("*.nb"))
    assert set(chapters) <= set(sources)
    assert ROOT / "README.md" in sources
    assert all(text.strip() for text in sources.values())


def test_codespell_reports_a_misspelling_and_spares_the_course_words(tmp_path):
    typo = "optim" + "zer"  # spelt out here, this file would be a finding itself
    sample = tmp_path / "sample.py"
    sample.write_text(f"# Jupyter and torch.arange: the {typo} steps\n", encoding="utf-8")
    result = prose.run_codespell(sample)
    assert result.returncode != 0
    assert f"{typo} ==> optimizer" in result.stdout
    assert "arange" not in result.stdout and "upyter" not in result.stdout
