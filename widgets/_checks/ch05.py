"""Exercise checks for chapter 05 (training and optimization)."""

from __future__ import annotations

import copy
from numbers import Real

import torch
import torch.nn.functional as F
from torch import nn

from .._i18n import Message
from .._validate import unwrap_number
from .compare import close
from .verdict import (
    STUB_FUNCTION,
    Verdict,
    exercise,
    failed,
    not_yet,
    passed,
    returned_none,
    untouched_stub,
)

# 1. The training step, in the right order -----------------------------------------

STEP_TITLE = Message(ja="学習の 1 ステップ", en="One training step")
STEP_NOT_CALLABLE = Message(
    ja="train_step が関数ではありません。def train_step(model, X, y, loss_fn, optimizer): の形で書きましょう。",
    en="train_step is not a function. Write def train_step(model, X, y, loss_fn, optimizer):",
)
STEP_NO_UPDATE = Message(
    ja="1 回呼んでもパラメータが変わりませんでした。optimizer.step() は loss.backward() の後に呼びます"
    "（zero_grad() を backward() と step() の間に入れると、求めた勾配が消えてしまいます）。",
    en="One call left the parameters unchanged. Call optimizer.step() after loss.backward() "
    "(a zero_grad() between backward() and step() wipes the gradients just computed).",
)
STEP_ACCUMULATES = Message(
    ja="1 回目は正しく更新されましたが、2 回目がずれています。勾配は足し算でたまっていくので、"
    "毎回 optimizer.zero_grad() で 0 に戻しましょう。",
    en="The first call updated correctly, the second did not: gradients add up across calls, "
    "so reset them every time with optimizer.zero_grad().",
)
STEP_WRONG_UPDATE = Message(
    ja="パラメータの更新が、正しい順序（zero_grad → 順伝播 → 損失 → backward → step）のときと一致しません。",
    en="The update differs from the one in the right order (zero_grad → forward → loss → backward → step).",
)
STEP_RETURN = Message(
    ja="train_step が {got} を返しました。損失を Python の数で返しましょう（loss.item()）。",
    en="train_step returned {got}. Return the loss as a Python number (loss.item()).",
)
STEP_RETURN_TENSOR = Message(
    ja="値は合っていますが、テンソルのまま返しています。loss.item() で Python の数にして返しましょう（この講座で「Python の数」と書いたら .item() で取り出した数のことです）。",
    en="The value is right, but it is returned as a tensor. Return loss.item(), a Python number (when this course asks for a Python number, take it out with .item()).",
)
STEP_RETURN_WRONG = Message(
    ja="返した値 {got:.4f} が、更新前の損失 {want:.4f} と違います。更新前に計算した loss.item() を返しましょう。",
    en="The returned {got:.4f} is not the loss before the update, {want:.4f}. Return loss.item() from this step.",
)
STEP_OK = Message(
    ja="3 回続けて呼んでも、正しい順序と同じように更新されました（損失 {first:.3f} → {last:.3f}）。",
    en="Three calls in a row updated exactly as in the right order (loss {first:.3f} → {last:.3f}).",
)


def step_problem() -> tuple[nn.Module, torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(5)
    X = torch.randn(16, 3, generator=g)
    y = X @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.3
    model = nn.Linear(3, 1)
    with torch.no_grad():
        model.weight.copy_(torch.randn(1, 3, generator=g))
        model.bias.zero_()
    return model, X, y


def reference_step(model, X, y, loss_fn, optimizer) -> float:
    optimizer.zero_grad()
    loss = loss_fn(model(X), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def params(model: nn.Module) -> torch.Tensor:
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()]).clone()


@exercise(STEP_TITLE)
def check_train_step(train_step: object) -> Verdict:
    """Exercise 1: ``train_step(model, X, y, loss_fn, optimizer)`` does one update, returns the loss."""
    if not callable(train_step):
        return failed(STEP_NOT_CALLABLE())
    if untouched_stub(train_step):
        return not_yet(STUB_FUNCTION())
    model, X, y = step_problem()
    ours = copy.deepcopy(model)
    mine_opt = torch.optim.SGD(model.parameters(), lr=0.1)
    ours_opt = torch.optim.SGD(ours.parameters(), lr=0.1)
    losses = []
    for call in range(3):
        before = params(model)
        got = train_step(model, X, y, nn.MSELoss(), mine_opt)
        want = reference_step(ours, X, y, nn.MSELoss(), ours_opt)
        after = params(model)
        if torch.equal(before, after):
            return failed(STEP_NO_UPDATE())
        if not close(after, params(ours), atol=1e-6):
            return failed(STEP_ACCUMULATES() if call > 0 else STEP_WRONG_UPDATE())
        if got is None:
            return returned_none(train_step, "train_step")
        number = unwrap_number(got)
        if isinstance(number, bool) or not isinstance(number, Real):
            return failed(STEP_RETURN(got=type(got).__name__))
        if abs(float(number) - want) > 1e-5 * max(1.0, abs(want)):
            return failed(STEP_RETURN_WRONG(got=float(number), want=want))
        if isinstance(got, torch.Tensor):
            return failed(STEP_RETURN_TENSOR())
        losses.append(want)
    return passed(STEP_OK(first=losses[0], last=losses[-1]))


# 2. The right loss for logits ----------------------------------------------------

LOGITS_TITLE = Message(ja="logits に合う損失", en="The right loss for logits")
LOGITS_NOT_TENSOR = Message(
    ja="loss が {got} です。損失関数を呼んだ結果（0 次元のテンソル）を入れましょう。",
    en="loss is a {got}. Store the result of calling the loss function (a 0-d tensor).",
)
LOGITS_SOFTMAX = Message(
    ja="softmax で確率にしてから CrossEntropyLoss に渡しています。CrossEntropyLoss は中で log_softmax をとるので、"
    "logits（モデルの出力）をそのまま渡しましょう。",
    en="You turned the logits into probabilities with softmax before CrossEntropyLoss, which takes "
    "log_softmax itself. Pass the raw logits.",
)
LOGITS_NLL = Message(
    ja="NLLLoss に logits をそのまま渡しています。NLLLoss は log_softmax 済みの値を受け取る関数です。"
    "logits には nn.CrossEntropyLoss を使いましょう。",
    en="NLLLoss got raw logits, but it expects log-probabilities (after log_softmax). "
    "Use nn.CrossEntropyLoss for logits.",
)
LOGITS_WRONG = Message(
    ja="値が交差エントロピー {want:.4f} と違います（{got:.4f}）。多クラス分類の logits と long のラベルには nn.CrossEntropyLoss() を使います。",
    en="The value {got:.4f} is not the cross-entropy {want:.4f}. For multi-class logits and long labels use nn.CrossEntropyLoss().",
)
LOGITS_OK = Message(
    ja="交差エントロピーは {value:.4f} です。", en="The cross-entropy is {value:.4f}."
)


@exercise(LOGITS_TITLE)
def check_logits_loss(logits: torch.Tensor, labels: torch.Tensor, loss: object) -> Verdict:
    """Exercise 2: ``loss`` is the cross-entropy of raw ``logits`` against ``labels``."""
    if isinstance(loss, Real) and not isinstance(loss, bool):  # loss.item() is right too
        loss = torch.tensor(float(loss))
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
        return failed(LOGITS_NOT_TENSOR(got=type(loss).__name__))
    logits, labels = logits.detach(), labels.detach().long()
    got = loss.detach().reshape(())
    want = F.cross_entropy(logits, labels)
    if close(got, want, atol=1e-5):
        return passed(LOGITS_OK(value=want.item()))
    if close(got, F.cross_entropy(F.softmax(logits, dim=1), labels), atol=1e-5):
        return failed(LOGITS_SOFTMAX())
    if close(got, F.nll_loss(logits, labels), atol=1e-5):
        return failed(LOGITS_NLL())
    return failed(LOGITS_WRONG(got=got.item(), want=want.item()))


# 3. Accuracy -----------------------------------------------------------------------

ACC_TITLE = Message(ja="正解率を求める", en="Compute the accuracy")
ACC_NOT_CALLABLE = Message(
    ja="accuracy が関数ではありません。def accuracy(logits, labels): の形で書きましょう。",
    en="accuracy is not a function. Write def accuracy(logits, labels):",
)
ACC_NOT_NUMBER = Message(
    ja="accuracy が {got} を返しました。正解率を Python の数で返しましょう（.item()）。",
    en="accuracy returned {got}. Return the accuracy as a Python number (.item()).",
)
ACC_COUNT = Message(
    ja="正解の個数 {got} を返しています。個数をデータ数で割って、0 から 1 の割合にしましょう。",
    en="It returned the number of correct answers, {got}. Divide by the number of items to get a fraction from 0 to 1.",
)
ACC_PERCENT = Message(
    ja="百分率 {got} を返しています。0 から 1 の割合で返しましょう（100 を掛けない）。",
    en="It returned a percentage, {got}. Return a fraction from 0 to 1 (do not multiply by 100).",
)
ACC_WRONG_DIM = Message(
    ja="予測したクラスの取り方が違うようです。各行（1 枚ずつ）で最大の列を選ぶので logits.argmax(dim=1) です（dim=0 は列ごとに最大の行を選びます）。",
    en="The predicted classes look wrong: pick the largest column of each row (each item), logits.argmax(dim=1) (dim=0 picks the largest row of each column).",
)
ACC_INT_DIV = Message(
    ja="{got} が返りました。// は切り捨ての割り算なので、正解率が 0 か 1 になってしまいます。/ で割るか、.float().mean() を使いましょう。",
    en="It returned {got}: // is floor division, so the accuracy becomes 0 or 1. Divide with /, or use .float().mean().",
)
ACC_BY_CLASSES = Message(
    ja="正解の個数をクラスの数で割っています。割るのはデータの個数 len(labels)（logits の行数）です。",
    en="The number of right answers is divided by the number of classes. Divide by the number of items, len(labels) (the rows of logits).",
)
ACC_TENSOR = Message(
    ja="値は合っていますが、テンソルのまま返しています。.item() で Python の数にして返しましょう（この講座で「Python の数」と書いたら .item() で取り出した数のことです）。",
    en="The value is right, but it is returned as a tensor. Return a Python number with .item() (when this course asks for a Python number, take it out with .item()).",
)
ACC_WRONG = Message(
    ja="{got} が返りましたが、正しい正解率は {want} です。(logits.argmax(dim=1) == labels) の平均を取りましょう。",
    en="It returned {got}, but the accuracy is {want}. Take the mean of (logits.argmax(dim=1) == labels).",
)
ACC_OK = Message(ja="{n} 通りのバッチで正しい正解率になりました。", en="Right on all {n} batches.")


def accuracy_cases() -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Batches, a square one first: there argmax(dim=0) runs and can be told apart."""
    g = torch.Generator().manual_seed(3)
    cases = []
    for n, classes in ((10, 10), (8, 10), (7, 3), (12, 10)):
        logits = torch.randn(n, classes, generator=g)
        labels = torch.randint(classes, (n,), generator=g)
        labels[: n // 2] = logits[: n // 2].argmax(dim=1)  # about half right
        cases.append((logits, labels))
    return cases


def accuracy_hint(got: float, logits: torch.Tensor, labels: torch.Tensor) -> Verdict | None:
    """None when ``got`` is the accuracy; else the verdict naming the likely mistake."""
    n, classes = logits.shape
    right = (logits.argmax(dim=1) == labels).sum().item()
    want = right / n
    if abs(got - want) < 1e-6:
        return None
    if abs(got - right) < 1e-6:
        return failed(ACC_COUNT(got=got))
    if abs(got - 100 * want) < 1e-4:
        return failed(ACC_PERCENT(got=got))
    if abs(got - right // n) < 1e-6:
        return failed(ACC_INT_DIV(got=got))
    if classes != n and abs(got - right / classes) < 1e-6:
        return failed(ACC_BY_CLASSES())
    by_columns = (logits.argmax(dim=0) == labels).float().mean().item() if classes == n else None
    if (by_columns is not None and abs(got - by_columns) < 1e-6) or 0 <= got <= 1:
        return failed(ACC_WRONG_DIM())
    return failed(ACC_WRONG(got=got, want=want))


@exercise(ACC_TITLE)
def check_accuracy(accuracy: object) -> Verdict:
    """Exercise 3: ``accuracy(logits, labels)`` returns the fraction of right predictions.

    The value is judged first (the mistake that matters), then its type: a one-element
    tensor with the right value gets the ``.item()`` hint.
    """
    if not callable(accuracy):
        return failed(ACC_NOT_CALLABLE())
    if untouched_stub(accuracy):
        return not_yet(STUB_FUNCTION())
    cases = accuracy_cases()
    tensor_returned = False
    for logits, labels in cases:
        try:
            got = accuracy(logits.clone(), labels.clone())
        except RuntimeError as error:
            if "must match the size" in str(error):  # argmax(dim=0) against labels
                return failed(ACC_WRONG_DIM())
            raise
        if got is None:
            return returned_none(accuracy, "accuracy")
        number = unwrap_number(got)
        if isinstance(number, bool) or not isinstance(number, Real):
            return failed(ACC_NOT_NUMBER(got=type(got).__name__))
        if (verdict := accuracy_hint(float(number), logits, labels)) is not None:
            return verdict
        tensor_returned = tensor_returned or isinstance(got, torch.Tensor)
    if tensor_returned:
        return failed(ACC_TENSOR())
    return passed(ACC_OK(n=len(cases)))
