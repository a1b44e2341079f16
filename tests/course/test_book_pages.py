"""The web book's preparation of pages (tools/book.py) and the time estimates (tools/build.py).

The built site itself is checked in Chromium by tests/browser/test_book.py.
"""

from __future__ import annotations

import json
import re

import pytest

from tools import book, build
from tools.build import ROOT

WIDGET = "application/vnd.jupyter.widget-view+json"


def notebook(*cells: dict) -> dict:
    return {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def md(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def code(text: str, *outputs: dict) -> dict:
    return {
        "cell_type": "code",
        "metadata": {},
        "source": text,
        "outputs": list(outputs),
        "execution_count": 1,
    }


def display(data: dict) -> dict:
    return {"output_type": "display_data", "metadata": {}, "data": data}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("# T\n\n**目安時間**: 30 分\n", "30 分"),
        (
            "**Estimated time**: 60 minutes (running the whole notebook takes under a minute)",
            "60 minutes",
        ),
        ("**目安時間**: 75 分（ノートブック全体の実行は 1 分以内です）", "75 分"),
        ("**Estimated time**: 45 minutes (on the 5,000-image\nsample)", "45 minutes"),
        ("# No estimate here", ""),
    ],
)
def test_time_estimate(text, expected):
    assert build.time_estimate(text) == expected


def test_readme_table_shows_each_chapters_time_in_both_languages():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if re.match(r"^\| \d\d \|", line)]
    sources = sorted((ROOT / "chapters" / "src").glob("*.nb"))
    assert len(rows) == len(sources)
    for row, src in zip(rows, sources, strict=True):
        text = src.read_text(encoding="utf-8")
        cells = row.split(" | ")
        ja_time, en_time = cells[2], cells[4].removesuffix(" |")
        assert ja_time and ja_time in text and "分" in ja_time, row
        assert en_time and en_time in build.join_wrapped_lines(text), row
        assert "minutes" in en_time, row


def test_widget_output_keeps_its_still_and_says_how_to_move_the_sliders():
    picture = display({WIDGET: {"model_id": "m"}, "image/png": "iVBOR", "text/plain": "step 200"})
    nb = notebook(md("## 1. `playground()` 全体"), code("playground()", picture))
    for lang in ("ja", "en"):
        cell = book.prepare(nb, lang)["cells"][1]
        (first,) = cell["outputs"]
        assert WIDGET not in first["data"] and first["data"]["image/png"] == "iVBOR"
        mystnb = cell["metadata"]["mystnb"]
        assert mystnb["image"]["alt"] == book.FIGURE_ALT(
            lang, section="1. playground() 全体", cell=1
        )
        assert mystnb["figure"]["caption"] == f"step 200 {book.STILL(lang)}"
    assert WIDGET in nb["cells"][1]["outputs"][0]["data"], "the input notebook is left alone"


def test_a_widget_beside_other_outputs_gets_the_sliders_line_as_an_output():
    picture = display({WIDGET: {"model_id": "m"}, "image/png": "iVBOR", "text/plain": "step 200"})
    printed = {"output_type": "stream", "name": "stdout", "text": "training\n"}
    cell = book.prepare(notebook(code("p", printed, picture)), "en")["cells"][0]
    assert [o.get("data", {}).get("text/plain") for o in cell["outputs"]] == [
        None,
        "step 200",
        book.STILL("en"),
    ]
    assert "figure" not in cell["metadata"]["mystnb"], "a caption would repeat under each output"


def test_only_a_figure_that_says_something_gets_a_caption():
    assert book.figure_caption("<Figure size 640x480 with 1 Axes>") == ""
    assert book.figure_caption("epoch 4 · val_acc 0.93") == "epoch 4 · val\\_acc 0.93"


def test_text_only_widget_keeps_its_text_and_grader_data_is_dropped():
    nb = notebook(
        code("w", display({WIDGET: {"model_id": "m"}, "text/plain": "IntSlider(value=3)"})),
        code("probe", display({book.PROBE_MIME: "{}", "text/plain": "[x: data for the grader]"})),
        code("print(1)", {"output_type": "stream", "name": "stdout", "text": "1\n"}),
    )
    cells = book.prepare(nb, "en")["cells"]
    assert [o["data"].get("text/plain") for o in cells[0]["outputs"]] == [
        "IntSlider(value=3)",
        book.STILL("en"),
    ]
    assert "mystnb" not in cells[0]["metadata"], "no image, no alt text"
    assert cells[1]["outputs"] == []
    assert cells[2]["outputs"][0]["text"] == "1\n"


