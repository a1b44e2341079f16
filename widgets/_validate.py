"""Argument checks shared by the helpers, each failing with a bilingual error."""

from __future__ import annotations

import math
from numbers import Integral, Real

from ._i18n import CourseTypeError, CourseValueError, Message

WRONG_TYPE = Message(
    ja="{name} には {expected} を渡してください（渡されたのは {got} です）。",
    en="{name} must be {expected} (got {got}).",
)
TOO_SMALL = Message(
    ja="{name} は {low} 以上にしてください（渡されたのは {value} です）。",
    en="{name} must be at least {low} (got {value}).",
)
TOO_LARGE = Message(
    ja="{name} は {high} 以下にしてください（渡されたのは {value} です）。",
    en="{name} must be at most {high} (got {value}).",
)
NOT_POSITIVE = Message(
    ja="{name} は 0 より大きい数にしてください（渡されたのは {value} です）。",
    en="{name} must be greater than 0 (got {value}).",
)
NOT_FINITE = Message(
    ja="{name} が NaN または無限大です。有限の数を渡してください。",
    en="{name} is NaN or infinite; pass a finite number.",
)
NOT_A_CHOICE = Message(
    ja="{name} に {value} は使えません。次のどれかを指定してください: {choices}",
    en="{name} cannot be {value}. Use one of: {choices}",
)

INTEGER = Message(ja="整数", en="an integer")
NUMBER = Message(ja="数値", en="a number")


def type_name(value: object) -> str:
    return type(value).__name__


def unwrap_number(value: object) -> object:
    """The Python number inside a one-element tensor or array (``.item()``); else ``value``.

    Checks accept ``loss`` as well as ``loss.item()``, and ``np.int64(4)`` as well as ``4``;
    anything that is not one element (a longer tensor, a string, None) comes back unchanged.
    """
    numel = getattr(value, "numel", None)  # torch.Tensor
    size = numel() if callable(numel) else getattr(value, "size", None)  # NumPy
    item = getattr(value, "item", None)
    if isinstance(size, int) and size == 1 and callable(item):
        return item()
    return value


def require_int(
    name: str, value: object, *, low: int | None = None, high: int | None = None
) -> int:
    """An ``int`` (bools refused) within ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise CourseTypeError(WRONG_TYPE, name=name, expected=INTEGER, got=type_name(value))
    value = int(value)
    if low is not None and value < low:
        raise CourseValueError(TOO_SMALL, name=name, low=low, value=value)
    if high is not None and value > high:
        raise CourseValueError(TOO_LARGE, name=name, high=high, value=value)
    return value


def require_positive(name: str, value: object) -> float:
    """A finite real number greater than zero (learning rates, scales)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise CourseTypeError(WRONG_TYPE, name=name, expected=NUMBER, got=type_name(value))
    value = float(value)
    if not math.isfinite(value):
        raise CourseValueError(NOT_FINITE, name=name)
    if value <= 0:
        raise CourseValueError(NOT_POSITIVE, name=name, value=value)
    return value


def require_choice(name: str, value: object, choices: tuple[str, ...]) -> str:
    """One of ``choices``; the error lists them."""
    if not isinstance(value, str) or value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise CourseValueError(NOT_A_CHOICE, name=name, value=repr(value), choices=listed)
    return value
