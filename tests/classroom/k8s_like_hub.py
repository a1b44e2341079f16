# Test include for the classroom hub: servers as on Kubernetes (Zero to JupyterHub).
#
# Every user's server runs as the SAME OS account (as every pod runs as jovyan, uid 1000),
# each in a home of its own under $NYUMON_TEST_HOMES and no folder shared between them; the
# only way between two servers is the exchange service. A "tester" service (token
# $NYUMON_TEST_HUB_TOKEN) lets the test put users in groups and issue tokens, as an
# instructor would in the hub's admin page. Loaded after classroom/nbgrader's include.
import os
import pwd
import subprocess
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

ACCOUNT = "nyumon-jovyan"
HOMES = Path(os.environ["NYUMON_TEST_HOMES"])


def account() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(ACCOUNT)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                        "--shell", "/bin/bash", ACCOUNT], check=True)  # fmt: skip
        return pwd.getpwnam(ACCOUNT)


class SameAccountSpawner(LocalProcessSpawner):
    """LocalProcessSpawner, but every server is ACCOUNT, at home in HOMES/<user>."""

    @property
    def home(self) -> Path:
        return HOMES / self.user.name

    def make_preexec_fn(self, name):
        become, home = set_user_setuid(ACCOUNT, chdir=False), str(self.home)

        def preexec():
            become()
            os.chdir(home)

        return preexec

    def user_env(self, env):
        env.update(USER=ACCOUNT, HOME=str(self.home), SHELL="/bin/bash")
        return env


def make_home(spawner) -> None:
    jovyan = account()
    spawner.home.mkdir(mode=0o700, exist_ok=True)
    os.chown(spawner.home, jovyan.pw_uid, jovyan.pw_gid)


c.JupyterHub.spawner_class = SameAccountSpawner
c.Spawner.pre_spawn_hook = make_home
c.JupyterHub.services.append({"name": "tester", "api_token": os.environ["NYUMON_TEST_HUB_TOKEN"]})
c.JupyterHub.load_roles.append(
    {
        "name": "tester",
        "scopes": ["admin:groups", "tokens", "list:users", "access:services"],
        "services": ["tester"],
    }
)
