"""show_graph: tracing (no renderer needed), DOT text, SVG with and without system dot."""

from __future__ import annotations

import shutil
from collections import Counter

import numpy as np
import pytest
import torch
from torch import nn

from widgets import CourseTypeError, CourseValueError, setup, show_graph
from widgets._graph.render import NO_RENDERER, RenderError
from widgets._graph.show import Graph
from widgets._graph.trace import trace

HAS_DOT = shutil.which("dot") is not None


@pytest.fixture(params=["wasm", "system"])
def renderer(request, monkeypatch, tmp_path):
    """Render once with `dot` hidden from PATH, once with the system Graphviz."""
    if request.param == "wasm":
        monkeypatch.setenv("PATH", str(tmp_path))
        assert shutil.which("dot") is None
    elif not HAS_DOT:
        pytest.skip("Graphviz `dot` is not installed")
    return request.param


def fourth_power():
    x = torch.ones(2, 2, requires_grad=True)
    y = x * x * x * x
    return x, y, y.mean()


def by_kind(graph: Graph) -> Counter:
    return Counter(n.kind for n in graph.nodes)


def test_trace_of_fourth_power_mean():
    x, _, out = fourth_power()
    graph = show_graph(out, params={"x": x})
    assert graph.ops == (
        "MeanBackward0",
        "MulBackward0",
        "MulBackward0",
        "MulBackward0",
        "AccumulateGrad",
    )
    assert by_kind(graph) == {"op": 5, "leaf": 1, "tensor": 1}
    leaf = next(n for n in graph.nodes if n.kind == "leaf")
    assert (leaf.name, leaf.shape, leaf.label) == ("x", (2, 2), "x\n(2, 2)")
    result = graph.nodes[0]
    assert (result.kind, result.shape) == ("tensor", ())
    # x enters the first product twice and each later product once: 4 arrows leave x's box
    accumulate = next(n.id for n in graph.nodes if n.op == "AccumulateGrad")
    assert sum(1 for a, _ in graph.edges if a == accumulate) == 4
    assert (leaf.id, accumulate) in graph.edges
    assert (graph.nodes[1].id, result.id) in graph.edges  # MeanBackward0 -> result


def test_edges_run_from_inputs_to_result_and_reach_every_node():
    _, _, out = fourth_power()
    graph = show_graph(out)
    ids = {n.id for n in graph.nodes}
    assert len(ids) == len(graph.nodes)
    assert {a for a, _ in graph.edges} | {b for _, b in graph.edges} == ids
    assert not [a for a, _ in graph.edges if a == graph.nodes[0].id]  # the result feeds nothing


def test_op_shapes_are_forward_output_shapes():
    x = torch.randn(5, 3, requires_grad=True)
    w = torch.randn(3, 4, requires_grad=True)
    graph = show_graph((x @ w).relu().sum(), params={"x": x, "w": w})
    shapes = {n.op: n.shape for n in graph.nodes if n.kind == "op"}
    assert shapes["MmBackward0"] == (5, 4)
    assert shapes["ReluBackward0"] == (5, 4)
    assert shapes["SumBackward0"] == ()
    assert {n.name: n.shape for n in graph.nodes if n.kind == "leaf"} == {"x": (5, 3), "w": (3, 4)}


def test_names_from_a_module_and_for_intermediate_results():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    hidden = model[1](model[0](torch.randn(8, 3)))
    out = model[2](hidden).sum()
    graph = show_graph(out, params=model)
    leaves = {n.name: n.shape for n in graph.nodes if n.kind == "leaf"}
    assert leaves == {"0.weight": (4, 3), "0.bias": (4,), "2.weight": (1, 4), "2.bias": (1,)}
    named = show_graph(out, params={"hidden": hidden, "out": out})
    relu = next(n for n in named.nodes if n.op == "ReluBackward0")
    assert relu.name == "hidden" and relu.label == "hidden\nReluBackward0"
    assert named.nodes[0].label == "out\n()"


def test_dot_source_has_tooltips_colours_and_escaped_names():
    x = torch.ones(3, requires_grad=True)
    graph = show_graph((x * 2).sum(), params={'say "hi"\\': x})
    source = graph.source
    assert source.startswith("digraph autograd {") and source.rstrip().endswith("}")
    assert 'label="say \\"hi\\"\\\\\\n(3)"' in source
    assert "fillcolor=lightblue" in source and "fillcolor=darkolivegreen1" in source
    assert 'tooltip="MulBackward0: output shape (3)"' in source
    setup("ja", quiet=True)
    assert "出力の形 (3)" in show_graph((x * 2).sum()).source


