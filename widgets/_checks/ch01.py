"""Exercise checks for chapter 01 (tensors)."""

from __future__ import annotations

import torch

from .._i18n import Message
from .compare import close
from .verdict import Verdict, exercise, failed, passed

NOT_A_TENSOR = Message(
    ja="答えが torch.Tensor ではありません（{got} です）。torch の関数で作りましょう。",
    en="The answer is not a torch.Tensor (it is a {got}). Build it with torch functions.",
)
SHAPE_IS = Message(ja="形は {shape} です。", en="Its shape is {shape}.")


def tensor_or_hint(value: object) -> Verdict | None:
    if isinstance(value, torch.Tensor):
        return None
    return failed(NOT_A_TENSOR(got=type(value).__name__))


# 1. A batch of images -------------------------------------------------------------

BATCH_TITLE = Message(ja="画像バッチのテンソル", en="A batch of images")
BATCH_SIX_D = Message(
    ja="{dims} 次元になっています。RGB 画像のバッチは (N, C, H, W) の 4 次元です。",
    en="It has {dims} dimensions. A batch of RGB images is 4-D: (N, C, H, W).",
)
BATCH_CHANNELS_LAST = Message(
    ja="チャンネルが最後に来ています。PyTorch では (N, C, H, W)、つまりチャンネルは 2 番目です。",
    en="The channels come last. PyTorch uses (N, C, H, W): channels are the second axis.",
)
BATCH_SHAPE = Message(
    ja="形が (16, 3, 32, 32) ではありません。N=16 枚、C=3 チャンネル、H=W=32 です。",
    en="The shape is not (16, 3, 32, 32): N=16 images, C=3 channels, H=W=32.",
)
BATCH_DTYPE = Message(
    ja="dtype が {dtype} です。画像は torch.float32 で扱います（dtype=torch.float32）。",
    en="The dtype is {dtype}; images are handled as torch.float32 (dtype=torch.float32).",
)
BATCH_ZEROS = Message(
    ja="中身がすべて 0 ではありません。torch.zeros を使いましょう。",
    en="Not every value is 0. Use torch.zeros.",
)


@exercise(BATCH_TITLE)
def check_image_batch(batch: object) -> Verdict:
    """Exercise 1: 16 RGB images of 32×32 pixels, all zeros, float32."""
    if (hint := tensor_or_hint(batch)) is not None:
        return hint
    shape = tuple(batch.shape)
    detail = SHAPE_IS(shape=shape)
    if batch.dim() != 4:
        return failed(BATCH_SIX_D(dims=batch.dim()), detail)
    if shape == (16, 32, 32, 3):
        return failed(BATCH_CHANNELS_LAST(), detail)
    if shape != (16, 3, 32, 32):
        return failed(BATCH_SHAPE(), detail)
    if batch.dtype != torch.float32:
        return failed(BATCH_DTYPE(dtype=batch.dtype), detail)
    if batch.count_nonzero().item() != 0:
        return failed(BATCH_ZEROS(), detail)
    return passed(detail)


# 2. Matrix product vs element-wise product ----------------------------------------

PRODUCTS_TITLE = Message(ja="行列の積と要素ごとの積", en="Matrix product and element-wise product")
SWAPPED = Message(
    ja="2 つが入れ替わっているようです。@ (matmul) が行列の積、* (mul) が要素ごとの積です。",
    en="The two look swapped: @ (matmul) is the matrix product, * (mul) the element-wise one.",
)
MATRIX_WRONG = Message(
    ja="C が A @ B と一致しません。(2×3) @ (3×2) の結果は 2×2 になります。",
    en="C does not equal A @ B. A (2×3) @ (3×2) product is 2×2.",
)
ELEMENTWISE_WRONG = Message(
    ja="D が A * A と一致しません。要素ごとの積は同じ形どうしの掛け算で、形は A と同じ (2×3) です。",
    en="D does not equal A * A. The element-wise product multiplies matching entries; its shape is A's (2×3).",
)
PRODUCTS_OK = Message(
    ja="C は {c_shape}、D は {d_shape} です。", en="C is {c_shape}, D is {d_shape}."
)


