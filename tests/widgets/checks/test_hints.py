"""Help in steps after a check (issue 30 item 2): the levels, ``hint()`` and the button."""

from __future__ import annotations

import re
import sys

import pytest
import torch

import widgets
from tools import build
from widgets import check_image_batch, check_products, hint
from widgets._checks import grading, hints, steps
from widgets._checks.catalog import BY_CHECK, CHAPTERS
from widgets._checks.steps import Steps
from widgets._i18n import CourseTypeError, CourseValueError, Message, set_lang

MORE = Message(ja="二つ目の段階: 形を数えましょう", en="Second level: count the dimensions")
FIRST = Message(
    ja="三つ目の段階: torch.zeros(16, 3, 32, 32)", en="Third level: torch.zeros(16, 3, 32, 32)"
)
FIXTURE = {"check_image_batch": Steps(more=MORE, first_step=FIRST)}


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    """English, this test's own steps for 1.1 only, and no help seen yet."""
    monkeypatch.setattr(steps, "all_steps", lambda: dict(FIXTURE))
    monkeypatch.setattr(hints, "_last", [])
    monkeypatch.setattr(hints, "_hints", {})
    monkeypatch.setattr(hints, "_seen", {})
    opened: list[tuple[str, int]] = []
    real = hints._opened
    monkeypatch.setattr(hints, "_opened", lambda c, lvl: (opened.append((c, lvl)), real(c, lvl)))
    set_lang("en")
    yield opened
    set_lang("ja")


def wrong():
    return check_image_batch(torch.zeros(2, 3))


def test_a_wrong_answer_says_how_to_get_more_help_in_text_and_html():
    verdict = wrong()
    assert verdict.status == "wrong" and verdict.exercise == "check_image_batch"
    for shown in (str(verdict), verdict._repr_html_()):
        assert "hint()" in shown
        assert "report_problem()" in shown
    set_lang("ja")
    assert "hint() を実行" in str(verdict) and "report_problem() を実行" in str(verdict)


def test_a_right_answer_offers_neither_help_nor_a_report():
    verdict = check_image_batch(torch.zeros(16, 3, 32, 32))
    assert verdict
    assert "hint()" not in str(verdict) and "report_problem" not in verdict._repr_html_()


def test_not_yet_offers_help_but_no_report():
    verdict = check_image_batch(None)
    assert verdict.status == "todo"
    assert "hint()" in str(verdict) and "report_problem" not in str(verdict)


def test_hint_opens_the_levels_in_order_then_stays_on_the_solution(fresh):
    verdict = wrong()
    first, second, third, again = hint(), hint(), hint(), hint()
    assert [h.level for h in (first, second, third, again)] == [2, 3, 4, 4]
    assert first.body == MORE.en and second.body == FIRST.en
    solution = build.notebook_relpath("01_tensors", "en", solution=True)
    assert "exercise 1.1" in third.body and third.body.endswith(solution.split("/", 1)[1])
    assert hint(1).body == verdict.hint
    assert fresh == [("check_image_batch", n) for n in (2, 3, 4, 4, 1)]


def test_a_level_or_an_exercise_can_be_named():
    wrong()
    assert hint(2, "1.1").body == MORE.en
    assert hint(3, check_image_batch).body == FIRST.en
    assert hint(2, "check_image_batch").body == MORE.en
    assert "exercise 1.1" in str(hint(4, "1.1"))


def test_an_exercise_without_steps_goes_from_its_hint_to_the_solution():
    check_products(torch.zeros(2, 2), torch.zeros(2, 2), None, None)
    assert hints.kinds("check_products") == ["hint", "solution"]
    shown = hint()
    assert shown.level == shown.total == 2 and "exercise 1.2" in shown.body


def test_wrong_arguments_get_a_bilingual_course_error():
    with pytest.raises(CourseValueError, match="No check has run yet"):
        hint()
    wrong()
    for level in (0, 5):
        with pytest.raises(CourseValueError, match="level"):
            hint(level)
    for bad in ("2", 2.0, True):
        with pytest.raises(CourseTypeError):
            hint(bad)
    with pytest.raises(CourseTypeError, match="exercise must be"):
        hint(2, 4.3)
    with pytest.raises(CourseValueError, match="There is no exercise"):
        hint(2, "99.9")
    set_lang("ja")
    with pytest.raises(CourseValueError, match=re.escape("演習 '99.9' は見つかりません")):
        hint(2, "99.9")


def test_a_check_outside_the_catalog_offers_no_levels():
    assert hints.kinds("check_conv_out") == ["hint"]
    assert not hints.offers_more("check_conv_out", "wrong")
    assert not hints.offers_more("", "wrong")


def test_the_unfold_task_is_its_own_exercise():
    assert hints.key_of("check_conv2d", unfold=True) == "check_conv2d[unfold]"
    assert hints.key_of("check_conv2d") == "check_conv2d"


