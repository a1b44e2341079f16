"""What the chapter-08 homework checks share: their probes' records, stubs as "not yet",
tolerances, slopes.

A homework stub raises ``NotImplementedError("Task 8.x: ...")`` (the minitorch way). A
check's probe (``learner_side``) turns that into the "not yet" verdict, and
``skip_unfinished`` lets a demo cell that needs an unfinished task say so instead of
stopping the notebook. Each check is ``judge(probe(answer))``: the probe runs the learner's
code and records what it made, step by step; the judge reads the records (``Records``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any, NoReturn

import numpy as np

from ..._i18n import CourseError, Message
from ..compare import close
from ..learner import learners_line, settled
from ..limits import TOO_SLOW, OutOfBounds, deadline
from ..verdict import (
    Early,
    Ending,
    Stopped,
    Verdict,
    course_bug,
    course_error,
    error_text,
    exercise,
    stop,
)

NOT_DONE = Message(
    ja="まだ実装されていない部分があります: {task}",
    en="Part of it is not implemented yet: {task}",
)
SKIPPED = Message(
    ja="… まだです（このセルは飛ばしました）: {task}",
    en="… Not yet (this cell was skipped): {task}",
)


# Every homework probe runs the learner's code (a Tensor's backward, a training loop, a
# convolution in loops) under this bound: a loop that never ends is a ✗, not a hung kernel.
# The solutions take a few seconds at most, on a busy machine.
TIME_LIMIT = 120.0

Data = dict[str, Any]  # a homework probe's data: {"records": [...], and the check's options}


def learner_side(probe: Callable[..., None]) -> Callable[..., Data]:
    """A homework check's probe: ``probe(data, *answers)`` appends to ``data["records"]``.

    Each record is a dict the probe appends *before* it calls the learner's code for that
    step, then fills in; a record whose fields stop short was cut by the error that ended
    the probe, which is the last record, ``{"early": Early}``: a stub's
    ``NotImplementedError`` ("not yet"), a crash of the learner's code (their Tensor's
    methods run all through the probe) with their line, the course's refusal, a recognised
    mistake (``Stopped``), or ``TIME_LIMIT`` passing. An error where every frame is the
    course's is a bug of the check and propagates. The judge reads the records in order
    (``Records``), as the one-process check used to run them.
    """

    @wraps(probe)
    def run(*answers: object, **kw: object) -> Data:
        records: list[dict[str, object]] = []
        data: Data = {"records": records}
        try:
            with deadline(TIME_LIMIT):
                probe(data, *answers, **kw)
        except OutOfBounds as bound:
            if bound.kind != "seconds":
                raise
            records.append({"early": stop(TOO_SLOW, seconds=bound.limit).early})
        except Stopped as stopped:
            records.append({"early": stopped.early})
        except CourseError as error:
            records.append({"early": course_error(error)})
        except NotImplementedError as stub:
            early = Early(Ending.STUB, message=NOT_DONE, fmt={"task": stub_text(stub)})
            records.append({"early": early})
        except Exception as error:  # the learner's Tensor or conv2d, called in many places
            if course_bug(error):
                raise
            line = learners_line(error)
            records.append({"early": Early(Ending.CRASH, error=error_text(error), line=line)})
        return data

    run.learner_side = True  # type: ignore[attr-defined]
    return run


def record(data: Data, step: str, case: int = 0, **fields: object) -> dict[str, object]:
    """A new record of the probe's ``data``, appended now, for the probe to fill in."""
    new: dict[str, object] = {"step": step, "case": case, **fields}
    data["records"].append(new)
    return new


class Records:
    """The judge's side of ``learner_side``: the probe's records, one step at a time.

    ``next(step, case)`` is the next record, or ``Stopped`` with the probe's early end;
    ``need(record, key)`` is a field, or that early end when the record was cut before it.
    Data that lacks a record, or has one out of order, is not a probe's: a ``ValueError``
    (a course error at grading, never a pass).
    """

    def __init__(self, data: Data) -> None:
        self.items = list(data["records"])
        self.at = 0

    def next(self, step: str, case: int = 0) -> dict[str, object]:
        if self.at >= len(self.items):
            raise ValueError(f"the probe's data ends before {step} {case}")
        found = settled(self.items[self.at])
        self.at += 1
        if found.get("step") != step or found.get("case") != case:
            got = f"{found.get('step')} {found.get('case')}"
            raise ValueError(f"the probe's data has {got} where {step} {case} was due")
        return found

    def need(self, found: dict[str, object], key: str) -> Any:
        if key in found:
            return found[key]
        self.cut()

    def cut(self) -> NoReturn:
        """``Stopped`` with the early end that follows a record cut short."""
        if self.at < len(self.items):
            settled(self.items[self.at])
        raise ValueError("the probe's data has a record cut short without an early end")


def homework(
    title: Message, *, probe: Callable[..., Data], judge: Callable[[Data], Verdict]
) -> Callable[[Callable[..., Verdict]], Callable[..., Verdict]]:
    """``exercise`` with the check's two halves, passed through; the probe must be made by
    ``learner_side``, which keeps a homework's rules where the learner's code runs: a stub's
    ``NotImplementedError`` gives "not yet", another error the learner's crash with their
    line, and the probe ends after ``TIME_LIMIT`` seconds."""
    if not getattr(probe, "learner_side", False):
        raise TypeError(f"{probe.__name__} is not made by learner_side")
    return exercise(title, probe=probe, judge=judge)


def stub_text(stub: BaseException) -> str:
    return str(stub) or type(stub).__name__


@contextlib.contextmanager
def skip_unfinished() -> Iterator[None]:
    """Run a cell's body; if it reaches an unfinished stub, say so and skip the rest."""
    try:
        yield
    except NotImplementedError as stub:
        print(SKIPPED(task=stub_text(stub)))


# The homework's closeness, with compare.close: every error within tol · (1 + largest
# |reference|), so gradients that range over many magnitudes are judged as one.
TOL = 1e-6  # values and gradients in float64
CONV_TOL = 1e-8  # conv2d against F.conv2d, both in float64
SLOPE_TOL = 1e-5  # against finite differences


def scale_factor(mine: object, reference: object) -> float | None:
    """``c`` when ``mine ≈ c · reference`` for one constant ``c`` (spots ×2, ×½, sign flips)."""
    a = np.asarray(mine, dtype=np.float64).ravel()
    b = np.asarray(reference, dtype=np.float64).ravel()
    if a.shape != b.shape or not np.all(np.isfinite(a)) or float(b @ b) < 1e-12:
        return None
    c = float(a @ b / (b @ b))
    return c if close(a, c * b, rtol=TOL, atol=TOL, relative_to="largest") else None


def slope(f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central finite differences of a scalar function of one array."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f(x)
        x[i] = old - eps
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad
