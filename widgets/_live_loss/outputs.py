"""Where ``live_loss`` shows its figure. Each output has one method, ``send(plot, final)``.

``NotebookOutput`` keeps one display handle (JupyterLab, Colab, VS Code, nbclient);
``TextOutput`` prints compact lines in a script; ``ImageOutput`` fills an ``ipywidgets.Image``
(for widgets that embed the curve); a test passes its own fake.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any, Protocol

from .._validate import require_choice
from .history import Divergence, History


class LiveLoss(Protocol):
    """What an output reads from the plot it shows (``plot.LiveLoss`` is one)."""

    history: History

    @property
    def diverged(self) -> Divergence | None: ...

    def to_png(self) -> bytes: ...


TEXT_EVERY = 2.0  # seconds between text lines in a script: fewer lines to scroll
OUTPUTS = ("auto", "notebook", "text", "none")


class NotebookOutput:
    """One display handle, displayed at the first redraw and updated in place after."""

    def __init__(self, display: Callable[..., object] | None = None) -> None:
        if display is None:
            from IPython.display import display as ipython_display

            display = ipython_display
        self.display: Callable[..., Any] = display
        self.handle: Any = None  # IPython's DisplayHandle once shown

    def send(self, plot: LiveLoss, final: bool) -> None:
        png = base64.b64encode(plot.to_png()).decode("ascii")
        bundle = {"image/png": png, "text/plain": plot.history.summary()}
        if self.handle is None:
            self.handle = self.display(bundle, raw=True, display_id=True)
        else:
            self.handle.update(bundle, raw=True)


class TextOutput:
    """Compact lines for a plain ``python`` script (no figure unless ``save=``)."""

    min_every = TEXT_EVERY

    def __init__(self, print_: Callable[[str], object] = print) -> None:
        self.print, self.warned = print_, False

    def send(self, plot: LiveLoss, final: bool) -> None:
        self.print(plot.history.summary())
        if plot.diverged and not self.warned:
            self.print(f"! {plot.diverged}")
            self.warned = True


class ImageOutput:
    """Sets the ``value`` of an ``ipywidgets.Image`` (7.x and 8.x alike)."""

    def __init__(self, image: Any) -> None:
        self.image = image
        image.format = "png"

    def send(self, plot: LiveLoss, final: bool) -> None:
        self.image.value = plot.to_png()


class NoOutput:
    def send(self, plot: LiveLoss, final: bool) -> None:
        pass


def in_notebook() -> bool:
    """True inside a Jupyter kernel (JupyterLab, Colab, VS Code), False in scripts."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return getattr(get_ipython(), "kernel", None) is not None


def make_output(output: object):
    if isinstance(output, str):
        choice = require_choice("output", output, OUTPUTS)
        if choice == "auto":
            choice = "notebook" if in_notebook() else "text"
        return {"notebook": NotebookOutput, "text": TextOutput, "none": NoOutput}[choice]()
    if hasattr(output, "value") and hasattr(output, "format"):  # an ipywidgets.Image
        return ImageOutput(output)
    if callable(getattr(output, "send", None)):  # any object with send(plot, final)
        return output
    return require_choice("output", repr(output), OUTPUTS)  # raises, listing the choices
