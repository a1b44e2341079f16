# The nbgrader exchange as a service of the classroom hub (one machine): no shared folder.
#
# Loaded by classroom/nbgrader/jupyterhub_nbgrader.py when NYUMON_NBGRADER_EXCHANGE=service:
#
#     NYUMON_NBGRADER_EXCHANGE=service \
#     NYUMON_HUB_CONFIG_EXTRA=classroom/nbgrader/jupyterhub_nbgrader.py make classroom
#
# What it does, at hub start (as root):
# - copies this package into the course runtime, <prefix>/lib/exchange/nyumon_exchange, where
#   every server (nbgrader's side, client.py) and the service can import it;
# - runs the service (service.py) as the system account `nyumon-exchange`, which alone can
#   read its folder, NYUMON_EXCHANGE_ROOT (default /var/lib/pytorch-nyumon-exchange, 0700):
#   the database (SQLite, or NYUMON_EXCHANGE_DB_URL) and the files;
# - lets every user's server token call it (scope access:services!service=exchange), and
#   makes the hub's admins the instructors of the course (group formgrade-pytorch-nyumon).
#   Every hub user is a student of the course (NYUMON_EXCHANGE_OPEN_COURSES, the hub's
#   approval decides who is one); other courses: groups nbgrader-C and formgrade-C.
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from classroom import hub_grants, hub_services, runtime  # noqa: E402

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

NAME = "exchange"
ACCOUNT = "nyumon-exchange"
COURSE = "pytorch-nyumon"
paths = runtime.Paths.from_env()
settings = runtime.HubSettings.from_env()
LIB = paths.prefix / "lib" / "exchange"
STORAGE = Path(os.environ.get("NYUMON_EXCHANGE_ROOT", "/var/lib/pytorch-nyumon-exchange"))
PORT = int(os.environ.get("NYUMON_EXCHANGE_PORT", "8002"))
OPEN = os.environ.get("NYUMON_EXCHANGE_OPEN_COURSES", COURSE)
URL = f"http://127.0.0.1:{settings.port}/services/{NAME}/"  # through the proxy, as a browser


if os.geteuid() == 0:  # this package in the runtime, its account and folder, no orphan
    hub_services.prepare(HERE, LIB / "nyumon_exchange", paths.prefix, ACCOUNT,
                         "nbgrader exchange", STORAGE, skip=Path(__file__).name)  # fmt: skip

c.JupyterHub.services.append({
    "name": NAME,
    "url": f"http://127.0.0.1:{PORT}",
    "command": [str(paths.venv / "bin" / "python"), "-m", "nyumon_exchange"],
    "user": ACCOUNT,
    "cwd": str(STORAGE),
    "display": False,
    "environment": {
        "PYTHONPATH": str(LIB),
        "NYUMON_EXCHANGE_ROOT": str(STORAGE),
        "NYUMON_EXCHANGE_OPEN_COURSES": OPEN,
        **{k: v for k, v in os.environ.items() if k.startswith("NYUMON_EXCHANGE_MAX_")},
        **{k: os.environ[k] for k in ("NYUMON_EXCHANGE_DB_URL", "NYUMON_EXCHANGE_QUOTA")
           if k in os.environ},
    },
})  # fmt: skip
scope = f"access:services!service={NAME}"
hub_grants.grant_users(scope)
# A server's token (its JUPYTERHUB_API_TOKEN, which nbgrader in it uses) may call the exchange.
hub_grants.grant_servers(scope)
hub_grants.add_to_group(f"formgrade-{COURSE}", sorted(settings.admins))
c.Spawner.environment.update({"NYUMON_EXCHANGE_URL": URL, "NYUMON_EXCHANGE_PATH": str(LIB)})
