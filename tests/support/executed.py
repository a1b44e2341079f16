"""Keep the notebooks nbval ran, with their outputs, for the web book (``make book``).

With ``NYUMON_EXECUTED_DIR`` set (``make test`` sets ``test-output/executed``), every notebook
that nbval runs is written to that folder under its own path (``chapters/ja/00_….ipynb``) once
its last cell has run, each code cell holding the outputs of this run. The book is then built
from these copies, so CI executes every notebook once, not twice. The committed notebooks are
never touched: nbval reads them, this writes elsewhere.

nbval keeps each cell's outputs in ``IPyNbCell.test_outputs`` but ignores
``update_display_data`` (how ``live_loss`` redraws its one figure in place); the kernel
messages are watched here too, so a kept output shows the last picture, not the first.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ENV = "NYUMON_EXECUTED_DIR"


def executed_dir(config: pytest.Config) -> Path | None:
    folder = os.environ.get(ENV)
    if not folder:
        return None
    path = Path(folder)
    return path if path.is_absolute() else Path(config.rootpath) / path


class DisplayIds:
    """The display id of each display output nbval kept, and the last data sent for each id."""

    def __init__(self) -> None:
        self.current: str | None = None  # msg_id of the cell nbval is running
        self.order: list[str | None] = []  # one entry per kept display, in the notebook's order
        self.latest: dict[str, dict] = {}

    def see(self, msg: dict) -> None:
        kind, content = msg.get("msg_type"), msg.get("content", {})
        display_id = (content.get("transient") or {}).get("display_id")
        parent = msg.get("parent_header", {}).get("msg_id")
        if kind in ("display_data", "execute_result") and parent == self.current:
            self.order.append(display_id)  # nbval keeps exactly these (plugin.py, runtest)
        if display_id and kind in ("display_data", "update_display_data"):
            self.latest[display_id] = {
                "data": content.get("data", {}),
                "metadata": content.get("metadata", {}),
            }


def watch(notebook_file) -> DisplayIds:
    """See every kernel message nbval reads, and the msg_id of every cell it sends."""
    ids = getattr(notebook_file, "_nyumon_display_ids", None)
    if ids is None:
        ids = notebook_file._nyumon_display_ids = DisplayIds()
        read = notebook_file.get_kernel_message

        def get_kernel_message(*args, **kwargs):
            msg = read(*args, **kwargs)
            ids.see(msg)
            return msg

        notebook_file.get_kernel_message = get_kernel_message
    kernel = getattr(notebook_file, "kernel", None)
    if kernel is not None and not getattr(kernel, "_nyumon_watched", False):
        send = kernel.execute_cell_input

        def execute_cell_input(*args, **kwargs):
            ids.current = send(*args, **kwargs)
            return ids.current

        kernel.execute_cell_input = execute_cell_input
        kernel._nyumon_watched = True
    return ids


def is_notebook_cell(item: pytest.Item) -> bool:
    return type(item).__name__ == "IPyNbCell" and hasattr(item, "test_outputs")


def keep_outputs(item) -> None:
    """Copy the cell's test outputs into the notebook nbval read (its ``nb`` node)."""
    notebook_file = item.parent
    count = getattr(notebook_file, "_nyumon_count", 0) + 1
    notebook_file._nyumon_count = count
    kept = []
    for output in item.test_outputs or []:
        output = dict(output)
        if output.get("output_type") in ("display_data", "execute_result"):
            output.setdefault("metadata", {})
        if output.get("output_type") == "execute_result":
            output["execution_count"] = count
        kept.append(output)
    item.cell["outputs"] = kept
    item.cell["execution_count"] = count


def write_notebook(notebook_file, folder: Path) -> Path:
    """Write the notebook with the kept outputs, each display at its last update."""
    import nbformat

    ids = watch(notebook_file)
    displays = [
        output
        for cell in notebook_file.nb.cells
        if cell.get("cell_type") == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") in ("display_data", "execute_result")
    ]
    if len(ids.order) == len(displays):  # else (a cell skipped, say) leave the first pictures
        for output, display_id in zip(displays, ids.order, strict=True):
            if display_id in ids.latest:
                output.update(ids.latest[display_id])
    for cell in notebook_file.nb.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"] = [nbformat.from_dict(o) for o in cell.get("outputs", [])]
    root = Path(notebook_file.config.rootpath).resolve()
    target = folder / Path(notebook_file.path).resolve().relative_to(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook_file.nb, str(target))
    return target


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    keep = is_notebook_cell(item) and executed_dir(item.config) is not None
    if keep:
        watch(item.parent)  # the kernel exists now: nbval started it in the file's setup
    yield
    if keep:
        keep_outputs(item)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    folder = executed_dir(item.config)
    if folder is None or not is_notebook_cell(item):
        return
    if nextitem is None or nextitem.parent is not item.parent:
        write_notebook(item.parent, folder)
