"""Help in steps for chapter 00 (getting started): levels 2 and 3 of each exercise."""

from __future__ import annotations

from ..._i18n import Message
from . import Steps

STEPS: dict[str, Steps] = {
    "check_torch_version": Steps(
        more=Message(
            ja=(
                "`env_report()` が返すのはレポートのオブジェクトで、中の値はフィールドとしてドットで読み出します。"
                "バージョンのフィールドは Python・torch・torchvision・CUDA などいくつもあります。"
                "使うのは torch のフィールドです。値はそのまま `answer` に入れます。"
                "画面の文字を書き写したり、`str()` や f 文字列で作り直したりすると、レポートが持つ値そのものではなくなります。"
            ),
            en=(
                "`env_report()` returns a report object whose values you read as fields, with a dot. "
                "Several fields hold versions: Python's, torch's, torchvision's, CUDA's and more. "
                "You want torch's, put into `answer` as it is: copying the text from the screen, or "
                "rebuilding it with `str()` or an f-string, gives an equal string but not the value "
                "the report holds."
            ),
        ),
        first_step=Message(
            ja=(
                "まずフィールドの名前を一覧にします。新しいセルで `report.` と打って Tab キーを押します。"
                "または、`import dataclasses` のあとで `[f.name for f in dataclasses.fields(report)]` を実行します。"
                "名前に `torch` と `version` の両方が入っていて、`torchvision` ではないものが答えのフィールドです。"
                "見つけたら、`report.` のあとにその名前を続けて `answer` に入れます。"
            ),
            en=(
                "First list the field names: in a new cell type `report.` and press Tab, or run "
                "`import dataclasses` and then `[f.name for f in dataclasses.fields(report)]`. The "
                "field you want has both `torch` and `version` in its name and is not the "
                "`torchvision` one. Then store `report.` followed by that name in `answer`."
            ),
        ),
    ),
    "check_shrink": Steps(
        more=Message(
            ja=(
                "何回半分にするかは、前もってわかりません。そこで `while` 文を使います。`while` 文は、中身を実行する前に毎回条件を確かめます。"
                "条件は「x の絶対値が 1 より大きい」で、テンソルの絶対値は `x.abs()` です。"
                "ループの中では、`/=` のようなその場の書き換えではなく、割り算の結果を x に代入し直します。"
                "こうすると、割り算が 1 回ずつ計算グラフに記録され、勾配が求められます。"
                "最後に返すのはテンソルのままの x です。`.item()` で数にすると、勾配が入力まで届きません。"
            ),
            en=(
                "How many halvings are needed is not known in advance, so use a `while` loop, which "
                "tests its condition before every halving. The condition is that the absolute value "
                "of x is greater than 1; a tensor's absolute value is `x.abs()`. Inside the loop, "
                "assign the result of a division back to x instead of changing x in place with "
                "`/=`: then every division is recorded in the computational graph and the gradient "
                "can be computed. Return x as a tensor; turning it into a number with `.item()` "
                "stops the gradient before it reaches the input."
            ),
        ),
        first_step=Message(
            ja=(
                "まずループの条件だけを試します。`x = torch.tensor(10.0)` のとき `x.abs() > 1` は `tensor(True)` で、"
                "Python の `while` は要素が 1 つの真偽値テンソルをそのまま条件に使えます。"
                "ですから、ループの見出しは `while x.abs() > 1:` です。"
                "残りは、ループの中身（半分にすること 1 回分）と、ループのあとの `return` です。"
            ),
            en=(
                "First try the loop's condition on its own: for `x = torch.tensor(10.0)`, "
                "`x.abs() > 1` is `tensor(True)`, and Python's `while` takes a one-element boolean "
                "tensor as its condition. So the loop starts with `while x.abs() > 1:`. What is left "
                "is its body (one halving) and the `return` after the loop."
            ),
        ),
    ),
}
