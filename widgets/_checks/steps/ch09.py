"""Help in steps for chapter 09 (regularization and transfer): levels 2 and 3 of each exercise."""

from __future__ import annotations

from ..._i18n import Message
from . import Steps

STEPS: dict[str, Steps] = {
    "check_early_stopping": Steps(
        more=Message(
            ja="覚えておく値は 3 つです。"
            "それまでの最小の検証の損失、そのエポックの番号、そのときの `state_dict` のコピーです。"
            "エポックは 1 から `max_epochs` まで数えます。"
            "損失が最小より小さいとき（等しいときは改善ではありません）に 3 つを更新します。"
            "そうでないときは、「いまのエポック − いちばんよかったエポック」が `patience` に達したらループを抜けます。"
            "`model.state_dict()` はパラメータそのものを指しているので、学習を続けると中身が変わります。"
            "`copy.deepcopy` でコピーを取っておき、最後に `model.load_state_dict` で戻します。",
            en="Three things are remembered: the lowest validation loss so far, the number of its "
            "epoch, and a copy of the `state_dict` at that point. Epochs are counted from 1 to "
            "`max_epochs`. When the loss is lower than the best (an equal one is no "
            'improvement), update all three; otherwise leave the loop once "this epoch − the '
            'best epoch" reaches `patience`. `model.state_dict()` refers to the parameters '
            "themselves, so further training changes what it holds: keep a copy made with "
            "`copy.deepcopy`, and load it back at the end with `model.load_state_dict`.",
        ),
        first_step=Message(
            ja="最初は、覚えておく値の準備とループです: "
            '`best_loss, best_epoch, best_state = float("inf"), 0, None` と '
            "`for epoch in range(1, max_epochs + 1):`。"
            "最初の損失は必ず `inf` より小さいので、1 エポック目で必ず 3 つが更新されます。"
            "ループの中の学習と検証は、問題文の 1 つ目の項目のとおりです。"
            "検証の損失を `best_loss` と比べるところから先を書きましょう。",
            en="Start with the remembered values and the loop: "
            '`best_loss, best_epoch, best_state = float("inf"), 0, None` and '
            "`for epoch in range(1, max_epochs + 1):`. Any first loss is below `inf`, so the first "
            "epoch always updates all three. Inside the loop, training and validating are as the "
            "statement's first point says; what is left starts with comparing the validation "
            "loss with `best_loss`.",
        ),
    ),
    "check_augmentations": Steps(
        more=Message(
            ja="手書き数字で安全なのは、小さな回転・平行移動・拡大縮小です。"
            "どれも `v2.RandomAffine` 1 つで指定できます。"
            "反転（左右・上下）、白黒の反転、大きな回転は、数字を別の形に変えてしまうので使いません。"
            "平行移動は画像の 1 割程度までにすると、数字がはみ出しません。"
            "`v2.Normalize` や `v2.Resize` は毎回同じ結果になる前処理なので、データ拡張にはなりません。"
            "出力の形は (1, 28, 28) のままにします。",
            en="What is safe for handwritten digits is a small rotation, shift or zoom, all of which "
            "one `v2.RandomAffine` can do. Flips (left–right or up–down), inverting black and "
            "white, and large rotations turn a digit into another shape, so leave them out. A "
            "shift of up to about a tenth of the image keeps the digit inside it. `v2.Normalize` "
            "and `v2.Resize` give the same result every time: they are preprocessing, not "
            "augmentation. The output keeps the shape (1, 28, 28).",
        ),
        first_step=Message(
            ja="変換を 1 つ決めたら、チェックの前に目で確かめます。"
            "第5節のように、訓練データの 1 枚 `X_train[0]` に `augment` を何度かかけ、"
            '`plt.imshow(augment(X_train[0])[0], cmap="gray_r")` で並べます。'
            "同じ数字に見えるか、毎回少しずつ違うか、はみ出していないかを見ましょう。"
            "まずは `v2.RandomAffine` の回転の範囲 `degrees` だけを小さく決めて試し、"
            "それから平行移動 `translate` と拡大縮小 `scale` を足していきます。",
            en="Once you have a transform, look before you check: as in section 5, apply "
            "`augment` several times to one training image, `X_train[0]`, and show each with "
            '`plt.imshow(augment(X_train[0])[0], cmap="gray_r")`. Is it still the same digit, a '
            "little different each time, and still inside the image? Start with a small "
            "rotation range, `degrees`, in `v2.RandomAffine`, then add the shift `translate` "
            "and the zoom `scale`.",
        ),
    ),
    "check_freeze": Steps(
        more=Message(
            ja="順番が大切です。"
            "まず `features` のすべてのパラメータの `requires_grad` を False にして固定します。"
            "`eval()` や `torch.no_grad()` では固定になりません。"
            "次に `fc` を、入力の数は元の `fc` と同じ（`in_features`）で出力が 5 の、新しい `nn.Linear` に付け替えます。"
            "新しく作った層は `requires_grad=True` のままです。"
            "最後に Adam を作り、`requires_grad` が True のパラメータだけを渡します。"
            "fc を付け替える前に Adam を作ると、古い fc のパラメータを持ってしまいます。",
            en="The order matters. First freeze `features`: set `requires_grad` to False on all "
            "of its parameters (`eval()` and `torch.no_grad()` freeze nothing). Next replace `fc` "
            "with a new `nn.Linear` that takes as many inputs as the old one (`in_features`) and "
            "gives 5 outputs; a newly made layer keeps `requires_grad=True`. Only then create "
            "the Adam, passing just the parameters whose `requires_grad` is True: an Adam made "
            "before `fc` is replaced holds the old `fc`'s parameters.",
        ),
        first_step=Message(
            ja="最初の一手は特徴抽出器の固定です: `model.features.requires_grad_(False)`。"
            "これで `features` のパラメータはすべて学習されなくなります。"
            "`[p.requires_grad for p in model.parameters()]` を表示して確かめましょう。"
            "True が fc の重みとバイアスの 2 つだけになっていれば、次は fc の付け替えです。",
            en="The first move is to freeze the feature extractor: "
            "`model.features.requires_grad_(False)`. None of the parameters of `features` will "
            "train from then on. Check it by printing "
            "`[p.requires_grad for p in model.parameters()]`: if only two are True (the weight "
            "and bias of fc), replacing fc comes next.",
        ),
    ),
}
