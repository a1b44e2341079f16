"""The oldest torch and torchvision the course supports, and what ``setup()`` says below them.

``FLOOR`` equals ``[tool.nyumon.floor]`` in pyproject.toml (a test checks): the versions
``make floor`` runs the English solutions and the widget tests with. Below them a learner
gets one sentence in both languages from ``setup()`` (what is installed, what the course
needs, the pip command), not a wrong verdict or a traceback in a later cell.
"""

from __future__ import annotations

import re
from importlib import metadata

import numpy as np
import torch

from .._i18n import CourseError, Message

FLOOR = {"torch": "2.1.2", "torchvision": "0.16.2"}

TOO_OLD = Message(
    ja="この講座には {need} 以上が必要ですが、入っているのは {have} です。ノートブックのセルで `{command}` を実行し、カーネル（Colab ではランタイム）を再起動してから、最初のセルから実行し直してください。",
    en="This course needs {need} or newer, but {have} is installed: run `{command}` in a notebook cell, restart the kernel (on Colab: the runtime), then run the notebook again from its first cell.",
)
NUMPY_MISMATCH = Message(
    ja="入っている torch {torch} は NumPy 1 向けに作られていて、NumPy {numpy} とは一緒に動きません。ノートブックのセルで `{command}` を実行し、カーネル（Colab ではランタイム）を再起動してから、最初のセルから実行し直してください。",
    en="The installed torch {torch} was built for NumPy 1 and does not work with NumPy {numpy}: run `{command}` in a notebook cell, restart the kernel (on Colab: the runtime), then run the notebook again from its first cell.",
)


class CourseVersionError(CourseError, RuntimeError):
    """The installed torch, torchvision or NumPy cannot run the course."""


def release(version: str) -> tuple[int, ...]:
    """``"2.11.0+cpu"`` → ``(2, 11, 0)``; ``"2.12.0.dev20260101"``, ``"2.1.0a0+git…"`` too."""
    found = re.match(r"\d+(?:\.\d+)*", version.strip())
    return tuple(int(part) for part in found.group().split(".")) if found else ()


def installed(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def too_old(versions: dict[str, str | None]) -> dict | None:
    """The ``TOO_OLD`` fields when a package of ``versions`` is below ``FLOOR``; else None.

    A package that is not installed (``None``) is not judged here.
    """
    below = [
        name
        for name, version in versions.items()
        if version is not None and name in FLOOR and release(version) < release(FLOOR[name])
    ]
    if not below:
        return None
    pins = " ".join(f'"{name}>={FLOOR[name]}"' for name in FLOOR)
    return {
        "need": " / ".join(f"{name} {FLOOR[name]}" for name in FLOOR),
        "have": " / ".join(f"{name} {v}" for name, v in versions.items() if v is not None),
        "command": f"%pip install -U {pins}",
    }


def numpy_bridge_works() -> bool:
    """False when this torch cannot see NumPy (a torch built for NumPy 1 under NumPy 2)."""
    try:
        torch.from_numpy(np.zeros(1))
    except (RuntimeError, TypeError):
        return False
    return True


def require_supported() -> None:
    """Raise ``CourseVersionError`` (both languages) when the versions cannot run the course."""
    versions = {"torch": torch.__version__, "torchvision": installed("torchvision")}
    fields = too_old(versions)
    if fields:
        raise CourseVersionError(TOO_OLD, both=True, **fields)
    if not numpy_bridge_works():
        fields = {"torch": torch.__version__, "numpy": np.__version__}
        raise CourseVersionError(
            NUMPY_MISMATCH, both=True, command='%pip install "numpy<2"', **fields
        )
