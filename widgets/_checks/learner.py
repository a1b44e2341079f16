"""The one way a check calls a learner's code, and demands what an answer must be.

A check is ``judge(probe(answer))``. The *probe* calls the learner's code through ``call``
(or ``call_watched``) on inputs the check chose and returns plain data: tensors, numbers,
strings, and dicts, lists and tuples of them (``as_data`` turns anything else into an
``Opaque`` record). The *judge* compares that data with the reference and picks the hint;
it never runs the learner's code. Both run in the kernel in a chapter; the grader can run
the probe in a sandbox and the judge outside it.

``call`` settles the four ways a learner's call can end other than with a value, once for
every check, by raising ``Stopped``:

- an untouched stub (``pass``, ``...``, ``return None``), or ``...`` returned: "not yet";
- ``None`` returned: "did you forget ``return``?" (unless the exercise returns nothing);
- an error the check recognises (a table of ``Crash`` rows): that mistake's hint;
- any other error: "your code raised an error", with the learner's own line.
"""

from __future__ import annotations

import sysconfig
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from .._i18n import CourseError, Message
from .guard import Calls, watch
from .verdict import (
    PACKAGE,
    STUB_FUNCTION,
    Early,
    Ending,
    Stopped,
    course_error,
    error_text,
    stop,
    untouched_stub,
)

# The default hints of expect_…; a check passes its own when it has more to say.
NOT_A_TENSOR = Message(
    ja="答えが torch.Tensor ではありません（{got} です）。torch の関数で作りましょう。",
    en="The answer is not a torch.Tensor (it is a {got}). Build it with torch functions.",
)
NOT_A_FUNCTION = Message(
    ja="答えには関数そのもの（括弧なしの名前）を渡してください（{got} でした）。",
    en="Pass the function itself, its name without parentheses (got a {got}).",
)
NOT_A_MODULE = Message(
    ja="答えは nn.Module のインスタンスにしてください（渡されたのは {got} です）。",
    en="The answer must be an nn.Module instance (got {got}).",
)


@dataclass(frozen=True)
class Crash:
    """A learner's error the check recognises: ``kind`` whose text has every ``words``."""

    kind: type[BaseException]
    words: tuple[str, ...]
    hint: Message

    def matches(self, error: BaseException) -> bool:
        return isinstance(error, self.kind) and all(w in str(error) for w in self.words)


@dataclass(frozen=True)
class Opaque:
    """A value that is not plain data, kept as its type name and a short ``repr``."""

    type: str
    text: str


def type_name(value: object) -> str:
    """The type of an answer as the learner wrote it (an ``Opaque`` keeps its original's)."""
    return value.type if isinstance(value, Opaque) else type(value).__name__


def as_data(value: object, depth: int = 0) -> object:
    """``value`` as plain data: tensors (detached copies), numbers, strings, containers.

    NumPy numbers and arrays are copied as they are; anything else (a module, a function,
    a learner's own class) becomes an ``Opaque`` record of its type and repr.
    """
    if value is None or type(value) in (bool, int, float, str):
        return value
    for kind in (bool, int, float):  # NumPy's float64, an IntEnum…: the number itself
        if isinstance(value, kind):
            return kind(value)
    if isinstance(value, str):  # torch.__version__ is a str subclass
        return value[:]
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if depth < 4 and isinstance(value, list | tuple):
        items = [as_data(item, depth + 1) for item in value]
        return items if isinstance(value, list) else tuple(items)
    if depth < 4 and isinstance(value, dict):
        return {str(k): as_data(v, depth + 1) for k, v in value.items()}
    if isinstance(value, np.generic) and not isinstance(value, np.object_):
        return value.copy()  # NumPy numbers stay NumPy numbers: a check may ask for a float
    if isinstance(value, np.ndarray) and value.dtype != object:
        return value.copy()
    try:
        text = repr(value)[:120]
    except Exception:  # a learner's __repr__ may raise
        text = ""
    return Opaque(type(value).__name__, text)


def as_values(*answers: object) -> tuple[object, ...]:
    """The probe of a check whose answers are values, not code: them, as plain data."""
    return as_data(answers)  # type: ignore[return-value]


