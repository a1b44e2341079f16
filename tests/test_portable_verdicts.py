"""The same answer gets the same verdict under every PyTorch CPU backend.

PyTorch picks its CPU kernels by instruction set, and a chaotic training run can end
differently under each (Adam at lr 10 on XOR diverged under one and not another). The
normal test run uses this machine's native set; here the checks that train, their tests
(solution, stub and typical wrong answers) and the solution notebooks run again in a child
pytest with ``ATEN_CPU_CAPABILITY`` forced, so a verdict that depends on the CPU fails here
even on a machine whose own set happens to agree.

Each (capability, target) pair is one test, so xdist spreads them over the workers beside
the rest of the suite. ``python -m bench`` reports how long they take.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CAPABILITIES = ("default", "avx2")
# Checks whose verdicts come from training or long float computations, with their tests,
# and the solution notebooks (one language: ja and en share the code) that assert them.
TARGETS = {
    "checks_05_06": ["tests/test_checks_05.py", "tests/test_checks_06.py"],
    "checks_07": ["tests/test_checks_07.py"],
    "checks_08": ["tests/test_checks_08.py"],
    "checks_09": ["tests/test_checks_09.py"],  # no training, but image warping in floats
    "checks_10": ["tests/test_checks_10.py"],
    "solutions": [
        "solutions/en/05_optimization.ipynb",
        "solutions/en/06_cnn.ipynb",
        "solutions/en/07_playground.ipynb",
        "solutions/en/08_autograd_from_scratch.ipynb",
        "solutions/en/09_regularization_transfer.ipynb",
        "solutions/en/10_sequences.ipynb",
    ],
}


def has_avx2() -> bool:
    try:
        return "avx2" in Path("/proc/cpuinfo").read_text()
    except OSError:
        return False


def forced_env(capability: str) -> dict[str, str]:
    return {**os.environ, "ATEN_CPU_CAPABILITY": capability, "OMP_NUM_THREADS": "1"}


def child_capability(capability: str) -> str:
    probe = "import torch; print(torch.backends.cpu.get_cpu_capability())"
    out = subprocess.run(
        [sys.executable, "-c", probe],
        env=forced_env(capability),
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


@pytest.mark.skipif(not has_avx2(), reason="this CPU has no AVX2 to force (not x86-64)")
@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("capability", CAPABILITIES)
def test_verdicts_hold_under_a_forced_cpu_backend(capability, target):
    assert child_capability(capability) == capability.upper()  # the override took effect
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--nbval-lax",
        "--nbval-current-env",
        "--nbval-cell-timeout=300",
        *TARGETS[target],
    ]
    run = subprocess.run(
        command, cwd=ROOT, env=forced_env(capability), capture_output=True, text=True
    )
    assert run.returncode == 0, f"under ATEN_CPU_CAPABILITY={capability}:\n{run.stdout[-4000:]}"
