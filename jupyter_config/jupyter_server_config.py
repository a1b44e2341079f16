# Jupyter Server / JupyterLab settings for the course, loaded by `make lab` through
# JUPYTER_CONFIG_PATH. Learners' own setting changes go to ~/.jupyter (JupyterLab's user
# settings directory), never into this repository.
#
# Security stays on: a token is required, XSRF checks are on, and the server listens on
# the loopback interface only. Do not change these three for a classroom server; use
# JupyterHub instead.
import json
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


# Course notebooks (chapters/ja|en and solutions/ja|en) are saved as the course ships them:
# the learner's cells and edits are kept; outputs, execution counts, widget state and
# per-machine kernel details are not. So `git pull` brings course updates without conflicts
# over outputs, `make test` still checks the course as written, and a chapter that was only
# run is byte-identical on disk. Like Colab's "omit code cell output when saving"; a copy
# saved anywhere else keeps its outputs.
COURSE_FOLDERS = {"chapters", "solutions"}
RUN_STATE = ("execution", "collapsed", "scrolled")  # cell metadata JupyterLab adds when run


def is_course_notebook(path):
    parts = path.strip("/").split("/")
    return len(parts) >= 3 and parts[-3] in COURSE_FOLDERS and parts[-2] in {"ja", "en"}


def save_course_notebooks_without_outputs(model, path, contents_manager, **kwargs):
    if model.get("type") != "notebook" or not is_course_notebook(path):
        return
    nb = model["content"]
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
        meta = cell.get("metadata", {})
        for key in RUN_STATE:
            meta.pop(key, None)
        meta.get("jupyter", {}).pop("outputs_hidden", None)
        if meta.get("jupyter") == {}:
            del meta["jupyter"]
    meta = nb.setdefault("metadata", {})
    meta.pop("widgets", None)
    on_disk = Path(contents_manager.root_dir, path.strip("/"))
    if on_disk.is_file():  # keep the course's kernel metadata, not this machine's versions
        shipped = json.loads(on_disk.read_text(encoding="utf-8")).get("metadata", {})
        for key in ("kernelspec", "language_info"):
            if key in shipped:
                meta[key] = shipped[key]


c.ContentsManager.pre_save_hook = save_course_notebooks_without_outputs
