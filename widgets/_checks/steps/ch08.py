"""Help in steps for chapter 08 (the homework, tasks 8.1–8.6): levels 2 and 3 of each task.

``check_conv2d`` is task 8.5 (loops); ``check_conv2d[unfold]``, the same check called with
``unfold=True``, is task 8.6.
"""

from __future__ import annotations

from ..._i18n import Message
from . import Steps

STEPS: dict[str, Steps] = {
    "check_tensor_ops": Steps(
        more=Message(
            ja="このチェックが見るのは順伝播の値です。"
            "どの演算も `__add__` と同じ形で書けます。"
            "入力の `data` から結果の配列を新しく計算し、それを「結果・入力のタプル・演算の名前」で "
            "`Tensor(...)` に包んで返します。入力の `data` は書き換えません。"
            "`-`・`/` と反射演算子は、書いた演算を組み合わせれば、自分の `_backward` なしで作れます。"
            "`__rsub__` や `__rtruediv__` では、`self` が右側の Tensor です。"
            "チェックには、インスタンスではなくクラス `Tensor` そのものを渡します。",
            en="This check looks at the forward values. Every operation follows the pattern of "
            "`__add__`: compute a new array from the inputs' `data`, wrap it in `Tensor(...)` "
            "with the result, the tuple of inputs and the operation's name, and return it, "
            "leaving the inputs' `data` untouched. `-`, `/` and the reflected operators need no "
            "`_backward` of their own: build them from the operations you have written. In "
            "`__rsub__` and `__rtruediv__`, `self` is the Tensor on the right. Pass the class "
            "`Tensor` itself to the check, not an instance.",
        ),
        first_step=Message(
            ja="`__mul__` から始めます。"
            "`__add__` をコピーし、1 行目の `other = as_tensor(other)` はそのままで、"
            '結果を `out = Tensor(self.data * other.data, (self, other), "*")` にします。'
            "`_backward` の中では、`out.grad` に相手の `data` を掛けて `unbroadcast` で入力の形に"
            "戻し、それぞれの `grad` に `+=` で足し込みます。勾配は課題 8.2 のチェックで確かめます。"
            "最後の `out._backward = _backward` と `return out` も忘れずに。",
            en="Start with `__mul__`. Copy `__add__`, keep its first line, "
            "`other = as_tensor(other)`, and make the result `out = Tensor(self.data * "
            'other.data, (self, other), "*")`. Inside `_backward`, multiply `out.grad` by the '
            "other input's `data`, bring it back to the input's shape with `unbroadcast`, and add "
            "it to each `grad` with `+=` (task 8.2's check tests the gradients). Finish, as "
            "`__add__` does, with `out._backward = _backward` and `return out`.",
        ),
    ),
    "check_backward": Steps(
        more=Message(
            ja="`backward()` で最初に並べるのは、出力から `_prev` をたどって届くすべてのノードです。"
            "あるノードを並べるのは、その入力（`_prev`）をすべて並べ終えてから、という順にすると"
            "トポロジカル順になります。再帰の関数で書けます。"
            "`_backward` を呼ぶのはその逆順です。"
            "こうすると、各ノードの `grad` が全部届いてから、そのノードの `_backward` が 1 回だけ呼ばれます。"
            "出発点である出力の `grad` は、`np.ones_like` で 1 にします。"
            "勾配の値が違うと言われたら、課題 8.1 の各 `_backward` を見直しましょう。"
            "`+=` で足し込んでいるか、二項演算で `unbroadcast` を通しているか、"
            "累乗が n·aⁿ⁻¹ になっているかです。",
            en="What `backward()` lists first is every node reachable from the output through "
            "`_prev`. Listing a node only after all of its inputs (`_prev`) are listed gives a "
            "topological order; a recursive function does it. `_backward` is then called in the "
            "reverse of that order, so that each node's `_backward` runs once, after all of its "
            "`grad` has arrived. The starting point, the output's `grad`, is set to ones with "
            "`np.ones_like`. If the check says a gradient is wrong, look again at task 8.1's "
            "`_backward` functions: do they accumulate with `+=`, do binary operations pass "
            "through `unbroadcast`, is the power's rule n·aⁿ⁻¹?",
        ),
        first_step=Message(
            ja="まず、ノードをトポロジカル順に並べる関数を書きます。"
            "空のリスト `order` と、訪れたノードの `id` を入れる集合 `seen` を用意し、"
            "内側の関数 `visit(node)` を次のようにします。"
            "`id(node)` が `seen` にあれば何もしません。なければ `seen` に加え、"
            "`node._prev` の各入力に `visit` を呼び、最後に `order.append(node)` で自分を加えます。"
            "`visit(self)` のあとの `order` の逆順に、`_backward()` を呼んでいきます。",
            en="First write the function that lists the nodes in topological order. Start with an "
            "empty list `order` and a set `seen` for the `id` of every visited node, and an inner "
            "function `visit(node)`: if `id(node)` is in `seen`, do nothing; otherwise add it to "
            "`seen`, call `visit` on each input in `node._prev`, and only then add the node "
            "itself with `order.append(node)`. After `visit(self)`, call `_backward()` on the "
            "nodes of `order` in reverse.",
        ),
    ),
    "check_draw_graph": Steps(
        more=Message(
            ja="DOT の文字列は、`digraph {{ ... }}` の中にノードと矢印を 1 行ずつ並べたものです"
            "（上のセルの `show_dot` の例を見ましょう）。"
            "`backward()` と同じように出力から `_prev` をたどり、すべての Tensor を 1 回ずつ訪れます。"
            "各 Tensor について、`data` と `grad` を書いたラベルのノードを 1 つ描きます。"
            "`_op` があれば演算のノードも 1 つ描き、入力から演算へ、演算から結果へ矢印を引きます。"
            "ノードの名前に `id(t)` を使うと、同じ値の Tensor どうしも区別できます。"
            "`backward()` のあとで描けば、ラベルに勾配が出ます。最後に `show_dot(文字列)` を返します。",
            en="DOT text is a list of nodes and arrows, one per line, inside `digraph {{ ... }}` "
            "(see the `show_dot` example in the cell above). As in `backward()`, follow `_prev` "
            "from the output and visit every Tensor once. For each Tensor draw one node whose "
            "label shows its `data` and `grad`, one node for its `_op` if it has one, and arrows "
            "from the inputs to the operation and from the operation to the result. Naming the "
            "nodes after `id(t)` keeps apart two Tensors with the same value. Draw after "
            "`backward()` so that the labels show the gradients, and return `show_dot(text)`.",
        ),
        first_step=Message(
            ja="まず、すべての Tensor を 1 回ずつ集めます。"
            "`self` だけが入ったリストをスタックにして、取り出した Tensor の `id` が訪問済みなら飛ばし、"
            "そうでなければ `_prev` をスタックに積みます。"
            "訪れた Tensor ごとに、`t140 [label="
            '"data 2 | grad -2"];` のような 1 行をリスト `lines` に加えます'
            "（`t140` は `id(t)` から作った名前、値は `:.4g` で書きます）。"
            "演算のノードと矢印も同じように 1 行ずつ加え、最後に全体を `digraph {{` と `}}` で囲みます。",
            en="First collect every Tensor once: use a list holding `self` as a stack; pop a Tensor, "
            "skip it if its `id` has been seen, otherwise push its `_prev`. For each Tensor "
            'visited, add to a list `lines` one line such as `t140 [label="data 2 | grad -2"];` '
            "(`t140` is a name made from `id(t)`, the values are written with `:.4g`). Add the "
            "operation nodes and the arrows the same way, one line each, and wrap it all in "
            "`digraph {{` and `}}`.",
        ),
    ),
    "check_same_losses": Steps(
        more=Message(
            ja="`train_torch` を 1 行ずつ自作の Tensor に置き換えるのが、いちばん確実です。"
            "違いは 3 つです。"
            "パラメータと入力・正解は `torch.tensor` ではなく `Tensor` で作ること。"
            "勾配は自動では 0 に戻らないので、毎ステップ、順伝播の前に各パラメータの `grad` を 0 の配列にすること。"
            "更新は `torch.no_grad()` なしで、各パラメータの `data`（NumPy の配列）を直接書き換えること。"
            "損失は `train_torch` と同じくデータ数で割った平均にし、`float` にしてリストに加え、"
            "最後にそのリストを返します。",
            en="The surest way is to translate `train_torch` line by line to your Tensor. There are "
            "three differences: the parameters, inputs and targets are made with `Tensor`, not "
            "`torch.tensor`; gradients do not reset themselves, so at every step, before the "
            "forward pass, set each parameter's `grad` to an array of zeros; the update needs no "
            "`torch.no_grad()` and changes each parameter's `data` (a NumPy array) directly. The "
            "loss is the mean over the examples, as in `train_torch`; append it to the list as a "
            "`float`, and return the list at the end.",
        ),
        first_step=Message(
            ja="最初は準備の 2 行です: `params = [Tensor(p) for p in init]` と "
            "`inputs, targets = Tensor(X), Tensor(Y)`。"
            "`Tensor` は配列を複製するので、`init` は書き換わりません。"
            "続いて `steps` 回のループの中で、各 `p.grad` を 0 に戻し、`train_torch` と同じ式で "
            "`loss` を計算して `loss.backward()` を呼び、更新してから損失をリストに加えます。",
            en="Start with the two set-up lines: `params = [Tensor(p) for p in init]` and "
            "`inputs, targets = Tensor(X), Tensor(Y)`. `Tensor` copies its array, so `init` stays "
            "as it is. Then, in a loop of `steps` rounds: reset each `p.grad` to zeros, compute "
            "`loss` with the same formula as `train_torch`, call `loss.backward()`, update, and "
            "append the loss to the list.",
        ),
    ),
    "check_conv2d": Steps(
        more=Message(
            ja="まず出力の大きさを決めます。"
            "縦は (H + 2·padding − dilation·(kh − 1) − 1) // stride + 1 で、横も同じ式です。"
            "次に `F.pad` で x の上下左右に 0 を足し、`x.new_zeros(...)` で出力の入れ物を作ります。"
            "出力チャンネル o・位置 (i, j) の値は、左上が (i·stride, j·stride) の窓"
            "（dilation 画素おきに kh × kw 個）と `weight[o]` の、要素ごとの積の和です。"
            "カーネルは反転しません。"
            "groups があるときは、出力チャンネル o が属するグループの入力チャンネルだけを窓に使います。"
            "bias は最後に、各出力チャンネルのすべての位置に足します。",
            en="Settle the output size first: the height is "
            "(H + 2·padding − dilation·(kh − 1) − 1) // stride + 1, and the width follows the "
            "same formula. Then pad x with zeros on every side with `F.pad`, and make the output "
            "with `x.new_zeros(...)`. The value at output channel o, position (i, j), is the sum "
            "of the element-wise product of `weight[o]` and the window whose top-left corner is "
            "(i·stride, j·stride) (kh × kw taps, dilation pixels apart). The kernel is not "
            "flipped. With groups, output channel o uses only the input channels of its own "
            "group. The bias comes last, added at every position of each output channel.",
        ),
        first_step=Message(
            ja="`h`・`w` を `x.shape` から、`kh`・`kw` を `weight.shape` から取り出したら、"
            "出力の高さは `h_out = (h + 2 * padding - dilation * (kh - 1) - 1) // stride + 1` です"
            "（`w_out` も同じ形）。"
            "続けて `x = F.pad(x, (padding, padding, padding, padding))` で周りに 0 を足します。"
            "あとは出力チャンネル o と位置 i、j の 3 重ループで、窓を切り出して `weight[o]` との積和をとります。",
            en="With `h` and `w` taken from `x.shape` and `kh` and `kw` from `weight.shape`, the "
            "output height is `h_out = (h + 2 * padding - dilation * (kh - 1) - 1) // stride + 1` "
            "(and `w_out` likewise). Next, `x = F.pad(x, (padding, padding, padding, padding))` "
            "adds the zeros around it. What is left is a triple loop over the output channel o "
            "and the positions i and j: cut out the window and sum its product with `weight[o]`.",
        ),
    ),
    "check_conv2d[unfold]": Steps(
        more=Message(
            ja="`F.unfold` は、各窓の中身を 1 列に並べた形 (N, C_in·kh·kw, 窓の数) を返します。"
            "窓の数は h_out × w_out です。stride・padding・dilation も `F.unfold` に渡せます。"
            "groups が 1 なら、カーネルを (C_out, C_in·kh·kw) に並べ直した行列との積 1 回で "
            "(N, C_out, 窓の数) が出ます。"
            "groups があるときは、列をグループごとに分けて (N, groups, 列の長さ / groups, 窓の数) にし、"
            "カーネルも (groups, C_out / groups, -1) にして、グループの軸をそろえた行列積にします。"
            "仕上げは、(N, C_out, h_out, w_out) への並べ直しと bias の足し算です。",
            en="`F.unfold` lays out each window as one column, giving shape "
            "(N, C_in·kh·kw, number of windows); there are h_out × w_out windows, and stride, "
            "padding and dilation go to `F.unfold` as well. With one group, a single product with "
            "the kernels reshaped to (C_out, C_in·kh·kw) gives (N, C_out, number of windows). "
            "With groups, split the columns by group into (N, groups, column length / groups, "
            "number of windows), shape the kernels as (groups, C_out / groups, -1), and multiply "
            "with the group axes lined up. Finally reshape to (N, C_out, h_out, w_out) and add "
            "the bias.",
        ),
        first_step=Message(
            ja="最初の一手は窓を列にすることです: "
            "`cols = F.unfold(x, (kh, kw), dilation=dilation, padding=padding, stride=stride)`。"
            "`h_out`・`w_out` は課題 8.5 と同じ式で求めます。"
            "章の例（x が (2, 4, 12, 12)、3×3 のカーネル、stride=2、padding=1）で `cols.shape` を表示すると "
            "(2, 36, 36) になるはずです。36 は 4 × 3 × 3、もう 1 つの 36 は 6 × 6 の窓の数です。"
            "次は、この列をグループごとに分けます。",
            en="The first move is to turn the windows into columns: "
            "`cols = F.unfold(x, (kh, kw), dilation=dilation, padding=padding, stride=stride)`, "
            "with `h_out` and `w_out` from the same formula as in task 8.5. For the chapter's "
            "example (x of shape (2, 4, 12, 12), 3×3 kernels, stride=2, padding=1), printing "
            "`cols.shape` should give (2, 36, 36): 4 × 3 × 3 values per column and 6 × 6 "
            "windows. Next, split these columns by group.",
        ),
    ),
}
