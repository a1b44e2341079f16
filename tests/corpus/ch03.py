"""Chapter 03: a Dataset over a folder, one-hot labels, random_split."""

from __future__ import annotations

import atexit
import csv
import functools
import shutil
import tempfile
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch.utils.data import Dataset, Subset, TensorDataset, random_split
from torchvision.transforms.v2.functional import pil_to_tensor

from tests.corpus import changed, mistake, right, stub
from widgets import check_digit_folder, check_one_hot, check_split, sample_image_folder
from widgets._checks.ch03 import (
    IMAGE_NOT_FLOAT32,
    IMAGE_NOT_SCALED,
    IMAGE_NOT_TENSOR,
    IMAGE_SHAPE,
    IMAGE_UINT8,
    IMAGE_WRONG,
    LABEL_WRONG,
    LEN_WRONG,
    NOT_A_DATASET,
    NOT_A_PAIR,
    NOT_THE_FOLDER,
    ONE_HOT_DTYPE,
    ONE_HOT_NOT_CALLABLE,
    ONE_HOT_NOT_TENSOR,
    ONE_HOT_SHAPE,
    ONE_HOT_VALUES,
    SPLIT_NOT_SUBSETS,
    SPLIT_OVERLAP,
    SPLIT_SIZES,
    SPLIT_SOURCE,
    SPLIT_SWAPPED,
    SPLIT_TEST_SET,
    SPLIT_VAL_IS_TEST,
)
from widgets._checks.verdict import RETURNED_NONE


@functools.cache
def folder() -> Path:
    root = tempfile.mkdtemp(prefix="corpus-ch03-")
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return sample_image_folder(n=12, root=root)


class Digits(Dataset):
    """The exercise's Dataset; ``image`` and ``label`` say how a learner wrote each part."""

    image = "pil"
    label = "int"
    pair = "tuple"
    skip_header = True

    def __init__(self, folder):
        with open(folder / "labels.csv", newline="") as f:
            self.rows = list(csv.reader(f))[1:] if self.skip_header else list(csv.reader(f))
        self.folder = folder

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        name, label = self.rows[idx]
        path = str(self.folder / name)
        if self.image == "pil":  # NumPy route, label as NumPy's int64 (as pandas gives)
            with Image.open(path) as picture:
                pixels = np.asarray(picture, dtype=np.float32) / 255
            return torch.from_numpy(pixels)[None], np.int64(label)
        if self.image == "pil image":
            return Image.open(path), int(label)
        image = read_image(path)
        if self.image == "no channel":
            image = image[0].float() / 255
        elif self.image == "next row":
            other = self.rows[(idx + 1) % len(self.rows)][0]
            image = read_image(str(self.folder / other)).float() / 255
        elif self.image == "read_image":
            image = image.float() / 255
        elif self.image == "no /255":
            image = image.float()
        elif self.image == "float64":
            image = image.double() / 255
        label = label if self.label == "str" else int(label)
        return [image, label] if self.pair == "list" else (image, label)


def read_image(path) -> torch.Tensor:
    """As torchvision's read_image (uint8, (C, H, W)), without its deprecation warning."""
    with Image.open(path) as picture:
        return pil_to_tensor(picture)


def digits(**kw) -> Dataset:
    return type("Answer", (Digits,), kw)(folder())


class NoReturn(Digits):
    def __getitem__(self, idx):
        image = read_image(self.folder / self.rows[idx][0]).float() / 255
        (image, int(self.rows[idx][1]))


class Stub(Digits):
    def __len__(self):
        return ...  # return the number of examples

    def __getitem__(self, idx):
        return ...  # return (image, label)


def one_hot_no_return(y):
    target = torch.zeros(10)
    target[y] = 1.0


def one_hot_stub(y):
    return None  # replace None


class Split(TensorDataset):
    """A stand-in for MNIST: ``train`` tells training from test data, as torchvision's does."""

    def __init__(self, n: int, train: bool):
        super().__init__(torch.zeros(n, 1), torch.zeros(n))
        self.train = train


def parts(dataset, sizes, seed=0):
    return tuple(random_split(dataset, sizes, generator=torch.Generator().manual_seed(seed)))


TRAIN, TEST = Split(100, train=True), Split(30, train=False)

