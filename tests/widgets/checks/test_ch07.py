"""Chapter 07's checks train small runs: verdicts must sit far from any knife-edge.

The margins asserted here are what makes a verdict the same on every CPU backend; `make test`
runs this file again under ATEN_CPU_CAPABILITY=default and =avx2.
"""

from __future__ import annotations

import pytest

from widgets import check_diverging_lr, check_fewest_hidden, check_regression_fix
from widgets._checks.ch07 import (
    EDGE_LOW,
    SURE_TO_DIVERGE,
    TRAINING_SETTINGS,
    best_accuracy,
)
from widgets._checks.verdict import OK, WRONG
from widgets._i18n import set_lang
from widgets._playground.settings import make_config
from widgets._playground.train import DIVERGE_FACTOR, Run

SEEDS = range(4)
SOLUTION_FIX = {"scale": True, "activation": "tanh", "hidden": 32, "optimizer": "adam", "lr": 0.03}


def peak_ratio(lr: float, seed: int) -> tuple[bool, float]:
    """Whether XOR with Adam at ``lr`` diverges in 300 steps, and its highest loss / first."""
    run = Run(make_config(task="xor", lr=lr, seed=seed))
    while run.steps < 300 and not run.diverged:
        run.train(10)
        run.evaluate()
    return run.diverged, max(run.history.train) / run.history.train[0]


# 1. A learning rate that diverges -----------------------------------------------------


@pytest.mark.parametrize("lr", [SURE_TO_DIVERGE, 100.0])
def test_sure_learning_rates_diverge_by_a_wide_margin_on_every_seed(lr):
    for seed in SEEDS:
        diverged, ratio = peak_ratio(lr, seed)
        assert diverged and ratio >= 1.5 * DIVERGE_FACTOR, (seed, ratio)


def test_small_learning_rates_stay_far_below_the_divergence_rule():
    for seed in SEEDS:
        diverged, ratio = peak_ratio(EDGE_LOW / 2, seed)
        assert not diverged and ratio <= DIVERGE_FACTOR / 2, (seed, ratio)


@pytest.mark.parametrize("lr", [SURE_TO_DIVERGE, 50, 100.0])
def test_diverging_lr_passes_from_the_sure_zone_up(lr):
    verdict = check_diverging_lr(lr)
    assert verdict.status == OK and "Diverged after" in verdict.detail


@pytest.mark.parametrize("lr", [0.03, 1.0, EDGE_LOW])
def test_diverging_lr_too_small(lr):
    verdict = check_diverging_lr(lr)
    assert verdict.status == WRONG and "Try larger" in verdict.hint


@pytest.mark.parametrize("lr", [7.5, 10.0, 20.0, 29.0])
def test_diverging_lr_in_the_edge_zone_fails_whatever_this_run_did(lr):
    """lr 10 diverged under one CPU backend and not under another: no ✓ may rest on that."""
    verdict = check_diverging_lr(lr)
    assert verdict.status == WRONG and "at the edge" in verdict.hint
    assert "every computer" in verdict.hint


# 2. The fewest hidden units for the circle --------------------------------------------


def test_circle_accuracies_sit_at_least_two_test_points_from_95_percent():
    test_points = round(make_config(task="circle").points * make_config().test_fraction)
    for hidden in range(1, 6):
        _, acc = best_accuracy(2000, task="circle", hidden=hidden)
        assert abs(acc - 0.95) >= 2 / test_points - 1e-9, (hidden, acc)


def test_fewest_hidden_right_and_wrong():
    right = check_fewest_hidden(3)
    assert right.status == OK and "3 units reach 100%" in right.detail
    too_few = check_fewest_hidden(2)
    assert too_few.status == WRONG and "short of 95%" in too_few.hint
    too_many = check_fewest_hidden(5)
    assert too_many.status == WRONG and "you can use fewer" in too_many.hint


# 3. Fixing the source regression ------------------------------------------------------


def test_regression_fix_passes_far_below_the_mark():
    verdict = check_regression_fix(SOLUTION_FIX)
    assert verdict.status == OK
    run, _ = best_accuracy(1000, preset="original_regression", **SOLUTION_FIX)
    assert run.history.train[-1] < 0.2  # the mark is 1


@pytest.mark.parametrize(
    "changes", [{"lr": 0.03}, {"scale": True}, {"scale": True, "optimizer": "adam", "lr": 0.03}]
)
def test_regression_half_fixes_stay_far_above_the_mark(changes):
    verdict = check_regression_fix(changes)
    assert verdict.status == WRONG and "not below 1" in verdict.hint
    run, _ = best_accuracy(1000, preset="original_regression", **changes)
    assert run.history.train[-1] > 10


@pytest.mark.parametrize(
    "changes",
    [
        {"task": "xor"},  # another problem entirely
        {"task": "circle", "loss": "auto"},
        {"loss": "mse", **SOLUTION_FIX},
        {"noise": 0.0, **SOLUTION_FIX},
        {"points": 100},
        {"seed": 2},  # a lucky start is not a fix
        {"preset": "good_regression"},
    ],
)
def test_regression_fix_may_only_change_training_settings(changes):
    verdict = check_regression_fix(changes)
    assert verdict.status == WRONG and "change the problem itself" in verdict.hint
    assert all(name in verdict.hint for name in TRAINING_SETTINGS)


def test_the_dict_example_is_shown_as_written_in_both_languages():
    for lang in ("en", "ja"):
        set_lang(lang)
        hint = check_regression_fix([("lr", 0.03)]).hint
        assert '{"lr": 0.03}' in hint and "{{" not in hint, hint
    set_lang("en")


# Same seed, same output -------------------------------------------------------------


def test_checks_that_train_give_identical_verdicts_when_run_again():
    for check, answer in [
        (check_diverging_lr, 40.0),
        (check_diverging_lr, 10.0),
        (check_regression_fix, SOLUTION_FIX),
    ]:
        assert str(check(answer)) == str(check(answer))
