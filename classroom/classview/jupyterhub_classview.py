# The class view under the classroom hub (one machine), behind the course's consent setting.
#
# Linked as classroom/hub_config.d/60-classview.py, so it is loaded with every hub; it does
# nothing unless the instructor starts the hub with the setting on:
#
#     NYUMON_CLASS_REPORTS=1 make classroom
#
# Then, at hub start (as root):
# - copies this package into the course runtime, <prefix>/lib/classview/nyumon_classview;
# - runs the service (service.py) as the system account `nyumon-classview`, which alone can
#   read its folder NYUMON_CLASSVIEW_ROOT (default /var/lib/pytorch-nyumon-classview, 0700,
#   SQLite there, or NYUMON_CLASSVIEW_DB_URL);
# - lets every user's server token post to it (scope access:services!service=classview) and
#   makes the hub's admins the course's instructors (group formgrade-<course>, as the exchange);
# - sets NYUMON_CLASS_REPORTS=1 and the service's URL in every student's server, which is what
#   turns on widgets/_checks/report.py in her kernels (and the line telling her what is shared).
# The page: http://<hub>/services/classview/ (instructors only).
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from classroom import hub_grants, hub_services, runtime  # noqa: E402

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

NAME = "classview"
ACCOUNT = "nyumon-classview"
COURSE = os.environ.get("NYUMON_CLASS_COURSE", "pytorch-nyumon")
ON = os.environ.get("NYUMON_CLASS_REPORTS") == "1"
paths = runtime.Paths.from_env()
settings = runtime.HubSettings.from_env()
LIB = paths.prefix / "lib" / "classview"
STORAGE = Path(os.environ.get("NYUMON_CLASSVIEW_ROOT", "/var/lib/pytorch-nyumon-classview"))
PORT = int(os.environ.get("NYUMON_CLASSVIEW_PORT", "8003"))
PUBLIC = f"http://127.0.0.1:{settings.port}/services/{NAME}/"  # through the proxy


if ON:
    if os.geteuid() == 0:  # this package in the runtime, its account and folder, no orphan
        hub_services.prepare(HERE, LIB / "nyumon_classview", paths.prefix, ACCOUNT,
                             "class view", STORAGE, skip=Path(__file__).name)  # fmt: skip
    c.JupyterHub.services.append({
        "name": NAME,
        "url": f"http://127.0.0.1:{PORT}",
        "command": [str(paths.venv / "bin" / "python"), "-m", "nyumon_classview"],
        "user": ACCOUNT,
        "cwd": str(STORAGE),
        "display": False,  # instructors open the address; students would only get a 403
        "oauth_no_confirm": True,
        "environment": {
            "PYTHONPATH": str(LIB),
            "NYUMON_CLASSVIEW_ROOT": str(STORAGE),
            "NYUMON_CLASS_COURSE": COURSE,
            **{k: os.environ[k] for k in ("NYUMON_CLASSVIEW_DB_URL", "NYUMON_CLASSVIEW_REUSE")
               if k in os.environ},
        },
    })  # fmt: skip
    scope = f"access:services!service={NAME}"
    hub_grants.grant_users(scope)
    hub_grants.grant_servers(scope)
    hub_grants.add_to_group(f"formgrade-{COURSE}", sorted(settings.admins))
    c.Spawner.environment.update({
        "NYUMON_CLASS_REPORTS": "1",
        "NYUMON_CLASS_REPORTS_URL": f"{PUBLIC}api/reports",
    })  # fmt: skip
