"""Help in steps for chapter 07 (the playground): how to explore, never the value itself."""

from __future__ import annotations

from ..._i18n import Message
from . import Steps

STEPS: dict[str, Steps] = {
    "check_diverging_lr": Steps(
        more=Message(
            ja="発散とは、損失が下がるどころか急に大きくなり、やがて数でなくなる（inf や nan）ことです。"
            "学習率が大きすぎると、1 回の更新で谷を飛び越えて、かえって損失の高い所へ出てしまいます。"
            "プレイグラウンドで XOR を開き、学習率のスライダー（対数目盛）を右へ動かしながら、"
            "損失の曲線と、図の上の状態が「発散しました」になるかを見ましょう。"
            "問題文のとおり、およそ 5〜30 は境目で結果が揺れるので、その範囲よりはっきり大きい値を選びます。",
            en="Diverging means that the loss, instead of falling, shoots up until it is no longer a "
            "number (inf or nan): with too large a learning rate, each update jumps right over the "
            "valley. Open the playground on XOR and move the learning-rate slider (a log scale) to "
            "the right, watching the loss curve and the state above the figure: does it say "
            '"diverged"? As the statement says, about 5 to 30 is the edge, where the outcome '
            "wavers, so pick a value clearly above that range.",
        ),
        first_step=Message(
            ja="XOR・Adam で、学習率だけを動かせるプレイグラウンドを開きます: "
            '`playground(task="xor", optimizer="adam", controls=("lr",))`。'
            "スライダーを少しずつ右へ動かし、損失が跳ね上がって状態が「発散しました」に変わる"
            "学習率を書き留めます。"
            "その値を `lr` に入れてチェックを実行し、境目だと言われたら、もっと大きくします。",
            en="Open a playground on XOR with Adam where only the learning rate moves: "
            '`playground(task="xor", optimizer="adam", controls=("lr",))`. Move the slider to the '
            "right a little at a time and note the learning rate at which the loss jumps up and "
            'the state turns to "diverged". Put that value in `lr` and run the check; if it says '
            "the value is at the edge, make it larger.",
        ),
    ),
    "check_fewest_hidden": Steps(
        more=Message(
            ja="tanh の隠れユニット 1 個にできるのは、平面に直線を 1 本引くことだけです。"
            "出力はそれらの直線を組み合わせて境界を作るので、円の内側を囲むには、"
            "ぐるりと囲める形ができるだけの本数が要ります。"
            "プレイグラウンドで円のデータを開き、隠れユニット数のスライダーを 1 ずつ動かして、"
            "決定境界の形と、図の上のテスト正解率を見比べましょう。",
            en="One tanh hidden unit can only draw one straight line across the plane. The output "
            "combines those lines into a boundary, so enclosing the inside of the circle takes "
            "as many lines as it needs to form a closed shape around it. Open the playground on "
            "the circle, move the hidden-units slider one step at a time, and compare the shape "
            "of the decision boundary and the test accuracy above the figure.",
        ),
        first_step=Message(
            ja='`playground(task="circle", hidden=1, controls=("hidden",))` で始めます'
            "（活性化関数は既定の tanh です）。"
            "1 個では境界は直線 1 本です。"
            "スライダーで 1 つずつ増やし、毎回学習が終わるまで待って、"
            "テスト正解率が途中で一度でも 95% を超える最初の数を探します。"
            "見つけたら、その 1 つ少ない数では届かないことも確かめてから `hidden` に入れましょう。",
            en='Start with `playground(task="circle", hidden=1, controls=("hidden",))` (the '
            "activation is tanh by default). With one unit the boundary is a single line. Add one "
            "unit at a time with the slider, let each run finish, and look for the first number "
            "whose test accuracy goes above 95% at some point. Before you put it in `hidden`, "
            "check that one unit fewer does not get there.",
        ),
    ),
    "check_regression_fix": Steps(
        more=Message(
            ja="この章の第6節で見たとおり、学習が止まる原因は 3 つあります。"
            "±10 まである入力のせいで最初の更新が大きすぎること、隠れユニットが少ないこと、"
            "学習率の小さい SGD では平らな所から抜け出せないことです。"
            "変えてよい 7 つの設定のうち、それぞれの原因に効くものを考えましょう。"
            'プレイグラウンドでプリセット `"original_regression"` を開き、設定を 1 つずつ変えて、'
            "損失の曲線が 33 付近の平らな所から下がり始めるかを見ます。",
            en="As section 6 of this chapter shows, training stalls for three reasons: inputs up to ±10 make "
            "the first updates too large, there are few hidden units, and plain SGD with a small "
            "learning rate cannot leave the flat region. Of the seven settings you may change, "
            "think which one acts on each cause. Open the playground with the preset "
            '`"original_regression"`, change one setting at a time, and watch whether the loss '
            "curve leaves the plateau near 33.",
        ),
        first_step=Message(
            ja='まず入出力のスケーリングだけを試します。`changes = {{"scale": True}}` で'
            "チェックを実行し、1000 ステップ後の MSE を見ましょう。"
            "それだけでは 1 を下回りません。"
            '次に `playground(preset="original_regression", controls=("scale", "optimizer", '
            '"activation", "hidden", "lr"))` で「回帰の入出力を 1/10 に」をオンにしたまま、'
            "最適化手法・活性化関数・隠れユニット数を 1 つずつ変え、効いた変更を辞書に足していきます。",
            en='Try the scaling alone first: run the check with `changes = {{"scale": True}}` and '
            "read the MSE after 1000 steps. That alone does not bring it below 1. Then, in "
            '`playground(preset="original_regression", controls=("scale", "optimizer", '
            '"activation", "hidden", "lr"))`, keep "scale regression by 1/10" ticked and change '
            "the optimizer, the activation and the hidden units one at a time, adding each change "
            "that helps to the dict.",
        ),
    ),
}
