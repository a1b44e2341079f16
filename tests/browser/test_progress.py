"""Progress in JupyterLab: two exercises of chapter 01 done, the kernel restarted, chapter 02
opened: its first cell and ``progress()`` count them. And the same across a restart of the
server itself, with progress in its default place (``jupyter --data-dir``), as `make lab` keeps it.

The notebooks are copies under the git-ignored ``test-output/browser/``, and the progress file
lives in a folder of this test's own (``NYUMON_PROGRESS_DIR``).
"""

from __future__ import annotations

import json
import re

import pytest

from tests.browser.conftest import write_user_settings
from tests.support.browser import (
    OUT,
    accept_kernel_dialog,
    assert_no_error_outputs,
    open_and_run_all,
    screenshot,
    wait_text,
)
from tests.support.jupyter_server import ROOT, running_lab
from tools.build import notebook_relpath
from widgets._progress.course import course
from widgets._progress.view import SUMMARY

pytestmark = pytest.mark.browser
DONE_HERE = ("check_image_batch", "check_products")  # the learner's two exercises


def code_of(cell: dict) -> str:
    return "".join(cell["source"])


def completed_chapter_01(lang: str) -> str:
    """Chapter 01 as a learner leaves it: the two exercises answered, the others stubs."""
    chapter = json.loads((ROOT / notebook_relpath("01_tensors", lang)).read_text("utf-8"))
    solution = json.loads((ROOT / notebook_relpath("01_tensors", lang, True)).read_text("utf-8"))
    for check in DONE_HERE:
        answer = next(code_of(c) for c in solution["cells"] if f"assert {check}(" in code_of(c))
        stub = next(c for c in chapter["cells"] if re.search(rf"^{check}\(", code_of(c), re.M))
        stub["source"] = answer.replace(f"assert {check}(", f"{check}(")
    return write_copy(notebook_relpath("01_tensors", lang), chapter)


def chapter_02_asking_progress(lang: str) -> str:
    """Chapter 02's first cells (title, setup), then a cell asking for ``progress()``."""
    nb = json.loads((ROOT / notebook_relpath("02_autograd", lang)).read_text("utf-8"))
    ask = {
        "cell_type": "code",
        "execution_count": None,
        "id": "progress",
        "metadata": {},
        "outputs": [],
        "source": "from widgets import progress\n\nprogress()",
    }
    nb["cells"] = [*nb["cells"][:2], ask]
    return write_copy(notebook_relpath("02_autograd", lang), nb)


def write_copy(relpath: str, nb: dict) -> str:
    target = OUT / "progress" / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    return target.relative_to(ROOT).as_posix()


# JupyterLab's dark theme: the table takes Lab's own colours (not its fallbacks) there too.
DARK = {"@jupyterlab/apputils-extension/themes.jupyterlab-settings": {"theme": "JupyterLab Dark"}}
LAB_COLOR_JS = """([cell, variable]) => {
    const probe = document.createElement('span');
    probe.style.color = `var(${variable})`;
    document.body.appendChild(probe);
    const wanted = getComputedStyle(probe).color;
    probe.remove();
    return [getComputedStyle(cell).color, wanted, document.body.dataset.jpThemeLight];
}"""

# True when the notebook on show has a Markdown cell with ``text`` inside its visible area.
IN_VIEW_JS = """text => {
    const outer = document.querySelector(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');
    if (!outer) return false;
    const box = outer.getBoundingClientRect();
    return [...outer.querySelectorAll('.jp-MarkdownCell')].some(cell => {
        const r = cell.getBoundingClientRect();
        return cell.innerText.includes(text) && r.height > 0 && r.top >= box.top - 2
            && r.top < box.bottom;
    });
}"""


@pytest.fixture
def lab(tmp_path, chromium_path):
    write_user_settings(tmp_path, DARK)
    env = {
        "NYUMON_PROGRESS_DIR": str(tmp_path / "progress"),
        "NBGRADER_EXECUTION": None,
        # The kernels import this checkout's widgets, whatever the venv's editable install is.
        "PYTHONPATH": str(ROOT),
    }
    with running_lab(tmp_path, lang="en", env=env) as server:
        yield server


