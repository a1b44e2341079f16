"""Progress in JupyterLab: two exercises of chapter 01 done, the kernel restarted, chapter 02
opened: its first cell and ``progress()`` count them.

The notebooks are copies under the git-ignored ``test-output/browser/``, and the progress file
lives in a folder of this test's own (``NYUMON_PROGRESS_DIR``).
"""

from __future__ import annotations

import json
import re

import pytest

from tests.browser.conftest import USER_SETTINGS
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


@pytest.fixture
def lab(tmp_path, chromium_path):
    settings = tmp_path / "home" / ".jupyter" / "lab" / "user-settings"
    for name, values in {**USER_SETTINGS, **DARK}.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
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
    row.locator("a").click()
    name = notebook_relpath("01_tensors", "en").rsplit("/", 1)[-1]
    tab = page.locator(".lm-TabBar-tab", has_text=name)
    tab.first.wait_for(timeout=30_000)
    assert tab.count() >= 1
