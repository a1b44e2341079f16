"""What the chapter-08 homework checks share: stubs as "not yet", closeness, slopes.

A homework stub raises ``NotImplementedError("Task 8.x: ...")`` (the minitorch way). The
checks turn that into the "not yet" verdict, and ``skip_unfinished`` lets a demo cell that
needs an unfinished task say so instead of stopping the notebook.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from functools import wraps

import numpy as np

from ..._i18n import Message
from .. import compare
from ..verdict import Verdict, exercise, not_yet

NOT_DONE = Message(
    ja="まだ実装されていない部分があります: {task}",
    en="Part of it is not implemented yet: {task}",
)
SKIPPED = Message(
    ja="… まだです（このセルは飛ばしました）: {task}",
    en="… Not yet (this cell was skipped): {task}",
)


def homework(title: Message) -> Callable[[Callable[..., Verdict]], Callable[..., Verdict]]:
    """``exercise``, plus: a stub's ``NotImplementedError`` gives "not yet", not ✗."""

    def decorate(check: Callable[..., Verdict]) -> Callable[..., Verdict]:
        @wraps(check)
        def run(*answers: object, **kw: object) -> Verdict:
            try:
                return check(*answers, **kw)
            except NotImplementedError as stub:
                return not_yet(NOT_DONE(task=stub_text(stub)))

        return exercise(title)(run)

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


def close(mine: object, reference: object, tol: float = 1e-6) -> bool:
    """The homework's closeness: every error within ``tol · (1 + largest |reference|)``."""
    return compare.close(mine, reference, rtol=tol, atol=tol, relative_to="largest")


def scale_factor(mine: object, reference: object) -> float | None:
    """``c`` when ``mine ≈ c · reference`` for one constant ``c`` (spots ×2, ×½, sign flips)."""
    a = np.asarray(mine, dtype=np.float64).ravel()
    b = np.asarray(reference, dtype=np.float64).ravel()
    if a.shape != b.shape or not np.all(np.isfinite(a)) or float(b @ b) < 1e-12:
        return None
    c = float(a @ b / (b @ b))
    return c if close(a, c * b, 1e-6) else None


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
