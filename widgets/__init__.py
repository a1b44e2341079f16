"""Helpers for the PyTorch Nyumon course: ``from widgets import setup``."""

from ._checks_01 import check_flatten, check_image_batch, check_mean_brightness, check_products
from ._i18n import CourseError, CourseTypeError, CourseValueError, get_lang
from ._setup import setup
from ._verdict import Verdict

__all__ = [
    "CourseError",
    "CourseTypeError",
    "CourseValueError",
    "Verdict",
    "check_flatten",
    "check_image_batch",
    "check_mean_brightness",
    "check_products",
    "get_lang",
    "setup",
]
