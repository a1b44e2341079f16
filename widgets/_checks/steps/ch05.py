"""Help in steps for chapter 05 (optimization): levels 2 and 3 of each exercise."""

from __future__ import annotations

from ..._i18n import Message
from . import Steps

STEPS: dict[str, Steps] = {
    "check_train_step": Steps(
        more=Message(
            ja=(
                "5 行は、第1節の学習ループの中身と同じで、順番も同じです。"
                "オプティマイザで勾配を 0 に戻す、予測から損失を求める（予測が先、正解があと）、損失から勾配を求める、オプティマイザでパラメータを更新する、の順です。"
                "最後に、更新の前に求めた損失を Python の数にして返します。"
                "`step()` を `backward()` より前に呼んだり、2 つの間で `zero_grad()` を呼んだりすると、パラメータは変わりません。"
            ),
            en=(
                "The five lines are the body of section 1's training loop, in the same order: "
                "reset the gradients with the optimizer, compute the loss from the prediction "
                "(prediction first, target second), backpropagate from the loss, and let the "
                "optimizer update the parameters. Then return the loss computed before the "
                "update, as a Python number. Calling `step()` before `backward()`, or "
                "`zero_grad()` between the two, leaves the parameters unchanged."
            ),
        ),
        first_step=Message(
            ja=(
                "まず 1 行目です。`optimizer.zero_grad()` で前の呼び出しが残した勾配を捨てます。これがないと、呼ぶたびに勾配が前の分に足し込まれます。"
                "この 1 行を関数の先頭に置いたら、次は `X` に対するモデルの予測と正解 `y` から損失を求める行です。"
                "損失関数には予測を先、正解をあとに渡します。そのあとに、勾配を求める行、更新する行、損失を返す行が続きます。"
            ),
            en=(
                "First the opening line: `optimizer.zero_grad()` throws away the gradients the "
                "previous call left behind; without it, every call adds its gradients to the "
                "last ones. With that line at the top of the function, the next one computes the "
                "loss from the model's prediction on `X` and the target `y`, passing the "
                "prediction first. After it come the backward pass, the update and the line "
                "that returns the loss."
            ),
        ),
    ),
    "check_logits_loss": Steps(
        more=Message(
            ja=(
                "多クラス分類でロジットをそのまま受け取る損失関数は `nn.CrossEntropyLoss` です。中で log_softmax をとるので、`logits` は softmax をかけずにそのまま渡します。"
                "ラベルは、1 行に 1 つのクラス番号を `torch.long`（int64）で受け取ります。"
                "ここのラベルは float（0.0, 1.0, 2.0, 1.0）なので、先に型を変えます。"
                "損失関数を作ってから、予測を先、ラベルをあとにして呼びます。"
            ),
            en=(
                "The loss function for multi-class logits, taken as they are, is "
                "`nn.CrossEntropyLoss`: it applies log_softmax itself, so pass `logits` without a "
                "softmax first. It wants the labels as class numbers of dtype `torch.long` "
                "(int64), one per row; the labels here are floats (0.0, 1.0, 2.0, 1.0), so convert "
                "them first. Create the loss function, then call it with the prediction first and "
                "the labels second."
            ),
        ),
        first_step=Message(
            ja=(
                "まずラベルの型を直して、確かめます。`labels.dtype` は `torch.float32` で、"
                "`labels.long()` は dtype が `torch.int64` の `tensor([0, 1, 2, 1])` です。これが CrossEntropyLoss の求めるクラス番号です。"
                "残りは、損失関数を作って、ロジットとこのラベルで呼ぶことです。"
            ),
            en=(
                "First fix the labels' dtype and look: `labels.dtype` is `torch.float32`, and "
                "`labels.long()` is `tensor([0, 1, 2, 1])` with dtype `torch.int64`, the class "
                "numbers CrossEntropyLoss wants. What is left is to create the loss function and "
                "call it on the logits and these labels."
            ),
        ),
    ),
    "check_accuracy": Steps(
        more=Message(
            ja=(
                "手順は 3 つです。各行の予測クラスは、ロジットが最大の列です。クラスの軸（dim=1）に沿って `argmax` をとると、形 (N,) になります。"
                "それを `labels` と要素ごとに比べると、N 個の真偽値が得られます。"
                "正解率はそのうち真の割合です。float にして平均をとるか、個数を数えて N で割り、`.item()` で Python の数にして返します。"
            ),
            en=(
                "Three steps. Each row's predicted class is the column with the largest logit: "
                "`argmax` along the class axis (dim=1), which gives shape (N,). Comparing that "
                "with `labels` element by element gives N booleans, and the accuracy is the share "
                "of true ones: convert to float and take the mean, or count and divide by N, then "
                "return it as a Python number with `.item()`."
            ),
        ),
        first_step=Message(
            ja=(
                "まず予測を小さな例で確かめます。例として `z = torch.tensor([[0.1, 2.0, -1.0], [3.0, 0.5, 0.2]])` とします。"
                "`z.argmax(dim=1)` は `tensor([1, 0])` で、1 行に 1 つのクラス、形は (2,) です。"
                "`labels = torch.tensor([1, 2])` なら 1 つ目が正解、2 つ目が不正解なので、正解率は 0.5 になるはずです。"
                "残りは、比べて、平均をとって、返すことです。"
            ),
            en=(
                "First check the predictions on a small case: for "
                "`z = torch.tensor([[0.1, 2.0, -1.0], [3.0, 0.5, 0.2]])`, `z.argmax(dim=1)` is "
                "`tensor([1, 0])`, one class per row, shape (2,). With "
                "`labels = torch.tensor([1, 2])` the first is right and the second wrong, so the "
                "accuracy should come out as 0.5. Left for you: compare, average and return."
            ),
        ),
    ),
}
