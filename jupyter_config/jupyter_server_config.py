# Jupyter Server / JupyterLab settings for the course, loaded by `make lab` through
# JUPYTER_CONFIG_PATH. Learners' own setting changes go to ~/.jupyter (JupyterLab's user
# settings directory), never into this repository.
#
# Security stays on: a token is required, XSRF checks are on, and the server listens on
# the loopback interface only. Do not change these three for a classroom server; use
# JupyterHub instead.
import importlib.util
import json
import os
import sys
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


# Outputs stay in the notebooks, so a reload or a reopened notebook shows what ran. Git sees
# course notebooks without them (a clean filter, tools/nbstrip.py, set up by `make lab`), and
# after each save nyumon_outputs.py tells git's index when only the run changed: `git status`
# stays clean and `git pull` brings course updates.
def load_module(name, path):
    """Import a file of this folder once, writing no __pycache__ into the repository."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        writes, sys.dont_write_bytecode = sys.dont_write_bytecode, True
        try:
            spec.loader.exec_module(module)
        finally:
            sys.dont_write_bytecode = writes
        sys.modules[name] = module
    return sys.modules[name]


load_module("nyumon_outputs", HERE / "nyumon_outputs.py")
c.ServerApp.jpserver_extensions.update({"nyumon_outputs": True})

# A widget's answer (the playground's new picture) leaves at once, not after TCP's delayed
# acknowledgement of the message before it: up to 40 ms (nyumon_websocket.py).
c.ServerApp.kernel_websocket_connection_class = load_module(
    "nyumon_websocket", HERE / "nyumon_websocket.py"
).NoDelayConnection

# The file browser shows the course, not what installing it leaves behind.
c.ContentsManager.hide_globs = [
    *("__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*.so", "*.dylib", "*~"),  # Jupyter's own
    "*.egg-info",
]


# JupyterLab in Japanese when the system's language is Japanese (LC_ALL, LC_MESSAGES or LANG
# ja_*), or when asked: `make lab LANG=ja` passes NYUMON_LAB_LANG, which wins (`make lab
# LANG=en` gives English). The choice is a default written for this run beside Jupyter's
# runtime files, with the course's other defaults; the learner's own choice in Settings →
# Language is kept in their home directory and wins over it.
def ui_language(environ=os.environ):
    asked = environ.get("NYUMON_LAB_LANG", "")
    system = environ.get("LC_ALL") or environ.get("LC_MESSAGES") or environ.get("LANG") or ""
    return "ja_JP" if (asked or system).lower().startswith("ja") else None


def settings_for(language, runtime_dir):
    """A settings folder with the course's defaults and the UI language; returns its path."""
    overrides = json.loads((HERE / "lab-settings" / "overrides.json").read_text(encoding="utf-8"))
    overrides["@jupyterlab/translation-extension:plugin"] = {"locale": language}
    folder = Path(runtime_dir) / f"nyumon-lab-settings-{language}"
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / f"overrides.json.{os.getpid()}"
    part.write_text(json.dumps(overrides, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(part, folder / "overrides.json")  # whole, for a server starting meanwhile
    return folder


if ui_language():
    from jupyter_core.paths import jupyter_runtime_dir

    c.LabApp.app_settings_dir = str(settings_for(ui_language(), jupyter_runtime_dir()))
