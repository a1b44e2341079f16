"""Same seed, same output: the checks that train print the same verdict, numbers included,
in two fresh interpreters (as when a learner runs a chapter twice), under 1 and 2 threads."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support import ROOT

SCRIPT = """
from widgets import check_diverging_lr, check_fewest_hidden, check_regression_fix, setup
setup("en", quiet=True)
fix = {"scale": True, "activation": "tanh", "hidden": 32, "optimizer": "adam", "lr": 0.03}
for verdict in (check_diverging_lr(50.0), check_diverging_lr(10.0), check_fewest_hidden(3),
                check_regression_fix(fix), check_regression_fix({"lr": 0.03})):
    print(verdict)
"""


def verdicts(threads: int) -> str:
    env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


def labels(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(("✓", "✗"))]


def test_training_checks_print_identical_verdicts_in_two_fresh_runs():
    one, two, again = verdicts(1), verdicts(2), verdicts(2)
    assert [line[0] for line in labels(one)] == ["✓", "✗", "✓", "✓", "✗"], one
    assert two == again  # same machine, same seed: every number the same
    assert labels(one) == labels(two)  # 1 or 2 threads: the same verdicts
