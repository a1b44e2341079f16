"""The course hint under a traceback when the learner's own line in an exercise cell fails."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from widgets import _crash_hint
from widgets._i18n import CourseValueError, Message

EXERCISE_CELL = "C = A * B\ncheck_products(A, B, C, None)"


def raised(fn) -> BaseException:
    try:
        fn()
    except Exception as error:
        return error
    raise AssertionError("no error")


A, B = torch.ones(2, 3), torch.ones(3, 2)
SHAPE_ERRORS = {
    "elementwise": lambda: A * B,
    "matmul": lambda: A @ A,
    "cat": lambda: torch.cat([A, B]),
    "view": lambda: A.view(4, 2),
    "batch": lambda: F.cross_entropy(torch.zeros(2, 3), torch.zeros(3, dtype=torch.long)),
}
DTYPE_ERRORS = {
    "matmul": lambda: torch.ones(2, 2, dtype=torch.long) @ torch.ones(2, 2),
    "linear": lambda: torch.nn.Linear(2, 1)(torch.ones(1, 2, dtype=torch.long)),
    "nll": lambda: F.nll_loss(torch.zeros(2, 3), torch.zeros(2)),
}


SHAPE_HINTS = {
    "elementwise": _crash_hint.ELEMENTWISE_HINT,
    "add": _crash_hint.ELEMENTWISE_HINT,
    "matmul": _crash_hint.MATMUL_HINT,
    "linear": _crash_hint.MATMUL_HINT,
    "mv": _crash_hint.MATMUL_HINT,
}
SHAPE_ERRORS |= {
    "add": lambda: A + B,
    "expand": lambda: torch.ones(2, 3).expand(4, 2),
    "linear": lambda: torch.nn.Linear(4, 1)(A),
    "mv": lambda: torch.mv(A, torch.ones(2)),
}


@pytest.mark.parametrize("case", list(SHAPE_ERRORS))
def test_pytorch_shape_errors_get_the_hint_for_their_kind(case):
    """`*` and `@` each get a hint about that product; other shape errors the general one."""
    want = SHAPE_HINTS.get(case, _crash_hint.SHAPE_HINT)
    assert _crash_hint.hint_for(raised(SHAPE_ERRORS[case]), EXERCISE_CELL) is want


@pytest.mark.parametrize("case", list(DTYPE_ERRORS))
def test_pytorch_dtype_errors_get_the_dtype_hint(case):
    assert _crash_hint.hint_for(raised(DTYPE_ERRORS[case]), EXERCISE_CELL) is _crash_hint.DTYPE_HINT


def test_no_hint_outside_exercise_cells_or_for_other_errors():
    assert _crash_hint.hint_for(raised(SHAPE_ERRORS["matmul"]), "C = A @ A") is None
    assert _crash_hint.hint_for(raised(lambda: 1 / 0), EXERCISE_CELL) is None
    assert _crash_hint.hint_for(NameError("name 'A' is not defined"), EXERCISE_CELL) is None


@pytest.fixture(scope="module")
def shell():
    ip = InteractiveShell.instance()
    ip.run_cell("import torch\nfrom widgets import _crash_hint", store_history=True)
    assert _crash_hint.install()
    yield ip
    ip.set_custom_exc((), None)


def run(ip, cell: str):
    with capture_output() as cap:
        result = ip.run_cell(cell, store_history=True)
    texts = [o.data.get("text/plain", "") for o in cap.outputs]
    return result, texts, cap.stdout + cap.stderr


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_shape_error_in_an_exercise_cell_shows_the_traceback_then_the_hint(shell, lang):
    from widgets._i18n import set_lang

    set_lang(lang)
    cell = "A = torch.ones(2, 3)\nB = torch.ones(3, 2)\nC = A * B\ncheck_products(A, B, C, None)"
    result, shown, printed = run(shell, cell)
    assert isinstance(result.error_in_exec, RuntimeError)  # the cell still failed
    assert "must match the size" in printed  # the traceback as always
    assert shown == [_crash_hint.ELEMENTWISE_HINT(lang, line="`C = A * B`")]


def test_the_learners_line_is_shown_as_text_not_html(shell):
    cell = "A = torch.ones(2, 3)\nC = A @ A  # <b>bold</b>\ncheck_products(A, A, C, None)"
    with capture_output() as cap:
        shell.run_cell(cell, store_history=True)
    (box,) = [o.data["text/html"] for o in cap.outputs if "text/html" in o.data]
    assert "&lt;b&gt;bold&lt;/b&gt;" in box and "<b>" not in box


def test_other_cells_and_errors_look_as_in_plain_ipython(shell):
    result, shown, printed = run(shell, "A = torch.ones(2, 3)\nA @ A")
    assert isinstance(result.error_in_exec, RuntimeError) and shown == []
    assert "cannot be multiplied" in printed
    result, shown, printed = run(shell, "x = undefined_name\ncheck_products(x)")
    assert isinstance(result.error_in_exec, NameError) and shown == []


def test_the_courses_own_errors_keep_their_short_form(shell):
    shell.user_ns["CourseValueError"] = CourseValueError
    shell.user_ns["Message"] = Message
    result, shown, printed = run(
        shell, 'raise CourseValueError(Message(ja="日本語の文", en="An English sentence"))'
    )
    assert isinstance(result.error_in_exec, CourseValueError) and shown == []
    assert "Traceback" not in printed and "CourseValueError" in printed


def test_the_handler_keeps_the_last_error_as_ipython_does(monkeypatch):
    """report_problem() and %debug read sys.last_value; the course's handler must set it."""
    import sys

    from widgets import _crash_hint

    class Shell:
        class InteractiveTB:
            @staticmethod
            def structured_traceback(*args, **kw):
                return ["tb"]

        history_manager = None

        def _showtraceback(self, *args):
            pass

    monkeypatch.delattr(sys, "last_value", raising=False)
    error = ValueError("kept")
    _crash_hint._handler(Shell(), ValueError, error, None)
    assert sys.last_value is error
