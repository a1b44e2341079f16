"""``setup``: language, seeds, plotting defaults and the device, in one call.

``japanese_font`` lives in ``_figures`` (shared by every helper that draws).
"""

from __future__ import annotations

import random
import sys

import numpy as np
import torch

from . import _crash_hint
from ._env.floor import require_supported
from ._figures import japanese_font, theme_rc, when_imported
from ._i18n import LANGUAGES, Message, set_lang
from ._validate import require_int

READY = Message(
    ja="準備完了: 表示言語 {language}・乱数シード {seed}・デバイス {device}",
    en="Ready: language {language}, random seed {seed}, device {device}",
)
NO_SEED = Message(ja="なし", en="none")


def pick_device() -> torch.device:
    """CUDA if present, then Apple's MPS, else the CPU."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed: int) -> None:
    """Seed Python's ``random``, NumPy and PyTorch (all devices) with one number."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def configure_matplotlib() -> None:
    """Defaults under which Japanese labels render and figures fit a notebook: now if
    matplotlib is loaded, else when the learner's first plotting cell imports it (importing
    it here cost 0.36 s of setup()'s 0.4 s after torch in a kernel: issue 29)."""
    when_imported("matplotlib", "setup", _matplotlib_defaults)


def _matplotlib_defaults() -> None:
    import matplotlib as mpl

    japanese_font()
    mpl.rcParams.update(
        {
            "figure.figsize": (6.4, 4.0),
            "figure.dpi": 100,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.unicode_minus": False,
            **theme_rc(),  # JupyterLab's light or dark theme (issue 29)
        }
    )


def setup(
    lang: str = "ja", seed: int | None = 0, *, quiet: bool = False, chapter: str | None = None
) -> torch.device:
    """Prepare a chapter: helper language, random seeds, plotting; return the device.

    Args:
        lang: ``"ja"`` or ``"en"``: the language of every message the helpers show.
        seed: seeds Python, NumPy and PyTorch so results repeat; ``None`` leaves them alone.
        quiet: skip the one-line summary.
        chapter: the chapter's source stem (``"04_networks"``), given by its first cell: one
            more line says how far the learner got in it last time (and on Colab, where
            progress is kept).

    Raises ``CourseVersionError`` (in both languages, with the pip command) when torch or
    torchvision is older than the course supports, or torch cannot use the installed NumPy.
    """
    code = set_lang(lang)
    require_supported()  # below the floor: one sentence now, not a wrong verdict later
    if seed is not None:
        seed = require_int("seed", seed, low=0, high=2**32 - 1)
        seed_everything(seed)
    configure_matplotlib()
    # No _figures.warm_up() here: importing matplotlib's figure and Agg modules took 0.66 s
    # of setup()'s 0.84 s (issue 29). live_loss() starts it.
    _crash_hint.install()  # a course hint when the learner's line in an exercise fails
    device = pick_device()
    if not quiet:
        shown_seed = NO_SEED() if seed is None else seed
        print(READY(language=LANGUAGES[code], seed=shown_seed, device=device))
        if chapter is not None or "google.colab" in sys.modules:
            from ._progress.view import at_setup  # on first use: reads one small file

            for line in at_setup(chapter):
                print(line)
    return device
