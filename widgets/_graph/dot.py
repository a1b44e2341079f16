"""Graphviz DOT in a notebook, with or without a system ``dot``: ``show_dot`` and ``save_graph``.

Both take DOT text or anything holding it in ``.source``: torchviz's ``make_dot(...)`` (a
``graphviz.Digraph``), ``show_graph(...)``, ``show_dot(...)``. After ``import widgets``, a
``graphviz`` graph that ends a cell is drawn the same way (``register_display``), so
``make_dot(...)`` shows even where Graphviz's ``dot`` program is not installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from .._i18n import CourseTypeError, CourseValueError, Message
from .._validate import WRONG_TYPE, type_name
from .render import RENDER_FAILED, RenderError, render_svg, system_dot

DOT_TEXT = Message(
    ja="DOT 形式の文字列か、make_dot(...) のようなグラフ",
    en="DOT text or a graph like make_dot(...)",
)
EMPTY_DOT = Message(
    ja="DOT の文字列が空です。`digraph {{ a -> b }}` のような中身を渡してください。",
    en="The DOT source is empty. Pass something like `digraph {{ a -> b }}`.",
)
FILENAME = Message(ja="ファイル名（str か Path）", en="a file name (str or Path)")
BAD_SUFFIX = Message(
    ja='{path} の拡張子は .png・.svg・.pdf のどれかにしてください。例: save_graph(graph, "graph.png")',
    en='Give {path} one of the endings .png, .svg or .pdf. For example: save_graph(graph, "graph.png")',
)
NEEDS_DOT = Message(
    ja="{suffix} で保存するには Graphviz の dot コマンドが必要ですが、見つかりません。"
    '"{png}" のように .png か .svg で保存してください。',
    en="Saving as {suffix} needs Graphviz's dot program, which is not installed. "
    'Save as .png or .svg instead, e.g. "{png}".',
)
SUFFIXES = (".png", ".svg", ".pdf")


def dot_text(graph: object, name: str = "graph") -> str:
    source = getattr(graph, "source", graph)  # graphviz.Digraph, Graph, DotGraph: .source
    if not isinstance(source, str):
        raise CourseTypeError(WRONG_TYPE, name=name, expected=DOT_TEXT, got=type_name(graph))
    if not source.strip():
        raise CourseValueError(EMPTY_DOT)
    return source


class DotGraph:
    """A graph that shows itself as SVG in a notebook; ``.source`` is the DOT text."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._svg: str | None = None

    def svg(self) -> str:
        """The rendered SVG (rendered once, then cached)."""
        if self._svg is None:
            self._svg = render_svg(self.source)
        return self._svg

    def _repr_svg_(self) -> str:
        return self.svg()

    def __repr__(self) -> str:
        return f"DotGraph({len(self.source)} characters of DOT)"


def show_dot(dot_source: object) -> DotGraph:
    """Wrap DOT text (or a graph holding it, like torchviz's ``make_dot``) so a cell draws it.

    Args:
        dot_source: a Graphviz graph such as ``'digraph { a -> b }'``, or an object with a
            ``.source`` string: ``make_dot(y)``, ``graphviz.Digraph()``, ``show_graph(y)``.
    """
    return DotGraph(dot_text(dot_source, "dot_source"))


def save_graph(graph: object, filename: str | os.PathLike) -> Path:
    """Write a graph to a picture file: the course's ``make_dot(...).render("graph", format="png")``.

    Args:
        graph: ``make_dot(...)``, ``show_graph(...)``, ``show_dot(...)`` or DOT text.
        filename: ends in ``.png`` or ``.svg`` (work everywhere) or ``.pdf`` (needs Graphviz).
    Returns the path of the written file.
    """
    source = dot_text(graph)
    if not isinstance(filename, (str, os.PathLike)) or isinstance(filename, bytes):
        raise CourseTypeError(
            WRONG_TYPE, name="filename", expected=FILENAME, got=type_name(filename)
        )
    path = Path(filename).expanduser()
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise CourseValueError(BAD_SUFFIX, path=path)
    dot = system_dot()
    if suffix == ".svg":
        data = render_svg(source).encode("utf-8")
    elif dot is None and suffix == ".png":
        data = png_from_svg(render_svg(source))
    elif dot is None:
        raise CourseValueError(NEEDS_DOT, suffix=suffix, png=path.with_suffix(".png").name)
    else:
        done = subprocess.run(
            [dot, f"-T{suffix[1:]}"], input=source.encode(), capture_output=True, timeout=60
        )
        if done.returncode != 0:
            error = done.stderr.decode("utf-8", "replace").strip()
            raise RenderError(RENDER_FAILED, engine=dot, error=error)
        data = done.stdout
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def png_from_svg(svg: str) -> bytes:
    """Rasterize Graphviz's SVG (resvg) with the fonts matplotlib and matplotlib-fontja ship."""
    import matplotlib
    import matplotlib_fontja
    import resvg_py

    fonts = [Path(matplotlib.get_data_path()) / "fonts" / "ttf"]
    fonts.append(Path(matplotlib_fontja.__file__).parent / "fonts")  # Japanese labels
    png = resvg_py.svg_to_bytes(
        svg_string=svg,
        skip_system_fonts=True,  # the same picture on every machine
        font_dirs=[str(f) for f in fonts],
        serif_family="DejaVu Serif",  # Graphviz's default font, Times
        sans_serif_family="DejaVu Sans",
        monospace_family="DejaVu Sans Mono",  # torchviz's labels
        background="white",
        dpi=96.0,  # the size `dot -Tpng` gives
    )
    return bytes(png)


def graphviz_bundle(graph: Any) -> dict[str, str]:
    """The notebook output of a ``graphviz`` graph, drawn by the course's renderer."""
    try:
        return {"image/svg+xml": render_svg(graph.source)}
    except RenderError as error:  # say why there is no picture, and keep the DOT text
        return {"text/plain": f"{error}\n{graph.source}"}


def register_display() -> None:
    """In IPython, draw ``graphviz`` graphs (torchviz's ``make_dot``) with the course renderer.

    Registered by module and class name, so ``graphviz`` is not imported until a graph is shown.
    """
    if "IPython" not in sys.modules:
        return
    shell = sys.modules["IPython"].get_ipython()
    if shell is None:
        return
    formatter = shell.display_formatter.mimebundle_formatter
    for name in ("Digraph", "Graph", "Source"):
        module = "graphviz.sources" if name == "Source" else "graphviz.graphs"
        formatter.for_type_by_name(module, name, graphviz_bundle)
