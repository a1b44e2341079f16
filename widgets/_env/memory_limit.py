"""On the classroom hub: say why a kernel died when the student's server hit its memory limit.

The hub (classroom/limits.py) runs each student's server and kernels in a cgroup with a memory
limit. Past it, the kernel is killed and JupyterLab only says "the kernel died". The hub's
spawner tells the kernel where its cgroup counts those kills (``NYUMON_MEMORY_EVENTS``) and
the limit (``NYUMON_MEMORY_LIMIT``, bytes); the course's kernel config loads this module as an
IPython extension. When a kernel starts and the count is higher than the last one seen, the
next cell the student runs first prints one sentence in both languages. Without those
variables (a laptop, Colab) it does nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

from .._i18n import Message

HIT = Message(
    ja="あなたのサーバーがメモリーの上限（{gib:g} GiB）に達したので、カーネルが止められました。カーネルを再起動し、テンソルを小さくして（バッチを減らすなど）から、最初のセルから実行し直してください。",
    en="Your server reached its memory limit of {gib:g} GiB, so its kernel was stopped: restart the kernel, make tensors smaller (a smaller batch, for example), then run the notebook again from its first cell.",
)
SEEN = Path.home() / ".cache" / "pytorch-nyumon" / "memory-kills-seen"


def kills(events: str) -> int:
    """The number of kills a cgroup's counter file reports (v2 memory.events, v1 oom_control)."""
    try:
        text = Path(events).read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "oom_kill" and parts[1].isdigit():
            return int(parts[1])
    return 0


def new_kills(events: str, seen: Path | None = None, *, remember: bool = True) -> int:
    """Kills since the notice was last shown; with ``remember``, count them as shown now."""
    seen = SEEN if seen is None else seen
    now = kills(events)
    try:
        before = int(seen.read_text())
    except (OSError, ValueError):
        before = 0
    if remember and now != before:
        try:
            seen.parent.mkdir(parents=True, exist_ok=True)
            seen.write_text(str(now))
        except OSError:
            pass
    return max(0, now - before) if now >= before else now


def notice(lang: str | None = None, *, remember: bool = True) -> str | None:
    """The sentence to show now, or None: only on the hub, only after a new kill."""
    events, limit = os.environ.get("NYUMON_MEMORY_EVENTS"), os.environ.get("NYUMON_MEMORY_LIMIT")
    if not events or not limit or not limit.isdigit():
        return None
    if not new_kills(events, remember=remember):
        return None
    gib = round(int(limit) / 2**30, 2)
    return f"{HIT('ja', gib=gib)}\n{HIT('en', gib=gib)}"


def load_ipython_extension(ip) -> None:
    # Counted as shown only when a cell runs: the kernel JupyterLab restarts at once after the
    # kill may be shut down unused, and the student's next kernel must still say it.
    if notice(remember=False) is None:
        return

    def tell(*_: object) -> None:
        ip.events.unregister("pre_run_cell", tell)
        text = notice()
        if text is not None:
            print(text)

    ip.events.register("pre_run_cell", tell)
