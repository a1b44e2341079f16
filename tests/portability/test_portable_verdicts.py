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

import subprocess
import sys

import pytest

from tests.support.backends import CAPABILITIES, TARGETS, forced_env, has_avx2, run_forced


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
    run = run_forced(capability, TARGETS[target])
    assert run.returncode == 0, f"under ATEN_CPU_CAPABILITY={capability}:\n{run.stdout[-4000:]}"
