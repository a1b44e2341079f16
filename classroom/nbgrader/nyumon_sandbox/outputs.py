"""What came back from a hand-in's kernel is the hand-in's data, not the grader's.

``UntrustedOutputs`` runs right after the sandboxed Execute: plain text, PNG/JPEG images and
HTML cleaned to a few formatting tags (no script, SVG, link, event handler or JavaScript
reaches the feedback pages or formgrader, which the instructor opens), each output and each
cell size-capped.
"""

from __future__ import annotations

import bleach
from bleach.css_sanitizer import CSSSanitizer
from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

SAFE_DATA = ("text/plain", "text/html", "image/png", "image/jpeg")
# What a verdict box (widgets/_checks/verdict.py) and a plain table need; nothing that runs.
HTML_TAGS = {"div", "span", "b", "i", "em", "strong", "br", "p", "code", "pre", "ul", "ol",
             "li", "table", "thead", "tbody", "tr", "th", "td"}  # fmt: skip
CSS = CSSSanitizer(allowed_css_properties=["border-left", "padding", "margin", "color"])


def clean_html(text: str) -> str:
    return bleach.clean(text, tags=HTML_TAGS, attributes={"*": ["class", "style"]},
                        css_sanitizer=CSS, strip=True, strip_comments=True)  # fmt: skip


class UntrustedOutputs(NbGraderPreprocessor):
    """Keep only plain text and raster images from the hand-in's outputs, each size-capped."""

    max_output_chars = Integer(100_000, help="Characters of one output kept.").tag(config=True)
    max_image_chars = Integer(2_000_000, help="Base64 characters of one image kept.").tag(
        config=True
    )
    max_outputs = Integer(100, help="Outputs of one cell kept.").tag(config=True)

    def _text(self, value) -> str:
        text = "".join(value) if isinstance(value, list) else str(value)
        if len(text) > self.max_output_chars:
            return text[: self.max_output_chars] + "\n… [truncated by the grader]"
        return text

    def _output(self, out) -> NotebookNode | None:
        kind = out.get("output_type")
        if kind == "stream":
            name = out.get("name") if out.get("name") in ("stdout", "stderr") else "stdout"
            return NotebookNode(output_type="stream", name=name, text=self._text(out.get("text")))
        if kind == "error":
            return NotebookNode(output_type="error", ename=self._text(out.get("ename"))[:200],
                                evalue=self._text(out.get("evalue")),
                                traceback=[self._text(out.get("traceback", []))])  # fmt: skip
        if kind not in ("display_data", "execute_result"):
            return None
        data = {}
        for mime in SAFE_DATA:
            value = out.get("data", {}).get(mime)
            if value is None:
                continue
            value = self._text(value) if mime.startswith("text/") else "".join(value)
            if mime == "text/html":
                value = clean_html(value)
            if mime.startswith("text/") or len(value) <= self.max_image_chars:
                data[mime] = value
        if not data:
            data["text/plain"] = "[output removed by the grader: not text or an image]"
        clean = NotebookNode(output_type=kind, data=data, metadata={})
        if kind == "execute_result":
            count = out.get("execution_count")
            clean["execution_count"] = count if isinstance(count, int) else None
        return clean

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            kept = [self._output(o) for o in cell.get("outputs", [])[: self.max_outputs]]
            cell.outputs = [o for o in kept if o is not None]
        return cell, resources
