"""Help in steps for chapter 03 (datasets): levels 2 and 3 of each exercise."""

from __future__ import annotations

from ..._i18n import Message
from . import Steps

STEPS: dict[str, Steps] = {
    "check_digit_folder": Steps(
        more=Message(
            ja=(
                "`__len__` はデータの行数を返します。見出し行は `csv.DictReader` が列の名前に使ったので、`self.rows` にはデータの行だけが入っています。"
                "`__getitem__` では、`idx` 番目の行を取り出し、その `file` の名前のファイルを `self.folder` の中で開きます。"
                "`v2.PILToTensor()` で形 (1, 28, 28) の uint8 のテンソルにしたら、float に変えて 0〜255 を 0〜1 に縮めます。"
                "ラベルは CSV では文字列なので、`int` にしてから画像と組にして返します。"
                "第4節の `DigitImages` と、前処理のところ以外はほぼ同じです。"
            ),
            en=(
                "`__len__` returns the number of data rows: `csv.DictReader` used the header "
                "for the column names, so `self.rows` holds the data rows only. `__getitem__` "
                "takes row number `idx`, opens the file its `file` field names inside "
                "`self.folder`, turns the picture into a uint8 tensor of shape (1, 28, 28) with "
                "`v2.PILToTensor()`, converts it to float and scales 0–255 down to 0–1. The CSV "
                "gives the label as text: make it an `int`, and return it paired with the image. "
                "Apart from the scaling, it is much like `DigitImages` in section 4."
            ),
        ),
        first_step=Message(
            ja=(
                "まず、行とファイルの場所を確かめます。`row = self.rows[idx]` は `file` と `label` の 2 つのキーを持つ辞書で、"
                "画像のパスは `self.folder / row['file']` です。"
                "クラスの外で試すには、`rows = DigitFolder(folder).rows` のあと `Image.open(folder / rows[0]['file'])` を実行します。数字の画像が表示されるはずです。"
                "残りは、テンソルにして型と範囲をそろえることと、ラベルです。"
            ),
            en=(
                "First find the row and the file. `row = self.rows[idx]` is a dict with the two "
                "keys `file` and `label`, and the image's path is `self.folder / row['file']`. "
                "To try it outside the class, run `rows = DigitFolder(folder).rows` and then "
                "`Image.open(folder / rows[0]['file'])`: a digit should appear. Left for you: the "
                "tensor with the right dtype and range, and the label."
            ),
        ),
    ),
    "check_one_hot": Steps(
        more=Message(
            ja=(
                "one-hot ベクトルは、ラベルの位置だけが 1 で、ほかはすべて 0 のベクトルです。"
                "作り方は 2 段階です。まず `float32` で長さ 10 の 0 のテンソルを作り、次に `y` 番目の位置を 1 にします。"
                "1 を書き込むには、添字で代入するか、第3節の `Lambda` の例のように `scatter_` を使います。"
                "`F.one_hot` でも作れますが、結果は int64 なので float32 に変える必要があります。"
            ),
            en=(
                "A one-hot vector is all zeros except a single 1 at the label's position. Build "
                "it in two moves: a `float32` tensor of ten zeros, then a 1 at position `y`, "
                "written by assigning through an index or with `scatter_`, as section 3's "
                "`Lambda` example did. `F.one_hot` works too, but it gives int64, which needs "
                "converting to float32."
            ),
        ),
        first_step=Message(
            ja=(
                "まず 0 のベクトルを作って確かめます。`torch.zeros(10)` は形が (10,) で、dtype は `torch.float32` です（zeros の既定の型です）。"
                "`y = 3` なら、1 を入れるのは添字 3 の位置、つまり先頭から 4 番目です（番号は 0 から数えます）。"
                "残りは、その位置に 1 を書き込んでテンソルを返すことです。"
            ),
            en=(
                "First make the vector of zeros and check it: `torch.zeros(10)` has shape (10,) "
                "and dtype `torch.float32`, the default for zeros. For `y = 3` the 1 belongs at "
                "index 3, the fourth position, since counting starts at 0. What is left is to "
                "write the 1 there and return the tensor."
            ),
        ),
    ),
    "check_split": Steps(
        more=Message(
            ja=(
                "`random_split(dataset, lengths)` は、1 つのデータセットを、重なりのないいくつかの部分へランダムに分け、`lengths` の順に返します。"
                "`lengths` は、合計が `len(train_set)` になる件数でも、合計が 1 になる割合でもかまいません。"
                "分けるのは学習用データの `train_set` で、呼ぶのは 1 回だけです。"
                "返ってきた 2 つを、大きいほうから `train_part` と `val_part` に受け取ります。"
            ),
            en=(
                "`random_split(dataset, lengths)` cuts one dataset into random parts that do not "
                "overlap and returns them in the order of `lengths`. The lengths may be counts "
                "adding up to `len(train_set)` or fractions adding up to 1. Split the training "
                "data, `train_set`, with a single call, and unpack the two parts into "
                "`train_part` and `val_part`, the larger one first."
            ),
        ),
        first_step=Message(
            ja=(
                "まず件数を求めます。`n = len(train_set)` は MNIST の学習用データなら 60,000 で、オフラインのサンプルなら 4,000 です。"
                "60,000 件の 80% は 48,000 件、20% は 12,000 件です。"
                "この 2 つの件数（または割合 0.8 と 0.2）を、この順に並べたものが `random_split` の `lengths` になります。"
            ),
            en=(
                "First work out the sizes: `n = len(train_set)` is 60,000 for MNIST's training "
                "data, or 4,000 with the offline sample. 80% of 60,000 is 48,000 and 20% is "
                "12,000. Those two counts (or the fractions 0.8 and 0.2), in that order, are the "
                "`lengths` for `random_split`."
            ),
        ),
    ),
}
