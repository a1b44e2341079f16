"""A course hint under the traceback when the learner's own line in an exercise cell fails.

A check never raises, but a learner's line before it can: ``C = A * B`` with shapes that do not
match stops the cell before ``check_products(...)`` runs, and a bare PyTorch traceback says
nothing about the exercise. ``setup()`` installs this in IPython: the traceback is shown as
always, and when the cell calls a ``check_…`` and the error is about shapes or dtypes, a hint
in the learner's language follows. Every other error is shown exactly as IPython would.
"""

from __future__ import annotations

import html
import linecache
import re
import sys
from types import TracebackType
from typing import Any

from ._i18n import Message

EXERCISE = re.compile(r"\bcheck_\w+\s*\(")
# Two shape errors have a hint of their own (the product the learner meant); the rest share one.
ELEMENTWISE = re.compile(r"The size of tensor a .* must match the size of tensor b")
MATMUL = re.compile(r"shapes cannot be multiplied|must match mat2|size mismatch, got input")
SHAPE = re.compile(
    r"must match the size of tensor|shapes cannot be multiplied|size mismatch|"
    r"Sizes of tensors must match|is invalid for input of size|The expanded size of the tensor|"
    r"Dimension out of range|inconsistent tensor size|to match target batch_size|"
    r"must match mat2|Expected .* to have .* channels|same number of dimensions",
    re.IGNORECASE,
)
DTYPE = re.compile(
    r"expected scalar type|dtype|result type \w+ can't be cast|not implemented for '\w+'|"
    r"expected .* (Float|Double|Long|Int|Half|Bool)\b.*(found|got)",
    re.IGNORECASE,
)
HANDLED = (RuntimeError, ValueError, IndexError, TypeError)

SHAPE_HINT = Message(
    ja="講座のヒント: あなたの書いた行 {line} が、テンソルの形が合わずに止まりました。チェックはまだ動いていません。"
    "`print(x.shape)` のように、その行で使うテンソルの形を表示して、課題が求める形と比べましょう。",
    en="Course hint: your line {line} stopped because the tensors' shapes do not fit; the check has not run yet. "
    "Print the shapes of the tensors on that line, for example print(x.shape), and compare them with what the task asks for.",
)
ELEMENTWISE_HINT = Message(
    ja="講座のヒント: あなたの書いた行 {line} が、要素ごとの演算で形が合わずに止まりました。チェックはまだ動いていません。"
    "`*` や `+` は要素ごとの演算で、同じ形（またはブロードキャストできる形）が必要です。"
    "`print(A.shape, B.shape)` で形を確かめましょう。行列の積のつもりなら `@` を使います。",
    en="Course hint: your line {line} stopped because an element-wise operation got shapes that do not fit; "
    "the check has not run yet. `*` and `+` work element by element and need the same shape (or shapes that "
    "broadcast): print(A.shape, B.shape). If you meant the matrix product, use `@`.",
)
MATMUL_HINT = Message(
    ja="講座のヒント: あなたの書いた行 {line} が、行列の積で形が合わずに止まりました。チェックはまだ動いていません。"
    "`@` は (n, k) と (k, m) のように、左の列の数と右の行の数がそろっている必要があります。"
    "`print(A.shape, B.shape)` で形を確かめましょう。要素ごとの積のつもりなら `*` を使います。",
    en="Course hint: your line {line} stopped because a matrix product got shapes that do not fit; the check has "
    "not run yet. `@` needs the inner sizes to match, (n, k) and (k, m): print(A.shape, B.shape). If you meant "
    "the element-wise product, use `*`.",
)
DTYPE_HINT = Message(
    ja="講座のヒント: あなたの書いた行 {line} が、テンソルのデータ型（dtype）が合わずに止まりました。チェックはまだ動いていません。"
    "`x.dtype` で型を確かめ、`.float()` や `.long()` でそろえましょう。"
    "正解ラベルは、CrossEntropyLoss なら整数（long）、BCEWithLogitsLoss や MSELoss なら小数（float）です。",
    en="Course hint: your line {line} stopped because the tensors' data types (dtype) do not fit; the check has not run yet. "
    "Look at x.dtype and make them agree with .float() or .long(). Targets are integers (long) for CrossEntropyLoss "
    "and floats for BCEWithLogitsLoss or MSELoss.",
)


def hint_for(error: BaseException, cell: str) -> Message | None:
    """The hint for an error raised in a cell, or None (not an exercise cell, another error)."""
    if not isinstance(error, HANDLED) or not EXERCISE.search(cell):
        return None
    text = str(error)
    if ELEMENTWISE.search(text):
        return ELEMENTWISE_HINT
    if MATMUL.search(text):
        return MATMUL_HINT
    if SHAPE.search(text):
        return SHAPE_HINT
    if DTYPE.search(text):
        return DTYPE_HINT
    return None


def cell_line(tb: TracebackType | None) -> str:
    """The cell's own line the error came through: the first frame after IPython's."""
    seen_ipython = False
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if seen_ipython and "IPython" not in name:
            line = linecache.getline(name, tb.tb_lineno, tb.tb_frame.f_globals).strip()
            return f"`{line}`" if line else ""
        seen_ipython = seen_ipython or "IPython" in name
        tb = tb.tb_next
    return ""


def _handler(shell: Any, etype: type, value: BaseException, tb: TracebackType, tb_offset=None):
    # What IPython's own handler keeps for %debug and report_problem(): the last error.
    sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb
    if hasattr(value, "_render_traceback_"):  # the course's own errors print only their text
        stb = value._render_traceback_()
    else:
        stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    shell._showtraceback(etype, value, stb)
    cells = getattr(shell.history_manager, "input_hist_raw", None) or [""]
    hint = hint_for(value, cells[-1])
    if hint is not None:
        from IPython.display import display

        text = hint(line=cell_line(tb))
        box = (
            '<div style="border-left:4px solid #8a6d00;padding:4px 10px;color:#8a6d00">'
            f"{html.escape(text)}</div>"  # the learner's line, as text
        )
        display({"text/plain": text, "text/html": box}, raw=True)
    return stb


def install() -> bool:
    """Show the hint in the running IPython (a no-op in a script); True when installed."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    if shell.custom_exceptions and shell.custom_exceptions != HANDLED:
        return False  # someone else's handler: leave it
    shell.set_custom_exc(HANDLED, _handler)
    return True
