# nbgrader under the classroom hub (one machine): a shared exchange folder, the assignment
# list for every student, formgrader and the course list for the instructors (hub admins) only.
#
# Include it in the hub's configuration (loaded after classroom/jupyterhub_config.py):
#
#     NYUMON_HUB_CONFIG_EXTRA=classroom/nbgrader/jupyterhub_nbgrader.py make classroom
#
# or link it as classroom/hub_config.d/50-nbgrader.py. The course runtime must contain
# nbgrader (it does by default: EXTRAS in classroom/runtime.py), or students see no assignments.
#
# With NYUMON_NBGRADER_EXCHANGE=service there is no exchange folder: homework goes through the
# exchange service instead (classroom/exchange/jupyterhub_exchange.py, loaded from here),
# which keeps hand-ins apart without relying on OS accounts (as on Kubernetes).
#
# What it does, at hub start (as root):
# - creates the exchange folder, NYUMON_NBGRADER_EXCHANGE (default /srv/nbgrader/exchange),
#   mode 0777 as nbgrader requires; nbgrader itself makes each course's inbound folder
#   write-only for students (2733), so no student can list or read another's submission;
# - copies roles/ into the runtime (<prefix>/etc/nbgrader), where every account can read it;
# - puts roles/common (course id, exchange) and roles/student or roles/instructor first on
#   each server's JUPYTER_CONFIG_PATH, by the user's admin flag at spawn time.
#
# Formgrader off for students is a convenience, not the protection: the gradebook and the
# submissions sit in the instructor's home (mode 0700) and the exchange's inbound folder is
# write-only, so a student who switched formgrader on would see an empty course of their own.
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # `classroom` importable, as in jupyterhub_config.py

from classroom import runtime  # noqa: E402

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

paths = runtime.Paths.from_env()
SERVICE = os.environ.get("NYUMON_NBGRADER_EXCHANGE") == "service"
EXCHANGE = Path(os.environ.get("NYUMON_NBGRADER_EXCHANGE", "/srv/nbgrader/exchange"))
ROLES = paths.prefix / "etc" / "nbgrader"


def install_roles(source: Path = HERE / "roles", target: Path = ROLES) -> None:
    """Copy the per-role Jupyter settings where students' accounts can read them."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    for path in [target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def make_exchange(folder: Path = EXCHANGE) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o777)


def config_path(spawner) -> str:
    """The server's JUPYTER_CONFIG_PATH: its role's settings first, then the course's."""
    role = "instructor" if spawner.user.admin else "student"
    return os.pathsep.join([str(ROLES / role), str(ROLES / "common"), str(paths.singleuser_config)])


if os.geteuid() == 0:  # the hub as `make classroom` runs it; tests import the functions
    install_roles()
    if not SERVICE:
        make_exchange()

# A lazy update: merged into the environment jupyterhub_config.py set, not replacing it.
c.Spawner.environment.update({"JUPYTER_CONFIG_PATH": config_path})
if SERVICE:
    load_subconfig(str(HERE.parent / "exchange" / "jupyterhub_exchange.py"))  # noqa: F821
else:
    c.Spawner.environment.update({"NYUMON_NBGRADER_EXCHANGE": str(EXCHANGE)})
