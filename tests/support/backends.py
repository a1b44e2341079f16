"""The CPU backends the verdict tests re-run under, and what those runs cover.

Used by tests/portability/test_portable_verdicts.py (the runs) and bench/bench_portable.py (their cost).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CAPABILITIES = ("default", "avx2")
# Checks whose verdicts come from training or long float computations, with their tests,
# and the solution notebooks (one language: ja and en share the code) that assert them.
TARGETS = {
    "checks_05_06": ["tests/widgets/checks/test_ch05.py", "tests/widgets/checks/test_ch06.py"],
    "checks_07": ["tests/widgets/checks/test_ch07.py"],
    "checks_08": ["tests/widgets/checks/test_homework.py"],
    "checks_09": ["tests/widgets/checks/test_ch09.py"],  # no training, but image warping in floats
    "checks_10": ["tests/widgets/checks/test_ch10.py"],
    # The answer corpus of the chapters that train or compute at length (09: image warping,
    # 10: GRUs trained for parity); 09 and 10 add about 11 s per capability.
    "corpus": [
        "tests/widgets/checks/test_answer_corpus.py",
        *("-k", "(ch05 or ch06 or ch07 or ch08 or ch09 or ch10) and not recorded"),
    ],
    "solutions": [
        "solutions/en/05_en_optimization.ipynb",
        "solutions/en/06_en_cnn.ipynb",
        "solutions/en/07_en_playground.ipynb",
        "solutions/en/08_en_autograd_from_scratch.ipynb",
        "solutions/en/09_en_regularization_transfer.ipynb",
        "solutions/en/10_en_sequences.ipynb",
    ],
}


def has_avx2() -> bool:
    try:
        return "avx2" in Path("/proc/cpuinfo").read_text()
    except OSError:
        return False


def forced_env(capability: str) -> dict[str, str]:
    return {**os.environ, "ATEN_CPU_CAPABILITY": capability, "OMP_NUM_THREADS": "1"}


def run_forced(capability: str, paths: list[str]) -> subprocess.CompletedProcess:
    """A child pytest (notebooks through nbval) with PyTorch forced to ``capability``."""
    command = [
        sys.executable,
        *("-m", "pytest", "-q", "-p", "no:cacheprovider"),
        *("--nbval-lax", "--nbval-current-env", "--nbval-cell-timeout=300"),
        *paths,
    ]
    return subprocess.run(
        command, cwd=ROOT, env=forced_env(capability), capture_output=True, text=True
    )
