"""Performance harness: ``python -m bench`` (or ``make bench``) prints a table of figures.

Each ``bench/bench_*.py`` module defines ``rows()``, yielding ``Row`` objects. Nothing here
passes or fails on timing: the figures are for people to read and compare.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One measured figure: what, how much, and how to read it."""

    name: str
    value: str
    note: str = ""
