"""Issue 10: what re-running the training checks under forced CPU backends costs.

`make test` runs ``tests/portability/test_portable_verdicts.py``: the checks that train, their
tests and the solution notebooks of chapters 05-08, once under ``ATEN_CPU_CAPABILITY=default``
and once under ``avx2``. Rows: wall seconds of each (capability, target) child run, one at a time, and
their sum, which is what the forced runs add to a one-worker test run.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from bench import Row
from tests.support.backends import CAPABILITIES, TARGETS, run_forced


def rows() -> Iterator[Row]:
    total = 0.0
    for capability in CAPABILITIES:
        for target, paths in sorted(TARGETS.items()):
            start = time.perf_counter()
            run = run_forced(capability, paths)
            seconds = time.perf_counter() - start
            total += seconds
            note = "passed" if run.returncode == 0 else "FAILED (see make test)"
            yield Row(f"forced {capability}: {target}", f"{seconds:.1f} s", note)
    yield Row("forced-capability runs, all together (serial)", f"{total:.1f} s", "added CPU time")
