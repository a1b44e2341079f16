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
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from classroom import hub_grants, runtime  # noqa: E402

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


def install_package(target: Path = LIB / "nyumon_classview") -> None:
    """This folder's modules, readable by every account, swapped in whole."""
    new = target.with_name(f".new-{os.getpid()}")
    shutil.rmtree(new, ignore_errors=True)
    new.mkdir(parents=True)
    for module in sorted(HERE.glob("*.py")):
        if module.name != Path(__file__).name:
            shutil.copy(module, new / module.name)
    for path in [*target.parents[:3], new, *new.iterdir()]:
        if path.is_relative_to(paths.prefix):
            path.chmod(0o755 if path.is_dir() else 0o644)
    old = target.with_name(f".old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def ensure_account() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(ACCOUNT)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
             "--shell", "/usr/sbin/nologin", "--comment", "class view", ACCOUNT],
            check=True, capture_output=True,
        )  # fmt: skip
        return pwd.getpwnam(ACCOUNT)


def make_storage(account: pwd.struct_passwd, folder: Path = STORAGE) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chown(folder, account.pw_uid, account.pw_gid)
    folder.chmod(0o700)


if ON:
    if os.geteuid() == 0:
        install_package()
        make_storage(ensure_account())
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
