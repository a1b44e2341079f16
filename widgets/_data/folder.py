"""A small folder of real digit photos plus ``labels.csv``, for the custom ``Dataset`` lesson.

The images come from the offline MNIST sample, saved as PNG files the way a learner's own
photos would sit on disk. Existing files are reused when identical and never overwritten.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import numpy as np
from PIL import Image

from .._i18n import CourseValueError, Message
from .._validate import require_int
from . import sample
from .mnist import check_root

FOLDER = "digit_images"
LABELS = "labels.csv"
NOT_OURS = Message(
    ja="{path} は講座が書いた内容と違うため、上書きしませんでした。別の root を指定するか、そのファイルを移動してください。",
    en="{path} differs from what the course writes, so it was not overwritten. Pass another root or move that file.",
)


def labels_text(names: list[str], labels: list[int]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["file", "label"])
    writer.writerows(zip(names, labels, strict=True))
    return out.getvalue()


def written_by_us(csv_path: Path, labels: np.ndarray) -> bool:
    """True when ``csv_path`` is exactly the labels file this helper writes for some ``n``."""
    if not csv_path.is_file():
        return False
    text = csv_path.read_text("utf-8", errors="replace")
    rows = text.count("\n") - 1
    if not 1 <= rows <= len(labels):
        return False
    names = [f"{i:05d}.png" for i in range(rows)]
    return text == labels_text(names, [int(y) for y in labels[:rows]])


def png_bytes(pixels: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG")
    return out.getvalue()


def same_image(path: Path, pixels: np.ndarray) -> bool:
    try:
        with Image.open(path) as image:
            return image.mode == "L" and np.array_equal(np.asarray(image), pixels)
    except OSError:  # not an image at all
        return False


def sample_image_folder(n: int = 100, root: str | os.PathLike | None = None) -> Path:
    """Write ``n`` real digits as PNG files plus ``labels.csv`` (``file,label``); return the folder.

    Args:
        n: how many images (1 to 4,000), taken from the sample's training part.
        root: where to put the ``digit_images`` folder; ``None`` means ``data_dir()``.
    """
    n = require_int("n", n, low=1, high=sample.TRAIN_PER_CLASS * 10)
    folder = check_root(root) / FOLDER
    if folder.exists() and not folder.is_dir():
        raise CourseValueError(NOT_OURS, path=folder)
    images, labels = sample.sample_arrays()[True]
    names = [f"{i:05d}.png" for i in range(n)]
    text = labels_text(names, [int(y) for y in labels[:n]])
    csv_path = folder / LABELS
    if csv_path.exists() and not written_by_us(csv_path, labels):
        raise CourseValueError(NOT_OURS, path=csv_path)
    folder.mkdir(parents=True, exist_ok=True)
    for name, pixels in zip(names, images[:n], strict=True):
        path = folder / name
        if path.exists():
            if not path.is_file() or not same_image(path, pixels):
                raise CourseValueError(NOT_OURS, path=path)
            continue
        sample.write_new(path, png_bytes(pixels))  # 8-bit greyscale: read_image gives (1, 28, 28)
    if not csv_path.exists() or csv_path.read_text("utf-8") != text:
        partial = folder / f".{LABELS}.partial"
        partial.write_text(text, encoding="utf-8")
        partial.replace(csv_path)  # ours (checked above): replaced whole, never half-written
    return folder
