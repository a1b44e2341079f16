"""Chapter 03 checks beyond tests/corpus/ch03.py: the detail of a ✓, a stub left as None, and
right answers written otherwise (the corpus holds the typical mistakes with their Message)."""

from __future__ import annotations

import csv

import numpy as np
import pytest
import torch
from PIL import Image
from torch.utils.data import Dataset

from widgets import check_digit_folder, check_one_hot, sample_image_folder


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return sample_image_folder(n=12, root=tmp_path_factory.mktemp("data"))


class DigitFolder(Dataset):
    """A right answer: the rows of labels.csv, each image scaled to [0, 1]."""

    def __init__(self, folder):
        with open(folder / "labels.csv", newline="") as fh:
            self.rows = list(csv.reader(fh))[1:]
        self.folder = folder

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        name, label = self.rows[idx]
        with Image.open(self.folder / name) as picture:
            image = torch.from_numpy(np.array(picture)).unsqueeze(0)
        return image.float() / 255, int(label)


def test_folder_right(folder):
    verdict = check_digit_folder(DigitFolder(folder), folder)
    assert verdict and "12 images" in str(verdict)


def test_folder_left_as_none(folder):
    assert check_digit_folder(None, folder).status == "todo"


def right_one_hot(y):
    return torch.zeros(10, dtype=torch.float).scatter_(0, torch.tensor(y), value=1)


def test_one_hot_right():
    assert check_one_hot(right_one_hot)