ANSWERS = [
    right("NumPy pixels and an np.int64 label", check_digit_folder, lambda: (digits(), folder())),
    right("read_image / 255", check_digit_folder, lambda: (digits(image="read_image"), folder())),
    mistake(
        "read_image().float() without / 255",
        check_digit_folder,
        lambda: (digits(image="no /255"), folder()),
        IMAGE_NOT_SCALED,
    ),
    mistake(
        "float64 images",
        check_digit_folder,
        lambda: (digits(image="float64"), folder()),
        IMAGE_NOT_FLOAT32,
    ),
    mistake(
        "uint8 images", check_digit_folder, lambda: (digits(image="uint8"), folder()), IMAGE_UINT8
    ),
    mistake(
        "the header counted",
        check_digit_folder,
        lambda: (digits(skip_header=False), folder()),
        LEN_WRONG,
    ),
    mistake(
        "forgotten return",
        check_digit_folder,
        lambda: (NoReturn(folder()), folder()),
        RETURNED_NONE,
    ),
    stub("the stub", check_digit_folder, lambda: (Stub(folder()), folder())),
    right(
        "F.one_hot(...).float()",
        check_one_hot,
        lambda: (lambda y: F.one_hot(torch.tensor(y), 10).float(),),
    ),
    right("a row of torch.eye", check_one_hot, lambda: (lambda y: torch.eye(10)[y],)),
    changed(
        mistake(
            "F.one_hot's int64",
            check_one_hot,
            lambda: (lambda y: F.one_hot(torch.tensor(y), 10),),
            ONE_HOT_DTYPE,
        ),
        "issue 24: the hint names the float32 the statement asks for",
    ),
    mistake("off by one", check_one_hot, lambda: (lambda y: torch.eye(10)[y - 1],), ONE_HOT_VALUES),
    mistake("forgotten return", check_one_hot, lambda: (one_hot_no_return,), RETURNED_NONE),
    stub("the stub", check_one_hot, lambda: (one_hot_stub,)),
    right("fractions", check_split, lambda: parts(TRAIN, [0.8, 0.2])),
    right("counts", check_split, lambda: parts(TRAIN, [80, 20], seed=3)),
    mistake("the sizes swapped", check_split, lambda: parts(TRAIN, [20, 80]), SPLIT_SWAPPED),
    mistake(
        "val_part = the test set",
        check_split,
        lambda: (parts(TRAIN, [0.8, 0.2])[0], TEST),
        SPLIT_VAL_IS_TEST,
    ),
    mistake("the test set split", check_split, lambda: parts(TEST, [24, 6]), SPLIT_TEST_SET),
    mistake(
        "two random_split calls",
        check_split,
        lambda: (parts(TRAIN, [80, 20], seed=1)[0], parts(TRAIN, [80, 20], seed=2)[1]),
        SPLIT_OVERLAP,
    ),
    mistake(
        "slices, not random_split",
        check_split,
        lambda: (list(range(80)), Subset(TRAIN, range(80, 100))),
        SPLIT_NOT_SUBSETS,
    ),
    # Hostile or mistaken answers added for issue 24 (moved from tests/widgets/checks/test_ch03.py too).
    mistake("the class itself", check_digit_folder, lambda: (Digits, folder()), NOT_A_DATASET),
    mistake("a number for the folder", check_digit_folder, lambda: (digits(), 42), NOT_THE_FOLDER),
    mistake(
        "a folder without labels.csv",
        check_digit_folder,
        lambda: (digits(), Path(tempfile.gettempdir()) / "no-such-folder"),
        NOT_THE_FOLDER,
    ),
    mistake(
        "a list, not a pair",
        check_digit_folder,
        lambda: (digits(image="read_image", pair="list"), folder()),
        NOT_A_PAIR,
    ),
    mistake(
        "the PIL image itself",
        check_digit_folder,
        lambda: (digits(image="pil image"), folder()),
        IMAGE_NOT_TENSOR,
    ),
    mistake(
        "(28, 28) without the channel",
        check_digit_folder,
        lambda: (digits(image="no channel"), folder()),
        IMAGE_SHAPE,
    ),
    mistake(
        "the next row's image",
        check_digit_folder,
        lambda: (digits(image="next row"), folder()),
        IMAGE_WRONG,
    ),
    mistake(
        "the label as text",
        check_digit_folder,
        lambda: (digits(image="read_image", label="str"), folder()),
        LABEL_WRONG,
    ),
    mistake(  # the statement asks for float32: float64 passed before issue 24
        "float64 one-hot",
        check_one_hot,
        lambda: (lambda y: torch.eye(10, dtype=torch.float64)[y],),
        ONE_HOT_DTYPE,
    ),
    mistake(
        "a list",
        check_one_hot,
        lambda: (lambda y: [float(i == y) for i in range(10)],),
        ONE_HOT_NOT_TENSOR,
    ),
    mistake("length 9", check_one_hot, lambda: (lambda y: torch.eye(10)[y][:9],), ONE_HOT_SHAPE),
    mistake(
        "a tensor, not a function", check_one_hot, lambda: (torch.eye(10)[3],), ONE_HOT_NOT_CALLABLE
    ),
    mistake("70% and 30%", check_split, lambda: parts(TRAIN, [0.7, 0.3]), SPLIT_SIZES),
    mistake(
        "two datasets",
        check_split,
        lambda: (parts(TRAIN, [80, 20])[0], parts(Split(100, train=True), [80, 20])[1]),
        SPLIT_SOURCE,
    ),
    mistake(
        "two lists", check_split, lambda: (list(range(80)), list(range(20))), SPLIT_NOT_SUBSETS
    ),
]
