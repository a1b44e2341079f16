"""``report_problem()`` (issue 30 item 3): what the report carries, and what it never does."""

from __future__ import annotations

import socket
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
import torch

import widgets
from tools import build
from widgets import check_image_batch, report_problem
from widgets._checks import hints, problem
from widgets._i18n import CourseTypeError, set_lang

MARKER = "zebra_7f3a_marker"


class History:
    """IPython's history as ``report_problem`` reads it: ``In`` with the current cell last."""

    def __init__(self, cells: list[str]) -> None:
        self.input_hist_raw = ["", *cells]


class Shell:
    def __init__(self, cells: list[str]) -> None:
        self.history_manager = History(cells)
        self.execution_count = len(cells)


@pytest.fixture(autouse=True)
def kernel(monkeypatch):
    """A learner who ran two cells, the second a ✗ check; no exception kept."""
    cells = [f"{MARKER} = torch.zeros(2, 3)", f"check_image_batch({MARKER})"]
    shell = Shell(cells)
    import IPython

    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    monkeypatch.setattr(hints, "_last", [])
    for name in ("last_exc", "last_value", "last_traceback", "last_type"):
        monkeypatch.delattr(sys, name, raising=False)
    set_lang("en")
    check_image_batch(torch.zeros(2, 3))  # run by the second cell
    shell.history_manager.input_hist_raw.append("report_problem()")
    yield shell
    set_lang("ja")


def test_the_report_carries_the_environment_exercise_and_verdict():
    report = report_problem()
    assert str(widgets.env_report()).splitlines()[0] in report.text
    assert "Python" in report.text and torch.__version__ in report.text
    assert "exercise 1.1 (check_image_batch)" in report.text
    assert "✗ wrong — A batch of images" in report.text
    assert "4-D" in report.text  # the hint


def test_without_consent_no_code_of_the_learner_is_in_the_report():
    report = report_problem()
    assert MARKER not in report.text and MARKER not in report.url
    assert MARKER not in str(report) and MARKER not in report._repr_html_()
    assert "include_code=True" in report.text


def test_with_consent_the_checks_cell_is_in_the_report():
    report = report_problem(include_code=True)
    assert f"check_image_batch({MARKER})" in report.text


def test_a_hint_quoting_the_learners_line_is_hidden(monkeypatch):
    hints.remember("check_image_batch", "wrong", "A batch", f"stopped at {MARKER} = 1")
    assert MARKER not in report_problem().text
    assert MARKER in report_problem(include_code=True).text


def test_the_last_traceback_is_in_without_its_source_lines(monkeypatch):
    def learner_function():
        raise ValueError(f"bad {MARKER}")

    try:
        learner_function()
    except ValueError as error:
        monkeypatch.setattr(sys, "last_value", error, raising=False)
    shown = report_problem().text
    assert "ValueError" in shown and "learner_function" in shown
    assert MARKER not in shown
    assert 'raise ValueError(f"bad' not in shown  # no source line
    full = report_problem(include_code=True).text
    assert 'raise ValueError(f"bad' in full and MARKER in full


def test_the_link_opens_a_new_issue_on_the_courses_repository_with_the_text():
    report = report_problem()
    cfg = build.settings()
    assert report.url.startswith(f"{cfg['repository']}/issues/new?title=")
    query = parse_qs(urlsplit(report.url).query)
    assert query["body"] == [report.text]
    assert "1.1" in query["title"][0]


def test_a_long_report_is_cut_to_a_safe_link(monkeypatch):
    hints.remember("check_image_batch", "wrong", "A batch", "日本語のとても長いヒント。" * 2000)
    report = report_problem()
    assert len(report.url) <= problem.MAX_URL
    body = parse_qs(urlsplit(report.url).query)["body"][0]
    assert body.endswith(problem.CUT()) and len(report.text) > len(body)


def test_nothing_is_sent(monkeypatch):
    def refuse(*args, **kw):
        raise AssertionError("report_problem opened a connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    report = report_problem(include_code=True)
    report._ipython_display_  # noqa: B018 - built, not shown
    assert report.text


def test_it_speaks_japanese():
    set_lang("ja")
    report = report_problem()
    assert "実行環境" in report.text and "演習 1.1" in report.text
    assert "コードは含めていません" in report.text


def test_wrong_types_get_a_bilingual_error():
    for bad in ("yes", 1, None):
        with pytest.raises(CourseTypeError, match="include_code"):
            report_problem(bad)
    set_lang("ja")
    with pytest.raises(CourseTypeError, match="True か False"):
        report_problem("yes")


def test_in_a_kernel_the_box_to_tick_adds_the_code(monkeypatch):
    import IPython.display

    monkeypatch.setattr(hints, "_kernel", lambda: True)
    shown: list[dict] = []
    monkeypatch.setattr(IPython.display, "display", lambda data, raw: shown.append(data))
    report_problem()._ipython_display_()
    (bundle,) = shown
    assert MARKER not in str(bundle)
    assert "Button(" not in bundle["text/plain"] and "Checkbox(" not in bundle["text/plain"]
    view = problem.report_view(False)
    box, text = view.children
    assert MARKER not in text.value
    box.value = True
    assert MARKER in text.value
    box.value = False
    assert MARKER not in text.value


def test_report_problem_is_public():
    assert "report_problem" in widgets.__all__ and widgets.report_problem is report_problem
