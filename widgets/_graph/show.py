"""``show_graph``: draw the autograd graph of a tensor in a notebook.

The graph is traced by ``trace.trace`` (plain data), written as Graphviz DOT here, and
rendered by ``render.render_svg`` (system ``dot``, else WebAssembly) only when displayed.
No torchviz needed: it imports ``distutils``, which Python 3.12 dropped.
"""

from __future__ import annotations

from collections.abc import Mapping

import torch

from .._i18n import CourseTypeError, CourseValueError, Message
from .._validate import type_name
from .render import RenderError, render_svg
from .trace import LEAF, OP, TENSOR, Node, shape_text, trace

NOT_A_TENSOR = Message(
    ja="show_graph にはテンソルを渡してください（渡されたのは {got} です）。",
    en="show_graph needs a tensor (got {got}).",
)
MODEL_NOT_OUTPUT = Message(
    ja="show_graph にはモデルではなく、モデルの出力を渡してください。例: show_graph(model(x))",
    en="Pass the model's output, not the model, to show_graph. For example: show_graph(model(x))",
)
NO_GRAPH = Message(
    ja=(
        "このテンソルには計算グラフがありません（requires_grad=False、grad_fn=None）。"
        "元になる入力を torch.tensor(..., requires_grad=True) のように作り、"
        "torch.no_grad() の外で、.detach() をせずに計算すると、グラフが記録されます。"
    ),
    en=(
        "This tensor has no autograd graph (requires_grad=False, grad_fn=None). Create the "
        "inputs with requires_grad=True, e.g. torch.tensor(..., requires_grad=True), and "
        "compute outside torch.no_grad() without .detach(): then the graph is recorded."
    ),
)
IN_NO_GRAD = Message(
    ja="いまは勾配の記録が止まっています（torch.no_grad() の中です）。",
    en="Gradient recording is off right now (you are inside torch.no_grad()).",
)
BAD_PARAMS = Message(
    ja=(
        "params には「名前 → テンソル」の辞書か nn.Module を渡してください"
        "（渡されたのは {got} です）。例: params={{'x': x}} や params=model"
    ),
    en=(
        "params must be a dict of name -> tensor or an nn.Module (got {got}). "
        "For example: params={{'x': x}} or params=model"
    ),
)
BAD_PARAM_NAME = Message(
    ja="params の名前は文字列にしてください（{key} は {got} です）。",
    en="The names in params must be strings ({key} is a {got}).",
)
BAD_PARAM_VALUE = Message(
    ja="params['{key}'] がテンソルではありません（{got} です）。",
    en="params['{key}'] is not a tensor (it is a {got}).",
)
NO_GRAPH_IN_NO_GRAD = Message(ja=NO_GRAPH.ja + IN_NO_GRAD.ja, en=f"{NO_GRAPH.en} {IN_NO_GRAD.en}")
SUMMARY = Message(
    ja="計算グラフ: 演算 {ops} 個・葉 {leaves} 個（{names}）",
    en="Autograd graph: ops {ops}, leaves {leaves} ({names})",
)
OP_TIP = Message(ja="{op}: 出力の形 {shape}", en="{op}: output shape {shape}")
LEAF_TIP = Message(
    ja="{name}葉テンソル {shape} {dtype}: backward() で .grad に勾配が入ります",
    en="{name}leaf tensor {shape} {dtype}: backward() fills its .grad",
)
TENSOR_TIP = Message(
    ja="{name}結果のテンソル {shape} {dtype}", en="{name}result tensor {shape} {dtype}"
)
COLORS = {OP: "lightgrey", LEAF: "lightblue", TENSOR: "darkolivegreen1"}  # torchviz's colours


def quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def tooltip(node: Node) -> str:
    shape = shape_text(node.shape)
    name = f"{node.name}: " if node.name else ""
    if node.kind == OP:
        return OP_TIP(op=node.op, shape=shape)
    tip = LEAF_TIP if node.kind == LEAF else TENSOR_TIP
    return tip(name=name, shape=shape, dtype=node.dtype)


