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


COLAB = """
import sys, types, pathlib
drive_root = pathlib.Path({drive!r})
google, colab, drive = (types.ModuleType(n) for n in ("google", "google.colab", "google.colab.drive"))
drive.mount = lambda path: (drive_root / "MyDrive").mkdir(parents=True, exist_ok=True)
colab.drive, google.colab = drive, colab
sys.modules.update({{"google": google, "google.colab": colab, "google.colab.drive": drive}})
from widgets._progress import view
view.DRIVE = drive_root
"""


@pytest.fixture
def colab_kernel(tmp_path):
    """A kernel as on Colab: a stand-in google.colab (with Drive), the default progress folder
    in a home of its own, which a new Colab session would not have."""
    env = {**os.environ, "HOME": str(tmp_path / "home"), "JUPYTER_DATA_DIR": ""}
    for name in ("NYUMON_PROGRESS_DIR", "NBGRADER_EXECUTION", "JUPYTER_DATA_DIR"):
        env.pop(name, None)
    km, kc = start_new_kernel(kernel_name="python3", env=env, cwd=str(ROOT), startup_timeout=120)
    yield km, kc, tmp_path
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def test_on_colab_progress_kept_in_drive_survives_a_new_session(colab_kernel):
    km, kc, tmp = colab_kernel
    colab = COLAB.format(drive=str(tmp / "drive"))
    first = run(kc, colab + RIGHT)
    assert "progress lasts for this session only" in first
    kept = run(kc, "from widgets import keep_progress_in_drive; keep_progress_in_drive()")
    assert "kept in Google Drive" in kept
    km.restart_kernel(now=True)  # a new session: the session's own folder is forgotten
    kc.wait_for_ready(timeout=120)
    run(kc, "import shutil, pathlib; shutil.rmtree(pathlib.Path.home() / '.local', True)")
    after = run(kc, colab + AFTER)
    assert "Progress is kept in Google Drive" in after
    assert "counted (1, 6)" in after
    saved = json.loads((tmp / "drive" / "MyDrive" / "pytorch-nyumon" / "progress.json").read_text())
    assert saved["exercises"]["check_products"]["status"] == "ok"
