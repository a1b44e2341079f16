"""Exercise checks for chapter 03 (datasets and data loaders)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import torch

from .._data import sample
from .._i18n import Message
from .._validate import unwrap_number
from .compare import close
from .learner import as_data, call, expect_callable, paired, probe_each, type_name
from .verdict import Early, Ending, Stopped, Verdict, exercise, failed, passed, stop

MAX_ROWS = sample.TRAIN_PER_CLASS * 10  # the most sample_image_folder() writes

# 1. A Dataset over a folder of images and labels.csv ----------------------------------

FOLDER_TITLE = Message(
    ja="画像フォルダ + CSV の Dataset", en="A Dataset over an image folder + CSV"
)
NOT_A_DATASET = Message(
    ja="答えは Dataset のインスタンスにしてください（クラスそのものではなく DigitFolder(folder) のように作ったもの）。",
    en="Pass an instance of your Dataset (DigitFolder(folder)), not the class itself.",
)
NOT_THE_FOLDER = Message(
    ja="2 つ目の引数には、sample_image_folder() が返したフォルダー（labels.csv のあるところ）を渡してください（渡されたのは {got} です）。",
    en="The second argument must be the folder sample_image_folder() returned, the one holding labels.csv (got a {got}).",
)
LEN_WRONG = Message(
    ja="len(dataset) が {got} ですが、labels.csv のデータは {want} 行です。見出し行 (file,label) は数えません。",
    en="len(dataset) is {got} but labels.csv has {want} data rows. The header row (file,label) does not count.",
)
NOT_A_PAIR = Message(
    ja="dataset[i] は (画像, ラベル) の 2 つ組を返してください（返ってきたのは {got} です）。",
    en="dataset[i] must return a pair (image, label) (it returned {got}).",
)
IMAGE_NOT_TENSOR = Message(
    ja="画像が torch.Tensor ではありません（{got}）。Image.open で開いた画像を v2.PILToTensor() でテンソルにしましょう。",
    en="The image is not a torch.Tensor ({got}). Open the file with Image.open and turn it into a tensor with v2.PILToTensor().",
)
IMAGE_UINT8 = Message(
    ja="画像の dtype が {dtype} です。v2.PILToTensor() は 0〜255 の uint8 を返すので、.float() / 255 で 0〜1 の float32 にします。",
    en="The image dtype is {dtype}. v2.PILToTensor() returns uint8 values 0–255: use .float() / 255 to get float32 in 0–1.",
)
IMAGE_NOT_FLOAT32 = Message(
    ja="画像の dtype が {dtype} です。演習の指定どおり float32 にします（.float() は float32 を返します）。",
    en="The image dtype is {dtype}; the exercise asks for float32 (.float() gives float32).",
)
IMAGE_NOT_SCALED = Message(
    ja="画像の値が 0〜255 のままです（最大 {top:.0f}）。.float() のあとに / 255 で 0〜1 にしましょう。",
    en="The image values are still 0–255 (largest {top:.0f}). After .float(), divide by 255 to get 0–1.",
)
IMAGE_SHAPE = Message(
    ja="画像の形が {shape} です。v2.PILToTensor() の結果そのまま (1, 28, 28) = (C, H, W) にしてください。",
    en="The image shape is {shape}. Keep the layout of v2.PILToTensor()'s result (1, 28, 28) = (C, H, W).",
)
IMAGE_WRONG = Message(
    ja="dataset[{i}] の画像が labels.csv の {i} 行目のファイルと一致しません。行番号 idx でファイル名を選び、folder と結合しましたか？",
    en="The image of dataset[{i}] does not match the file on row {i} of labels.csv. Pick the file name by idx and join it with the folder.",
)
LABEL_WRONG = Message(
    ja="dataset[{i}] のラベルが {got!r} ですが、正しくは {want} です。CSV の値は文字列なので int(...) で整数にします。",
    en="The label of dataset[{i}] is {got!r}; it should be {want}. CSV values are strings: convert with int(...).",
)
FOLDER_OK = Message(
    ja="{n} 枚すべての画像とラベルが一致しました。",
    en="All {n} images and labels match.",
)


def read_rows(folder: Path) -> list[tuple[str, int]]:
    with open(folder / "labels.csv", newline="", encoding="utf-8") as fh:
        return [(row["file"], int(row["label"])) for row in csv.DictReader(fh)]


def folder_indices(n: int) -> list[int]:
    """The rows whose items are compared: both ends, the second and the middle one."""
    return sorted({0, 1, n // 2, n - 1} & set(range(n)))


def probe_digit_folder(dataset: object, folder: object) -> dict[str, object]:
    """How many rows the folder's labels.csv has, ``len(dataset)``, and ``dataset[i]`` for a
    few of those rows."""
    if isinstance(dataset, type) or not hasattr(dataset, "__getitem__"):
        raise stop(NOT_A_DATASET)
    if not isinstance(folder, str | os.PathLike) or not (Path(folder) / "labels.csv").is_file():
        raise stop(NOT_THE_FOLDER, got=type_name(folder))
    rows = len(read_rows(Path(folder)))
    kind = type(dataset)
    if not hasattr(kind, "__len__"):
        raise Stopped(Early(Ending.STUB))
    size = call(kind.__len__, dataset, name="__len__")

    def one(i: int) -> dict[str, object]:
        return {"item": as_data(call(kind.__getitem__, dataset, i, name="__getitem__"))}

    return {"rows": rows, "size": as_data(size), "items": probe_each(folder_indices(rows), one)}


def judge_digit_folder(data: dict) -> Verdict:
    """The items against the digits sample_image_folder() writes, rebuilt here from the
    course's sample: the judge opens no file whose path a record names."""
    n, size = data["rows"], data["size"]
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_ROWS:
        raise ValueError(f"{n!r} rows")
    if size != n:
        return failed(LEN_WRONG(got=size, want=n))
    images, labels = sample.sample_arrays()[True]
    for i, record in paired(folder_indices(n), data["items"]):
        item = record["item"]
        if not isinstance(item, tuple) or len(item) != 2:
            return failed(NOT_A_PAIR(got=type_name(item)))
        image, label = item
        if not isinstance(image, torch.Tensor):
            return failed(IMAGE_NOT_TENSOR(got=type_name(image)))
        if image.dtype == torch.uint8:
            return failed(IMAGE_UINT8(dtype=image.dtype))
        if tuple(image.shape) != (1, 28, 28):
            return failed(IMAGE_SHAPE(shape=tuple(image.shape)))
        want = torch.from_numpy(images[i].astype(np.float32) / 255).unsqueeze(0)
        top = float(image.detach().max()) if image.is_floating_point() else 0.0
        if top > 1.5 and close(image / 255, want, atol=1e-6):
            return failed(IMAGE_NOT_SCALED(top=top))
        if image.dtype != torch.float32:
            return failed(IMAGE_NOT_FLOAT32(dtype=image.dtype))
        if not close(image, want, atol=1e-6):
            return failed(IMAGE_WRONG(i=i))
        label = unwrap_number(label)
        if isinstance(label, bool) or not isinstance(label, int) or label != int(labels[i]):
            return failed(LABEL_WRONG(i=i, got=label, want=int(labels[i])))
    return passed(FOLDER_OK(n=n))


