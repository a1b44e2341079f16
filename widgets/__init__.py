"""Helpers for the PyTorch Nyumon course: ``from widgets import setup``."""

from ._i18n import CourseError, CourseTypeError, CourseValueError, get_lang
from ._setup import setup
from ._verdict import Verdict

__all__ = [
    "CourseError",
    "CourseTypeError",
    "CourseValueError",
    "Verdict",
    "get_lang",
    "setup",
]
