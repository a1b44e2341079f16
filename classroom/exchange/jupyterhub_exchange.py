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
import pwd
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from classroom import hub_grants, runtime  # noqa: E402

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


def install_package(target: Path = LIB / "nyumon_exchange") -> None:
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
             "--shell", "/usr/sbin/nologin", "--comment", "nbgrader exchange", ACCOUNT],
            check=True, capture_output=True,
        )  # fmt: skip
        return pwd.getpwnam(ACCOUNT)


def make_storage(account: pwd.struct_passwd, folder: Path = STORAGE) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chown(folder, account.pw_uid, account.pw_gid)
    folder.chmod(0o700)


def leftovers(account: pwd.struct_passwd, folder: Path = STORAGE) -> list[int]:
    """Exchange processes of a hub that died without stopping them (SIGKILL, an OOM kill).

    The hub starts its services in a session of their own, so they outlive it; the old one
    keeps the port, and the new hub's service could not start. Only this store's: another
    hub on the machine has its own folder."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid != account.pw_uid or b"nyumon_exchange" not in (
                entry / "cmdline"
            ).read_bytes().split(b"\0"):
                continue
            if Path(os.readlink(entry / "cwd")) == folder.resolve():
                found.append(int(entry.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def alive(pid: int) -> bool:
    """Running, not a zombie (in a container nobody may reap it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def stop_leftovers(account: pwd.struct_passwd, timeout: float = 10) -> None:
    pids = leftovers(account)
    for pid in pids:
        os.kill(pid, signal.SIGTERM)  # the service stops its server and exits
    deadline = time.monotonic() + timeout
    while pids and time.monotonic() < deadline:
        time.sleep(0.2)
        pids = [pid for pid in pids if alive(pid)]
    for pid in pids:
        os.kill(pid, signal.SIGKILL)


if os.geteuid() == 0:
    install_package()
    exchange_account = ensure_account()
    make_storage(exchange_account)
    stop_leftovers(exchange_account)

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
