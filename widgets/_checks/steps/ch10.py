"""Help in steps for chapter 10 (sequences): levels 2 and 3 of each exercise."""

from __future__ import annotations

from ..._i18n import Message
from . import Steps

STEPS: dict[str, Steps] = {
    "check_gru_step": Steps(
        more=Message(
            ja="式の W x は、コードでは `x @ W.T` です。"
            "`cell.weight_ih.chunk(3)` は、縦に重なった重みを、r・z・n の順の 3 つに分けます。"
            "`weight_hh`・`bias_ih`・`bias_hh` も同じ順です。"
            "r と z には sigmoid、候補 n には tanh を使います。"
            "n の中で r が掛かるのは h を使う部分全体、つまり W_hn h + b_hn で、バイアス b_hn も含みます。"
            "r を先に h へ掛けるのではありません。"
            "z は「前の h をどれだけ残すか」なので、新しい隠れ状態は (1 − z) * n + z * h です。",
            en="The W x of the formulas is `x @ W.T` in code. `cell.weight_ih.chunk(3)` splits the "
            "stacked weights into three, in the order r, z, n; `weight_hh`, `bias_ih` and "
            "`bias_hh` follow the same order. r and z use sigmoid, the candidate n uses tanh. In "
            "n, r multiplies the whole part that uses h, W_hn h + b_hn, bias b_hn included; it "
            "is not applied to h first. z is how much of the old h is kept, so the new hidden "
            "state is (1 − z) * n + z * h.",
        ),
        first_step=Message(
            ja="最初の一手は重みを分けることです: `W_ir, W_iz, W_in = cell.weight_ih.chunk(3)` と "
            "`W_hr, W_hz, W_hn = cell.weight_hh.chunk(3)`。"
            "`bias_ih` と `bias_hh` も同じように `b_ir, b_iz, b_in` と `b_hr, b_hz, b_hn` に分けます。"
            "そのあと r を、`W_ir`・`b_ir`・`W_hr`・`b_hr` を使って sigmoid の式で書きます。"
            "z は同じ形で添え字が z、n は上の式のとおりです。",
            en="The first move is to split the weights: `W_ir, W_iz, W_in = cell.weight_ih.chunk(3)` "
            "and `W_hr, W_hz, W_hn = cell.weight_hh.chunk(3)`. Split `bias_ih` and `bias_hh` the "
            "same way into `b_ir, b_iz, b_in` and `b_hr, b_hz, b_hn`. Then write r as a sigmoid "
            "of the terms with `W_ir`, `b_ir`, `W_hr` and `b_hr`; z has the same form with the "
            "z weights, and n follows the formula above.",
        ),
    ),
    "check_masked_loss": Steps(
        more=Message(
            ja="手順は 3 つです。"
            '1 つ目に、`F.cross_entropy` に `reduction="none"` を付けて、ステップごとの損失 (N, T) を得ます。'
            "`F.cross_entropy` はクラスの次元が dim=1 の形を受け取るので、`logits` を (N, 3, T) へ"
            "並べ替えるか、(N·T, 3) と (N·T,) へ平らにします。"
            "2 つ目に、`lengths` から、本物のステップで True になるマスク (N, T) を作ります。"
            "位置 t が本物なのは t < lengths[i] のときで、ラベルが 0 かどうかでは見分けられません。"
            "3 つ目に、マスクが True の位置の損失だけを平均します。割る数は本物のステップの数です。",
            en='Three steps. First, `F.cross_entropy` with `reduction="none"` gives one loss per '
            "step, (N, T); it wants the classes in dim 1, so rearrange `logits` to (N, 3, T), or "
            "flatten to (N·T, 3) and (N·T,). Second, build from `lengths` a mask (N, T) that is "
            "True at the real steps: position t is real where t < lengths[i], which the label 0 "
            "cannot tell you. Third, average the losses where the mask is True only, dividing by "
            "the number of real steps.",
        ),
        first_step=Message(
            ja="最初の一手はマスクです。"
            "位置の番号 `torch.arange(T)` の形は (T,)、`lengths.unsqueeze(1)` の形は (N, 1) です。"
            "両者を比べると、ブロードキャストで (N, T) の真偽値ができます: "
            "`mask = torch.arange(labels.shape[1]) < lengths.unsqueeze(1)`。"
            "`mask[0]` を表示して、`lengths[0]` 個の True のあとに False が並ぶことを確かめましょう。",
            en="The first move is the mask. The positions `torch.arange(T)` have shape (T,) and "
            "`lengths.unsqueeze(1)` has shape (N, 1), so comparing them broadcasts to booleans of "
            "shape (N, T): `mask = torch.arange(labels.shape[1]) < lengths.unsqueeze(1)`. Print "
            "`mask[0]` and check that it holds `lengths[0]` Trues, then Falses.",
        ),
    ),
    "check_parity_hidden": Steps(
        more=Message(
            ja="チェックは 3 つの初期値から学習し、3 回ともテストの正解率が 90% 以上になるかを見ます。"
            "隠れ状態が小さいと、初期値によっては 50% 付近で行き詰まります。"
            "大きくすると行き詰まりにくくなりますが、チェックの時間は長くなります。"
            "小さな値から始めて、ヒントに出る 3 回の正解率を見ながら大きくしていきましょう。",
            en="The check trains from three initial weights and asks that all three runs reach a "
            "test accuracy of at least 90%. With a small hidden state, some starting weights get "
            "stuck near 50%; a larger one gets stuck far less often, but the check takes longer. "
            "Start small and grow it while reading the three accuracies the hint reports.",
        ),
        first_step=Message(
            ja="問題文のすすめどおり `hidden_size = 2` で実行し、ヒントに出る 3 回の正解率を読みます。"
            "90% に届かない回があれば、4、8 と 2 倍ずつ増やして、3 回とも届く値を探します。"
            "1 回のチェックに数秒から 20 秒ほどかかるので、1 ずつより 2 倍ずつのほうが早く見つかります。",
            en="As the statement suggests, run the check with `hidden_size = 2` and read the three "
            "accuracies in the hint. If a run stays below 90%, double the size, 4, then 8 and so "
            "on, until all three get there. Each check takes a few seconds to about 20, so "
            "doubling finds it sooner than adding one at a time.",
        ),
    ),
}
