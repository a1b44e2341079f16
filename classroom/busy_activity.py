"""A Jupyter Server extension for students' servers: a busy kernel counts as activity.

JupyterHub's idle culler stops a server whose last activity is older than its timeout, and a
server's activity is the last message of any kernel, request or terminal. A kernel that runs
one long cell in silence (training for an hour with no print) sends nothing after "busy", so
the culler would stop the server in the middle of the cell and the work would be lost.

While any kernel is busy, this sets the server's ``nyumon_busy_kernel_last_activity`` (Jupyter
Server counts every setting whose name ends in ``_last_activity``) to now, a few times per
activity report the server sends the hub (``JUPYTERHUB_ACTIVITY_INTERVAL``, 300 s by default).

Installed by ``python -m classroom setup`` beside the servers' ``jupyter_server_config.py``,
which loads it; standard library and Jupyter Server only.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

KEY = "nyumon_busy_kernel_last_activity"


def busy_kernels(kernel_manager) -> int:
    count = 0
    for kernel_id in list(kernel_manager.list_kernel_ids()):
        try:
            kernel = kernel_manager.get_kernel(kernel_id)
        except KeyError:  # shut down meanwhile
            continue
        count += getattr(kernel, "execution_state", "") == "busy"
    return count


def every_seconds() -> float:
    try:
        interval = float(os.environ.get("JUPYTERHUB_ACTIVITY_INTERVAL") or 300)
    except ValueError:
        interval = 300.0
    return min(60.0, max(1.0, interval / 3))


def _jupyter_server_extension_points():
    return [{"module": "nyumon_busy_activity"}]


def _load_jupyter_server_extension(serverapp) -> None:
    from tornado.ioloop import PeriodicCallback

    settings = serverapp.web_app.settings

    def mark() -> None:
        if busy_kernels(serverapp.kernel_manager):
            settings[KEY] = datetime.now(timezone.utc)

    settings[KEY] = settings["started"]
    PeriodicCallback(mark, every_seconds() * 1000).start()
    serverapp.log.info(
        "nyumon: busy kernels count as activity (checked every %gs)", every_seconds()
    )
