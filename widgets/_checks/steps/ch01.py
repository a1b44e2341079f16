"""Help in steps for chapter 01 (tensors): levels 2 and 3 of each exercise."""

from __future__ import annotations

from ..._i18n import Message
from . import Steps

STEPS: dict[str, Steps] = {
    "check_image_batch": Steps(
        more=Message(
            ja=(
                "PyTorch では、画像のバッチの軸を (N, C, H, W) の順に並べます。"
                "N は枚数、C はチャンネル数、H と W は高さと幅です。RGB 画像のチャンネルは 3 つです。"
                "`torch.zeros` には各軸の大きさを順に（または 1 つのタプルで）渡し、要素の型はキーワード `dtype=` で指定します。"
            ),
            en=(
                "PyTorch orders the axes of an image batch as (N, C, H, W): the number of images, "
                "the channels, the height and the width. An RGB image has 3 channels. "
                "`torch.zeros` takes the size of each axis in turn (or all of them as one tuple), "
                "and the keyword `dtype=` sets the type of the elements."
            ),
        ),
        first_step=Message(
            ja=(
                "まず 4 つの大きさを PyTorch の順に書き出します。N = 16 枚、C = 3（赤・緑・青）、H = 32、W = 32 なので、"
                "形は (16, 3, 32, 32) です。本番の前に小さな例で確かめましょう。"
                "`torch.zeros(2, 3, 4, 4).shape` は `torch.Size([2, 3, 4, 4])` になります。"
                "あとは、この 4 つの大きさと、問題文の dtype を `torch.zeros` に渡します。"
            ),
            en=(
                "First write the four sizes in PyTorch's order: N = 16 images, C = 3 (red, green, "
                "blue), H = 32 and W = 32, so the shape is (16, 3, 32, 32). Try a small one first: "
                "`torch.zeros(2, 3, 4, 4).shape` is `torch.Size([2, 3, 4, 4])`. Then give "
                "`torch.zeros` your four sizes and the dtype the statement asks for."
            ),
        ),
    ),
    "check_products": Steps(
        more=Message(
            ja=(
                "2 つは別の掛け算です。行列の積は `A` の行と `B` の列を掛けて足し合わせるもので、演算子は `@`（関数なら `torch.matmul`）です。"
                "(2, 3) と (3, 2) の積は (2, 2) になります。"
                "要素ごとの積は同じ位置の要素どうしを掛けるもので、演算子は `*`（関数なら `torch.mul`）です。形は元のまま (2, 3) です。"
                "C と D の形を表示すると、どちらがどちらか確かめられます。"
            ),
            en=(
                "These are two different products. The matrix product multiplies the rows of `A` "
                "with the columns of `B` and adds up: the operator `@` (or `torch.matmul`), and a "
                "(2, 3) times a (3, 2) gives a (2, 2). The element-wise product multiplies entries "
                "at the same position: the operator `*` (or `torch.mul`), and the shape stays "
                "(2, 3). Printing the shapes of C and D tells the two apart."
            ),
        ),
        first_step=Message(
            ja=(
                "まず C から考えます。形は A が (2, 3)、B が (3, 2) です。内側の大きさ 3 と 3 がそろうので行列の積が作れ、結果の形は (2, 2) になります。"
                "左上の要素は A の 0 行目と B の 0 列目の積の和で、`A[0] @ B[:, 0]` = 0·0 + 1·2 + 2·4 = 10 です。"
                "行列の積の演算子で C を作り、`C[0, 0]` が 10 になることを確かめてから D に進みましょう。"
            ),
            en=(
                "Start with C. A is (2, 3) and B is (3, 2): the inner sizes, 3 and 3, match, so the "
                "matrix product exists and is (2, 2). Its top-left entry is row 0 of A times column "
                "0 of B, summed: `A[0] @ B[:, 0]` = 0·0 + 1·2 + 2·4 = 10. Make C with the "
                "matrix-product operator, check that `C[0, 0]` is 10, then go on to D."
            ),
        ),
    ),
    "check_flatten": Steps(
        more=Message(
            ja=(
                "1 枚ずつ平らにするには、先頭の軸（4 枚）はそのまま残し、残り 3 つの軸（1 × 28 × 28 = 784 個の値）を 1 つにまとめます。"
                "`reshape` に先頭の軸の大きさと `-1` を渡すと、そうなります。`-1` は「残り全部」という意味です。"
                "4 を手で書かず、枚数はテンソルの形から読み取りましょう。"
                "`reshape` の前に `permute` や転置をすると、画素の並びが変わってしまいます。"
            ),
            en=(
                "To flatten each image, keep the first axis (the 4 images) and merge the other "
                "three (1 × 28 × 28 = 784 values) into one. `reshape` does that when you give it "
                "the size of the first axis and `-1`, which means 'all the rest'. Do not write 4 "
                "by hand: read the number of images off the tensor's shape. A `permute` or a "
                "transpose before the `reshape` would put the pixels in another order."
            ),
        ),
        first_step=Message(
            ja=(
                "まず、枚数をテンソルから取り出します。`n = images.shape[0]` はここでは 4 で、64 枚のバッチなら 64 になります。"
                "目指す形は (n, 1 × 28 × 28)、つまり (4, 784) です。"
                "平らにしたら `flat.shape` を表示して、この形になったか確かめましょう。"
            ),
            en=(
                "First take the number of images from the tensor: `n = images.shape[0]` is 4 here, "
                "and would be 64 for a batch of 64. The shape to aim for is (n, 1 × 28 × 28), that "
                "is (4, 784). Once you have flattened, print `flat.shape` to check it."
            ),
        ),
    ),
    "check_mean_brightness": Steps(
        more=Message(
            ja=(
                "求めるものは 2 つです。すべての画素の平均と、それを Python の数にすることです。"
                "`mean()` を `dim` なしで呼ぶと全要素の平均になり、結果は 0 次元のテンソル（形 `()`）です。"
                "`dim` を付けると、その軸に沿った平均だけになります。"
                "要素が 1 つのテンソルは、`.item()` で Python の `float` になります。"
            ),
            en=(
                "Two things are asked: the mean over every pixel, and a plain Python number. "
                "`mean()` called without `dim` averages all the elements and gives a 0-dimensional "
                "tensor (shape `()`); with a `dim` it averages along that axis only. A tensor with "
                "one element becomes a Python `float` with `.item()`."
            ),
        ),
        first_step=Message(
            ja=(
                "まず平均をテンソルのまま求めて、中身を見ます。`m = images.mean()` の `m.shape` は `torch.Size([])` です。軸のない、数 1 つだけのテンソルです。"
                "`m` を表示すると、`tensor(0.4987)` のような 0.5 に近い値が出ます。"
                "値はこれで合っていますが、まだテンソルです。あと 1 回の呼び出しで Python の `float` にします。"
            ),
            en=(
                "First compute the mean as a tensor and look at it: with `m = images.mean()`, "
                "`m.shape` is `torch.Size([])` (no axes, a single number) and `m` prints as "
                "something close to 0.5, such as `tensor(0.4987)`. That value is right but still a tensor: one more "
                "call turns it into a Python `float`."
            ),
        ),
    ),
    "check_distances": Steps(
        more=Message(
            ja=(
                "まず、差を集めた形 (n, m, 2) のテンソルを目指します。`[i, j]` に `P[i] - Q[j]` が入る表です。"
                "P を (n, 1, 2)、Q を (1, m, 2) にして引き算すると、長さ 1 の軸がブロードキャストで m と n に広がり、この形になります。"
                "そこから差を 2 乗し、最後の軸（2 つの座標）で和をとって平方根をとると、形 (n, m) の距離の表が残ります。"
            ),
            en=(
                "First aim for a tensor of differences shaped (n, m, 2), whose entry `[i, j]` is "
                "`P[i] - Q[j]`. Subtracting a P shaped (n, 1, 2) and a Q shaped (1, m, 2) gives "
                "it: broadcasting stretches the length-1 axes to m and n. Then square the "
                "differences, sum over the last axis (the two coordinates) and take the square "
                "root, which leaves the (n, m) table of distances."
            ),
        ),
        first_step=Message(
            ja=(
                "まず 2 つの形をそろえます。n = 5、m = 3 の例で、`P.unsqueeze(1).shape` は (5, 1, 2) です（新しい軸が 1 番目に入ります）。"
                "Q には新しい軸を 0 番目に入れて (1, 3, 2) にします。"
                "この 2 つを引き算して、差の形が (5, 3, 2) になることを確かめてから先に進みましょう。"
            ),
            en=(
                "First make the two shapes line up. With n = 5 and m = 3, `P.unsqueeze(1).shape` "
                "is (5, 1, 2): the new axis goes in at position 1. Q gets its new axis at position "
                "0, which makes it (1, 3, 2). Subtract the two and check that the difference has "
                "shape (5, 3, 2) before going on."
            ),
        ),
    ),
    "check_to_batch": Steps(
        more=Message(
            ja=(
                "やることは 2 つです。写真を新しい先頭の軸で重ねることと、軸を並べ替えることです。"
                "新しい軸（N）を作って重ねるのは `torch.stack` で、`torch.cat` は今ある軸を伸ばすだけです。"
                "重ねたあとの形は (N, H, W, C) です。"
                "`permute` には、新しい順に元の軸の番号を渡します。`reshape` や `view` は値の並びを変えないので、画素がばらばらになります。"
            ),
            en=(
                "Two moves: stack the photos along a new first axis, then reorder the axes. "
                "`torch.stack` creates the new axis (N); `torch.cat` only lengthens an existing "
                "one. After stacking the shape is (N, H, W, C). `permute` takes the old axis "
                "numbers in their new order; `reshape` and `view` keep the values in the order "
                "they are stored, which scrambles the pixels."
            ),
        ),
        first_step=Message(
            ja=(
                "まず重ねて、形を確かめます。5 × 6 画素の写真 4 枚なら、`torch.stack(photos).shape` は (4, 5, 6, 3) です。"
                "軸の番号で言うと、0 が N、1 が H、2 が W、3 が C です。"
                "目指す (N, C, H, W) の 1 番目から 4 番目に、それぞれ元の何番の軸が来るかを書き出しましょう。その番号の並びが `permute` に渡すものです。"
            ),
            en=(
                "First stack and check the shape: for 4 photos of 5 × 6 pixels, "
                "`torch.stack(photos).shape` is (4, 5, 6, 3), so axis 0 is N, 1 is H, 2 is W and "
                "3 is C. Now write down which old axis comes first, second, third and fourth in "
                "the target (N, C, H, W): that list of numbers is what `permute` takes."
            ),
        ),
    ),
}
