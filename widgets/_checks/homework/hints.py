"""Texts of the Tensor checks: verdicts and the hints aimed at typical mistakes."""

from __future__ import annotations

from ..._i18n import Message

OPS_TITLE = Message(ja="課題 8.1: Tensor の演算", en="Task 8.1: Tensor operations")
BACKWARD_TITLE = Message(ja="課題 8.2: backward() と勾配", en="Task 8.2: backward() and gradients")
NOT_CLASS = Message(
    ja="Tensor クラスそのものを渡してください（渡されたのは {got} です）。",
    en="Pass the Tensor class itself (got {got}).",
)
OPS_OK = Message(
    ja="{cases} 通りのランダムな形と値で、{probes} 種類の式が PyTorch と一致しました。",
    en="{probes} expressions agree with PyTorch on {cases} random shapes and values.",
)
GRADS_OK = Message(
    ja="{cases} 通りのランダムな入力で、勾配が PyTorch とも差分（数値微分）とも一致しました。",
    en="On {cases} random inputs the gradients agree with PyTorch and with finite differences.",
)
WHERE = Message(
    ja="式 {expr}、入力の形 {shapes}: 最大誤差 {error:.3g}",
    en="Expression {expr}, input shapes {shapes}: largest error {error:.3g}",
)
WRONG_VALUE = Message(
    ja="{expr} の値が PyTorch と違います。", en="{expr} gives different values from PyTorch."
)
NOT_TENSOR = Message(
    ja="{expr} の結果が Tensor ではありません（{got}）。演算は新しい Tensor を返します。",
    en="{expr} did not return a Tensor (got {got}). Each operation returns a new Tensor.",
)
MUTATED = Message(
    ja="{expr} が入力の data を書き換えました。結果には新しい配列を作ってください。",
    en="{expr} changed its input's data. Build a new array for the result instead.",
)
NO_REFLECTED = Message(
    ja="{expr} が動きません: 左が数のとき Python は右の Tensor の {method} を呼びます。{method} を定義しましたか。",
    en="{expr} fails: with a number on the left, Python calls the Tensor's {method}. Did you define {method}?",
)
SWAPPED = Message(
    ja="{method} の順序が逆です: {expr} では self が右側です（other − self のように計算します）。",
    en="{method} has the operands swapped: in {expr}, self is on the right (compute other − self, not self − other).",
)
WRONG_GRAD = Message(
    ja="{expr} の勾配が違います。規則を確かめてください: {rule}",
    en="The gradient of {expr} is wrong. Check the rule: {rule}",
)
HALF = Message(
    ja="勾配がちょうど半分です: 同じ値を 2 回使うと勾配は 2 つ届きます。`grad = ...` で上書きせず `grad += ...` で足し合わせましたか。",
    en="The gradient is off by a factor of 2: a value used twice receives two gradients. Did you overwrite (`grad = ...`) instead of accumulate (`grad += ...`)?",
)
DOUBLE = Message(
    ja="勾配がちょうど 2 倍です: 同じ勾配を 2 回足していませんか（_backward を 2 回呼ぶなど）。",
    en="The gradient is twice too large: is the same gradient added twice (a _backward called twice)?",
)
SIGN = Message(
    ja="{expr} の勾配の符号が逆です: {rule}", en="Wrong sign in the gradient of {expr}: {rule}"
)
ZERO = Message(
    ja="勾配が全部 0 です: backward() の最初で、出力の grad を np.ones_like(data) にしましたか。",
    en="All gradients are zero: did backward() start by setting the output's grad to np.ones_like(data)?",
)
SHAPE = Message(
    ja="{expr} で、形 {want} の入力の grad が形 {got} です。ブロードキャストで増えた軸は unbroadcast で足し戻します。",
    en="In {expr}, an input of shape {want} got a grad of shape {got}. Sum the broadcast axes back with unbroadcast.",
)
ORDER = Message(
    ja="2 つの経路で使われた値の勾配が違います: 各ノードの _backward は、そのノードの grad が全部届いてから 1 回だけ呼びます（トポロジカル順の逆順に）。",
    en="A value reached along two paths gets a wrong gradient: call each node's _backward once, after all of its grad has arrived (reverse topological order).",
)
RETURNED_NONE = Message(
    ja="{expr} が None を返しました。演算のメソッドの最後に return を書き忘れていませんか？",
    en="{expr} returned None: did you forget `return` at the end of the method?",
)
NOT_REVERSED = Message(
    ja="{expr} で入力に勾配が届いていません（0 のままです）。backward() は、トポロジカル順を逆にした順（reversed(topo)）で、出力に近いノードから _backward を呼びます。",
    en="In {expr} no gradient reached the inputs (they stay 0). backward() must call _backward in reverse topological order (reversed(topo)), starting next to the output.",
)
UNBROADCAST = Message(
    ja="{expr} の勾配を足し込むときにエラーになりました: 勾配の形が入力の形と違います。ブロードキャストで増えた軸は unbroadcast で足し戻してから grad に足します（{error}）。",
    en="Adding the gradient of {expr} raised an error: the gradient's shape differs from its input's. Sum the broadcast axes back with unbroadcast before adding it to grad ({error}).",
)
SLOPE = Message(
    ja="{expr} の勾配が、あなたの forward を少し動かしたときの変化（差分）と合いません。",
    en="The gradient of {expr} disagrees with the finite-difference slope of your own forward.",
)
