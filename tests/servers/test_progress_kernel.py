"""Progress in a real kernel: a verdict given before a restart is counted after it."""

from __future__ import annotations

import json
import os

import pytest
from jupyter_client.manager import start_new_kernel

from tools.build import ROOT

RIGHT = """
import torch
from widgets import check_products, setup
device = setup("en", chapter="01_tensors")
A, B = torch.arange(6.0).reshape(2, 3), torch.arange(6.0).reshape(3, 2)
print(bool(check_products(A, B, A @ B, A * A)))
"""
AFTER = """
from widgets import progress, setup
device = setup("en", chapter="01_tensors")
shown = progress()
print("counted", shown.chapter_done("01_tensors"))
"""


def run(kc, code: str) -> str:
    out: list[str] = []

    def keep(msg: dict) -> None:
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            out.append("\n".join(msg["content"]["traceback"]))

    reply = kc.execute_interactive(code, timeout=120, output_hook=keep)
    assert reply["content"]["status"] == "ok", "".join(out)
    return "".join(out)


@pytest.fixture
def kernel(tmp_path):
    env = {**os.environ, "NYUMON_PROGRESS_DIR": str(tmp_path / "progress")}
    env.pop("NBGRADER_EXECUTION", None)
    km, kc = start_new_kernel(kernel_name="python3", env=env, cwd=str(ROOT), startup_timeout=120)
    yield km, kc, tmp_path / "progress"
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def test_a_verdict_survives_a_kernel_restart(kernel):
    km, kc, folder = kernel
    first = run(kc, RIGHT)
    assert "This chapter has 6 exercises" in first and "True" in first
    km.restart_kernel(now=True)
    kc.wait_for_ready(timeout=120)
    after = run(kc, AFTER)
    assert "Last time: 1 of 6 exercises done; next: 1.1" in after
    assert "counted (1, 6)" in after
    saved = json.loads((folder / "progress.json").read_text(encoding="utf-8"))
    assert saved["exercises"]["check_products"]["status"] == "ok"
