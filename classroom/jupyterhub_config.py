# JupyterHub for a class on one machine, started by `make classroom` (python -m classroom start).
#
# - Students sign up at /hub/signup; an instructor (an admin) approves them at /hub/authorize
#   (NativeAuthenticator). For LTI 1.3 or OAuth, see examples/university_auth.py.
# - Each student's server runs as their own OS account with a private home (LocalProcessSpawner,
#   the account made on first start: classroom/users.py), from the shared course runtime
#   (classroom/runtime.py), with the course's JupyterLab settings and XSRF checks on.
# - Hub and proxy listen on 127.0.0.1 only. Secrets live in the state directory (mode 0700),
#   never in the repository.
# - Idle servers are stopped by jupyterhub-idle-culler, run as a hub service.
#
# Extend it without editing this file: every hub_config.d/*.py is loaded after it, in name
# order, with the same `c`; so is each file named in NYUMON_HUB_CONFIG_EXTRA (':'-separated).
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # `classroom` importable when JupyterHub loads this file

from classroom import hub_grants, runtime, users  # noqa: E402

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

paths = runtime.Paths.from_env()
settings = runtime.HubSettings.from_env()

# Network: everything on the loopback interface.
c.JupyterHub.bind_url = f"http://127.0.0.1:{settings.port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = settings.hub_port
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.proxy_api_port}"
c.ConfigurableHTTPProxy.command = [str(paths.chp)]
c.ConfigurableHTTPProxy.auth_token = runtime.read_secret(paths.proxy_token)
c.Spawner.ip = "127.0.0.1"

# State and secrets outside the repository. JupyterHub writes the cookie secret itself
# (0600) and refuses to start if that file is readable by others.
c.JupyterHub.cookie_secret_file = str(paths.state / "jupyterhub_cookie_secret")
c.JupyterHub.db_url = f"sqlite:///{paths.state / 'jupyterhub.sqlite'}"
c.JupyterHub.pid_file = str(paths.state / "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = str(paths.state / "jupyterhub-proxy.pid")

# Authentication: sign-up, then an admin's approval.
c.JupyterHub.authenticator_class = "native"
c.NativeAuthenticator.open_signup = False
c.NativeAuthenticator.minimum_password_length = 8
c.NativeAuthenticator.check_common_password = True
c.NativeAuthenticator.allowed_failed_logins = 5
c.NativeAuthenticator.seconds_before_next_try = 60
c.Authenticator.admin_users = set(settings.admins)
c.Authenticator.allow_all = True  # approval is NativeAuthenticator's: unapproved users can't log in
c.Authenticator.username_pattern = users.USERNAME.pattern
c.Authenticator.blocked_users = {"root"}

# Spawner: the student's own account and home, the shared course runtime.
# Each server and its kernels run in a cgroup with the limits below (classroom/limits.py);
# `python -m classroom start` refuses where that can't be done, unless told --no-limits.
if os.environ.get("NYUMON_NO_LIMITS") == "1":
    c.JupyterHub.spawner_class = "localprocess"
else:
    c.JupyterHub.spawner_class = "classroom.spawner.LimitedSpawner"
c.Spawner.cmd = [str(paths.venv / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.environment = {
    "JUPYTER_CONFIG_PATH": str(paths.singleuser_config),
    "PATH": f"{paths.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
    "OMP_NUM_THREADS": str(settings.threads_per_kernel),
    "LANG": "C.UTF-8",
    "JUPYTERHUB_ACTIVITY_INTERVAL": str(settings.activity_interval),
}
# A restart of the hub (a config change, a crash) leaves the students' servers and kernels
# running; the next start finds them by their pid and routes to them again. After a reboot
# they are gone and the hub marks them stopped; the students' files are in their homes.
c.JupyterHub.cleanup_servers = False
c.Spawner.env_keep = []  # nothing from the hub's (root's) environment reaches a student
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120
# Per student: enforced by LimitedSpawner's cgroup here, by Kubernetes on z2jh.
c.Spawner.mem_limit = settings.mem_limit
c.Spawner.cpu_limit = settings.cpu_limit


def make_os_account(spawner):
    users.ensure_student(spawner.user.name, font_cache=paths.font_cache)  # first plot: at once


c.Spawner.pre_spawn_hook = make_os_account

# Idle servers are stopped after an hour without activity (checked every 10 minutes). A kernel
# busy with a long cell counts as activity (busy_activity.py), also across a hub restart.
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        # After a grace of three activity reports and 30 s: see classroom/culler.py.
        "command": [
            sys.executable, str(HERE / "culler.py"), str(3 * settings.activity_interval + 30),
            f"--timeout={settings.cull_timeout}", f"--cull-every={settings.cull_every}",
        ],
    }
]  # fmt: skip

# Optional includes (for example the nbgrader set-up), loaded last so they can override.
# Relative names are taken from the repository's top folder, as `make classroom` is run there.
# Scopes and groups the includes grant are gathered and written once, after the last include
# (classroom/hub_grants.py): an include cannot see what another one set.
hub_grants.reset()
extra = sorted((HERE / "hub_config.d").glob("*.py"))
extra += [HERE.parent / p for p in os.environ.get("NYUMON_HUB_CONFIG_EXTRA", "").split(":") if p]
for path in extra:
    if not path.is_file():
        raise FileNotFoundError(f"NYUMON_HUB_CONFIG_EXTRA: {path} がありません / does not exist")
    load_subconfig(str(path.resolve()))  # noqa: F821 (provided by JupyterHub)
hub_grants.apply(c)
