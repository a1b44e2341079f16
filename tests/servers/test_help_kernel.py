"""Help in steps and ``report_problem()`` in a real IPython kernel (jupyter_client), as a
notebook runs them: ``hint()``'s text, the button's fallback, and a report that never carries
the learner's code unless she asks (issue 30 items 2, 3 and 5)."""

from __future__ import annotations

import contextlib
import json
import os

import nbval.kernel
import pytest

from tests.support import nbval_kernel
from tests.support.jupyter_server import ROOT

pytestmark = pytest.mark.server
MARKER = "okapi_91c2_marker"
WIDGET = "application/vnd.jupyter.widget-view+json"


@contextlib.contextmanager
def new_kernel(first: str):
    """A fresh kernel of this checkout's widgets (not the venv's) that has run ``first``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    km, kc = nbval_kernel.start_new_kernel(
        kernel_name=nbval.kernel.CURRENT_ENV_KERNEL_NAME, cwd=str(ROOT), env=env
    )
    try:
        run(kc, first)
        yield kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def kernel():
    with new_kernel("import torch\nfrom widgets import *\nsetup('en')") as kc:
        yield kc


def run(kc, code: str) -> tuple[dict, list[dict]]:
    """Execute ``code`` as a cell; its reply and every iopub message it caused."""
    messages: list[dict] = []
    reply = kc.execute_interactive(code, output_hook=messages.append, timeout=120)
    return reply["content"], messages


def outputs(messages: list[dict]) -> list[dict]:
    kinds = ("display_data", "execute_result", "stream", "error")
    return [m["content"] for m in messages if m["msg_type"] in kinds]


def text_of(messages: list[dict]) -> str:
    parts = []
    for out in outputs(messages):
        parts.append(out.get("text", ""))
        parts += [str(v) for v in out.get("data", {}).values()]
        parts += [out.get("evalue", "")]
    return "\n".join(parts)


def test_a_wrong_answer_shows_its_box_then_a_button_with_a_text_fallback(kernel):
    reply, messages = run(kernel, f"{MARKER} = torch.zeros(2, 3)\ncheck_image_batch({MARKER})")
    assert reply["status"] == "ok"
    box, more = [o["data"] for o in outputs(messages) if o.get("data")]
    assert "nyumon-verdict" in box["text/html"] and "report_problem()" in box["text/html"]
    assert WIDGET in more and "hint()" in more["text/html"] and "hint()" in more["text/plain"]
    assert "Button(" not in json.dumps(more) and "VBox(" not in json.dumps(more)


def test_hint_shows_the_next_level_as_text(kernel):
    run(kernel, "check_image_batch(torch.zeros(2, 3))")
    _, messages = run(kernel, "print(hint(1))\nprint(hint(99 // 99 + 1, '1.1'))")
    shown = text_of(messages)
    assert "(1 of 4)" in shown and "4-D" in shown  # level 1: the check's own hint
    assert "(2 of 4)" in shown
    _, messages = run(kernel, "print(hint(hint(1).total))")
    assert "exercise 1.1" in text_of(messages) and ".ipynb" in text_of(messages)


def test_a_wrong_level_is_a_bilingual_error_and_the_kernel_lives_on(kernel):
    reply, messages = run(kernel, "hint(99)")
    assert reply["status"] == "error" and reply["ename"] == "CourseValueError"
    reply, messages = run(kernel, "setup('ja'); hint('x')")
    assert reply["ename"] == "CourseTypeError" and "渡してください" in text_of(messages)
    reply, _ = run(kernel, "setup('en'); 6 * 7")
    assert reply["status"] == "ok"


def test_the_report_has_the_environment_and_no_code_unless_asked(kernel):
    run(kernel, f"{MARKER}_b = torch.zeros(2, 3)\ncheck_image_batch({MARKER}_b)")
    _, messages = run(kernel, "print(report_problem().text)")
    shown = text_of(messages)
    assert "Environment report" in shown and "torch" in shown and "exercise 1.1" in shown
    assert MARKER not in shown
    _, messages = run(kernel, "print(report_problem(include_code=True).text)")
    assert f"check_image_batch({MARKER}_b)" in text_of(messages)


def test_the_displayed_report_and_its_widgets_carry_no_code(kernel):
    run(kernel, f"raise ValueError('{MARKER} in an error')")
    _, messages = run(kernel, "report_problem()")
    everything = json.dumps([m["content"] for m in messages], ensure_ascii=False)
    assert "Environment report" in everything
    assert "ValueError" in everything
    assert MARKER not in everything  # neither the output nor the widgets' state


def test_what_a_verdict_says_to_run_runs_in_a_chapters_own_namespace():
    """A chapter imports only setup and its checks: the lines under a ✗ name code that runs
    there as written (a bare ``hint()`` was a NameError)."""
    from widgets._checks.hints import HINT_CALL, MORE_LINE
    from widgets._checks.verdict import REPORT_CALL, REPORT_LINE

    for lang in ("ja", "en"):
        assert HINT_CALL in MORE_LINE(lang) and REPORT_CALL in REPORT_LINE(lang)
    with new_kernel(
        "import torch\nfrom widgets import setup, check_image_batch\nsetup('en')"
    ) as kc:
        _, messages = run(kc, "check_image_batch(torch.zeros(2, 3))")
        shown = text_of(messages)
        assert HINT_CALL in shown and REPORT_CALL in shown
        shown = {}
        for call in (HINT_CALL, HINT_CALL, REPORT_CALL):
            reply, messages = run(kc, call)
            assert reply["status"] == "ok", (call, reply)
            shown.setdefault(call, []).append(text_of(messages))
        assert "(2 of 4)" in shown[HINT_CALL][0] and "(3 of 4)" in shown[HINT_CALL][1]
        assert "Environment report" in shown[REPORT_CALL][0]