def test_the_kernels_paths_and_links_are_the_builds():
    cfg = build.settings()
    assert (hints.REPOSITORY, hints.BRANCH) == (cfg["repository"], cfg["branch"])
    for stem, _ in CHAPTERS:
        for lang in ("ja", "en"):
            for solution in (False, True):
                mine = hints.notebook_relpath(stem, lang, solution)
                assert mine == build.notebook_relpath(stem, lang, solution)
                assert hints.colab_url(mine) == build.colab_url(cfg, mine)


def test_the_solution_link_is_lab_relative_or_colab(monkeypatch):
    ex = BY_CHECK["check_image_batch"]
    lab = hints.solution_link(ex, "en")
    assert not lab.startswith("http") and lab.endswith(".ipynb")
    monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
    colab = hints.solution_link(ex, "en")
    solution = build.notebook_relpath(ex.chapter, "en", solution=True)
    assert colab == build.colab_url(build.settings(), solution)
    html = hints.level_html("check_image_batch", 4)
    assert f'href="{colab}" target="_blank"' in html


def displayed(monkeypatch, verdict) -> list[dict]:
    import IPython.display

    shown: list[dict] = []
    monkeypatch.setattr(IPython.display, "display", lambda data, raw: shown.append(data))
    verdict._ipython_display_()
    return shown


def test_without_a_kernel_the_box_carries_the_hint_line(monkeypatch):
    monkeypatch.setattr(hints, "_kernel", lambda: False)
    (bundle,) = displayed(monkeypatch, wrong())
    assert set(bundle) == {"text/html", "text/plain"}
    assert "hint()" in bundle["text/html"] and "hint()" in bundle["text/plain"]


def test_in_a_kernel_a_button_follows_the_box_with_the_line_as_fallback(monkeypatch, fresh):
    monkeypatch.setattr(hints, "_kernel", lambda: True)
    box, more = displayed(monkeypatch, wrong())
    assert "nyumon-verdict" in box["text/html"] and "hint()" not in box["text/html"]
    view = more["application/vnd.jupyter.widget-view+json"]
    assert more["text/plain"] == hints.MORE_LINE() and "Button(" not in str(more)
    widget = widgets_by_id(view["model_id"])
    button, levels = widget.children
    for level in (2, 3, 4):
        assert not button.disabled
        button.click()
        assert f'data-level="{level}"' in levels.value
    assert button.disabled and levels.value.count("nyumon-help-level") == 3
    assert MORE.en in levels.value and "exercise 1.1" in levels.value
    assert fresh == [("check_image_batch", n) for n in (2, 3, 4)]


def test_a_passing_verdict_shows_no_button(monkeypatch):
    monkeypatch.setattr(hints, "_kernel", lambda: True)
    (bundle,) = displayed(monkeypatch, check_image_batch(torch.zeros(16, 3, 32, 32)))
    assert "application/vnd.jupyter.widget-view+json" not in bundle


def widgets_by_id(model_id: str):
    import ipywidgets

    module = ipywidgets.widgets.widget
    registry = getattr(module, "_instances", None)  # ipywidgets 8
    if registry is None:
        registry = ipywidgets.Widget.widgets  # ipywidgets 7
    return registry[model_id]


def test_the_grader_names_the_exercise_as_the_notebook_does():
    record = grading.record_of(check_image_batch, torch.zeros(2, 3))
    graded = grading.judged(check_image_batch, record)
    assert graded.exercise == "check_image_batch"
    assert graded._repr_html_() == wrong()._repr_html_()


def test_hint_is_public():
    assert "hint" in widgets.__all__ and widgets.hint is hint


def test_the_levels_opened_reach_the_learners_progress_file(tmp_path, monkeypatch):
    """hint() (and the button, through the same call) notes the levels seen in the progress
    file next to the exercise's verdict (issue 30: "hints seen")."""
    from widgets._progress import store

    monkeypatch.setenv(store.ENV, str(tmp_path))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    store.reset()
    try:
        wrong()
        hint(), hint()
        store.flush()
        entry = store.read_file(tmp_path)["check_image_batch"]
        assert entry["status"] == "wrong" and entry["help"] == [2, 3]
    finally:
        store.reset()


def test_the_steps_code_shows_as_code_and_stays_escaped(monkeypatch):
    marked = Message(ja="`zeros(a<b)` と `x`", en="`zeros(a<b)` and `x`")
    monkeypatch.setattr(
        steps, "all_steps", lambda: {"check_image_batch": Steps(more=MORE, first_step=marked)}
    )
    shown = hints.level_html("check_image_batch", 3)
    assert "<code>zeros(a&lt;b)</code> and <code>x</code>" in shown and "`" not in shown
    assert "<b>" in hints.level_html("check_image_batch", 2)  # the heading, still bold
