"""Helpers for the PyTorch Nyumon course: ``from widgets import setup``."""

from ._checks_00 import check_shrink, check_torch_version
from ._checks_01 import check_flatten, check_image_batch, check_mean_brightness, check_products
from ._checks_02 import check_grad_by_hand, check_per_sample_grads, check_sgd_step
from ._env import EnvReport, env_report
from ._graph import show_graph
from ._i18n import CourseError, CourseTypeError, CourseValueError, get_lang
from ._setup import setup
from ._verdict import Verdict

__all__ = [
    "CourseError",
    "CourseTypeError",
    "CourseValueError",
    "EnvReport",
    "Verdict",
    "check_flatten",
    "check_grad_by_hand",
    "check_image_batch",
    "check_mean_brightness",
    "check_per_sample_grads",
    "check_products",
    "check_sgd_step",
    "check_shrink",
    "check_torch_version",
    "env_report",
    "get_lang",
    "setup",
    "show_graph",
]
