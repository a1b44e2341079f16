"""show_graph: trace and render times of ~100-node autograd graphs, without system ``dot``.

The WebAssembly Graphviz compiles its module once per process, so the first render is
timed in a fresh interpreter with ``dot`` hidden from PATH, and repeated renders after it.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench import Row

ROOT = Path(__file__).resolve().parents[1]


def mlp_graph():
    """A 14-layer MLP's loss: about 100 boxes in a mostly straight chain (typical in class)."""
    import torch
    from torch import nn

    layers = []
    for _ in range(14):
        layers += [nn.Linear(4, 4), nn.ReLU()]
    model = nn.Sequential(*layers)
    return model(torch.randn(2, 4)).sum(), model


def recurrent_graph():
    """32 steps of tanh(y * w + x): about 100 boxes, x and w feeding every step (harder layout)."""
    import torch

    x = torch.randn(3, requires_grad=True)
    w = torch.randn(3, requires_grad=True)
    y = x
    for _ in range(32):
        y = torch.tanh(y * w + x)
    return y.sum(), {"x": x, "w": w}


def median_seconds(action, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(repeats: int = 3) -> dict:
    """Run inside the fresh interpreter: seconds for trace, first and repeated renders."""
    from widgets import show_graph
    from widgets._graph.render import render_svg, renderer_name

    figures: dict = {"renderer": renderer_name()}
    for key, build in (("mlp", mlp_graph), ("recurrent", recurrent_graph)):
        out, params = build()
        start = time.perf_counter()
        graph = show_graph(out, params=params)
        figures[f"{key}_trace"] = time.perf_counter() - start
        figures[f"{key}_nodes"] = len(graph.nodes)
        if key == "mlp":  # the first render of the process compiles the wasm module
            figures["first"] = median_seconds(lambda g=graph: render_svg(g.source), 1)
        figures[f"{key}_again"] = median_seconds(lambda g=graph: render_svg(g.source), repeats)
    return figures


def fresh_run(hide_dot: bool) -> dict:
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as empty:
        if hide_dot:
            env["PATH"] = empty  # shutil.which("dot") finds nothing
        code = "import json; from bench.bench_graph import measure; print(json.dumps(measure()))"
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def rows() -> Iterator[Row]:
    wasm = fresh_run(hide_dot=True)
    mlp, rec = f"{wasm['mlp_nodes']}-node MLP graph", f"{wasm['recurrent_nodes']}-node loop graph"
    yield Row(f"show_graph trace, {mlp}", f"{wasm['mlp_trace'] * 1e3:.1f} ms", "walks grad_fn")
    yield Row(
        f"render {mlp}, no dot, first in a process",
        f"{wasm['first']:.2f} s",
        f"{wasm['renderer']}: includes compiling the wasm module",
    )
    yield Row(f"render {mlp}, no dot, repeated", f"{wasm['mlp_again'] * 1e3:.0f} ms", "median of 3")
    yield Row(
        f"render {rec}, no dot, repeated",
        f"{wasm['recurrent_again'] * 1e3:.0f} ms",
        "median of 3; every step reads x and w",
    )
    system = fresh_run(hide_dot=False)
    if system["renderer"] == "graphviz":
        for key, label in (("mlp", mlp), ("recurrent", rec)):
            yield Row(
                f"render {label}, system dot (comparison)",
                f"{system[f'{key}_again'] * 1e3:.0f} ms",
                "median of 3, one `dot` process each",
            )