def test_progress_bars_leave_the_page():
    bar = display(
        {
            WIDGET: {"model_id": "t"},
            "text/plain": ["epoch 1:   0%|          | 0/57 [00:00<?, ?it/s]"],
        }
    )
    curve = display({"image/png": "iVBOR", "text/plain": "epoch 5 · train loss 0.1"})
    cell = book.prepare(notebook(code("train()", bar, curve)), "ja")["cells"][0]
    assert cell["outputs"] == [curve], "the bar goes; no sliders line for it"


def test_colab_badge_leaves_the_page_and_the_title_stays():
    relpath = "chapters/ja/00_ja_getting_started.ipynb"
    nb = json.loads((ROOT / relpath).read_text(encoding="utf-8"))
    first = "".join(book.prepare(nb, "ja")["cells"][0]["source"])
    assert "colab-badge.svg" not in first
    assert first.startswith("# 第0章")


def test_executed_copy_is_used_only_for_the_same_cells(tmp_path):
    current = notebook(md("# T"), code("x = 1"))
    ran = notebook(md("# T"), code("x = 1", display({"text/plain": "1"})))
    path = tmp_path / "nb.ipynb"
    assert book.executed_copy(path, current) is None
    path.write_text(json.dumps(ran), encoding="utf-8")
    assert book.executed_copy(path, current) == ran
    edited = notebook(md("# T"), code("x = 2"))
    assert book.executed_copy(path, edited) is None, "an older run of edited cells"
    path.write_text(json.dumps(current), encoding="utf-8")
    assert book.executed_copy(path, current) is None, "a copy without outputs"


def test_page_bar_links_colab_hub_and_time():
    info = {
        "colab": "https://colab.example/x.ipynb",
        "hub": "https://hub.example/p",
        "time": "30 分",
    }
    bar = book.page_bar("ja", info)
    assert 'href="https://colab.example/x.ipynb">Colab で開く' in bar
    assert 'href="https://hub.example/p">JupyterLab で開く' in bar
    assert "目安時間: 30 分" in bar
    assert "JupyterLab" not in book.page_bar("en", {**info, "hub": ""})


def test_hub_link_is_classrooms_nbgitpuller_link():
    link = book.pull_link("https://hub.example.org/", "chapters/en/01_en_tensors.ipynb")
    assert link.startswith("https://hub.example.org/hub/user-redirect/git-pull?")
    assert "chapters%2Fen%2F01_en_tensors.ipynb" in link


@pytest.mark.parametrize(
    "lang,pagename,href",
    [
        ("ja", "index", "../en/index.html"),
        ("en", "chapters/01_tensors", "../../ja/chapters/01_tensors.html"),
        ("ja", "search", "../en/search.html"),
    ],
)
def test_language_switch_leads_to_the_same_page(lang, pagename, href):
    other = book.other_language(lang, pagename)
    assert other["href"] == href
    assert other["lang"] == ("en" if lang == "ja" else "ja")


def test_solutions_are_published_only_when_asked():
    assert all(folder == "chapters" for folder, _ in book.notebooks(solutions=False))
    assert any(folder == "solutions" for folder, _ in book.notebooks(solutions=True))


def test_a_link_to_a_file_of_the_repository_points_at_its_web_page():
    nb = notebook(
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": "Help: [README](../../README.md) and [a chapter](02_en_autograd.ipynb),"
            " [its solution](../../solutions/en/02_en_autograd.ipynb#Exercises).",
        }
    )
    source = "".join(
        book.prepare(nb, "en", "https://example.org/r/blob/main")["cells"][0]["source"]
    )
    assert "[README](https://example.org/r/blob/main/README.md)" in source
    # A page of the book stays a page, named by the chapter alone (both sites share paths).
    assert "[a chapter](02_autograd.ipynb)" in source
    assert "[its solution](../solutions/02_autograd.ipynb#Exercises)" in source
