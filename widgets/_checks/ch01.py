"""Exercise checks for chapter 01 (tensors)."""

from __future__ import annotations

import torch

from .._i18n import Message
from .compare import close
from .learner import (
    Crash,
    as_data,
    as_values,
    call,
    call_watched,
    expect_callable,
    expect_tensor,
    paired,
    probe_each,
    type_name,
)
from .verdict import Verdict, exercise, failed, passed

NOT_A_TENSOR = Message(
    ja="答えが torch.Tensor ではありません（{got} です）。torch の関数で作りましょう。",
    en="The answer is not a torch.Tensor (it is a {got}). Build it with torch functions.",
)
SHAPE_IS = Message(ja="形は {shape} です。", en="Its shape is {shape}.")


def tensor(value: object) -> torch.Tensor:
    return expect_tensor(value, NOT_A_TENSOR)


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


def judge_image_batch(batch: object) -> Verdict:
    batch = tensor(batch)
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


@exercise(BATCH_TITLE, probe=as_data, judge=judge_image_batch)
def check_image_batch(batch: object) -> Verdict:
    """Exercise 1: 16 RGB images of 32×32 pixels, all zeros, float32."""
    return judge_image_batch(as_data(batch))


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


def statement_products() -> tuple[torch.Tensor, torch.Tensor]:
    """The exercise's ``A`` and ``B``, as the chapter's cell defines them."""
    return torch.arange(6.0).reshape(2, 3), torch.arange(6.0).reshape(3, 2)


def judge_products(data: tuple) -> Verdict:
    """C and D against the statement's own A and B: the A and B sent are checked to be
    tensors only (a learner may overwrite them), never used as the reference's inputs."""
    _, _, C, D = (tensor(value) for value in data)
    A, B = statement_products()
    matrix, elementwise = A @ B, A * A
    if close(C, elementwise) and close(D, matrix):
        return failed(SWAPPED())
    if not close(C, matrix):
        return failed(MATRIX_WRONG(), SHAPE_IS(shape=tuple(C.shape)))
    if not close(D, elementwise):
        return failed(ELEMENTWISE_WRONG(), SHAPE_IS(shape=tuple(D.shape)))
    return passed(PRODUCTS_OK(c_shape=tuple(C.shape), d_shape=tuple(D.shape)))


@exercise(PRODUCTS_TITLE, probe=as_values, judge=judge_products)
def check_products(A: torch.Tensor, B: torch.Tensor, C: object, D: object) -> Verdict:
    """Exercise 2: ``C`` is the matrix product ``A @ B``, ``D`` the element-wise ``A * A``."""
    return judge_products(as_values(A, B, C, D))


# 3. Flatten each image ------------------------------------------------------------

FLAT_TITLE = Message(ja="画像を 1 枚 1 行に平らにする", en="Flatten each image")
FLAT_ALL = Message(
    ja="バッチ全体が 1 本のベクトルになっています。平らにするのは画像 1 枚ずつです。"
    "reshape で、先頭の軸（枚数）はそのまま残し、残りの軸だけを 1 つにまとめましょう（まとめる軸は -1 と書けます）。",
    en="The whole batch became one vector, but each image is to be flattened on its own. With reshape, keep the "
    "first axis (the number of images) and merge only the other axes into one (-1 can stand for the merged one).",
)
FLAT_SHAPE = Message(
    ja="形が {want} ではありません。先頭の軸 N（枚数）は残し、残りを -1 にまとめます。",
    en="The shape is not {want}. Keep the first axis N (the number of images) and let -1 gather the rest.",
)
FLAT_ORDER = Message(
    ja="形は合っていますが、値の並びが元の画像と違います。permute や転置をせずに reshape しましょう。",
    en="The shape is right but the values are out of order: reshape without permute or transpose.",
)


