"""MNIST through the real torchvision API, with an offline fallback that never shows a traceback.

``load_mnist`` calls ``datasets.MNIST(root, train=..., download=True, transform=...)``. When
the download is impossible (no network, a mirror refusing), it says so in the learner's
language, writes the 5,000-image sample from ``sample`` in torchvision's raw layout and
returns ``datasets.MNIST(..., download=False)`` over it, so the same cell goes on.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import math
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from torchvision import datasets

from .._i18n import CourseTypeError, CourseValueError, Message
from .._validate import WRONG_TYPE, type_name
from . import sample

# What a failed download raises: URLError/HTTPError, socket errors and timeouts are OSErrors;
# torchvision wraps exhausted mirrors and checksum failures in RuntimeError; a cut connection
# can end in http.client's errors or EOFError while decompressing.
DOWNLOAD_ERRORS = (OSError, RuntimeError, EOFError, http.client.HTTPException)

DOWNLOAD_FAILED = Message(
    ja="{name} をダウンロードできませんでした（{reason}）。\n"
    "代わりに、本物の MNIST から選んだ 5,000 枚のサンプル（学習用 4,000・テスト用 1,000、各数字同数）を {path} に用意して続けます。",
    en="Could not download {name} ({reason}).\n"
    "Using a sample of 5,000 real MNIST digits instead (4,000 train, 1,000 test, all digits equally) in {path}.",
)
SAMPLE_IN_USE = Message(
    ja="注: {path} にあるのは 5,000 枚のサンプルです。全 70,000 枚を使うには、ネットにつながる環境でこのフォルダを削除して再実行してください。",
    en="Note: the MNIST in {path} is the 5,000-image sample. For all 70,000 images, delete that folder while online and run again.",
)
NO_FASHION_SAMPLE = Message(
    ja="FashionMNIST をダウンロードできませんでした（{reason}）。FashionMNIST にはオフライン用のサンプルがないので、代わりに MNIST（手書き数字）を使います。\n"
    "FashionMNIST のクラス名は datasets.FashionMNIST.classes で確認できます。",
    en="Could not download FashionMNIST ({reason}). It has no offline sample, so MNIST (handwritten digits) is used instead.\n"
    "FashionMNIST's class names are in datasets.FashionMNIST.classes.",
)
ROOT_IS_FILE = Message(
    ja="root に指定した {path} はファイルです。データを置くフォルダを指定してください。",
    en="root {path} is a file; pass a folder to keep the data in.",
)
ROOT_NOT_CREATED = Message(
    ja='root に指定したフォルダ {path} を作れませんでした（{reason}）。書き込めるフォルダを指定してください（例: root="data"）。',
    en='Could not create the root folder {path} ({reason}). Pass a folder you can write to, e.g. root="data".',
)
_noted: set[Path] = set()  # folders whose "this is the sample" note was already shown
BOOL = Message(ja="True か False", en="True or False")
CALLABLE = Message(ja="関数（呼び出せるもの）か None", en="a function (callable) or None")
PATH = Message(ja="フォルダのパス（str か Path）か None", en="a folder path (str or Path) or None")
POSITIVE = Message(ja="正の数", en="a positive number")


def data_dir() -> Path:
    """The course's data folder: ``<repo>/data`` inside the course repository, else ``./data``.

    The repository is recognised by the ``[tool.nyumon]`` table of its pyproject.toml; on
    Colab (helpers installed with pip) this gives ``/content/data``. The folder is not created.
    """
    repo = Path(__file__).resolve().parent.parent
    pyproject = repo / "pyproject.toml"
    if pyproject.is_file() and "[tool.nyumon]" in pyproject.read_text(encoding="utf-8"):
        return repo / "data"
    return Path.cwd().resolve() / "data"


def check_root(root: object) -> Path:
    if root is None:
        return data_dir()
    if not isinstance(root, (str, os.PathLike)) or isinstance(root, bytes) or root == "":
        got = repr(root) if root == "" else type_name(root)
        raise CourseTypeError(WRONG_TYPE, name="root", expected=PATH, got=got)
    path = Path(root).expanduser()
    if path.exists() and not path.is_dir():
        raise CourseValueError(ROOT_IS_FILE, path=path)
    try:  # here, not deep inside torchvision: say which folder and why
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise CourseValueError(ROOT_NOT_CREATED, path=path, reason=reason) from None
    return path


def check_arguments(**named: object) -> None:
    for name in ("train", "fashion"):
        if not isinstance(named[name], bool):
            got = type_name(named[name])
            raise CourseTypeError(WRONG_TYPE, name=name, expected=BOOL, got=got)
    for name in ("transform", "target_transform"):
        if named[name] is not None and not callable(named[name]):
            got = type_name(named[name])
            raise CourseTypeError(WRONG_TYPE, name=name, expected=CALLABLE, got=got)
    timeout = named["timeout"]
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, (int, float))
        or not math.isfinite(timeout)
        or timeout <= 0
    ):
        raise CourseTypeError(WRONG_TYPE, name="timeout", expected=POSITIVE, got=repr(timeout))


@contextlib.contextmanager
def fail_fast(timeout: float) -> Iterator[io.StringIO]:
    """Short socket timeout and a captured stdout (torchvision prints each failed mirror)."""
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            yield printed
    finally:
        socket.setdefaulttimeout(previous)


def reason_of(error: BaseException) -> str:
    """The most telling line of a download error, e.g. ``Name or service not known``."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    detail = next((line for line in reversed(lines) if "rror" in line or "<" in line), "")
    text = detail or (lines[0] if lines else type(error).__name__)
    return text.strip("<>")


def load_mnist(
    train: bool = True,
    transform: Callable | None = None,
    target_transform: Callable | None = None,
    *,
    fashion: bool = False,
    root: str | os.PathLike | None = None,
    timeout: float = 5.0,
) -> datasets.MNIST:
    """``datasets.MNIST(root, train, download=True, transform, target_transform)``, offline-safe.

    Args:
        train: the training split (True) or the test split (False).
        transform: applied to each image (a PIL image), e.g. ``transforms.ToTensor()``.
        target_transform: applied to each label (an ``int``).
        fashion: FashionMNIST instead of MNIST (falls back to MNIST offline: no sample exists).
        root: data folder; ``None`` means ``data_dir()``.
        timeout: seconds a silent network may stall before the download counts as failed.
    """
    check_arguments(
        train=train,
        transform=transform,
        target_transform=target_transform,
        fashion=fashion,
        timeout=timeout,
    )
    folder = check_root(root)
    cls = datasets.FashionMNIST if fashion else datasets.MNIST
    kw: dict[str, Any] = {
        "train": train,
        "transform": transform,
        "target_transform": target_transform,
    }
    if not fashion and sample.is_sample(folder) and folder not in _noted:
        _noted.add(folder)
        print(SAMPLE_IN_USE(path=folder / "MNIST"))
    try:
        with fail_fast(timeout):
            return cls(folder, download=True, **kw)
    except DOWNLOAD_ERRORS as error:
        reason = reason_of(error)
    if fashion:
        print(NO_FASHION_SAMPLE(reason=reason))
        return load_mnist(**kw, root=folder, timeout=timeout)
    used = sample.write_sample(folder)
    print(DOWNLOAD_FAILED(name=cls.__name__, reason=reason, path=used / "MNIST" / "raw"))
    return datasets.MNIST(used, download=False, **kw)
