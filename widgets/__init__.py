"""Helpers for the PyTorch Nyumon course: ``from widgets import setup``."""

from ._checks_00 import check_shrink, check_torch_version
from ._checks_01 import check_flatten, check_image_batch, check_mean_brightness, check_products
from ._checks_02 import check_grad_by_hand, check_per_sample_grads, check_sgd_step
from ._checks_03 import check_digit_folder, check_one_hot, check_split
from ._checks_04 import check_conv_out, check_mlp, check_param_count
from ._checks_05 import check_accuracy, check_logits_loss, check_train_step
from ._checks_06 import check_checkpoint, check_cnn_block, check_probabilities
from ._checks_07 import check_diverging_lr, check_fewest_hidden, check_regression_fix
from ._data import data_dir, load_mnist
from ._data_folder import sample_image_folder
from ._dot import DotGraph, show_dot
from ._env import EnvReport, env_report
from ._graph import show_graph
from ._homework_common import skip_unfinished
from ._homework_conv import check_conv2d
from ._homework_graph import check_draw_graph, check_same_losses
from ._homework_tensor import check_backward, check_tensor_ops
from ._i18n import CourseError, CourseTypeError, CourseValueError, get_lang
from ._live_loss import LiveLoss, live_loss
from ._playground_widget import Playground, playground
from ._setup import setup
from ._training import show_confusion, show_predictions
from ._verdict import Verdict

__all__ = [
    "CourseError",
    "CourseTypeError",
    "CourseValueError",
    "DotGraph",
    "EnvReport",
    "LiveLoss",
    "Playground",
    "Verdict",
    "check_accuracy",
    "check_backward",
    "check_checkpoint",
    "check_cnn_block",
    "check_conv2d",
    "check_conv_out",
    "check_digit_folder",
    "check_diverging_lr",
    "check_draw_graph",
    "check_fewest_hidden",
    "check_flatten",
    "check_grad_by_hand",
    "check_image_batch",
    "check_logits_loss",
    "check_mean_brightness",
    "check_mlp",
    "check_one_hot",
    "check_param_count",
    "check_per_sample_grads",
    "check_probabilities",
    "check_products",
    "check_regression_fix",
    "check_same_losses",
    "check_sgd_step",
    "check_shrink",
    "check_split",
    "check_tensor_ops",
    "check_torch_version",
    "check_train_step",
    "data_dir",
    "env_report",
    "get_lang",
    "live_loss",
    "load_mnist",
    "playground",
    "sample_image_folder",
    "setup",
    "show_confusion",
    "show_dot",
    "show_graph",
    "show_predictions",
    "skip_unfinished",
]
