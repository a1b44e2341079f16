"""``trace``: walk a tensor's autograd graph into plain nodes and edges (no Graphviz).

Like micrograd's ``trace(root) -> nodes, edges``: the picture is drawn elsewhere
(``show`` and ``render``), so tests and notebooks can inspect the graph without any renderer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch

OP, LEAF, TENSOR = "op", "leaf", "tensor"


@dataclass(frozen=True)
class Node:
    """One box of the graph.

    ``kind`` is ``"op"`` (a backward function such as ``MulBackward0``), ``"leaf"`` (a tensor
    created with ``requires_grad=True``: backward fills its ``.grad``) or ``"tensor"`` (the
    tensor that was traced). ``shape`` is the shape of the tensor the box stands for (for an
    op: the shape of its forward output), ``None`` when PyTorch does not say.
    """

    id: str
    kind: str
    label: str
    shape: tuple[int, ...] | None = None
    name: str = ""
    op: str = ""
    dtype: str = ""


def shape_text(shape: tuple[int, ...] | None) -> str:
    if shape is None:
        return "?"
    return "(" + ", ".join(str(n) for n in shape) + ")"


def output_shape(fn: Any) -> tuple[int, ...] | None:
    # `_input_metadata` is private (the gradient arriving at `fn` has its output's shape):
    # when a PyTorch release drops it the graph just loses shapes in tooltips.
    try:
        return tuple(int(n) for n in fn._input_metadata[0].shape)
    except (AttributeError, IndexError, TypeError, RuntimeError):
        return None


def dtype_text(tensor: torch.Tensor) -> str:
    return str(tensor.dtype).removeprefix("torch.")


def trace(
    root: torch.Tensor, names: Mapping[str, torch.Tensor] | None = None
) -> tuple[list[Node], list[tuple[str, str]]]:
    """Nodes and edges of ``root``'s autograd graph; edges run from inputs to results.

    An input used twice (``x * x``) gives two edges. ``names`` labels leaf tensors, the
    traced tensor and intermediate results (an op box takes the name of the tensor it made).
    """
    names = dict(names or {})
    by_tensor = {id(t): n for n, t in names.items()}
    by_fn = {id(t.grad_fn): n for n, t in names.items() if t.grad_fn is not None and t is not root}
    nodes: list[Node] = []
    edges: list[tuple[str, str]] = []

    def tensor_node(kind: str, tensor: torch.Tensor) -> str:
        name = by_tensor.get(id(tensor), "")
        shape = tuple(tensor.shape)
        label = f"{name}\n{shape_text(shape)}" if name else shape_text(shape)
        node_id = f"n{len(nodes)}"
        nodes.append(Node(node_id, kind, label, shape, name, dtype=dtype_text(tensor)))
        return node_id

    if root.grad_fn is None:  # a leaf that requires grad is a graph of one box
        tensor_node(LEAF, root)
        return nodes, edges
    out_id = tensor_node(TENSOR, root)
    seen: dict[int, tuple[object, str]] = {}  # keeps each fn alive so ids stay unique
    stack: list[tuple[object, str]] = [(root.grad_fn, out_id)]
    while stack:
        fn, consumer = stack.pop()
        if id(fn) in seen:
            edges.append((seen[id(fn)][1], consumer))
            continue
        op = type(fn).__name__  # MulBackward0; `fn.name()` spells C++ namespaces
        name = by_fn.get(id(fn), "")
        node_id = f"n{len(nodes)}"
        label = f"{name}\n{op}" if name else op
        nodes.append(Node(node_id, OP, label, output_shape(fn), name, op))
        seen[id(fn)] = (fn, node_id)
        edges.append((node_id, consumer))
        variable = getattr(fn, "variable", None)  # AccumulateGrad: the leaf it fills
        if isinstance(variable, torch.Tensor):
            edges.append((tensor_node(LEAF, variable), node_id))
        for next_fn, _ in reversed(getattr(fn, "next_functions", ())):
            if next_fn is not None:
                stack.append((next_fn, node_id))
    return nodes, edges
