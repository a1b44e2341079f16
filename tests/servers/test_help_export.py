"""A ✗ check's cell exported to HTML (nbconvert, after a real run with nbclient): the verdict
box and the line about ``hint()``, no widget repr, no empty widget (issue 30 item 2)."""

from __future__ import annotations

import html
import os
import re

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from tests.support.jupyter_server import ROOT
from widgets._checks.hints import HINT_CALL

pytestmark = pytest.mark.server
CELLS = [
    "import torch\nfrom widgets import check_image_batch, setup\nsetup('en')",
    "check_image_batch(torch.zeros(2, 3))",
]
WIDGET_SCRIPT = re.compile(r'<script type="application/vnd\.jupyter\.widget-view\+json">')


def executed(store_widget_state: bool):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    client = NotebookClient(
        nb,
        timeout=120,
        store_widget_state=store_widget_state,
        resources={"metadata": {"path": str(ROOT)}},  # the kernel starts in this checkout
    )
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(ROOT)  # the kernel imports this checkout's widgets
    try:
        client.execute()
    finally:
        if old is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = old
    return nb


@pytest.fixture(scope="module", params=[False, True], ids=["saved-without-state", "with-state"])
def page(request):
    nb = executed(request.param)
    body, _ = HTMLExporter().from_notebook_node(nb)
    return request.param, nb, body


def test_the_verdict_box_is_in_the_page(page):
    _, _, body = page
    assert 'class="nyumon-verdict nyumon-wrong"' in body
    assert "report_problem()" in body


def test_no_widget_repr_reaches_the_page(page):
    _, nb, body = page
    for name in ("Button(", "VBox(", "HTML(value", "ButtonStyle()"):
        assert name not in body, name
    plain = [o["data"].get("text/plain", "") for o in nb.cells[1].outputs if "data" in o]
    assert not any("Button(" in p for p in plain), plain


def test_without_widget_state_the_page_shows_the_hint_line_not_an_empty_widget(page):
    with_state, _, body = page
    if with_state:
        # the widgets' state travels with the page: each widget view has its model
        for model_id in re.findall(r'"model_id": "([0-9a-f]+)"', body):
            assert body.count(model_id) >= 2, model_id
    else:
        assert not WIDGET_SCRIPT.search(body)
        assert html.escape(f"run {HINT_CALL} in a new cell") in body  # the call, whole