def judge_flatten(data: tuple) -> Verdict:
    images, flat = (tensor(value) for value in data)
    want = images.reshape(images.shape[0], -1)
    if flat.dim() == 1 and flat.numel() == images.numel():
        return failed(FLAT_ALL(), SHAPE_IS(shape=tuple(flat.shape)))
    if flat.shape != want.shape:
        return failed(FLAT_SHAPE(want=tuple(want.shape)), SHAPE_IS(shape=tuple(flat.shape)))
    if not torch.equal(flat, want):
        return failed(FLAT_ORDER())
    return passed(SHAPE_IS(shape=tuple(flat.shape)))


@exercise(FLAT_TITLE, probe=as_values, judge=judge_flatten)
def check_flatten(images: torch.Tensor, flat: object) -> Verdict:
    """Exercise 3: ``flat`` is ``images`` with each image flattened to one row."""
    return judge_flatten(as_values(images, flat))


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
MEAN_NOT_ALL = Message(
    ja="平均が一部の軸だけでとられています（形 {shape} のテンソルです）。images.mean() のように dim を付けずに、すべての画素の平均をとってから .item() で取り出しましょう。",
    en="The mean was taken over some axes only (a tensor of shape {shape}). Call images.mean() without dim for the mean of every pixel, then take it out with .item().",
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


def judge_mean_brightness(data: tuple) -> Verdict:
    images, value = data
    images = expect_tensor(images)
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            return failed(MEAN_NOT_ALL(shape=tuple(value.shape)))
        return failed(MEAN_TENSOR())
    if isinstance(value, bool) or not isinstance(value, float | int):
        return failed(MEAN_TYPE(got=type_name(value)))
    want = images.double().mean().item()
    total = images.double().sum().item()
    if abs(value - total) < 1e-6 * max(1.0, abs(total)) and abs(total - want) > 1e-9:
        return failed(MEAN_SUM())
    if abs(value - want) > 1e-5 * max(1.0, abs(want)):
        return failed(MEAN_WRONG(want=want, got=float(value)))
    return passed(MEAN_OK(value=want))


@exercise(MEAN_TITLE, probe=as_values, judge=judge_mean_brightness)
def check_mean_brightness(images: torch.Tensor, value: object) -> Verdict:
    """Exercise 4: the mean of every pixel of ``images``, as a Python ``float``."""
    return judge_mean_brightness(as_values(images, value))


# 5. Pairwise distances by broadcasting --------------------------------------------

DIST_TITLE = Message(ja="ブロードキャストで距離の表", en="A distance table by broadcasting")
DIST_NOT_CALLABLE = Message(
    ja="distances は関数にしてください（def distances(P, Q): ...）。",
    en="distances must be a function (def distances(P, Q): ...).",
)
DIST_SHORTCUT = Message(
    ja="torch.cdist などの距離の関数を使っています。この演習は、unsqueeze（または None）とブロードキャストで差を作るのが目的です。",
    en="This uses a distance function such as torch.cdist. The point is to build the differences with unsqueeze (or None) and broadcasting.",
)
DIST_LOOP = Message(
    ja="点の数が変わると、実行される torch の演算の数も変わりました（{counts}）。for 文（内包表記も）で点を 1 つずつ回しているようです。ループを使わず、unsqueeze（または None）で次元を足して、ブロードキャストで一度に差をとりましょう。",
    en="The number of torch operations run changed with the number of points ({counts}): a for loop (or a comprehension) visits the points one by one. Use no loop: add dimensions with unsqueeze (or None) and let broadcasting take every difference at once.",
)
DIST_SHAPE_ERROR = Message(
    ja="形 (5, 2) と (3, 2) はそのままでは引き算できません（{error}）。P を (5, 1, 2)、Q を (1, 3, 2) にする unsqueeze を使いましょう。",
    en="Shapes (5, 2) and (3, 2) cannot be subtracted as they are ({error}). Use unsqueeze to make P (5, 1, 2) and Q (1, 3, 2).",
)
DIST_TRANSPOSED = Message(
    ja="形が {shape} で、行と列が逆です。行は P の点、列は Q の点なので、P の側に新しい次元を 1 番目（unsqueeze(1)）に足します。",
    en="The shape is {shape}: rows and columns are swapped. Rows are P's points and columns Q's: add the new dimension to P at position 1 (unsqueeze(1)).",
)
DIST_SHAPE = Message(
    ja="形が {shape} です。P の 5 点と Q の 3 点の組なので (5, 3) になります。座標の次元（最後の次元）で和をとりましょう。",
    en="The shape is {shape}. Five points of P by three of Q give (5, 3): sum over the coordinates (the last dimension).",
)
DIST_SQUARED = Message(
    ja="距離の 2 乗になっています。最後に sqrt() をとりましょう。",
    en="These are squared distances: take sqrt() at the end.",
)
DIST_WRONG = Message(
    ja="値が距離と一致しません。[i, j] は P[i] と Q[j] の距離 √((x差)² + (y差)²) です。",
    en="The values are not the distances: entry [i, j] is the distance √(dx² + dy²) between P[i] and Q[j].",
)
DIST_OK = Message(ja="形 {shape} の距離の表です。", en="A distance table of shape {shape}.")
SHORTCUTS = ("cdist", "pairwise_distance")


DIST_CASES = ((5, 3), (4, 4), (1, 6))
DIST_CRASHES = (Crash(RuntimeError, ("must match the size",), DIST_SHAPE_ERROR),)


def distance_inputs() -> list[tuple[torch.Tensor, torch.Tensor]]:
    """The ``(P, Q)`` of each case, the same for the probe and the judge."""
    generator = torch.Generator().manual_seed(5)
    return [
        (torch.randn(n, 2, generator=generator), torch.randn(m, 2, generator=generator))
        for n, m in DIST_CASES
    ]


def probe_distances(distances: object) -> list[dict[str, object]]:
    """For each case: what ``distances(P, Q)`` returned and the torch calls it made."""
    fn = expect_callable(distances, DIST_NOT_CALLABLE)

    def one(case: tuple[torch.Tensor, torch.Tensor]) -> dict[str, object]:
        P, Q = case
        got, calls = call_watched(fn, P.clone(), Q.clone(), name="distances", crashes=DIST_CRASHES)
        ran = sorted(calls.functions | calls.operators)
        return {"got": as_data(got), "ran": ran, "count": len(calls.sequence)}

    return probe_each(distance_inputs(), one)


def judge_distances(records: list[dict[str, object]]) -> Verdict:
    # Broadcasting runs the same operations whatever the number of points; a loop over
    # the points runs more of them for more points.
    cases = distance_inputs()
    ran_cases = [(c, r) for c, r in zip(cases, records, strict=False) if "early" not in r]
    counts = [r["count"] for _, r in ran_cases]
    for (P, Q), record in paired(cases, records):
        ran: list[str] = record["ran"]  # type: ignore[assignment]
        if any(s in name for s in SHORTCUTS for name in ran):
            return failed(DIST_SHORTCUT())
        if len(set(counts)) > 1:
            sizes = [f"{len(p)}×{len(q)}: {r['count']}" for (p, q), r in ran_cases]
            return failed(DIST_LOOP(counts=", ".join(sizes)))
        got = tensor(record["got"])
        n, m = len(P), len(Q)
        want = ((P[:, None, :] - Q[None, :, :]) ** 2).sum(dim=-1).sqrt()
        shape = tuple(got.shape)
        if shape != (n, m):
            if n != m and shape == (m, n):
                return failed(DIST_TRANSPOSED(shape=shape))
            return failed(DIST_SHAPE(shape=shape))
        if close(got, want**2, atol=1e-5) and not close(want, want**2, atol=1e-5):
            return failed(DIST_SQUARED())
        if not close(got, want, atol=1e-5):
            return failed(DIST_WRONG())
    return passed(DIST_OK(shape=(5, 3)))


@exercise(DIST_TITLE, probe=probe_distances, judge=judge_distances)
def check_distances(distances: object) -> Verdict:
    """Exercise 5: ``distances(P, Q)`` gives every P–Q distance, by broadcasting."""
    return judge_distances(probe_distances(distances))


# 6. Photos (H, W, C) to a batch (N, C, H, W) -------------------------------------

BATCH_OF_PHOTOS_TITLE = Message(ja="写真をバッチにする", en="Photos into a batch")
PHOTOS_NOT_CALLABLE = Message(
    ja="to_batch は関数にしてください（def to_batch(photos): ...）。",
    en="to_batch must be a function (def to_batch(photos): ...).",
)
PHOTOS_CAT = Message(
    ja="形が {shape} です。torch.cat は今ある次元を伸ばすだけです。新しい次元（枚数 N）を作って重ねるのは torch.stack です。",
    en="The shape is {shape}. torch.cat only lengthens an existing dimension; torch.stack adds the new one (N).",
)
PHOTOS_CHANNELS_LAST = Message(
    ja="形が {shape} で、チャンネルが最後のままです。permute で (N, C, H, W) の順に並べ替えましょう。",
    en="The shape is {shape}: channels are still last. Reorder to (N, C, H, W) with permute.",
)
PHOTOS_SHAPE = Message(
    ja="形が {shape} です。{n} 枚・{c} チャンネル・{h}×{w} 画素なので {want} になります。",
    en="The shape is {shape}. {n} photos, {c} channels, {h}×{w} pixels give {want}.",
)
PHOTOS_SCRAMBLED = Message(
    ja="形は合っていますが、値の並びが違います。reshape や view は次元を入れ替えません。permute を使いましょう。",
    en="The shape is right but the values are scrambled: reshape and view do not move dimensions. Use permute.",
)
PHOTOS_WRONG = Message(
    ja="値が元の写真と一致しません。batch[i, c, y, x] が photos[i][y, x, c] になるようにします。",
    en="The values do not match the photos: batch[i, c, y, x] must be photos[i][y, x, c].",
)


PHOTO_CASES = ((4, 5, 6), (2, 7, 3))


def photo_inputs() -> list[list[torch.Tensor]]:
    """The photos of each case, the same for the probe and the judge."""
    generator = torch.Generator().manual_seed(6)
    return [[torch.rand(h, w, 3, generator=generator) for _ in range(n)] for n, h, w in PHOTO_CASES]


def probe_to_batch(to_batch: object) -> list[dict[str, object]]:
    """For each case: what ``to_batch`` made of its photos."""
    fn = expect_callable(to_batch, PHOTOS_NOT_CALLABLE)

    def one(photos: list[torch.Tensor]) -> dict[str, object]:
        return {"got": as_data(call(fn, [p.clone() for p in photos], name="to_batch"))}

    return probe_each(photo_inputs(), one)


def judge_to_batch(records: list[dict[str, object]]) -> Verdict:
    for photos, record in paired(photo_inputs(), records):
        got = tensor(record["got"])
        n, (h, w, _) = len(photos), photos[0].shape
        want = torch.stack(photos).permute(0, 3, 1, 2)
        shape = tuple(got.shape)
        if got.dim() == 3:
            return failed(PHOTOS_CAT(shape=shape))
        if shape == (n, h, w, 3):
            return failed(PHOTOS_CHANNELS_LAST(shape=shape))
        if shape != tuple(want.shape):
            fill = {"n": n, "c": 3, "h": h, "w": w, "want": tuple(want.shape)}
            return failed(PHOTOS_SHAPE(shape=shape, **fill))
        if not close(got, want):
            same_values = torch.equal(got.flatten().sort().values, want.flatten().sort().values)
            return failed(PHOTOS_SCRAMBLED() if same_values else PHOTOS_WRONG())
    return passed(SHAPE_IS(shape=(4, 3, 5, 6)))


@exercise(BATCH_OF_PHOTOS_TITLE, probe=probe_to_batch, judge=judge_to_batch)
def check_to_batch(to_batch: object) -> Verdict:
    """Exercise 6: ``to_batch(photos)`` turns a list of (H, W, C) tensors into (N, C, H, W)."""
    return judge_to_batch(probe_to_batch(to_batch))
