"""Chapter 07: the playground's three exercises (each trains, so the slow ones run once)."""

from __future__ import annotations

import numpy as np

from tests.corpus import changed, mistake, right, slow, stub
from widgets import check_diverging_lr, check_fewest_hidden, check_regression_fix

FIX = {"scale": True, "activation": "tanh", "hidden": 32, "optimizer": "adam", "lr": 0.03}

ANSWERS = [
    right("a large float", check_diverging_lr, lambda: (50.0,)),
    right("an int", check_diverging_lr, lambda: (100,)),
    mistake("too small", check_diverging_lr, lambda: (0.1,), "did not diverge"),
    mistake("at the edge", check_diverging_lr, lambda: (10.0,), "at the edge"),
    stub("the stub", check_diverging_lr, lambda: (None,)),
    slow(right("NumPy's int64", check_fewest_hidden, lambda: (np.int64(3),))),
    slow(mistake("too few", check_fewest_hidden, lambda: (2,), "short of 95%")),
    slow(mistake("more than needed", check_fewest_hidden, lambda: (5,), "fewer")),
    slow(
        right(
            "the chapter's fix, reordered",
            check_regression_fix,
            lambda: (dict(reversed(FIX.items())),),
        )
    ),
    mistake("less noise", check_regression_fix, lambda: ({**FIX, "noise": 0.0},), "problem itself"),
    changed(
        mistake("a list of pairs", check_regression_fix, lambda: (list(FIX.items()),), "as a dict"),
        'issue 24: a message without blanks prints {"lr": 0.03}, not {{"lr": 0.03}}',
    ),
    slow(
        mistake("only a smaller lr", check_regression_fix, lambda: ({"lr": 1e-4},), "not below 1")
    ),
]
