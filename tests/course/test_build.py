"""The notebook builder: source parsing, Japanese line joining, generated setup cell."""

from __future__ import annotations

import pytest

from tools import build


@pytest.mark.parametrize(
    "source,expected",
    [
        ("テンソルは\n配列です。", "テンソルは配列です。"),
        ("NumPy の\nndarray に似ています", "NumPy の ndarray に似ています"),
        ("似ていますが、\nGPU で", "似ていますが、GPU で"),
        ("Plain English\nwraps with a space.", "Plain English wraps with a space."),
        ("> 資料がありますが、\n> 誤りです。", "> 資料がありますが、誤りです。"),
        ("- 項目は\n  続きます\n- 次の項目", "- 項目は続きます\n- 次の項目"),
        ("# 見出し\n本文です", "# 見出し\n本文です"),
        ("段落 1\n\n段落 2", "段落 1\n\n段落 2"),
        ("```bash\nmake lab\nmake test\n```", "```bash\nmake lab\nmake test\n```"),
        ("| a | b |\n|---|---|", "| a | b |\n|---|---|"),
        ("改行したい  \n次の行", "改行したい  \n次の行"),
    ],
)
def test_join_wrapped_lines(source, expected):
    assert build.join_wrapped_lines(source) == expected


def test_parse_rejects_unknown_markers(tmp_path):
    src = tmp_path / "99_x.nb"
    src.write_text("@@ md ja\n# x\n@@ cod\nprint(1)\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="bad cell marker"):
        build.parse(src)


def test_chapter_and_solution_split(tmp_path):
    src = tmp_path / "99_x.nb"
    src.write_text(
        "@@ md ja\n# タイトル\n@@ md en\n# Title\n@@ code\nx = 1\n@@ exercises\n"
        "@@ stub\ny = None\n@@ solution\ny = 2\n",
        encoding="utf-8",
    )
    cfg = {"repository": "https://github.com/o/r", "branch": "main", "distribution": "d"}
    chapter = build.render(cfg, src, "en", solution=False)
    solution = build.render(cfg, src, "ja", solution=True)
    assert "y = None" in chapter and "y = 2" not in chapter and "x = 1" in chapter
    assert "y = 2" in solution and "y = None" not in solution and "x = 1" not in solution
    assert "# 解答: タイトル" in solution
    assert (
        'setup(\\"ja\\", chapter=\\"99_x\\")' in solution
        and "git+https://github.com/o/r@main" in solution
    )
    assert "colab.research.google.com/github/o/r/blob/main/solutions/ja/99_ja_x.ipynb" in solution
