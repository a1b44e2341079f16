"""Each verdict into the learner's progress file (``_progress.store``), named by its exercise.

A check outside the catalog (a first-edition check kept for old notebooks) records nothing.
"""

from __future__ import annotations

from .._progress import store
from .catalog import exercise_of


def kept(check_name: str, options: dict[str, object], status: str) -> None:
    """Record ``status`` for the exercise ``check_name(…, **options)`` is. Never raises."""
    try:
        exercise = exercise_of(check_name, **options)
    except Exception:
        return
    if exercise is not None:
        store.record(exercise.check, status)
