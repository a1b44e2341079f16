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

from tests.corpus import mistake, right, stub
from widgets import check_digit_folder, check_one_hot, check_split, sample_image_folder


@functools.cache
def folder() -> Path:
    root = tempfile.mkdtemp(prefix="corpus-ch03-")
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return sample_image_folder(n=12, root=root)


class Digits(Dataset):
    """The exercise's Dataset; ``image`` and ``label`` say how a learner wrote each part."""

    image = "pil"
    label = "int"
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
        image = read_image(path)
        if self.image == "read_image":
            image = image.float() / 255
        elif self.image == "no /255":
            image = image.float()
        elif self.image == "float64":
            image = image.double() / 255
        return image, int(label)


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
        "divide by 255",
    ),
    mistake(
        "float64 images",
        check_digit_folder,
        lambda: (digits(image="float64"), folder()),
        "asks for float32",
    ),
    mistake("uint8 images", check_digit_folder, lambda: (digits(image="uint8"), folder()), "/ 255"),
    mistake(
        "the header counted",
        check_digit_folder,
        lambda: (digits(skip_header=False), folder()),
        "header row",
    ),
    mistake(
        "forgotten return",
        check_digit_folder,
        lambda: (NoReturn(folder()), folder()),
        "forget `return`",
    ),
    stub("the stub", check_digit_folder, lambda: (Stub(folder()), folder())),
    right(
        "F.one_hot(...).float()",
        check_one_hot,
        lambda: (lambda y: F.one_hot(torch.tensor(y), 10).float(),),
    ),
    right("a row of torch.eye", check_one_hot, lambda: (lambda y: torch.eye(10)[y],)),
    mistake(
        "F.one_hot's int64",
        check_one_hot,
        lambda: (lambda y: F.one_hot(torch.tensor(y), 10),),
        "F.one_hot returns int64",
    ),
    mistake(
        "off by one", check_one_hot, lambda: (lambda y: torch.eye(10)[y - 1],), "Only position"
    ),
    mistake("forgotten return", check_one_hot, lambda: (one_hot_no_return,), "forget `return`"),
    stub("the stub", check_one_hot, lambda: (one_hot_stub,)),
    right("fractions", check_split, lambda: parts(TRAIN, [0.8, 0.2])),
    right("counts", check_split, lambda: parts(TRAIN, [80, 20], seed=3)),
    mistake("the sizes swapped", check_split, lambda: parts(TRAIN, [20, 80]), "swapped"),
    mistake(
        "val_part = the test set",
        check_split,
        lambda: (parts(TRAIN, [0.8, 0.2])[0], TEST),
        "test set",
    ),
    mistake("the test set split", check_split, lambda: parts(TEST, [24, 6]), "split the test set"),
    mistake(
        "two random_split calls",
        check_split,
        lambda: (parts(TRAIN, [80, 20], seed=1)[0], parts(TRAIN, [80, 20], seed=2)[1]),
        "in both parts",
    ),
    mistake(
        "slices, not random_split",
        check_split,
        lambda: (list(range(80)), Subset(TRAIN, range(80, 100))),
        "train_part is not a part returned by random_split",
    ),
]