@exercise(FOLDER_TITLE, probe=probe_digit_folder, judge=judge_digit_folder)
def check_digit_folder(dataset: object, folder: object) -> Verdict:
    """Exercise 1: ``len`` and ``__getitem__`` of a Dataset over ``sample_image_folder()``."""
    return judge_digit_folder(probe_digit_folder(dataset, folder))


# 2. A one-hot target transform --------------------------------------------------------

ONE_HOT_TITLE = Message(ja="ラベルを one-hot ベクトルに", en="Labels as one-hot vectors")
ONE_HOT_NOT_CALLABLE = Message(
    ja="to_one_hot は関数にしてください（def to_one_hot(y): ...）。渡されたのは {got} です。",
    en="to_one_hot must be a function (def to_one_hot(y): ...); got a {got}.",
)
ONE_HOT_NOT_TENSOR = Message(
    ja="ラベル {y} に対して torch.Tensor ではなく {got} が返りました。",
    en="For label {y} the function returned a {got}, not a torch.Tensor.",
)
ONE_HOT_SHAPE = Message(
    ja="ラベル {y} の結果の形が {shape} です。数字は 10 種類なので、長さ 10 のベクトル (10,) にします。",
    en="For label {y} the shape is {shape}. There are 10 digits, so it should be a vector of length 10: (10,).",
)
ONE_HOT_DTYPE = Message(
    ja="dtype が {dtype} です。演習の指定は float32 です。"
    "テンソルを作るときに dtype で指定するか、.float() で変換しましょう（F.one_hot の結果は int64 です）。",
    en="The dtype is {dtype}; the exercise asks for float32. Give the dtype when creating the tensor, "
    "or convert with .float() (F.one_hot gives int64).",
)
ONE_HOT_VALUES = Message(
    ja="ラベル {y} の結果が {got} です。添字 {y} の要素だけが 1 で、ほかはすべて 0 になるはずです（添字は 0 から数えます）。"
    "1 を書き込む添字と値を確かめましょう。",
    en="For label {y} the result is {got}. Only the entry at index {y} should be 1 and all others 0 "
    "(indices count from 0). Check the index and the value you write.",
)


