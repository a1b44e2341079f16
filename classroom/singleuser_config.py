# Jupyter Server settings for a student's server under JupyterHub (installed by
# `python -m classroom setup` as <prefix>/etc/jupyter/jupyter_server_config.py).
#
# It loads the course's own settings, the ones `make lab` uses (copied beside this file as
# course/), so students get the same JupyterLab defaults and the same saving of course
# notebooks without outputs. Then it hands back to the hub what the hub decides: address,
# port, authentication (the hub's OAuth instead of a token) and the folder to serve (the
# student's home).
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (provided by Jupyter when it loads this file)
load_subconfig(str(Path(__file__).resolve().parent / "course" / "jupyter_server_config.py"))  # noqa: F821

for key in ("root_dir", "preferred_dir", "ip", "port", "port_retries", "allow_remote_access"):
    c.ServerApp.pop(key, None)
c.LabApp.pop("default_url", None)

# Stays on whatever the course file says: a request without the XSRF token is refused.
c.ServerApp.disable_check_xsrf = False
# The terminal is the student's own shell, as their own OS user.
c.ServerApp.terminals_enabled = True

# A kernel busy with a long, silent cell counts as activity, so the idle culler never stops a
# server in the middle of a cell (nyumon_busy_activity.py, installed beside this file).
sys.path.insert(0, str(Path(__file__).resolve().parent))
c.ServerApp.jpserver_extensions.update({"nyumon_busy_activity": True})
