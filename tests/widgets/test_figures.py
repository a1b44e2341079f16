"""``widgets/_figures.py``: matplotlib is imported in the calling thread, never in the warm-up one.

Two threads importing matplotlib's circular modules at once can meet a half-made module
(ImportError: cannot import name … from partially initialized module). It happened in this
test suite when ``live_loss()`` started the warm-up thread and the test drew at once.
Each test runs in a fresh interpreter, where matplotlib is not imported yet.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support import ROOT


def fresh(code: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_warm_up_thread_imports_nothing():
    out = fresh(
        """
import json, sys, threading
from widgets import _figures
assert "matplotlib" not in sys.modules
seen = {}
real_start = threading.Thread.start
def start(thread):  # what was imported when the warm-up thread started
    if thread.name == "warm-matplotlib":
        seen["before"] = set(sys.modules)
    real_start(thread)
threading.Thread.start = start
_figures.warm_up(wait=True)  # this thread waits: every module new now came from the other
print(json.dumps({"new": sorted(set(sys.modules) - seen["before"]), "started": "before" in seen}))
"""
    )
    assert out["started"]
    assert out["new"] == []


def test_drawing_at_once_after_live_loss_starts_the_warm_up():
    out = fresh(
        """
import json
from widgets import live_loss
from widgets._live_loss.outputs import ImageOutput

class Image:  # an ipywidgets.Image stand-in: live_loss draws into .value
    value, format = b"", ""

plot = live_loss(output=Image())  # starts the warm-up thread
plot.update(0, train=1.0)
print(json.dumps({"png": plot.to_png()[:4].hex()}))  # draws at once, in this thread
"""
    )
    assert out["png"] == "89504e47"  # the PNG signature