def probe_one_hot(to_one_hot: object) -> list[dict[str, object]]:
    """What ``to_one_hot(y)`` returns for every digit y."""
    fn = expect_callable(to_one_hot, ONE_HOT_NOT_CALLABLE)
    return probe_each(range(10), lambda y: {"got": as_data(call(fn, y, name="to_one_hot"))})


def judge_one_hot(records: list[dict[str, object]]) -> Verdict:
    for y, record in paired(range(10), records):
        got = record["got"]
        if not isinstance(got, torch.Tensor):
            return failed(ONE_HOT_NOT_TENSOR(y=y, got=type_name(got)))
        if tuple(got.shape) != (10,):
            return failed(ONE_HOT_SHAPE(y=y, shape=tuple(got.shape)))
        if got.dtype != torch.float32:  # the statement asks for float32
            return failed(ONE_HOT_DTYPE(dtype=got.dtype))
        if not torch.equal(got, torch.eye(10, dtype=got.dtype)[y]):
            return failed(ONE_HOT_VALUES(y=y, got=got.tolist()))
    return passed()


@exercise(ONE_HOT_TITLE, probe=probe_one_hot, judge=judge_one_hot)
def check_one_hot(to_one_hot: object) -> Verdict:
    """Exercise 2: a function ``int -> float tensor of shape (10,)`` with a single 1."""
    return judge_one_hot(probe_one_hot(to_one_hot))


# 3. random_split into training and validation ----------------------------------------

SPLIT_TITLE = Message(ja="学習用と検証用に分ける", en="Split into training and validation")
SPLIT_NOT_SUBSETS = Message(
    ja="{name} が random_split の返す部分（Subset）ではありません（{got} です）。random_split が返す 2 つをそのまま渡してください。",
    en="{name} is not a part returned by random_split (it is a {got}). Pass the two parts random_split returns.",
)
SPLIT_VAL_IS_TEST = Message(
    ja="val_part がテスト用データ（train=False）です。検証用は学習用データ train_set から random_split で取り分けます。テスト用データは最後の評価のためにとっておきます。",
    en="val_part is the test set (train=False). Take the validation part out of train_set with random_split; the test set is kept for the final evaluation.",
)
SPLIT_TEST_SET = Message(
    ja="分けたのはテスト用データ（train=False）です。分けるのは学習用データ train_set です。",
    en="You split the test set (train=False). Split the training data, train_set.",
)
SPLIT_SWAPPED = Message(
    ja="大きさが逆です: 学習用が {a} 件、検証用が {b} 件。学習用を 80%（{want_a} 件）にします。",
    en="The sizes are swapped: {a} for training, {b} for validation. Training gets 80% ({want_a}).",
)
SPLIT_SIZES = Message(
    ja="大きさが {a} 件と {b} 件です。{total} 件の 80% と 20% で、{want_a} 件と {want_b} 件になります。",
    en="The sizes are {a} and {b}. 80% and 20% of {total} are {want_a} and {want_b}.",
)
SPLIT_OVERLAP = Message(
    ja="学習用と検証用に同じ画像が {n} 枚入っています。1 回の random_split で 2 つに分けましょう。",
    en="{n} images are in both parts. Split once with a single random_split call.",
)
SPLIT_SOURCE = Message(
    ja="2 つが同じデータセットから作られていません。train_set を 1 回の random_split で分けましょう。",
    en="The two parts do not come from the same dataset. Split train_set with one random_split call.",
)
SPLIT_OK = Message(ja="{a} 件と {b} 件、重なりなし。", en="{a} and {b}, no overlap.")