def to_dot(nodes: list[Node], edges: list[tuple[str, str]]) -> str:
    """Graphviz DOT text: inputs at the top, the traced tensor at the bottom."""
    lines = [
        "digraph autograd {",
        # No white block on JupyterLab's dark theme: the page shows through, and the grey
        # arrows read on white and on #111111 alike (contrast 3.9 and 5.0).
        '  graph [size="12,12", bgcolor=transparent];',
        '  edge [color="#808080"];',
        "  node [style=filled, shape=box, align=left, fontsize=10, height=0.2, "
        "fontname=monospace];",
    ]
    for n in nodes:
        lines.append(
            f"  {n.id} [label={quote(n.label)}, fillcolor={COLORS[n.kind]}, "
            f"tooltip={quote(tooltip(n))}];"
        )
    lines += [f"  {a} -> {b};" for a, b in edges]
    lines.append("}")
    return "\n".join(lines) + "\n"


class Graph:
    """An autograd graph: ``.nodes``, ``.edges`` and ``.source`` (DOT); shows itself as SVG."""

    def __init__(self, nodes: list[Node], edges: list[tuple[str, str]]) -> None:
        self.nodes = tuple(nodes)
        self.edges = tuple(edges)
        self.source = to_dot(nodes, edges)
        self._svg: str | None = None

    @property
    def ops(self) -> tuple[str, ...]:
        """Names of the backward functions, from the result back to the inputs."""
        return tuple(n.op for n in self.nodes if n.kind == OP)

    def svg(self) -> str:
        """The picture as SVG text (rendered once, then cached)."""
        if self._svg is None:
            self._svg = render_svg(self.source)
        return self._svg

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict:
        try:
            return {"image/svg+xml": self.svg(), "text/plain": repr(self)}
        except RenderError as error:  # still say what the graph holds, and why no picture
            return {"text/plain": f"{error}\n{self!r}"}

    def __repr__(self) -> str:
        leaves = [n for n in self.nodes if n.kind == LEAF]
        names = ", ".join(n.name or shape_text(n.shape) for n in leaves)
        ops = ", ".join(self.ops)
        head = SUMMARY(ops=len(self.ops), leaves=len(leaves), names=names)
        return f"{head}\n  {ops}" if ops else head


def named_tensors(params: object) -> dict[str, torch.Tensor]:
    if params is None:
        return {}
    if isinstance(params, torch.nn.Module):
        return dict(params.named_parameters())
    if not isinstance(params, Mapping):
        raise CourseTypeError(BAD_PARAMS, got=type_name(params))
    for key, value in params.items():
        if not isinstance(key, str):
            raise CourseTypeError(BAD_PARAM_NAME, key=repr(key), got=type_name(key))
        if not isinstance(value, torch.Tensor):
            raise CourseTypeError(BAD_PARAM_VALUE, key=key, got=type_name(value))
    return dict(params)


def show_graph(tensor: torch.Tensor, params: object = None) -> Graph:
    """The autograd graph that produced ``tensor``, drawn when it is a cell's last line.

    Args:
        tensor: a result computed from tensors created with ``requires_grad=True``.
        params: names for the boxes: a dict ``{"x": x, "w": w}`` (leaves or intermediate
            results) or an ``nn.Module`` (its ``named_parameters()``).

    Blue boxes are leaves (their ``.grad`` is filled by ``backward()``), grey boxes the
    backward functions (``grad_fn``), the green box the tensor itself. Hover a box for shapes.
    """
    if isinstance(tensor, torch.nn.Module):
        raise CourseTypeError(MODEL_NOT_OUTPUT)
    if not isinstance(tensor, torch.Tensor):
        raise CourseTypeError(NOT_A_TENSOR, got=type_name(tensor))
    names = named_tensors(params)
    if tensor.grad_fn is None and not tensor.requires_grad:
        if torch.is_grad_enabled():
            raise CourseValueError(NO_GRAPH)
        raise CourseValueError(NO_GRAPH_IN_NO_GRAD)
    return Graph(*trace(tensor, names))
