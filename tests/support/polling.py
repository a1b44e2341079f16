"""Waiting on background threads without fixed sleeps, so busy machines don't flake tests."""

from __future__ import annotations

import time
from collections.abc import Callable


def until(condition: Callable[[], object], timeout: float = 30) -> bool:
    """Poll ``condition`` until it is true (→ True) or ``timeout`` seconds pass (→ False)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def settled(read: Callable[[], object], quiet: float = 0.3, timeout: float = 30) -> object:
    """Wait until ``read()`` stops changing for ``quiet`` seconds; return its value."""
    deadline = time.monotonic() + timeout
    value = read()
    while time.monotonic() < deadline:
        time.sleep(quiet)
        again = read()
        if again == value:
            return value
        value = again
    raise AssertionError(f"still changing after {timeout} s: {value!r}")
