"""``show_dot``: draw Graphviz DOT text in a notebook, with or without a system ``dot``."""

from __future__ import annotations

from ._i18n import CourseTypeError, CourseValueError, Message
from ._render import render_svg
from ._validate import WRONG_TYPE, type_name

DOT_TEXT = Message(ja="DOT 形式の文字列", en="a DOT source string")
EMPTY_DOT = Message(
    ja="DOT の文字列が空です。`digraph {{ a -> b }}` のような中身を渡してください。",
    en="The DOT source is empty. Pass something like `digraph {{ a -> b }}`.",
)


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


def show_dot(dot_source: str) -> DotGraph:
    """Wrap DOT text so that a notebook cell draws it.

    Args:
        dot_source: a Graphviz graph such as ``'digraph { a -> b }'``.
    """
    if not isinstance(dot_source, str):
        raise CourseTypeError(
            WRONG_TYPE, name="dot_source", expected=DOT_TEXT(), got=type_name(dot_source)
        )
    if not dot_source.strip():
        raise CourseValueError(EMPTY_DOT)
    return DotGraph(dot_source)
