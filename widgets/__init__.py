"""Helpers for the PyTorch Nyumon course: ``from widgets import setup``.

The names below are the whole public API. Each is imported from its private module on first
use, so ``from widgets import setup`` does not pay for torchvision, ipywidgets or the
playground until a chapter needs them.
"""

from __future__ import annotations

import importlib

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
    "check_conv_out": "_checks.ch04",
    "check_digit_folder": "_checks.ch03",
    "check_diverging_lr": "_checks.ch07",
    "check_draw_graph": "_checks.homework.graph",
    "check_early_stopping": "_checks.ch09",
    "check_fewest_hidden": "_checks.ch07",
    "check_flatten": "_checks.ch01",
    "check_freeze": "_checks.ch09",
    "check_grad_by_hand": "_checks.ch02",
    "check_image_batch": "_checks.ch01",
    "check_logits_loss": "_checks.ch05",
    "check_mean_brightness": "_checks.ch01",
    "check_mlp": "_checks.ch04",
    "check_one_hot": "_checks.ch03",
    "check_param_count": "_checks.ch04",
    "check_per_sample_grads": "_checks.ch02",
    "check_probabilities": "_checks.ch06",
    "check_products": "_checks.ch01",
    "check_regression_fix": "_checks.ch07",
    "check_same_losses": "_checks.homework.graph",
    "check_sgd_step": "_checks.ch02",
    "check_shrink": "_checks.ch00",
    "check_split": "_checks.ch03",
    "check_tensor_ops": "_checks.homework.tensor",
    "check_torch_version": "_checks.ch00",
    "check_train_step": "_checks.ch05",
    "data_dir": "_data.mnist",
    "env_report": "_env.report",
    "get_lang": "_i18n",
    "live_loss": "_live_loss.plot",
    "load_mnist": "_data.mnist",
    "load_pretrained": "_data.pretrained",
    "playground": "_playground.widget",
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
