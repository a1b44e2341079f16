"""Helpers for the PyTorch Nyumon course: ``from widgets import setup``.

The names below are the whole public API. Each is imported from its private module on first
use, so ``from widgets import setup`` does not pay for torchvision, ipywidgets or the
playground until a chapter needs them; the ``TYPE_CHECKING`` block shows editors and type
checkers the same names with their real signatures (a test keeps the two lists equal).

One private subpackage per feature, each readable in one sitting:

- ``_live_loss/``: training curves (history, figure, outputs, the ``live_loss`` plot)
- ``_graph/``: autograd graphs (trace, DOT, rendering with Graphviz or WebAssembly)
- ``_playground/``: the trainer with sliders (settings, tasks, training, session, view, widget)
- ``_env/``: the environment report; ``_data/``: MNIST with its offline sample, image folders
- ``_checks/``: exercise verdicts, one module per chapter, ``homework/`` for chapter 08
- ``_progress/``: the learner's progress file, ``progress()``, the chapter line of ``setup()``
- ``_predictions``: pictures of what a trained classifier predicts (chapters 05-06)
- leaves shared by all: ``_i18n`` (bilingual messages), ``_validate``, ``_setup``, and
  ``_figures`` (the Japanese font, one Agg figure, figure → PNG)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_EXPORTS = {
    "CourseError": "_i18n",
    "CourseTypeError": "_i18n",
    "CourseValueError": "_i18n",
    "DotGraph": "_graph.dot",
    "EnvReport": "_env.report",
    "LiveLoss": "_live_loss.plot",
    "Playground": "_playground.widget",
    "Verdict": "_checks.verdict",
    "check_accuracy": "_checks.ch05",
    "check_augmentations": "_checks.ch09",
    "check_backward": "_checks.homework.tensor",
    "check_checkpoint": "_checks.ch06",
    "check_cnn_block": "_checks.ch06",
    "check_conv2d": "_checks.homework.conv",
    "check_conv_out": "_checks.legacy",
    "check_conv_pool_shape": "_checks.ch04",
    "check_digit_folder": "_checks.ch03",
    "check_distances": "_checks.ch01",
    "check_diverging_lr": "_checks.ch07",
    "check_draw_graph": "_checks.homework.graph",
    "check_dropout": "_checks.ch04",
    "check_early_stopping": "_checks.ch09",
    "check_fewest_hidden": "_checks.ch07",
    "check_flatten": "_checks.ch01",
    "check_freeze": "_checks.ch09",
    "check_grad_by_hand": "_checks.ch02",
    "check_gru_step": "_checks.ch10",
    "check_image_batch": "_checks.ch01",
    "check_logits_loss": "_checks.ch05",
    "check_masked_loss": "_checks.ch10",
    "check_mean_brightness": "_checks.ch01",
    "check_mlp": "_checks.ch04",
    "check_mynet": "_checks.ch06",
    "check_one_hot": "_checks.ch03",
    "check_param_count": "_checks.ch04",
    "check_parity_hidden": "_checks.ch10",
    "check_per_sample_grads": "_checks.ch02",
    "check_probabilities": "_checks.ch06",
    "check_products": "_checks.ch01",
    "check_regression_fix": "_checks.ch07",
    "check_same_losses": "_checks.homework.graph",
    "check_sgd_step": "_checks.ch02",
    "check_shrink": "_checks.ch00",
    "check_split": "_checks.ch03",
    "check_tensor_ops": "_checks.homework.tensor",
    "check_to_batch": "_checks.ch01",
    "check_torch_version": "_checks.ch00",
    "check_train_step": "_checks.ch05",
    "data_dir": "_data.mnist",
    "env_report": "_env.report",
    "get_lang": "_i18n",
    "hint": "_checks.hints",
    "report_problem": "_checks.problem",
    "keep_progress_in_drive": "_progress.view",
    "live_loss": "_live_loss.plot",
    "load_mnist": "_data.mnist",
    "load_pretrained": "_data.pretrained",
    "playground": "_playground.widget",
    "progress": "_progress.view",
    "sample_image_folder": "_data.folder",
    "save_graph": "_graph.dot",
    "setup": "_setup",
    "show_confusion": "_predictions",
    "show_dot": "_graph.dot",
    "show_graph": "_graph.show",
    "show_predictions": "_predictions",
    "skip_unfinished": "_checks.homework.common",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # editors and type checkers see the real names and signatures
    from ._checks.ch00 import check_shrink, check_torch_version
    from ._checks.ch01 import (
        check_distances,
        check_flatten,
        check_image_batch,
        check_mean_brightness,
        check_products,
        check_to_batch,
    )
    from ._checks.ch02 import check_grad_by_hand, check_per_sample_grads, check_sgd_step
    from ._checks.ch03 import check_digit_folder, check_one_hot, check_split
    from ._checks.ch04 import check_conv_pool_shape, check_dropout, check_mlp, check_param_count
    from ._checks.ch05 import check_accuracy, check_logits_loss, check_train_step
    from ._checks.ch06 import check_checkpoint, check_cnn_block, check_mynet, check_probabilities
    from ._checks.ch07 import check_diverging_lr, check_fewest_hidden, check_regression_fix
    from ._checks.ch09 import check_augmentations, check_early_stopping, check_freeze
    from ._checks.ch10 import check_gru_step, check_masked_loss, check_parity_hidden
    from ._checks.hints import hint
    from ._checks.homework.common import skip_unfinished
    from ._checks.homework.conv import check_conv2d
    from ._checks.homework.graph import check_draw_graph, check_same_losses
    from ._checks.homework.tensor import check_backward, check_tensor_ops
    from ._checks.legacy import check_conv_out
    from ._checks.problem import report_problem
    from ._checks.verdict import Verdict
    from ._data.folder import sample_image_folder
    from ._data.mnist import data_dir, load_mnist
    from ._data.pretrained import load_pretrained
    from ._env.report import EnvReport, env_report
    from ._graph.dot import DotGraph, save_graph, show_dot
    from ._graph.show import show_graph
    from ._i18n import CourseError, CourseTypeError, CourseValueError, get_lang
    from ._live_loss.plot import LiveLoss, live_loss
    from ._playground.widget import Playground, playground
    from ._predictions import show_confusion, show_predictions
    from ._progress.view import keep_progress_in_drive, progress
    from ._setup import setup


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


# torchviz's make_dot(...) graphs draw without a system Graphviz once widgets is imported.
importlib.import_module(f"{__name__}._graph.dot").register_display()
