# Jupyter Server / JupyterLab settings for the course, loaded by `make lab` through
# JUPYTER_CONFIG_PATH. Learners' own setting changes go to ~/.jupyter (JupyterLab's user
# settings directory), never into this repository.
#
# Security stays on: a token is required, XSRF checks are on, and the server listens on
# the loopback interface only. Do not change these three for a classroom server; use
# JupyterHub instead.
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

c = get_config()  # noqa: F821 (provided by Jupyter when it loads this file)

# Where the course is, and what opens first.
c.ServerApp.root_dir = str(ROOT)
c.ServerApp.preferred_dir = str(ROOT)
c.LabApp.default_url = "/lab/tree/README.md"

# Network: loopback only, no remote access, no cross-origin requests.
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port = 8888
c.ServerApp.port_retries = 20
c.ServerApp.allow_remote_access = False
c.ServerApp.allow_origin = ""
c.ServerApp.allow_credentials = False

# Authentication: the token is left to Jupyter, which generates a random one per start
# (printed in the URL) unless JUPYTER_TOKEN is set. XSRF protection stays on; nobody can set
# a password from the login page.
c.ServerApp.disable_check_xsrf = False
c.PasswordIdentityProvider.allow_password_change = False

# No phoning home: no news feed, no update checks.
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"

# Course defaults for JupyterLab's own settings (see lab-settings/overrides.json). These
# are defaults only: what a learner changes in the Settings editor wins, and is stored
# in their home directory.
c.LabApp.app_settings_dir = str(HERE / "lab-settings")
