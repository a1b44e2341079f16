# Jupyter Server settings for a student's server under JupyterHub (installed by
# `python -m classroom setup` as <prefix>/etc/jupyter/jupyter_server_config.py).
#
# It loads the course's own settings, the ones `make lab` uses (copied beside this file as
# course/), so students get the same JupyterLab defaults, and saves course notebooks without
# outputs (below). Then it hands back to the hub what the hub decides: address,
# port, authentication (the hub's OAuth instead of a token) and the folder to serve (the
# student's home).
import json
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


# Course notebooks (chapters/ja|en and solutions/ja|en) are saved as the course ships them: the
# student's cells and edits are kept; outputs, execution counts, widget state and per-machine
# kernel details are not. nbgitpuller merges course updates into the student's clone with its
# own rule (a file the student changed keeps the student's version), and a student's clone has
# no git filter to hide outputs (`make lab` sets one up, tools/nbstrip.py): a notebook that was
# only run must stay byte-identical to get the course's updates. A copy saved anywhere else
# keeps its outputs.
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
