"""Chapter 07: the playground's three exercises (each trains, so the slow ones run once)."""

from __future__ import annotations

import numpy as np

from tests.corpus import mistake, right, slow, stub
from widgets import check_diverging_lr, check_fewest_hidden, check_regression_fix
from widgets._checks.ch07 import (
    DID_NOT_DIVERGE,
    EDGE,
    NOT_A_DICT,
    NOT_FEWEST,
    NOT_TRAINING,
    STILL_STUCK,
    TOO_FEW,
)
from widgets._validate import NOT_FINITE, NOT_POSITIVE, TOO_LARGE, TOO_SMALL, WRONG_TYPE

FIX = {"scale": True, "activation": "tanh", "hidden": 32, "optimizer": "adam", "lr": 0.03}
COURSE = "issue 24: the course's own sentence, not 'your code raised an error'"

ANSWERS = [
    right("a large float", check_diverging_lr, lambda: (50.0,)),
    right("an int", check_diverging_lr, lambda: (100,)),
    right("NumPy's float64", check_diverging_lr, lambda: (np.float64(40.0),)),
    mistake("too small", check_diverging_lr, lambda: (0.1,), DID_NOT_DIVERGE),
    mistake("at the edge", check_diverging_lr, lambda: (10.0,), EDGE),
    mistake("a word", check_diverging_lr, lambda: ("abc",), WRONG_TYPE),
    mistake("a number in a string", check_diverging_lr, lambda: ("50",), WRONG_TYPE),
    mistake("negative", check_diverging_lr, lambda: (-50.0,), NOT_POSITIVE),
    mistake("NaN", check_diverging_lr, lambda: (float("nan"),), NOT_FINITE),
    mistake("True", check_diverging_lr, lambda: (True,), WRONG_TYPE),
    stub("the stub", check_diverging_lr, lambda: (None,)),
    slow(right("NumPy's int64", check_fewest_hidden, lambda: (np.int64(3),))),
    slow(mistake("too few", check_fewest_hidden, lambda: (2,), TOO_FEW)),
    slow(mistake("more than needed", check_fewest_hidden, lambda: (5,), NOT_FEWEST)),
    mistake("a string", check_fewest_hidden, lambda: ("8",), WRONG_TYPE),
    mistake("a fraction", check_fewest_hidden, lambda: (2.5,), WRONG_TYPE),
    mistake("zero", check_fewest_hidden, lambda: (0,), TOO_SMALL),
    mistake("a million", check_fewest_hidden, lambda: (10**6,), TOO_LARGE),
    stub("the stub", check_fewest_hidden, lambda: (None,)),
    slow(
        right(
            "the chapter's fix, reordered",
            check_regression_fix,
            lambda: (dict(reversed(FIX.items())),),
        )
    ),
    mistake("less noise", check_regression_fix, lambda: ({**FIX, "noise": 0.0},), NOT_TRAINING),
    mistake("the XOR task", check_regression_fix, lambda: ({**FIX, "task": "xor"},), NOT_TRAINING),
    mistake("a lucky seed", check_regression_fix, lambda: ({"seed": 2},), NOT_TRAINING),
    mistake(
        "another preset",
        check_regression_fix,
        lambda: ({"preset": "good_regression"},),
        NOT_TRAINING,
    ),
    mistake("a list of pairs", check_regression_fix, lambda: (list(FIX.items()),), NOT_A_DICT),
    mistake("a set of names", check_regression_fix, lambda: ({"lr", "scale"},), NOT_A_DICT),
    mistake("a word for lr", check_regression_fix, lambda: ({"lr": "fast"},), WRONG_TYPE),
    mistake("hidden too large", check_regression_fix, lambda: ({"hidden": 10**6},), TOO_LARGE),
    slow(mistake("only a smaller lr", check_regression_fix, lambda: ({"lr": 1e-4},), STILL_STUCK)),
    stub("the stub", check_regression_fix, lambda: (None,)),
]
