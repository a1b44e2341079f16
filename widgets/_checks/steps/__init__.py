"""Help in steps: what a learner may open, one level at a time, after a check's first hint.

Level 1 is the hint the check itself gives (aimed at the mistake it recognised). Past it, each
exercise has the levels below, written once per chapter in `chNN.py` as ``STEPS``, keyed by
the catalog's name of the exercise (``check_conv2d[unfold]`` for task 8.6; see
``_checks.catalog``). The last level, a pointer to the solution cell, is made from the chapter and
needs no text here.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from ..._i18n import Message


@dataclass(frozen=True)
class Steps:
    """The levels of help past a check's own hint, for one exercise."""

    more: Message  # level 2: a more concrete hint, still no code of the answer
    first_step: Message  # level 3: the first step worked out (may show that step's code)


CHAPTERS = ("ch00", "ch01", "ch02", "ch03", "ch04", "ch05", "ch06", "ch07", "ch08", "ch09", "ch10")


def all_steps() -> dict[str, Steps]:
    """Every exercise's steps, by its catalog name (``check_image_batch``)."""
    found: dict[str, Steps] = {}
    for chapter in CHAPTERS:
        try:
            module = import_module(f"{__name__}.{chapter}")
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{chapter}":
                raise
            continue
        found.update(module.STEPS)
    return found


def steps_for(check_name: str) -> Steps | None:
    """The steps of one exercise, or None when it has none (yet)."""
    return all_steps().get(check_name)
