"""Help in steps for chapter 02 (autograd): levels 2 and 3 of each exercise."""

from __future__ import annotations

from ..._i18n import Message
from . import Steps

STEPS: dict[str, Steps] = {
    "check_grad_by_hand": Steps(
        more=Message(
            ja=(
                "L は和なので、x のそれぞれの要素での dL/dx は、その要素自身の項 (2x + 1)³ の微分です。"
                "ですから、テンソルの要素ごとに同じ式を計算すれば足ります。"
                "u = 2x + 1 とおいて連鎖律を使います。u³ を u で微分したものに、u を x で微分したものを掛けます。"
                "式は `*` や `**` のような普通のテンソルの演算で書き、`backward()` は呼びません。"
            ),
            en=(
                "L is a sum, so dL/dx at each element of x is the derivative of that element's "
                "own term, (2x + 1)³: the same formula computed element by element on the tensor "
                "will do. Put u = 2x + 1 and use the chain rule: the derivative of u³ with "
                "respect to u, times the derivative of u with respect to x. Write it with "
                "ordinary tensor arithmetic such as `*` and `**`, without calling `backward()`."
            ),
        ),
        first_step=Message(
            ja=(
                "まず内側を 1 行にします。関数の最初に `u = 2 * x + 1` と書くと、u は x と同じ形のテンソルです。"
                "次に 2 つの微分を分けて考えます。外側の微分は d(u³)/du = 3u² です。内側の微分は du/dx = 2 です。"
                "数で確かめると、x = 0 では u = 1 なので答えは 3 · 1 · 2 = 6、x = 1 では u = 3 なので 3 · 9 · 2 = 54 になるはずです。"
                "残りは、この掛け算を u を使ったテンソルの式で返すことです。"
            ),
            en=(
                "First give the inner part a line of its own: start the function with "
                "`u = 2 * x + 1`, a tensor of x's shape. Then take the two derivatives apart: the "
                "outer one is d(u³)/du = 3u², the inner one du/dx = 2. In numbers: at x = 0, u = 1 "
                "and the answer should be 3 · 1 · 2 = 6; at x = 1, u = 3 and it should be "
                "3 · 9 · 2 = 54. What is left is to return that product as a tensor formula in u."
            ),
        ),
    ),
    "check_per_sample_grads": Steps(
        more=Message(
            ja=(
                "`backward()` は `w.grad` を上書きしません。求めた勾配を、すでに入っている値に足し込みます。"
                "そのため 2 つ目のデータのあとの `w.grad` は、1 つ目と 2 つ目の勾配の和になっています。"
                "足す 1 行は勾配のリセットで、置き場所は勾配を読んで `grads` に入れたあと、次の `backward()` の前です。"
                "リセットの書き方は、第4節「勾配は足し込まれる」に 2 通り出てきました。"
            ),
            en=(
                "`backward()` does not overwrite `w.grad`: it adds the new gradient to what is "
                "already there, so after the second point `w.grad` holds the first and second "
                "gradients summed. The missing line resets the gradient; it goes after the "
                "gradient has been read into `grads` and before the next `backward()`. Section 4, "
                "'Gradients accumulate', showed two ways to write a reset."
            ),
        ),
        first_step=Message(
            ja=(
                "まずバグを数で見ます。1 つのデータの勾配は 2x(wx − y) です。w = 1.5 なら、(1, 2) では 2·1·(1.5 − 2) = −1、"
                "(2, 3) では 2·2·(3 − 3) = 0 です。(3, 7) では 2·3·(4.5 − 7) = −15 になります。"
                "元のループで集まるのは −1, −1, −16 で、これは前からの合計です。"
                "ですから、足す行はループの中身の最後、`grads.append(...)` のあとに置きます。"
                "中身は、第4節で `x.grad` に使ったリセットのどちらかです。"
            ),
            en=(
                "First see the bug in numbers. One point's gradient is 2x(wx − y); with w = 1.5 it "
                "is 2·1·(1.5 − 2) = −1 for (1, 2), 2·2·(3 − 3) = 0 for (2, 3) and "
                "2·3·(4.5 − 7) = −15 for (3, 7). The loop as given collects −1, −1, −16: running "
                "totals. So the new line goes at the end of the loop body, after "
                "`grads.append(...)`, and it is one of the two resets section 4 used on `x.grad`."
            ),
        ),
    ),
    "check_sgd_step": Steps(
        more=Message(
            ja=(
                "やることは 3 つで、順番も大切です。"
                "1 つ目は、w を勾配と逆向きに「学習率 × `w.grad`」だけ動かすことです。"
                "w というテンソル自身を、`-=` や `sub_()` のようなその場の演算で書き換えます。`w = w - ...` は関数の中の名前を付け替えるだけです。"
                "2 つ目は、それを `with torch.no_grad():` の中で行うことです。記録したままでは、requires_grad=True の葉テンソルをその場で書き換えられません。"
                "3 つ目は、更新のあとで `w.grad` をリセットし、次の `backward()` が 0 から始まるようにすることです。"
            ),
            en=(
                "Three parts, and their order matters. First, move w against its gradient by the "
                "learning rate times `w.grad`, changing the tensor w itself with an in-place "
                "operation such as `-=` or `sub_()`: `w = w - ...` only points a local name "
                "elsewhere. Second, do it inside `with torch.no_grad():`, since autograd refuses "
                "an in-place change of a leaf with requires_grad=True while it records. Third, "
                "after the update, reset `w.grad` so that the next `backward()` starts from zero."
            ),
        ),
        first_step=Message(
            ja=(
                "まず、記録を止めるブロックを書きます。関数の 1 行目を `with torch.no_grad():` にし、更新はその中に字下げして書きます。"
                "小さな例で試しましょう。`w = torch.tensor([1.0], requires_grad=True)` で `(w ** 2).sum().backward()` とすると `w.grad` は 2 です。"
                "学習率 0.1 で 1 歩進めると、w は 1 − 0.1 · 2 = 0.8 になり、`w.is_leaf` は True のままのはずです。"
            ),
            en=(
                "First write the block that stops recording: make `with torch.no_grad():` the "
                "function's first line and put the update, indented, inside it. Then try a small "
                "case: with `w = torch.tensor([1.0], requires_grad=True)`, "
                "`(w ** 2).sum().backward()` makes `w.grad` 2. One step with a learning rate of "
                "0.1 should leave w at 1 − 0.1 · 2 = 0.8, and `w.is_leaf` should still be True."
            ),
        ),
    ),
}