@exercise(PRODUCTS_TITLE)
def check_products(A: torch.Tensor, B: torch.Tensor, C: object, D: object) -> Verdict:
    """Exercise 2: ``C`` is the matrix product ``A @ B``, ``D`` the element-wise ``A * A``."""
    for value in (C, D):
        if (hint := tensor_or_hint(value)) is not None:
            return hint
    matrix, elementwise = A @ B, A * A
    if close(C, elementwise) and close(D, matrix):
        return failed(SWAPPED())
    if not close(C, matrix):
        return failed(MATRIX_WRONG(), SHAPE_IS(shape=tuple(C.shape)))
    if not close(D, elementwise):
        return failed(ELEMENTWISE_WRONG(), SHAPE_IS(shape=tuple(D.shape)))
    return passed(PRODUCTS_OK(c_shape=tuple(C.shape), d_shape=tuple(D.shape)))


# 3. Flatten each image ------------------------------------------------------------

FLAT_TITLE = Message(ja="画像を 1 枚 1 行に平らにする", en="Flatten each image")
FLAT_ALL = Message(
    ja="バッチ全体が 1 本のベクトルになっています。画像ごとに平らにしたいので reshape(N, -1) です。",
    en="The whole batch became one vector. Flatten each image instead: reshape(N, -1).",
)
FLAT_SHAPE = Message(
    ja="形が {want} ではありません。先頭の軸 N（枚数）は残し、残りを -1 にまとめます。",
    en="The shape is not {want}. Keep the first axis N (the number of images) and let -1 gather the rest.",
)
FLAT_ORDER = Message(
    ja="形は合っていますが、値の並びが元の画像と違います。permute や転置をせずに reshape しましょう。",
    en="The shape is right but the values are out of order: reshape without permute or transpose.",
)


@exercise(FLAT_TITLE)
def check_flatten(images: torch.Tensor, flat: object) -> Verdict:
    """Exercise 3: ``flat`` is ``images`` with each image flattened to one row."""
    if (hint := tensor_or_hint(flat)) is not None:
        return hint
    want = images.reshape(images.shape[0], -1)
    if flat.dim() == 1 and flat.numel() == images.numel():
        return failed(FLAT_ALL(), SHAPE_IS(shape=tuple(flat.shape)))
    if flat.shape != want.shape:
        return failed(FLAT_SHAPE(want=tuple(want.shape)), SHAPE_IS(shape=tuple(flat.shape)))
    if not torch.equal(flat, want):
        return failed(FLAT_ORDER())
    return passed(SHAPE_IS(shape=tuple(flat.shape)))


# 4. A Python number out of a tensor -----------------------------------------------

MEAN_TITLE = Message(ja="平均の明るさを Python の数に", en="Mean brightness as a Python number")
MEAN_TENSOR = Message(
    ja="答えがまだテンソルです。.item() で Python の float に取り出しましょう。",
    en="The answer is still a tensor. Take the Python float out with .item().",
)
MEAN_TYPE = Message(
    ja="答えは Python の float にしてください（{got} です）。",
    en="The answer should be a Python float (it is a {got}).",
)
MEAN_SUM = Message(
    ja="合計 sum() のままのようです。要素の数 numel() で割ると平均になります。",
    en="That looks like the sum. Divide by the number of elements, numel(), to get the mean.",
)
MEAN_WRONG = Message(
    ja="値が {want:.4f} になりません（{got:.4f} でした）。すべての画素の平均です。",
    en="The value should be {want:.4f} (got {got:.4f}): the mean over every pixel.",
)
MEAN_OK = Message(ja="平均は {value:.4f} です。", en="The mean is {value:.4f}.")


@exercise(MEAN_TITLE)
def check_mean_brightness(images: torch.Tensor, value: object) -> Verdict:
    """Exercise 4: the mean of every pixel of ``images``, as a Python ``float``."""
    if isinstance(value, torch.Tensor):
        return failed(MEAN_TENSOR())
    if isinstance(value, bool) or not isinstance(value, float | int):
        return failed(MEAN_TYPE(got=type(value).__name__))
    want = images.double().mean().item()
    total = images.double().sum().item()
    if abs(value - total) < 1e-6 * max(1.0, abs(total)) and abs(total - want) > 1e-9:
        return failed(MEAN_SUM())
    if abs(value - want) > 1e-5 * max(1.0, abs(want)):
        return failed(MEAN_WRONG(want=want, got=float(value)))
    return passed(MEAN_OK(value=want))
