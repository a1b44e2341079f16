"""What the chapter-08 homework checks share: stubs as "not yet", tolerances, slopes.

A homework stub raises ``NotImplementedError("Task 8.x: ...")`` (the minitorch way). The
checks turn that into the "not yet" verdict, and ``skip_unfinished`` lets a demo cell that
needs an unfinished task say so instead of stopping the notebook.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from functools import wraps

import numpy as np

from ..._i18n import CourseError, Message
from ..compare import close
from ..learner import learners_line
from ..limits import time_bounded
from ..verdict import (
    Early,
    Ending,
    Stopped,
    Verdict,
    course_bug,
    error_text,
    exercise,
    not_yet,
)

NOT_DONE = Message(
    ja="まだ実装されていない部分があります: {task}",
    en="Part of it is not implemented yet: {task}",
)
SKIPPED = Message(
    ja="… まだです（このセルは飛ばしました）: {task}",
    en="… Not yet (this cell was skipped): {task}",
)


# Every homework check runs the learner's code (a Tensor's backward, a training loop, a
# convolution in loops) under this bound: a loop that never ends is a ✗, not a hung kernel.
# The solutions take a few seconds at most, on a busy machine.
TIME_LIMIT = 120.0


def homework(title: Message) -> Callable[[Callable[..., Verdict]], Callable[..., Verdict]]:
    """``exercise``, plus: a stub's ``NotImplementedError`` gives "not yet", not ✗; another
    error is the learner's crash (their Tensor's methods run all through the check), unless
    every frame is the course's; and the check ends after ``TIME_LIMIT`` seconds."""

    def decorate(check: Callable[..., Verdict]) -> Callable[..., Verdict]:
        @wraps(check)
        def run(*answers: object, **kw: object) -> Verdict:
            try:
                return check(*answers, **kw)
            except NotImplementedError as stub:
                return not_yet(NOT_DONE(task=stub_text(stub)))
            except (Stopped, CourseError):
                raise
            except Exception as error:  # the learner's Tensor or conv2d, called in many places
                if course_bug(error):
                    raise
                line = learners_line(error)
                crash = Early(Ending.CRASH, error=error_text(error), line=line)
                raise Stopped(crash) from error

        return exercise(title)(time_bounded(TIME_LIMIT)(run))

    return decorate


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
