"""The classroom's idle culler: jupyterhub-idle-culler, started after a grace period.

Run by the hub as a managed service (jupyterhub_config.py). Right after a hub restart, the
activity the hub has on record for each server is as old as the restart is long: servers
report in every ``JUPYTERHUB_ACTIVITY_INTERVAL`` seconds and retry with a growing delay
while the hub is away. A culler that looked at once would stop a server whose kernel is busy
with a long cell all that time. So it first waits three report intervals and 30 s more (a
server's retries after the hub was away back off for a while), by which time every running
server, and every busy kernel (nyumon_busy_activity.py), has reported in.

    python culler.py GRACE_SECONDS [jupyterhub_idle_culler options...]
"""

from __future__ import annotations

import runpy
import sys
import time


def main() -> None:
    grace = float(sys.argv[1])
    time.sleep(max(0.0, grace))
    sys.argv = ["jupyterhub_idle_culler", *sys.argv[2:]]
    runpy.run_module("jupyterhub_idle_culler", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
