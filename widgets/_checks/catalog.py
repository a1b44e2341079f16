"""The course's exercises, in order: which check belongs to which chapter, and its number.

tests/course/test_catalog.py keeps this table equal to the chapters' sources (the order in
which their stub cells call the checks), so progress, help and reports can name an exercise
("4.3") without the sources, which a pip-installed course (Colab) does not have.
"""

from __future__ import annotations

from dataclasses import dataclass

CHAPTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("00_getting_started", ("check_torch_version", "check_shrink")),
    (
        "01_tensors",
        (
            "check_image_batch",
            "check_products",
            "check_flatten",
            "check_mean_brightness",
            "check_distances",
            "check_to_batch",
        ),
    ),
    ("02_autograd", ("check_grad_by_hand", "check_per_sample_grads", "check_sgd_step")),
    ("03_datasets", ("check_digit_folder", "check_one_hot", "check_split")),
    (
        "04_networks",
        ("check_conv_pool_shape", "check_param_count", "check_mlp", "check_dropout"),
    ),
    ("05_optimization", ("check_train_step", "check_logits_loss", "check_accuracy")),
    ("06_cnn", ("check_mynet", "check_probabilities", "check_checkpoint")),
    ("07_playground", ("check_diverging_lr", "check_fewest_hidden", "check_regression_fix")),
    (
        "08_autograd_from_scratch",
        (
            "check_tensor_ops",
            "check_backward",
            "check_draw_graph",
            "check_same_losses",
            "check_conv2d",
            "check_conv2d[unfold]",  # the same check, called with unfold=True: task 8.6
        ),
    ),
    ("09_regularization_transfer", ("check_early_stopping", "check_augmentations", "check_freeze")),
    ("10_sequences", ("check_gru_step", "check_masked_loss", "check_parity_hidden")),
)


@dataclass(frozen=True)
class Exercise:
    """One exercise: its check, its chapter's source stem and its number in the course."""

    check: str  # "check_conv_pool_shape", or "check_conv2d[unfold]" for a call with unfold=True
    chapter: str  # "04_networks"
    index: int  # 1-based, within the chapter ("Exercise 1." / "演習 1.")

    @property
    def number(self) -> str:
        """``"4.1"``: chapter number, then the exercise's."""
        return f"{int(self.chapter[:2])}.{self.index}"


EXERCISES: tuple[Exercise, ...] = tuple(
    Exercise(check, chapter, i)
    for chapter, checks in CHAPTERS
    for i, check in enumerate(checks, start=1)
)
BY_CHECK: dict[str, Exercise] = {e.check: e for e in EXERCISES}


def exercise_of(check_name: str, **options: object) -> Exercise | None:
    """The exercise a check call belongs to, or None (a first-edition check, kept for old
    notebooks). ``options`` are the call's keyword arguments: one check may serve two
    exercises, told apart by a flag (``check_conv2d(f, unfold=True)``)."""
    for flag, value in options.items():
        if value is True and f"{check_name}[{flag}]" in BY_CHECK:
            return BY_CHECK[f"{check_name}[{flag}]"]
    return BY_CHECK.get(check_name)