def split_facts(part: object) -> dict[str, object]:
    if not (hasattr(part, "indices") and hasattr(part, "dataset")):
        return {"subset": False, "type": type(part).__name__, "train": getattr(part, "train", None)}
    return {
        "subset": True,
        "size": len(part),  # type: ignore[arg-type]
        "indices": [int(i) for i in part.indices],
        "source_train": getattr(part.dataset, "train", None),
        "source_size": len(part.dataset),
    }


def probe_split(train_part: object, val_part: object) -> dict[str, object]:
    """What each part is, its size and indices, and whether both come from one dataset."""

    def facts() -> dict[str, object]:
        same = getattr(train_part, "dataset", None) is getattr(val_part, "dataset", train_part)
        return {"train": split_facts(train_part), "val": split_facts(val_part), "same": same}

    return as_data(call(facts, name="random_split"))  # type: ignore[return-value]


def judge_split(data: dict) -> Verdict:
    parts = {"train_part": data["train"], "val_part": data["val"]}
    for name, part in parts.items():
        if not part["subset"]:
            if name == "val_part" and part["train"] is False:
                return failed(SPLIT_VAL_IS_TEST())
            return failed(SPLIT_NOT_SUBSETS(name=name, got=part["type"]))
    train, val = data["train"], data["val"]
    if not data["same"]:
        return failed(SPLIT_SOURCE())
    for part in (train, val):
        split_made(part, train["source_size"])
    if train["source_train"] is False:
        return failed(SPLIT_TEST_SET())
    total = train["source_size"]
    want_a = round(total * 0.8)
    want = {"want_a": want_a, "want_b": total - want_a}
    a, b = train["size"], val["size"]
    if (b, a) == (want_a, total - want_a) and a != b:
        return failed(SPLIT_SWAPPED(a=a, b=b, **want))
    if (a, b) != (want_a, total - want_a):
        return failed(SPLIT_SIZES(a=a, b=b, total=total, **want))
    overlap = set(train["indices"]) & set(val["indices"])
    if overlap:
        return failed(SPLIT_OVERLAP(n=len(overlap)))
    return passed(SPLIT_OK(a=a, b=b))


def split_made(part: dict, total: object) -> None:
    """A ``ValueError`` unless ``part``'s facts are those of a part of one dataset of ``total``
    items: at grading they come from the hand-in, and its sizes are what the verdict reads."""
    indices, size = part["indices"], part["size"]
    if isinstance(total, bool) or not isinstance(total, int) or total < 1:
        raise ValueError(f"a dataset of {total!r} items")
    if part["source_size"] != total or not isinstance(indices, list) or len(indices) != size:
        raise ValueError("the part's size is not its number of indices")
    if not all(type(i) is int and 0 <= i < total for i in indices):
        raise ValueError("the part has indices outside its dataset")
    if len(set(indices)) != len(indices):
        raise ValueError("the part holds an index twice")


@exercise(SPLIT_TITLE, probe=probe_split, judge=judge_split)
def check_split(train_part: object, val_part: object) -> Verdict:
    """Exercise 3: ``random_split`` of the training images into 80% / 20%."""
    return judge_split(probe_split(train_part, val_part))
