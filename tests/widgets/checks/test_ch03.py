"""Chapter 03 checks: ✓ on a right answer, and the matching hint on typical wrong ones."""

from __future__ import annotations

import csv

import numpy as np
import pytest
import torch
from PIL import Image
from torch.utils.data import Dataset, random_split

from widgets import check_digit_folder, check_one_hot, check_split, sample_image_folder


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return sample_image_folder(n=12, root=tmp_path_factory.mktemp("data"))


class DigitFolder(Dataset):
    """A right answer; flags switch on the typical mistakes."""

    def __init__(self, folder, header_row=False, scale=True, int_label=True):
        with open(folder / "labels.csv", newline="") as fh:
            self.rows = list(csv.reader(fh))
        if not header_row:
            self.rows = self.rows[1:]
        self.folder, self.scale, self.int_label = folder, scale, int_label

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        name, label = self.rows[idx]
        with Image.open(self.folder / name) as picture:
            image = torch.from_numpy(np.array(picture)).unsqueeze(0)
        if self.scale:
            image = image.float() / 255
        return image, int(label) if self.int_label else label


class Stub(Dataset):
    def __len__(self):
        return ...

    def __getitem__(self, idx):
        return ...


def test_folder_right(folder):
    verdict = check_digit_folder(DigitFolder(folder), folder)
    assert verdict and "12 images" in str(verdict)


@pytest.mark.parametrize(
    ("kw", "hint"),
    [
        ({"header_row": True}, "header row"),
        ({"scale": False}, ".float() / 255"),
        ({"int_label": False}, "int(...)"),
    ],
)
def test_folder_typical_mistakes(folder, kw, hint):
    verdict = check_digit_folder(DigitFolder(folder, **kw), folder)
    assert not verdict and hint in verdict.hint


def test_folder_stub_and_class_instead_of_instance(folder):
    assert check_digit_folder(Stub(), folder).status == "todo"
    assert check_digit_folder(None, folder).status == "todo"
    verdict = check_digit_folder(DigitFolder, folder)
    assert not verdict and "instance" in verdict.hint


def right_one_hot(y):
    return torch.zeros(10, dtype=torch.float).scatter_(0, torch.tensor(y), value=1)


def test_one_hot_right():
    assert check_one_hot(right_one_hot)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda y: torch.nn.functional.one_hot(torch.tensor(y), 10), "F.one_hot returns int64"),
        (
            lambda y: torch.zeros(10).scatter_(0, torch.tensor(min(y + 1, 9)), value=1),
            "Only position",
        ),
        (lambda y: torch.zeros(1, 10).scatter_(1, torch.tensor([[y]]), value=1), "(10,)"),
        (lambda y: y, "not a torch.Tensor"),
    ],
)
def test_one_hot_typical_mistakes(answer, hint):
    verdict = check_one_hot(answer)
    assert not verdict and hint in verdict.hint


def test_one_hot_stub():
    assert check_one_hot(lambda y: None).status == "todo"


@pytest.fixture(scope="module")
def train_set():
    return torch.utils.data.TensorDataset(torch.arange(4000))


def test_split_right(train_set):
    a, b = random_split(train_set, [3200, 800], generator=torch.Generator().manual_seed(0))
    assert check_split(a, b)
    a, b = random_split(train_set, [0.8, 0.2])
    assert check_split(a, b)


def test_split_typical_mistakes(train_set):
    a, b = random_split(train_set, [800, 3200])
    assert "swapped" in check_split(a, b).hint
    a, _ = random_split(train_set, [3200, 800])
    _, b = random_split(train_set, [3200, 800])
    assert "in both parts" in check_split(a, b).hint
    a, b = random_split(train_set, [3000, 1000])
    assert "3200 and 800" in check_split(a, b).hint
    assert "random_split" in check_split(train_set, train_set).hint