def restart_kernel(page) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Kernel$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Restart Kernel…?$")).first.click()
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=60_000)


def test_two_exercises_of_chapter_01_are_counted_in_chapter_02(page, lab):
    total = sum(len(c.exercises) for c in course().chapters)
    first = completed_chapter_01("en")
    open_and_run_all(page, lab, first)
    verdicts = page.locator(".nyumon-verdict.nyumon-ok")
    assert verdicts.count() == 2, page.locator(".nyumon-verdict").all_inner_texts()
    restart_kernel(page)
    second = chapter_02_asking_progress("en")
    open_and_run_all(page, lab, second)
    accept_kernel_dialog(page, wait=1)
    assert_no_error_outputs(page)
    table = page.locator(".nyumon-progress")
    wait_text(table, re.compile(rf"2 of {total} exercises done"), timeout=60)
    row = table.locator("tbody tr").nth(1)  # chapter 01 (chapter 00 comes first)
    assert "Chapter 1" in row.inner_text()
    assert row.locator('td[data-status="ok"]').count() == 2
    assert table.locator('td[data-status="ok"]').count() == 2
    ok_cell = table.locator('td[data-status="ok"]').first.element_handle()
    shown, wanted, light = page.evaluate(LAB_COLOR_JS, [ok_cell, "--jp-success-color1"])
    assert light == "false"  # the dark theme did load
    assert shown == wanted and shown != "rgb(46, 125, 50)"  # Lab's colour, not the fallback
    setup_output = page.locator(".jp-CodeCell").first.locator(".jp-OutputArea")
    assert "This chapter has 3 exercises" in setup_output.inner_text()
    table.scroll_into_view_if_needed()
    screenshot(page, "progress_after_restart")
    # The chapter's name is a link JupyterLab opens in a tab of its own.
    row.locator("th a").click()
    name = notebook_relpath("01_tensors", "en").rsplit("/", 1)[-1]
    tab = page.locator(".lm-TabBar-tab", has_text=name)
    tab.first.wait_for(timeout=30_000)
    assert tab.count() >= 1
    page.wait_for_function(IN_VIEW_JS, arg="Chapter 1: Tensors", timeout=30_000)
    assert not page.evaluate(IN_VIEW_JS, "Exercise 5.")  # opened at its top, far from 1.5
    # A mark opens the chapter at its exercise: 1.5's statement scrolls into view.
    page.locator(".lm-TabBar-tab", has_text=second.rsplit("/", 1)[-1]).first.click()
    row.locator("td a").nth(4).click()
    page.wait_for_function(IN_VIEW_JS, arg="Exercise 5.", timeout=30_000)
    screenshot(page, "progress_link_to_exercise")


def test_progress_outlives_the_server_in_jupyters_data_folder(page, tmp_path, chromium_path):
    """No ``NYUMON_PROGRESS_DIR``: the kernels keep progress where a learner's would be,
    under the (test's own) HOME; the server is stopped and a new one started on that HOME."""
    write_user_settings(tmp_path)
    env = {
        "NYUMON_PROGRESS_DIR": None,
        "JUPYTER_DATA_DIR": None,
        "XDG_DATA_HOME": None,
        "NBGRADER_EXECUTION": None,
        "PYTHONPATH": str(ROOT),
    }
    kept = tmp_path / "home" / ".local" / "share" / "jupyter" / "pytorch-nyumon" / "progress.json"
    first = completed_chapter_01("ja")
    with running_lab(tmp_path, lang="ja", env=env) as lab:
        open_and_run_all(page, lab, first)
        assert page.locator(".nyumon-verdict.nyumon-ok").count() == 2
    saved = json.loads(kept.read_text("utf-8"))  # the server is gone; its kernels wrote here
    assert all(check in json.dumps(saved) for check in DONE_HERE), saved
    total = sum(len(c.exercises) for c in course().chapters)
    with running_lab(tmp_path, lang="ja", env=env) as lab:
        open_and_run_all(page, lab, chapter_02_asking_progress("ja"))
        assert_no_error_outputs(page)
        table = page.locator(".nyumon-progress")
        wait_text(table, re.compile(re.escape(SUMMARY("ja", total=total, done=2))), timeout=60)
        assert table.locator('td[data-status="ok"]').count() == 2