def test_a_leaf_that_requires_grad_is_a_one_box_graph():
    x = torch.zeros(4, requires_grad=True)
    graph = show_graph(x, params={"x": x})
    assert [(n.kind, n.label) for n in graph.nodes] == [("leaf", "x\n(4)")]
    assert graph.edges == ()


def test_deep_graph_needs_no_recursion():
    x = torch.ones(1, requires_grad=True)
    y = x
    for _ in range(3000):
        y = y + 1
    nodes, edges = trace(y)
    assert len(nodes) == 3000 + 3 and len(edges) == 3000 + 2


def test_svg_renders_with_and_without_system_dot(renderer):
    x, _, out = fourth_power()
    graph = show_graph(out, params={"x": x})
    bundle = graph._repr_mimebundle_()
    svg = bundle["image/svg+xml"]
    assert "<svg" in svg and "MeanBackward0" in svg and "AccumulateGrad" in svg
    assert "Autograd graph: ops 5, leaves 1 (x)" in bundle["text/plain"]
    assert graph.svg() is svg  # rendered once, then cached


def test_no_renderer_shows_the_reason_instead_of_a_traceback(monkeypatch):
    def broken(source):
        raise RenderError(NO_RENDERER)

    monkeypatch.setattr("widgets._graph.show.render_svg", broken)
    _, _, out = fourth_power()
    bundle = show_graph(out)._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    assert "No graph renderer found" in bundle["text/plain"]
    assert "MeanBackward0" in bundle["text/plain"]


def test_trace_does_not_import_torchviz_or_run_backward():
    import sys

    _, _, out = fourth_power()
    before = "torchviz" in sys.modules
    show_graph(out)
    assert ("torchviz" in sys.modules) == before
    out.backward()  # the graph is still intact: show_graph did not consume it


BAD_TENSORS = [
    ([1.0, 2.0], CourseTypeError, "needs a tensor (got list)"),
    (np.ones(3), CourseTypeError, "needs a tensor (got ndarray)"),
    (3.0, CourseTypeError, "needs a tensor (got float)"),
    (None, CourseTypeError, "needs a tensor (got NoneType)"),
    (nn.Linear(2, 1), CourseTypeError, "show_graph(model(x))"),
    (torch.ones(3), CourseValueError, "requires_grad=True"),
    (torch.ones(3, requires_grad=True).detach() * 2, CourseValueError, ".detach()"),
    (torch.empty(0), CourseValueError, "no autograd graph"),
    (torch.tensor([float("nan")]), CourseValueError, "no autograd graph"),
]


@pytest.mark.parametrize(("value", "error", "text"), BAD_TENSORS)
def test_bad_tensors(value, error, text):
    with pytest.raises(error) as caught:
        show_graph(value)
    assert text in str(caught.value)


def test_no_graph_under_no_grad_says_so_in_both_languages():
    x = torch.ones(3, requires_grad=True)
    with torch.no_grad():
        y = x * 2
        with pytest.raises(CourseValueError, match=r"inside torch\.no_grad"):
            show_graph(y)
    setup("ja", quiet=True)
    with pytest.raises(CourseValueError, match="requires_grad=True") as caught:
        show_graph(y)
    assert "計算グラフがありません" in str(caught.value)


BAD_PARAMS = [
    ([torch.ones(1)], "must be a dict of name -> tensor or an nn.Module (got list)"),
    ("x", "(got str)"),
    ((("x", torch.ones(1)),), "(got tuple)"),
    ({1: torch.ones(1)}, "names in params must be strings (1 is a int)"),
    ({"x": [1.0]}, "params['x'] is not a tensor (it is a list)"),
    ({"x": np.ones(2)}, "(it is a ndarray)"),
]


@pytest.mark.parametrize(("params", "text"), BAD_PARAMS)
def test_bad_params(params, text):
    _, _, out = fourth_power()
    with pytest.raises(CourseTypeError) as caught:
        show_graph(out, params=params)
    assert text in str(caught.value)


def test_params_may_name_tensors_outside_the_graph():
    x, _, out = fourth_power()
    graph = show_graph(out, params={"x": x, "unused": torch.zeros(2)})
    assert [n.name for n in graph.nodes if n.name] == ["x"]


def test_the_graph_reads_on_light_and_dark_pages():
    """Issue 29: a transparent background, grey arrows, and filled boxes with black text."""
    x = torch.ones(2, requires_grad=True)
    source = show_graph((x * 2).sum()).source
    assert "bgcolor=transparent" in source and 'edge [color="#808080"]' in source
    assert "style=filled" in source
