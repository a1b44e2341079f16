"""Help in steps and the problem report in JupyterLab (issue 30, item 5), in Japanese.

Chapter 01 as shipped (its first exercise still ``None``) runs to its first check; the "not
yet" box offers "もっとヒント", and each click opens one level more: the more concrete hint,
the worked first step, then where the solution is, after which the button says there is no
more. The help seen lands in the learner's progress file. A ``report_problem()`` cell then
shows the environment summary and the exercise, without the learner's code until she ticks
the box. The notebook is a copy under the git-ignored ``test-output/browser/``.
"""

from __future__ import annotations

import json
from importlib.metadata import version

import pytest

from tests.browser.conftest import write_user_settings
from tests.support.browser import OUT, assert_no_error_outputs, open_and_run_all, screenshot
from tests.support.jupyter_server import ROOT, running_lab
from tools.build import notebook_relpath
from widgets._checks.hints import LEVEL_HEAD, LEVEL_NAMES, MORE_BUTTON, NO_MORE
from widgets._checks.steps import steps_for

pytestmark = pytest.mark.browser
CHECK = "check_image_batch"  # chapter 01's first exercise, 1.1
STUB = "batch = None  # ここを書き換えます"  # the learner's line as shipped


def chapter_01_to_its_first_check() -> str:
    """Chapter 01 (ja) up to its first exercise's check, then a ``report_problem()`` cell."""
    relpath = notebook_relpath("01_tensors", "ja")
    nb = json.loads((ROOT / relpath).read_text("utf-8"))
    cells = nb["cells"]
    first = next(i for i, c in enumerate(cells) if f"\n{CHECK}(" in "".join(c["source"]))
    assert STUB in "".join(cells[first]["source"])  # the stub this test's promises are about
    report = {
        "cell_type": "code",
        "execution_count": None,
        "id": "report",
        "metadata": {},
        "outputs": [],
        "source": "from widgets import report_problem\n\nreport_problem()",
    }
    nb["cells"] = [*cells[: first + 1], report]
    target = OUT / "help" / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    return target.relative_to(ROOT).as_posix()


@pytest.fixture
def lab(tmp_path, chromium_path):
    write_user_settings(tmp_path)
    env = {
        "NYUMON_PROGRESS_DIR": str(tmp_path / "progress"),
        "NBGRADER_EXECUTION": None,
        "PYTHONPATH": str(ROOT),  # the kernels import this checkout's widgets
    }
    with running_lab(tmp_path, lang="ja", env=env) as server:
        yield server


def head(kind: str, level: int) -> str:
    return LEVEL_HEAD("ja", name=LEVEL_NAMES[kind]("ja"), level=level, total=4)


def test_help_opens_one_level_a_click_and_the_report_leaves_the_code_out(page, lab, tmp_path):
    steps = steps_for(CHECK)
    assert steps is not None
    open_and_run_all(page, lab, chapter_01_to_its_first_check())
    assert_no_error_outputs(page)
    verdict = page.locator(".nyumon-verdict").last
    assert "nyumon-ok" not in (verdict.get_attribute("class") or "")
    button = page.locator(".nyumon-more-help")
    assert button.count() == 1
    assert button.inner_text().strip() == MORE_BUTTON("ja")
    levels = page.locator(".nyumon-help-levels .nyumon-help-level")
    assert levels.count() == 0  # nothing beyond the box's own hint before a click
    expected = [
        (2, head("more", 2), steps.more("ja")),
        (3, head("first_step", 3), steps.first_step("ja")),
        (4, head("solution", 4), "../../solutions/ja/01_ja_tensors.ipynb"),
    ]
    for level, heading, text in expected:
        button.click()
        levels.nth(level - 2).wait_for(timeout=30_000)
        assert levels.count() == level - 1  # one more level, not all of them at once
        shown = levels.nth(level - 2)
        assert shown.get_attribute("data-level") == str(level)
        assert shown.locator("b").inner_text() == heading
        assert text.replace("`", "")[:40] in shown.inner_text(), shown.inner_text()
    assert levels.nth(1).locator("code").count() >= 1  # the first step's code, as code
    link = levels.nth(2).locator("a")
    assert link.get_attribute("href") == "../../solutions/ja/01_ja_tensors.ipynb"
    page.wait_for_function(
        "() => document.querySelector('.nyumon-more-help').disabled", timeout=10_000
    )
    assert button.inner_text().strip() == NO_MORE("ja")
    screenshot(page, "help_levels_ja")
    saved = json.loads((tmp_path / "progress" / "progress.json").read_text("utf-8"))
    assert CHECK in json.dumps(saved)
    entry = next(v for k, v in walk(saved) if k == CHECK)
    assert entry["help"] == [2, 3, 4] and entry["status"] == "todo", entry

    report = page.locator(".nyumon-report-text")
    report.wait_for(timeout=30_000)
    text = report.inner_text()
    assert "実行環境" in text and version("torch").split("+")[0] in text, text
    assert "1.1" in text and CHECK in text, text
    assert STUB not in text and "ここを書き換えます" not in text, text
    page.locator(".nyumon-include-code input").check()
    page.wait_for_function(
        "stub => [...document.querySelectorAll('.nyumon-report-text')]"
        ".some(el => el.innerText.includes(stub))",
        arg=STUB,
        timeout=30_000,
    )
    assert_no_error_outputs(page)


def walk(tree: object):
    """Every (key, value) pair of a JSON tree, depth first."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield key, value
            yield from walk(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from walk(item)
