"""Server extension for `make lab`: after a course notebook is saved, git still sees it clean.

Outputs stay in the saved notebook (a reload shows what ran); git's clean filter
(tools/nbstrip.py, set up by `make lab`) hides them from git. Git compares a file's size before
its content, so after each save this tells git's index the notebook's new size when only its run
changed (``nbstrip.refresh``): `git status` stays clean and `git pull` brings course updates.

A hook registered once here, not the ``pre_save_hook`` / ``post_save_hook`` options: Jupyter
loads the course config twice, and setting a hook option twice makes it warn at start-up.
Where the repository's tools/ is not beside this folder (the classroom copies only this
folder), nothing is registered.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

NBSTRIP = Path(__file__).resolve().parents[1] / "tools" / "nbstrip.py"


def _nbstrip():
    if not NBSTRIP.is_file():
        return None
    spec = importlib.util.spec_from_file_location("nyumon_nbstrip", NBSTRIP)
    module = importlib.util.module_from_spec(spec)
    writes, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ in tools/
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = writes
    return module


def _load_jupyter_server_extension(serverapp) -> None:
    nbstrip = _nbstrip()
    if nbstrip is None:
        return

    def tell_git(model, os_path, contents_manager, **kwargs):
        if model.get("type") == "notebook":
            try:
                nbstrip.refresh([Path(os_path)])
            except (OSError, ValueError) as error:  # no git, or a file outside any clone
                serverapp.log.debug("nyumon_outputs: %s", error)

    serverapp.contents_manager.register_post_save_hook(tell_git)
