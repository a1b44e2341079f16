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
    "DotGraph": "_dot",
    "EnvReport": "_env",
    "LiveLoss": "_live_loss",
    "Playground": "_playground_widget",
    "Verdict": "_verdict",
    "check_accuracy": "_checks_05",
    "check_augmentations": "_checks_09",
    "check_backward": "_homework_tensor",
    "check_checkpoint": "_checks_06",
    "check_cnn_block": "_checks_06",
    "check_conv2d": "_homework_conv",
    "check_conv_out": "_checks_04",
    "check_digit_folder": "_checks_03",
    "check_diverging_lr": "_checks_07",
    "check_draw_graph": "_homework_graph",
    "check_early_stopping": "_checks_09",
    "check_fewest_hidden": "_checks_07",
    "check_flatten": "_checks_01",
    "check_freeze": "_checks_09",
    "check_grad_by_hand": "_checks_02",
    "check_gru_step": "_checks_10",
    "check_image_batch": "_checks_01",
    "check_logits_loss": "_checks_05",
    "check_masked_loss": "_checks_10",
    "check_mean_brightness": "_checks_01",
    "check_mlp": "_checks_04",
    "check_one_hot": "_checks_03",
    "check_param_count": "_checks_04",
    "check_parity_hidden": "_checks_10",
    "check_per_sample_grads": "_checks_02",
    "check_probabilities": "_checks_06",
    "check_products": "_checks_01",
    "check_regression_fix": "_checks_07",
    "check_same_losses": "_homework_graph",
    "check_sgd_step": "_checks_02",
    "check_shrink": "_checks_00",
    "check_split": "_checks_03",
    "check_tensor_ops": "_homework_tensor",
    "check_torch_version": "_checks_00",
    "check_train_step": "_checks_05",
    "data_dir": "_data",
    "env_report": "_env",
    "get_lang": "_i18n",
    "live_loss": "_live_loss",
    "load_mnist": "_data",
    "load_pretrained": "_pretrained",
    "playground": "_playground_widget",
    "sample_image_folder": "_data_folder",
    "save_graph": "_dot",
    "setup": "_setup",
    "show_confusion": "_training",
    "show_dot": "_dot",
    "show_graph": "_graph",
    "show_predictions": "_training",
    "skip_unfinished": "_homework_common",
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
importlib.import_module(f"{__name__}._dot").register_display()