def is_plain(value: object) -> bool:
    """True for the data a probe may return (what ``as_data`` makes)."""
    if value is None or isinstance(value, bool | int | float | str | torch.Tensor | Opaque):
        return True
    if isinstance(value, Message | np.generic | np.ndarray):
        return not isinstance(value, np.ndarray) or value.dtype != object
    if isinstance(value, Early):
        return is_plain(value.message) and is_plain(value.fmt)
    if isinstance(value, list | tuple):
        return all(is_plain(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_plain(v) for k, v in value.items())
    return False


LIBRARIES = tuple(
    Path(p).resolve() for p in {sysconfig.get_paths()[k] for k in ("stdlib", "purelib", "platlib")}
)


def learners_frame(frame: traceback.FrameSummary) -> bool:
    path = Path(frame.filename)
    if frame.filename.startswith("<") and "ipython-input" not in frame.filename:
        return frame.filename not in ("<frozen importlib._bootstrap>",)
    path = path.resolve()
    return not path.is_relative_to(PACKAGE) and not any(path.is_relative_to(p) for p in LIBRARIES)


def learners_line(error: BaseException) -> str:
    """The learner's own line where ``error`` was raised (the last frame that is theirs)."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if learners_frame(f)]
    if not frames or not (frames[-1].line or "").strip():
        return ""
    text = " ".join(frames[-1].line.split())  # type: ignore[union-attr]
    return f"`{text[:77] + '…' if len(text) > 78 else text}`"


def call(
    fn: Callable[..., Any],
    *args: object,
    name: str,
    crashes: Sequence[Crash] = (),
    returns_nothing: bool = False,
    no_grad: bool = False,
    stub_of: object = None,
) -> Any:
    """``fn(*args)``, or ``Stopped`` for a stub, a forgotten return or a crash (see above).

    ``stub_of`` is the function whose body tells an untouched stub (default ``fn``; for a
    module called as ``model(x)``, its ``forward``).
    """
    return _call(fn, args, name, crashes, returns_nothing, no_grad, stub_of, watched=False)[0]


def call_watched(
    fn: Callable[..., Any],
    *args: object,
    name: str,
    crashes: Sequence[Crash] = (),
    returns_nothing: bool = False,
    no_grad: bool = False,
    stub_of: object = None,
) -> tuple[Any, Calls]:
    """``call`` inside ``watch()``: the value and which torch functions and operators ran."""
    return _call(fn, args, name, crashes, returns_nothing, no_grad, stub_of, watched=True)


def _call(
    fn: Callable[..., Any],
    args: tuple[object, ...],
    name: str,
    crashes: Sequence[Crash],
    returns_nothing: bool,
    no_grad: bool,
    stub_of: object,
    watched: bool,
) -> tuple[Any, Calls]:
    if untouched_stub(fn if stub_of is None else stub_of):
        raise Stopped(Early(Ending.STUB, name=name, message=STUB_FUNCTION))
    calls = Calls()
    try:
        with (
            torch.no_grad() if no_grad else nullcontext(),
            watch() if watched else nullcontext() as seen,
        ):
            result = fn(*args)
        calls = seen if isinstance(seen, Calls) else calls
    except Stopped:
        raise
    except CourseError as error:  # a course helper the learner called refused its input
        raise Stopped(course_error(error)) from error
    except Exception as error:  # the learner's code: any error of theirs is theirs
        for crash in crashes:
            if crash.matches(error):
                raise Stopped(
                    Early(
                        Ending.MISTAKE,
                        name=name,
                        message=crash.hint,
                        fmt={"error": error_text(error)},
                    )
                ) from error
        early = Early(Ending.CRASH, name=name, error=error_text(error), line=learners_line(error))
        raise Stopped(early) from error
    if result is Ellipsis:
        raise Stopped(Early(Ending.STUB, name=name))
    if result is None and not returns_nothing:
        raise Stopped(Early(Ending.NONE, name=name))
    return result, calls


def probe_each(
    cases: Sequence[Any], one: Callable[[Any], dict[str, object]]
) -> list[dict[str, object]]:
    """``one(case)`` for each case, in order, until one ends early.

    A case that ends early (a stub, a crash…) is recorded as ``{"early": Early}`` and the
    later cases are not run: the judge reads the records in order, as a check would have.
    """
    records: list[dict[str, object]] = []
    for case in cases:
        try:
            records.append(one(case))
        except Stopped as stopped:
            records.append({"early": stopped.early})
            break
    return records


def settled(record: dict[str, object]) -> dict[str, object]:
    """``record`` itself, or ``Stopped`` with its early end (the judge's side of ``probe_each``)."""
    early = record.get("early")
    if isinstance(early, Early):
        raise Stopped(early)
    return record


def full_run(records: object, cases: int) -> list[dict[str, object]]:
    """``records`` if a probe's ``probe_each`` over ``cases`` cases could have made them.

    ``probe_each`` runs every case until one ends early, so anything but one record per case,
    or fewer ending with an early one, is not a probe's: a judge that read only the records
    sent would pass a hand-in on the cases it chose to send (none at all, say).
    """
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ValueError("the probe's records are not a list of records")
    cut_short = 0 < len(records) < cases and isinstance(records[-1].get("early"), Early)
    if len(records) != cases and not cut_short:
        raise ValueError(f"{len(records)} records for {cases} cases")
    return records


def paired(cases: Sequence[Any], records: object) -> Iterator[tuple[Any, dict[str, object]]]:
    """The judge's own ``cases`` beside the probe's records of them, each ``settled`` in turn.

    The judge regenerates a case's inputs itself and never reads the ones a record may carry:
    at grading the records come from the hand-in's process, which can send any inputs along
    with outputs made to fit them."""
    checked = full_run(records, len(cases))
    return ((case, settled(record)) for case, record in zip(cases, checked, strict=False))


def expect_callable(
    value: object, hint: Message = NOT_A_FUNCTION, **fmt: object
) -> Callable[..., Any]:
    """``value`` if it is a function; else stop with ``hint`` (blanks ``got`` and ``fmt``)."""
    if callable(value) and not (isinstance(value, type) and issubclass(value, nn.Module)):
        return value
    raise stop(hint, got=type_name(value), **fmt)


def expect_tensor(value: object, hint: Message = NOT_A_TENSOR, **fmt: object) -> torch.Tensor:
    """``value`` if it is a tensor; else stop with ``hint`` (blanks ``got`` and ``fmt``)."""
    if isinstance(value, torch.Tensor):
        return value
    raise stop(hint, got=type_name(value), **fmt)


def expect_module(value: object, hint: Message = NOT_A_MODULE, **fmt: object) -> nn.Module:
    """``value`` if it is an ``nn.Module`` instance; else stop with ``hint``."""
    if isinstance(value, nn.Module):
        return value
    raise stop(hint, got=type_name(value), **fmt)


def forward_of(model: nn.Module) -> object:
    """The ``forward`` whose body tells whether a module is still a stub."""
    return type(model).forward


__all__ = [
    "Crash",
    "Opaque",
    "as_data",
    "as_values",
    "call",
    "call_watched",
    "expect_callable",
    "expect_module",
    "expect_tensor",
    "full_run",
    "is_plain",
    "paired",
    "probe_each",
    "settled",
    "type_name",
]
